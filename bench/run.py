#!/usr/bin/env python3
"""Benchmark: reportsearch against grep (rg), a naive Whoosh+jieba set-up and jieba alone.

    python bench/run.py                  # the 1,000-report slice (every third bulk file), ~15 min
    python bench/run.py --full           # all 3,004 reports of the bulk corpus
    python bench/run.py --quick --corpus DIR   # any directory of reports, one round (a smoke test)

Everything is measured side by side in one run and printed as one Markdown table, each row with
the target of issue 11 and whether it is met, then the latency of every query:
- reportsearch: `reportsearch index` and `reportsearch search` as new processes, and the library
  (`reportsearch.search`, `reportsearch.tally`) in this process, warm;
- rg: `rg -c QUERY` over the same raw files (skipped, and said so, when rg is not installed);
- naive: Whoosh with jieba.analyse.ChineseAnalyzer, one stored document per report,
  hit.highlights() for snippets (no section or year filters) — what most people would write;
- jieba alone: search-mode segmentation of the same texts on all cores (the indexing limit);
- a substring scan of every block (from `reportsearch.outline`), which the blocks found and the
  counts must equal;
- nDCG@10 on the judged needs of bench/needs.tsv (see bench/ndcg.py).
Only the public library and the command line are used, so the bench runs on any engine.
Timings are medians and p95s; the machine may be shared and noisy.
"""
from __future__ import annotations

import argparse
import glob
import logging
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections import Counter

import ndcg

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BULK = os.path.join(REPO, "..", "shared", "bulk", "gov-work-reports.tar.xz")

# Issue 11's mixed query set: (query, keyword arguments of reportsearch.search)
MIXED = [("行政复议", {}), ("高质量发展", {}), ("改革", {}), ("营商环境", {}), ("执法 人员 素质", {}),
         ('"严格规范公正文明执法"', {}), ("政府债务 风险", {}), ("十四五", {}), ("一带一路", {}), ("府院联动", {}),
         ("12345热线", {}), ("乡村振兴", {"sections": ("下一步计划",)}), ("就业", {"sections": ("存在问题",)}),
         ("疫情防控", {"year": "2020-2022"})]
NARROW, BROAD = "行政复议", "高质量发展"  # the cold queries of the issue
# strings whose blocks are checked against a substring scan (recall and exact counts)
RECALL = ["行政执法", "执法人员", "行政复议", "法治政府", "营商环境", "放管服", "乡村振兴", "生态环境保护",
          "高质量发展", "依法行政", "政务服务", "安全生产", "财政收入", "科技创新", "民生", "就业",
          "一网通办", "疫情防控", "城乡融合", "困难和问题"]
TARGETS = {  # issue 11; None: no target at this scale
    "slice": {"p50": 30, "p95": 150, "cold_ratio": 5.0, "cold_broad": 0.6, "size": 3.0, "speed": 0.35},
    "full": {"p50": 60, "p95": 250, "cold_ratio": None, "cold_broad": None, "size": 3.0, "speed": 0.35},
}


def _cut(text: str) -> int:
    import jieba
    return sum(1 for _ in jieba.cut_for_search(text))


def _init() -> None:
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def _outline(path: str) -> list[str]:
    """The block texts of a report, as `reportsearch outline` gives them ([] if unreadable)."""
    import reportsearch
    from reportsearch.errors import ReportSearchError
    try:
        return [b.text for b in reportsearch.outline(path).blocks]
    except ReportSearchError:
        return []


def log(started: float, what: str) -> None:
    print(f"[{time.perf_counter() - started:6.0f} s] {what}", file=sys.stderr, flush=True)


def du(path: str) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


