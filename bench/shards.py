#!/usr/bin/env python3
"""Benchmark of sharded indexes (issue 24): indexing on a Dask cluster of 1 and 2 workers, search
latency of a sharded index against one index (shards read here, and searched where they live on
the cluster), the memory of one search, and an extrapolation to 10 GB of text.

    python bench/shards.py --bulk /tmp/bulk/gov-work-reports   # the slice: every third bulk report
    python bench/shards.py --corpus DIR --quick                # any directory, one round: a smoke test

The bench starts its own cluster on 127.0.0.1 (`dask scheduler`, then `dask worker` processes of
one thread each, on free ports) and stops it by process id; it builds, in a temporary directory:
one index in 2 local processes (the reference), the sharded index in 2 local processes, and the
sharded index through the cluster with 1 worker and then with 2. Every sharded answer to the 14
mixed queries of bench/run.py is checked against the single index's (blocks, scores, order)
before any latency is reported. Memory: the peak resident set (ru_maxrss) of one new process that
runs one search, for the single index, for the sharded index read here, and for each shard as a
worker searches it (the shard at its manifest's generation, the whole index's statistics).
Timings on a shared machine are only comparable within one run: the load average is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from run import MIXED, du, pct, prepare_corpus

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROAD = "高质量发展"
TEN_GB = 10 * 1024  # MB


class Cluster:
    """A Dask scheduler and workers on 127.0.0.1, started here and stopped by their process ids."""

    def __init__(self, work: str) -> None:
        self.work, self.procs = work, []
        dask = os.path.join(os.path.dirname(sys.executable), "dask")
        self.dask = dask if os.access(dask, os.X_OK) else "dask"
        self.file = os.path.join(work, "scheduler.json")
        self._start([self.dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
                     "127.0.0.1:0", "--scheduler-file", self.file], "scheduler")
        for _ in range(600):
            if os.path.exists(self.file) and os.path.getsize(self.file):
                break
            time.sleep(0.1)
        with open(self.file) as f:
            self.address = json.load(f)["address"]
        from distributed import Client
        self.client = Client(self.address, timeout=60, set_as_default=False)

    def _start(self, cmd: list[str], name: str) -> None:
        log = open(os.path.join(self.work, f"{name}.log"), "wb")
        self.procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.work))

    def add_worker(self) -> None:
        n = len(self.procs)
        self._start([self.dask, "worker", "--scheduler-file", self.file, "--host", "127.0.0.1", "--nthreads", "1",
                     "--dashboard-address", "127.0.0.1:0", "--local-directory", os.path.join(self.work, f"w{n}")],
                    f"worker-{n}")
        self.client.wait_for_workers(n, timeout=120)

    def stop(self) -> None:
        from reportsearch.indexer import cluster  # the library's own client of this cluster, first
        for client in [*cluster._clients.values(), self.client]:
            try:
                client.close()
            except Exception:
                pass
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def log(started: float, what: str) -> None:
    print(f"[{time.perf_counter() - started:6.0f} s] {what}", file=sys.stderr, flush=True)


def timed_build(corpus: str, ix: str, **kw) -> float:
    from reportsearch.indexer import build
    t = time.perf_counter()
    summary = build([corpus], ix, **kw)
    if summary.failed:
        print(f"note: {len(summary.failed)} files could not be read", file=sys.stderr)
    return time.perf_counter() - t


def answers(ix: str, cluster: str | None = None) -> list:
    """Each mixed query's top 10 reports: their blocks, scores and order, and the matching block count."""
    from reportsearch import search
    out = []
    for q, kw in MIXED:
        r = search(q, index_dir=ix, limit=10, cluster=cluster, **kw)
        out.append((r.total, [(x.rank, x.score, [(h.block_id, h.score) for h in x.hits]) for x in r.reports]))
    return out


def warm(ix: str, rounds: int, cluster: str | None = None) -> list[float]:
    """Milliseconds per query, top 10 with snippets, after one untimed round."""
    from reportsearch import search
    times = []
    for r in range(rounds + 1):
        for q, kw in MIXED:
            t = time.perf_counter()
            search(q, index_dir=ix, limit=10, cluster=cluster, **kw)
            if r:
                times.append((time.perf_counter() - t) * 1000)
    return times


