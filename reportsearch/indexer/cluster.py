"""The Dask cluster a sharded index is built and searched on: its address, one client per process,
and the build's tasks run on its workers.

Dask (`dask[distributed]`, the `reportsearch[cluster]` extra) is imported only here and only when
an address is given (`--cluster` or $REPORTSEARCH_CLUSTER): a local index run or search never loads
it. Workers run reportsearch's own functions, so they need the same reportsearch installed, and
they read the report files and write the shards at the same paths as the client: storage that
the client and every worker share (README: *A sharded index on a cluster*).
"""
from __future__ import annotations

import logging
import os
import re
import socket
from typing import Callable, Iterable

from ..errors import ClusterError

ENV = "REPORTSEARCH_CLUSTER"
CONNECT_SECONDS = 10.0
_ADDRESS = re.compile(r"^(?:tcp://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")
_clients: dict[str, object] = {}


def cluster_address(given: str | None = None) -> str | None:
    """--cluster, else $REPORTSEARCH_CLUSTER, else None (work locally)."""
    return given or os.environ.get(ENV) or None


def _unreachable(address: str, why: str) -> ClusterError:
    return ClusterError(f"cannot reach the Dask scheduler at {address} ({why}) — start it (`dask scheduler`) "
                        f"or fix --cluster / ${ENV}")


def connect(address: str):
    """A client of the scheduler at address (tcp://HOST:PORT), kept for the process. ClusterError,
    in one line with the address, when Dask is not installed, the address is malformed, the
    scheduler does not answer, or it has no workers."""
    m = _ADDRESS.match(address.strip())
    if not m:
        raise ClusterError(f"{address!r} is not a Dask scheduler address — give one like tcp://10.0.0.5:8786")
    address = f"tcp://{m.group(1)}:{m.group(2)}"
    client = _clients.get(address)
    if client is not None and client.status == "running":
        return client
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster {address} needs Dask: pip install 'reportsearch[cluster]'")
    for name in ("distributed", "tornado"):  # its own warnings (a lost worker, a retry) are ours to report
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:  # a refused connection fails at once, where Dask would retry until its timeout
        _greeted(m.group(1).strip("[]"), int(m.group(2)), address)
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as e:
        raise _unreachable(address, e.strerror or str(e) or type(e).__name__)
    if not workers(client):  # kept for the process only once it has passed its checks
        client.close()
        raise ClusterError(f"the Dask scheduler at {address} has no workers — start some (`dask worker {address}`)")
    _same_version(client, address)
    _clients[address] = client
    return client


def _same_version(client, address: str) -> None:
    """Every worker runs this reportsearch's functions, so it needs the same version: a worker with
    another (or none) would die at its first task, its shards 'lost'. Asked once per client, with a
    function of the standard library (which every worker can unpickle)."""
    from importlib.metadata import PackageNotFoundError, version

    mine = version("reportsearch")
    try:
        theirs = client.run(version, "reportsearch", on_error="return")
    except OSError as e:
        raise ClusterError(f"lost the Dask scheduler at {address} ({e}) — check that it runs")
    for worker, v in sorted(theirs.items()):
        if v != mine:
            what = f"reportsearch {v}" if isinstance(v, str) else (
                "no reportsearch" if isinstance(v, PackageNotFoundError) else f"an error ({type(v).__name__})")
            client.close()
            raise ClusterError(f"worker {worker} has {what}, this is reportsearch {mine} — install the same version "
                               f"on every worker (pip install 'reportsearch[cluster]=={mine}')")


def _greeted(host: str, port: int, address: str) -> None:
    """A Dask scheduler speaks first: its handshake, a message whose first 8 bytes are its length
    (little-endian). Dask's client waits for it without a time limit, so a server that waits for its
    client to speak (a web server) would hang it: wait here, CONNECT_SECONDS at most."""
    with socket.create_connection((host, port), timeout=CONNECT_SECONDS) as s:
        head = b""
        try:
            while len(head) < 8:
                got = s.recv(8 - len(head))
                if not got:
                    break
                head += got
        except TimeoutError:
            raise ClusterError(f"{address} does not answer as a Dask scheduler (nothing in {CONNECT_SECONDS:g} s) "
                               f"— check the port (the scheduler's, 8786 unless changed, not its dashboard's) "
                               f"or fix --cluster / ${ENV}")
    if len(head) < 8 or not 0 < int.from_bytes(head, "little") < 1 << 20:
        raise ClusterError(f"{address} is not a Dask scheduler (it answers another protocol) — check the port "
                           f"(the scheduler's, 8786 unless changed, not its dashboard's) or fix --cluster / ${ENV}")


def workers(client) -> list[str]:
    """The addresses of the cluster's workers now, sorted."""
    try:
        return sorted(client.nthreads())
    except OSError as e:
        raise ClusterError(f"lost the Dask scheduler at {client.scheduler.address} ({e}) — check that it runs")


def run_tasks(client, fn: Callable, jobs: Iterable[tuple], name: str,
              done: Callable[[int, object], None]) -> list:
    """fn(*job) for every job on the cluster's workers, their results in job order; done(i, result)
    as each finishes. A worker that dies takes its tasks back to the scheduler, which runs them on
    another worker (Dask: a task that kills three workers fails with KilledWorker). An exception a
    task raises is raised here."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    jobs = list(jobs)
    futures = [client.submit(fn, *job, key=f"{name}-{i}-{os.urandom(4).hex()}", pure=False)
               for i, job in enumerate(jobs)]
    order = {f.key: i for i, f in enumerate(futures)}
    results: list = [None] * len(jobs)
    try:
        for f in as_completed(futures, loop=client.loop):
            results[order[f.key]] = value = f.result()
            done(order[f.key], value)
    except KilledWorker as e:
        raise ClusterError(f"a task of {name} killed every worker that ran it ({e}) — see the workers' logs")
    except (OSError, TimeoutError) as e:
        if isinstance(e, OSError) and e.errno is not None:
            raise  # the task's own error (a full disk): the caller's to report
        raise ClusterError(f"lost the Dask scheduler at {client.scheduler.address} ({e}) — check that it runs")
    finally:
        for f in futures:
            f.release()
    return results
