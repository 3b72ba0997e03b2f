#!/usr/bin/env python3
"""Benchmark: reportsearch against a naive Whoosh+jieba set-up and the jieba-only limit.

    python bench/run.py --bulk PATH/gov-work-reports.tar.xz --subset 300
    python bench/run.py --bulk PATH/gov-work-reports.tar.xz            # all 3,004 reports

Everything is measured side by side in one run and printed as one Markdown table:
- limit: jieba search-mode segmentation alone of the same texts on all cores;
- naive: Whoosh with jieba.analyse.ChineseAnalyzer, one stored document per report,
  hit.highlights() for snippets — what most people would write;
- reportsearch: `reportsearch index` and `reportsearch search`.
Timings are medians (and p95) over repeated queries; the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import glob
import logging
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

QUERIES = ["行政执法", "执法人员", "行政复议", "法治政府", "营商环境", "放管服", "乡村振兴", "生态环境保护",
           "高质量发展", "依法行政", "政务服务", "安全生产", "财政收入", "科技创新", "民生", "就业",
           "一网通办", "疫情防控", "城乡融合", "困难和问题"]


def _cut(text: str) -> int:
    import jieba
    return sum(1 for _ in jieba.cut_for_search(text))


def _init() -> None:
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def du(path: str) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


class PeakRSS:
    """Peak resident memory of a process and its children, polled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _tree(self) -> list[int]:
        kids = {}
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    kids.setdefault(ppid, []).append(int(p))
                except (OSError, ValueError, IndexError):
                    pass
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += kids.get(p, [])
        return out

    def _run(self) -> None:
        while not self._stop:
            total = 0
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/status") as f:
                        for line in f:
                            if line.startswith("VmRSS:"):
                                total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop = True
        self.t.join()
        return self.peak


def run_measured(cmd: list[str], env=None) -> tuple[float, int]:
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    mon = PeakRSS(p.pid)
    _, err = p.communicate()
    peak = mon.stop()
    if p.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed: {err.decode()[-2000:]}")
    return time.perf_counter() - t, peak


def naive_index(files: list[str], d: str) -> None:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    schema = fields.Schema(path=fields.ID(stored=True), content=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True))
    ix = index.create_in(d, schema)
    w = ix.writer()
    for f in files:
        w.add_document(path=f, content=open(f, encoding="utf-8").read())
    w.commit()