# Each measured process reports its own peak resident set (VmHWM of its own address space: the
# rusage of a child counts the memory of the bench process it was forked from).
_PEAK = """
import atexit, sys
atexit.register(lambda: print("VmHWM", open("/proc/self/status").read().split("VmHWM:")[1].split()[0],
                              file=sys.stderr))
"""
_CLI_SEARCH = _PEAK + """
from reportsearch.cli import main
main(sys.argv[1:])
"""
_SHARD_SEARCH = _PEAK + """
from reportsearch.indexer import open_shard, read_manifest
from reportsearch.searcher import compile_query
from reportsearch.searcher.engine import ranked
top, i, q = sys.argv[1], int(sys.argv[2]), sys.argv[3]
m = read_manifest(top)
compiled = compile_query(q, index_dir=top)
snap = open_shard(top + "/" + m.dirs[i], m.generations[i])
ranked(snap, compiled, q, by="report", limit=10, per_report=3, snippets=2)
"""


def rss_mb(cmd: list[str]) -> float:
    """The peak resident set (VmHWM) of one new process running cmd, as it reports it at exit."""
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [line.split()[1] for line in p.stderr.splitlines() if line.startswith("VmHWM ")]
    if p.returncode not in (0, 1) or not peak:
        sys.exit(f"{' '.join(cmd)} failed: {p.stderr[-1000:]}")
    return int(peak[-1]) / 1024