class PeakRSS:
    """Peak resident memory of a process and its children, polled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
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
    try:
        _, err = p.communicate()
    except BaseException:  # interrupted: take the process down with the bench
        p.kill()
        raise
    finally:
        peak = mon.stop()
    if p.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed: {err.decode(errors='replace')[-2000:]}")
    return time.perf_counter() - t, peak


def cold(cmd: list[str], runs: int, env=None, ok=(0, 1)) -> float:
    """Median wall time of a command run as a new process, after one untimed run (warm page cache;
    none when runs is 1, the smoke test)."""
    times = []
    for i in range(runs + 1 if runs > 1 else 1):
        t = time.perf_counter()
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if i or runs == 1:
            times.append(time.perf_counter() - t)
        if p.returncode not in ok:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode(errors='replace')[-2000:]}")
    return statistics.median(times)


def naive_index(files: list[str], d: str) -> None:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    schema = fields.Schema(path=fields.ID(stored=True), content=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True))
    ix = index.create_in(d, schema)
    w = ix.writer()
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            w.add_document(path=f, content=fh.read())
    w.commit()


def naive_query(ix, q: str) -> None:
    from whoosh.qparser import QueryParser
    with ix.searcher() as s:
        for hit in s.search(QueryParser("content", ix.schema).parse(q), limit=10):
            hit.highlights("content")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


def reportsearch_cmd() -> list[str]:
    """`reportsearch` as a user runs it: the console script beside this Python, else `-m`."""
    script = os.path.join(os.path.dirname(sys.executable), "reportsearch")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "reportsearch"]


def corpus_files(root: str) -> list[str]:
    return sorted(f for ext in ("md", "txt", "html", "htm")
                  for f in glob.glob(os.path.join(root, "**", f"*.{ext}"), recursive=True))


def prepare_corpus(args, work: str) -> str:
    """The directory of reports to measure: the slice or the whole bulk corpus, or --corpus."""
    if args.corpus:
        return os.path.abspath(args.corpus)
    src = args.bulk
    if not os.path.exists(src):
        sys.exit(f"no bulk corpus at {src}: give --bulk PATH (the .tar.xz or its extracted directory) or --corpus DIR")
    if os.path.isfile(src):
        with tarfile.open(src) as t:
            t.extractall(os.path.join(work, "bulk"), filter="data")
        src = os.path.join(work, "bulk")
    inner = os.path.join(src, "gov-work-reports")
    root = inner if os.path.isdir(inner) else src
    if args.full:
        return root
    # the slice: every third file in sorted order, copied with its path inside the corpus kept
    # (so judged block keys hold), into a directory of its own that rg and the indexers read alike
    dst = os.path.join(work, "slice")
    for f in corpus_files(root)[::3]:
        out = os.path.join(dst, os.path.relpath(f, root))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy(f, out)
    return dst


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bulk", default=BULK, help="gov-work-reports.tar.xz or its extracted directory "
                                                 "(default: ../shared/bulk/gov-work-reports.tar.xz)")
    scale = ap.add_mutually_exclusive_group()
    scale.add_argument("--slice", action="store_true", help="every third bulk report, ~1,000 (the default)")
    scale.add_argument("--full", action="store_true", help="the whole bulk corpus")
    scale.add_argument("--corpus", help="a directory of reports instead of the bulk corpus")
    ap.add_argument("--index", help="an existing reportsearch index of the --corpus directory (indexing not measured)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the mixed query set (warm latency)")
    ap.add_argument("--cold-runs", type=int, default=5, help="new processes per cold measurement (median)")
    ap.add_argument("--skip-naive", action="store_true", help="leave out the naive set-up (slow on the full corpus)")
    ap.add_argument("--quick", action="store_true", help="one round, one cold run: a smoke test, not a measurement")
    args = ap.parse_args()
    if args.index and not args.corpus:
        ap.error("--index needs --corpus: the directory that index was built from")
    if args.quick:
        args.rounds, args.cold_runs = 1, 1
    started, load = time.perf_counter(), os.getloadavg()
    scale_name = "full" if args.full else "slice"
    target = TARGETS[scale_name]

    work = tempfile.mkdtemp(prefix="rs-bench-")
    main_pid = os.getpid()

    def terminated(*_) -> None:  # so that `finally` cleans up; pool workers (forked) just go
        if os.getpid() != main_pid:
            os._exit(1)
        sys.exit("bench: terminated")
    signal.signal(signal.SIGTERM, terminated)
    try:
        root = prepare_corpus(args, work)
        files = corpus_files(root)
        if not files:
            sys.exit(f"no reports under {root}")
        text_bytes = sum(os.path.getsize(f) for f in files)
        mb = text_bytes / 1e6
        texts = []
        for f in files:
            with open(f, encoding="utf-8", errors="replace") as fh:
                texts.append(fh.read())
        # As a user runs it: Python keeps each module's compiled bytecode after the first run, so the
        # untimed first cold run writes it (a shell that sets PYTHONDONTWRITEBYTECODE would otherwise
        # time compiling reportsearch's sources on every run).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NO_COLOR"] = "1"
        rs = reportsearch_cmd()
        rg = shutil.which("rg")
        ctx = multiprocessing.get_context("fork")

        log(started, "jieba alone")
        # jieba alone on all cores: the indexing limit
        _init()
        t = time.perf_counter()
        with ctx.Pool(args.jobs, initializer=_init) as pool:
            pool.map(_cut, texts, chunksize=4)
        limit_mbs = mb / (time.perf_counter() - t)
        del texts

        log(started, "reportsearch index")
        # reportsearch: index as a new process, with the peak memory of it and its workers
        rs_s = rs_peak = None
        if args.index:
            rs_ix = os.path.abspath(args.index)
        else:
            rs_ix = os.path.join(work, "rs-index")
            rs_s, rs_peak = run_measured(rs + ["index", root, "--index", rs_ix, "--jobs", str(args.jobs)], env)
        rs_size = du(rs_ix)

        log(started, "warm queries")
        # warm latency: the library in this process, top 10 with snippets as the CLI shows them
        import reportsearch
        per_query: dict[str, list[float]] = {}
        totals: dict[str, int] = {}
        for q, kw in MIXED:  # warm-up pass (opens the index, fills caches)
            totals[q] = reportsearch.search(q, index_dir=rs_ix, limit=10, **kw).total
        for _ in range(args.rounds):
            for q, kw in MIXED:
                t = time.perf_counter()
                reportsearch.search(q, index_dir=rs_ix, limit=10, **kw)
                per_query.setdefault(q, []).append(time.perf_counter() - t)
        lat = [x for xs in per_query.values() for x in xs]
        p50, p95 = statistics.median(lat) * 1000, pct(lat, 0.95) * 1000

        log(started, "cold queries")
        # cold: new processes, reportsearch search vs rg -c over the same raw files
        cold_rs = {q: cold(rs + ["search", q, "-n", "10", "--index", rs_ix], args.cold_runs, env) for q in (NARROW, BROAD)}
        cold_rg = {q: cold([rg, "-c", q, root], args.cold_runs, ok=(0, 1)) for q in (NARROW, BROAD)} if rg else {}

        log(started, "recall and counts")
        # recall and exact counts: the blocks found must be the blocks a substring scan finds
        with ctx.Pool(args.jobs) as pool:
            outlines = pool.map(_outline, files, chunksize=8)
        blocks = [(ndcg.block_key(f, b, root), ndcg.fold(b)) for f, bs in zip(files, outlines) for b in bs]
        want_n = found_n = extra_n = 0
        count_errors = []
        for q in RECALL:
            fq = ndcg.fold(q)
            want = Counter(key for key, text in blocks if fq in text)
            res = reportsearch.search(f'"{q}"', index_dir=rs_ix, by="block", limit=10 ** 7, snippets=1)
            got = Counter(ndcg.block_key(h.path, h.text, root) for h in res.blocks)
            n = sum(want.values())
            want_n, found_n, extra_n = want_n + n, found_n + sum((want & got).values()), extra_n + sum((got - want).values())
            counts = {"search": res.total, "tally": reportsearch.tally(f'"{q}"', index_dir=rs_ix).blocks,
                      "search --by report": reportsearch.search(f'"{q}"', index_dir=rs_ix, limit=1).total}
            count_errors += [f"{q}: {k} {v} ≠ {n}" for k, v in counts.items() if v != n]

        log(started, "nDCG@10")
        # ranking quality on the judged needs (blocks named by their path inside the bulk corpus)
        scores = ndcg.evaluate(rs_ix, root)

        log(started, "naive set-up")
        # the naive set-up: Whoosh + jieba's ChineseAnalyzer, in its own process for indexing
        nv_lat: list[float] = []
        nv_s = nv_size = nv_peak = None
        if not args.skip_naive:
            from whoosh import index as windex
            nv_ix = os.path.join(work, "naive-index")
            os.makedirs(nv_ix)
            code = (f"import sys; sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r}); import run; "
                    f"run.naive_index(run.corpus_files({root!r}), {nv_ix!r})")
            nv_s, nv_peak = run_measured([sys.executable, "-c", code])
            nv_size = du(nv_ix)
            ix = windex.open_dir(nv_ix)
            for q, _ in MIXED:
                naive_query(ix, q)
            for _ in range(args.rounds):
                for q, _ in MIXED:
                    t = time.perf_counter()
                    naive_query(ix, q)
                    nv_lat.append(time.perf_counter() - t)

        # the table
        rows = []
        def row(measure, value, peer, goal="—", ok=None):
            rows.append((measure, value, peer, goal, verdict(ok)))
        nq = len(MIXED)
        row("corpus", f"{len(files):,} reports, {mb:.1f} MB, {len(blocks):,} blocks",
            "the slice: every third bulk file" if scale_name == "slice" and not args.corpus else root)
        nv = (f"naive {statistics.median(nv_lat) * 1000:.0f} ms" if nv_lat else "naive skipped")
        row(f"warm p50, {nq} queries × {args.rounds}, top 10 + snippets", f"{p50:.1f} ms", nv,
            f"≤ {target['p50']} ms", p50 <= target["p50"])
        nv = (f"naive {pct(nv_lat, 0.95) * 1000:.0f} ms" if nv_lat else "naive skipped")
        row("warm p95", f"{p95:.1f} ms", nv, f"≤ {target['p95']} ms", p95 <= target["p95"])
        for q, goal in ((NARROW, "ratio"), (BROAD, "broad")):
            peer = f"rg -c {cold_rg[q]:.3f} s" if rg else "rg not installed: skipped"
            ratio = cold_rs[q] / cold_rg[q] if rg else None
            value = f"{cold_rs[q]:.2f} s" + (f" ({ratio:.1f}× rg)" if ratio else "")
            name = f"cold `reportsearch search {q} -n 10`, median of {args.cold_runs}"
            if goal == "ratio" and target["cold_ratio"]:
                row(name, value, peer, f"≤ {target['cold_ratio']:g}× rg", None if ratio is None else ratio <= target["cold_ratio"])
            elif goal == "broad" and target["cold_broad"]:
                row(name, value, peer, f"≤ {target['cold_broad']} s", cold_rs[q] <= target["cold_broad"])
            else:
                row(name, value, peer)
        peer = f"naive {nv_size / text_bytes:.2f}×" if nv_size else "naive skipped"
        row("index size / text size", f"{rs_size / text_bytes:.2f}× ({rs_size / 1e6:,.0f} MB)", peer,
            f"≤ {target['size']:g}×", rs_size / text_bytes <= target["size"])
        if rs_s:
            speed = mb / rs_s
            peer = f"jieba alone {limit_mbs:.2f} MB/s ({args.jobs} processes)"
            if nv_s:
                peer += f"; naive {mb / nv_s:.2f} MB/s"
            row("indexing speed", f"{speed:.2f} MB/s = {speed / limit_mbs:.0%} of jieba", peer,
                f"≥ {target['speed']:.0%} of jieba", speed / limit_mbs >= target["speed"])
            row("peak memory indexing", f"{rs_peak / 1e9:.2f} GB", f"naive {nv_peak / 1e9:.2f} GB" if nv_peak else "")
        else:
            peer = f"jieba alone {limit_mbs:.2f} MB/s" + (f"; naive {mb / nv_s:.2f} MB/s" if nv_s else "")
            row("indexing speed", "not measured (--index)", peer)
        row(f"recall, {len(RECALL)} strings", f"{found_n / max(want_n, 1):.2%} ({found_n:,} of {want_n:,} blocks), "
            f"{extra_n} without the string", "substring scan of every block", "= the scan",
            found_n == want_n and extra_n == 0)
        row("exact counts (search, --by report, tally)", "all equal the scan" if not count_errors
            else "; ".join(count_errors[:3]), "substring scan", "= the scan", not count_errors)
        m, p10 = ndcg.mean(scores), ndcg.mean_precision(scores)
        judged, shown = ndcg.coverage(scores)
        row(f"nDCG@10, {len(scores)} judged needs", "—" if m is None else f"{m:.3f} (P@10 at grade 2 {p10:.2f})",
            f"{judged} of {shown} top-10 blocks judged", f"≥ {ndcg.BEFORE:.3f} (before)" if ndcg.BEFORE else "—",
            None if m is None or not ndcg.BEFORE or judged < shown else m >= ndcg.BEFORE - 1e-9)

        print(f"## reportsearch bench: {scale_name if not args.corpus else root}\n")
        print("| measure | reportsearch | peers | target | |\n|---|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        print("\n| query | filters | blocks | warm median | warm max |\n|---|---|---|---|---|")
        for q, kw in MIXED:
            xs = per_query[q]
            print(f"| {q} | {ndcg.format_filters(kw)} | {totals[q]:,} | {statistics.median(xs) * 1000:.1f} ms | "
                  f"{max(xs) * 1000:.1f} ms |")
        print(f"\nbench took {time.perf_counter() - started:.0f} s on {os.cpu_count()} cores; load average at the "
              f"start {load[0]:.1f}, at the end {os.getloadavg()[0]:.1f} (other work on the machine slows every row)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