def naive_query(d: str, q: str) -> None:
    from whoosh import index
    from whoosh.qparser import QueryParser
    ix = index.open_dir(d)
    with ix.searcher() as s:
        for hit in s.search(QueryParser("content", ix.schema).parse(q), limit=10):
            hit.highlights("content")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bulk", required=True, help="gov-work-reports.tar.xz or a directory of .md reports")
    ap.add_argument("--subset", type=int, default=0, help="first N files in sorted order (0: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5, help="passes over the 20 queries for warm latency")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive baseline (slow on the full corpus)")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="rs-bench-")
    try:
        src = args.bulk
        if os.path.isfile(src):
            with tarfile.open(src) as t:
                t.extractall(work, filter="data")
            src = work
        files = sorted(glob.glob(os.path.join(src, "**", "*.md"), recursive=True))
        if args.subset:
            files = files[: args.subset]
        corpus = os.path.join(work, "corpus")
        os.makedirs(corpus)
        for i, f in enumerate(files):  # flat copy: reportsearch and the baselines read the same files
            shutil.copy(f, os.path.join(corpus, f"{i:05d}-" + "-".join(f.split(os.sep)[-2:])))
        files = sorted(glob.glob(os.path.join(corpus, "*.md")))
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        texts = [open(f, encoding="utf-8").read() for f in files]
        rows = []

        # the limit: jieba alone on all cores
        _init()
        t = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(args.jobs, initializer=_init) as pool:
            pool.map(_cut, texts, chunksize=4)
        limit_s = time.perf_counter() - t
        limit_mbs = mb / limit_s

        # reportsearch: index in a fresh process, with peak memory of the process tree
        rs_ix = os.path.join(work, "rs-index")
        env = dict(os.environ, NO_COLOR="1")
        rs_s, rs_peak = run_measured([sys.executable, "-m", "reportsearch", "index", corpus, "--index", rs_ix,
                                      "--jobs", str(args.jobs)], env)
        from reportsearch.search import search
        lat = []
        for q in QUERIES:  # warm-up pass
            search(q, index_dir=rs_ix, limit=10)
        for _ in range(args.rounds):
            for q in QUERIES:
                t = time.perf_counter()
                search(q, index_dir=rs_ix, limit=10)
                lat.append(time.perf_counter() - t)
        # recall: every block that contains a query string verbatim must be found
        from reportsearch import segment
        from reportsearch.indexing import read_index

        def compact(x: str) -> str:
            return segment.fold(x).replace(" ", "")
        blocks = read_index(rs_ix, lambda s: {d["id"]: compact(d["data"]["text"]) for d in s.documents(doctype="block")})
        want_n = found_n = extra_n = 0
        for q in QUERIES:
            want = {b for b, text in blocks.items() if compact(q) in text}
            got = {h.block_id for h in search(f'"{q}"', index_dir=rs_ix, by="block", limit=10 ** 7).blocks}
            want_n, found_n, extra_n = want_n + len(want), found_n + len(want & got), extra_n + len(got - want)
        cold = []
        for q in QUERIES[:5]:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "reportsearch", "search", q, "-n", "10", "--index", rs_ix],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cold.append(time.perf_counter() - t)

        nv_lat, nv_s, nv_size, nv_peak = [], None, None, None
        if not args.skip_naive:
            nv_ix = os.path.join(work, "naive-index")
            os.makedirs(nv_ix)
            code = f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); import run; " \
                   f"run.naive_index(sorted(__import__('glob').glob({corpus!r} + '/*.md')), {nv_ix!r})"
            nv_s, nv_peak = run_measured([sys.executable, "-c", code])
            nv_size = du(nv_ix)
            for q in QUERIES:
                naive_query(nv_ix, q)
            for _ in range(args.rounds):
                for q in QUERIES:
                    t = time.perf_counter()
                    naive_query(nv_ix, q)
                    nv_lat.append(time.perf_counter() - t)

        p50, p95 = statistics.median(lat) * 1000, pct(lat, 0.95) * 1000
        rows.append(("corpus", f"{len(files)} reports, {mb:.1f} MB", ""))
        rows.append(("jieba alone, all cores (the limit)", f"{limit_mbs:.2f} MB/s", f"{args.jobs} processes"))
        rows.append(("reportsearch indexing", f"{mb / rs_s:.2f} MB/s", f"{mb / rs_s / limit_mbs:.0%} of the limit"))
        if nv_s:
            rows.append(("naive indexing", f"{mb / nv_s:.2f} MB/s", f"{mb / nv_s / limit_mbs:.0%} of the limit"))
        rows.append(("reportsearch warm query p50 / p95", f"{p50:.0f} / {p95:.0f} ms", "20 queries, top 10, snippets"))
        if nv_lat:
            n50, n95 = statistics.median(nv_lat) * 1000, pct(nv_lat, 0.95) * 1000
            rows.append(("naive warm query p50 / p95", f"{n50:.0f} / {n95:.0f} ms",
                         f"reportsearch is {n50 / p50:.1f}× faster at p50"))
        rows.append(("recall vs substring scan, 20 phrases", f"{found_n / max(want_n, 1):.2%}",
                     f"{found_n:,} of {want_n:,} blocks found, {extra_n} found without the string; "
                     f"{len(blocks):,} blocks"))
        rows.append(("reportsearch cold query (new process)", f"{statistics.median(cold):.2f} s", "median of 5"))
        rows.append(("reportsearch index size", f"{du(rs_ix) / 1e6:.0f} MB", ""))
        if nv_size:
            rows.append(("naive index size", f"{nv_size / 1e6:.0f} MB", ""))
        rows.append(("reportsearch peak memory indexing", f"{rs_peak / 1e9:.2f} GB", "process and workers"))
        if nv_peak:
            rows.append(("naive peak memory indexing", f"{nv_peak / 1e9:.2f} GB", ""))
        print("| measure | value | note |\n|---|---|---|")
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
