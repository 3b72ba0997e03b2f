"""Shared fixtures: the sample corpus, ../shared when present, and an index in a temp dir."""
from __future__ import annotations

import contextlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SAMPLES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Tests never touch ./index or the user's home (nor its OCR cache): both point into the temp dir."""
    monkeypatch.setenv("REPORTSEARCH_INDEX", str(tmp_path / "env-index"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("XDG_CACHE_HOME", "REPORTSEARCH_OCR_CACHE", "REPORTSEARCH_OCR_MAX_PAGES"):  # OCR's cache: in HOME
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def _sample_index(tmp_path_factory) -> pathlib.Path:
    """One index of the bundled samples, built once per session (modules get copies: `ix`)."""
    from reportsearch.indexer import build
    d = tmp_path_factory.mktemp("samples-index") / "index"
    build([str(CORPUS)], str(d), jobs=1)
    return d


@pytest.fixture(scope="module")
def ix(_sample_index, tmp_path_factory) -> str:
    """An index of the bundled samples for this module's tests: its own copy, free to change."""
    import shutil
    d = tmp_path_factory.mktemp("ix") / "index"
    shutil.copytree(_sample_index, d)
    return str(d)


@pytest.fixture
def sample_text():
    def read(name: str) -> str:
        return (CORPUS / name).read_text(encoding="utf-8")
    return read


def shared_or_skip(*parts: str) -> pathlib.Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (only in the project's workplace)")
    return path


@contextlib.contextmanager
def local_cluster(root: pathlib.Path, workers: int = 2, worker_env: dict | None = None, nanny: bool = True):
    """A real Dask cluster on 127.0.0.1, on free ports: a scheduler and `workers` one-thread workers
    (under nannies unless nanny=False; `worker_env` adds to the workers' environment), logs in root;
    yields the scheduler's address once every worker has joined, and stops them all by process id.
    Skips when Dask or its `dask` command is not installed (it is in the test extra)."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    import time

    pytest.importorskip("distributed")
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    if dask is None:
        pytest.skip("Dask is installed without its `dask` command")
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("REPORTSEARCH_CLUSTER", "REPORTSEARCH_INDEX")}
    env["DASK_CONFIG"] = str(root / "config")  # not the user's ~/.config/dask
    procs = []

    def start(*args: str, log: str, extra: dict | None = None) -> None:
        with open(root / log, "wb") as out:
            procs.append(subprocess.Popen([dask, *args], stdout=out, stderr=subprocess.STDOUT,
                                          env=dict(env, **(extra or {})), start_new_session=True))
    scheduler_file = root / "scheduler.json"
    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
              "--scheduler-file", str(scheduler_file), log="scheduler.log")
        end = time.monotonic() + 60
        while not (scheduler_file.exists() and scheduler_file.stat().st_size) and time.monotonic() < end:
            time.sleep(0.1)
        for w in range(1, workers + 1):
            start("worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1", "--nthreads", "1",
                  *([] if nanny else ["--no-nanny"]), "--dashboard-address", "127.0.0.1:0",
                  "--local-directory", str(root / f"worker-{w}"), log=f"worker-{w}.log", extra=worker_env)
        from distributed import Client
        address = json.loads(scheduler_file.read_text())["address"]
        if workers:
            with Client(address, timeout=60, set_as_default=False) as c:
                c.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    """A real Dask cluster's scheduler address: $REPORTSEARCH_TEST_CLUSTER's (.ci/run starts one), or
    else one started here as .ci/run does (local_cluster: a scheduler and two one-thread workers
    under nannies), stopped at the end of the session."""
    import os

    given = os.environ.get("REPORTSEARCH_TEST_CLUSTER")
    if given:
        yield given
        return
    with local_cluster(tmp_path_factory.mktemp("dask-cluster")) as address:
        yield address


def on_terminal(args: list[str], columns: int = 80, env: dict | None = None) -> tuple[int, bytes, str]:
    """Run `python -m reportsearch ARGS` with stdout on a pseudo-terminal of the given width:
    (exit code, the bytes that reached the terminal, stderr). `env` adds variables; a value of None
    removes one (NO_COLOR: None lets colour through)."""
    import os
    import pty
    import subprocess
    import sys

    e = dict(os.environ, COLUMNS=str(columns), LINES="50", TERM="xterm-256color")
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "reportsearch", *args], stdout=slave, stderr=subprocess.PIPE,
                         env=e)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait(120)
    os.close(master)
    return p.returncode, b"".join(chunks), err