def search_cmd(ix: str) -> list[str]:
    """`reportsearch search` of the broad query, cold, as a new process."""
    return [sys.executable, "-c", _CLI_SEARCH, "search", BROAD, "-n", "10", "--index", ix]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bulk", default=os.path.join(REPO, "..", "shared", "bulk", "gov-work-reports.tar.xz"),
                    help="gov-work-reports.tar.xz or its extracted directory")
    ap.add_argument("--corpus", help="a directory of reports instead of the bulk slice")
    ap.add_argument("--shards", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the mixed query set")
    ap.add_argument("--quick", action="store_true", help="one round: a smoke test, not a measurement")
    args = ap.parse_args()
    args.full = False
    rounds = 1 if args.quick else args.rounds
    started, load = time.perf_counter(), os.getloadavg()
    os.environ.pop("REPORTSEARCH_CLUSTER", None)  # "here" means here
    work = tempfile.mkdtemp(prefix="rs-shards-")
    main_pid = os.getpid()

    def terminated(*_) -> None:  # so that `finally` stops the cluster; forked pool workers just go
        if os.getpid() != main_pid:
            os._exit(1)
        sys.exit("bench: terminated")
    signal.signal(signal.SIGTERM, terminated)
    cluster = None
    try:
        corpus = prepare_corpus(args, work)
        mb = du(corpus) / 1e6
        files = sum(len(fs) for _, _, fs in os.walk(corpus))
        log(started, f"corpus {corpus}: {files} files, {mb:.1f} MB")
        ix = {k: os.path.join(work, k) for k in ("single", "local", "c1", "c2")}
        secs = {"single": timed_build(corpus, ix["single"], jobs=2)}
        log(started, f"one index, 2 processes: {secs['single']:.0f} s")
        secs["local"] = timed_build(corpus, ix["local"], jobs=2, shards=args.shards)
        log(started, f"{args.shards} shards, 2 local processes: {secs['local']:.0f} s")
        cluster = Cluster(work)
        cluster.add_worker()
        secs["c1"] = timed_build(corpus, ix["c1"], shards=args.shards, cluster=cluster.address)
        log(started, f"{args.shards} shards, cluster of 1 worker: {secs['c1']:.0f} s")
        cluster.add_worker()
        secs["c2"] = timed_build(corpus, ix["c2"], shards=args.shards, cluster=cluster.address)
        log(started, f"{args.shards} shards, cluster of 2 workers: {secs['c2']:.0f} s")
        want = answers(ix["single"])
        same = {"local shards": answers(ix["c2"]) == want, "cluster": answers(ix["c2"], cluster.address) == want,
                "built locally": answers(ix["local"]) == want, "built by 1 worker": answers(ix["c1"]) == want}
        log(started, f"same answers as one index: {same}")
        lat = {"single": warm(ix["single"], rounds), "local": warm(ix["c2"], rounds),
               "cluster": warm(ix["c2"], rounds, cluster.address)}
        log(started, "latency measured")
        rss = {"single": rss_mb(search_cmd(ix["single"])), "local": rss_mb(search_cmd(ix["c2"]))}
        shard_rss = [rss_mb([sys.executable, "-c", _SHARD_SEARCH, ix["c2"], str(i), BROAD])
                     for i in range(args.shards)]
        sizes = [du(os.path.join(ix["c2"], d)) / 1e6 for d in sorted(os.listdir(ix["c2"])) if d.startswith("shard-")]
        log(started, "memory measured")
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)

    rate = {k: mb / s for k, s in secs.items()}
    p50 = {k: statistics.median(v) for k, v in lat.items()}
    p95 = {k: pct(v, 0.95) for k, v in lat.items()}
    gain = rate["c2"] / rate["c1"] - 1  # what the second worker added, as a share of one worker's rate
    verdicts = ", ".join(f"{k}: {'yes' if v else '**no**'}" for k, v in same.items())
    print(f"| measure ({files} reports, {mb:.1f} MB, {args.shards} shards) | value |")
    print("|---|---|")
    print(f"| indexing, one index, 2 local processes | {rate['single']:.2f} MB/s ({secs['single']:.0f} s) |")
    print(f"| indexing, {args.shards} shards, 2 local processes | {rate['local']:.2f} MB/s ({secs['local']:.0f} s) |")
    print(f"| indexing on the cluster, 1 worker | {rate['c1']:.2f} MB/s ({secs['c1']:.0f} s) |")
    print(f"| indexing on the cluster, 2 workers | {rate['c2']:.2f} MB/s ({secs['c2']:.0f} s): "
          f"{1 + gain:.2f}× one worker |")
    print(f"| same top 10 (blocks, scores, order) and counts as one index, 14 queries | {verdicts} |")
    for k, name in (("single", "one index"), ("local", "sharded, shards read here"),
                    ("cluster", "sharded, searched on the cluster (2 workers)")):
        print(f"| warm p50 / p95, {name} | {p50[k]:.1f} / {p95[k]:.1f} ms |")
    shards_rss = ", ".join(f"{r:.0f}" for r in shard_rss)
    shard_sizes = ", ".join(f"{s:.0f}" for s in sizes)
    print(f"| max RSS of one search ({BROAD}), one index | {rss['single']:.0f} MB |")
    print(f"| max RSS of one search, sharded index read here | {rss['local']:.0f} MB |")
    print(f"| max RSS of one shard's search (as a worker runs it) | {shards_rss} MB (shards of {shard_sizes} MB) |")
    for workers in (2, 8, 32):  # extrapolated, not measured: each added worker adds what the second one did
        r = rate["c1"] * (1 + (workers - 1) * gain)
        print(f"| extrapolated: indexing 10 GB with {workers} workers | " +
              (f"{TEN_GB / r / 3600:.1f} h ({r:.1f} MB/s) |" if gain > 0 else "— (no gain from a second worker) |"))
    per_mb = p95["single"] / mb  # a query's cost grows with the text it searches (matching blocks)
    overhead = max(0.0, p50["cluster"] - p50["local"])
    for shard_mb in (250, 1000):
        print(f"| extrapolated: p95 at 10 GB, shards of {shard_mb} MB, one per worker thread | "
              f"{shard_mb * per_mb + overhead:.0f} ms ({TEN_GB // shard_mb} shards) |")
    took = time.perf_counter() - started
    end = os.getloadavg()
    print(f"\nbench took {took:.0f} s on {os.cpu_count()} cores; load average at the start {load[0]:.1f}, "
          f"at the end {end[0]:.1f}")


if __name__ == "__main__":
    main()
