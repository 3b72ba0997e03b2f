#!/usr/bin/env python3
"""Benchmark of the facts drawn across reports: what extracting figures adds to indexing, and how
fast `indicators --index`, `compare` and `recurring` answer.

    python bench/facts.py                           # the whole bulk corpus (../shared/bulk), ~20 min
    python bench/facts.py --corpus DIR --index IX   # a directory of reports and its index (built if missing)

Measured in one run, CPU time of this process where the work runs here:
- extraction share: on a sample of the corpus (--sample files, spread evenly), an index is built
  in this process (one job), and the figures of the same reports are extracted again and timed
  alone; the share is extraction's CPU time over the whole build's (the target: at most 10%);
- `reportsearch indicators --index IX --json` as a new process over the whole corpus, wall time,
  median of --runs, and `reportsearch.indicators(index_dir=IX)` in this process, warm (the
  target: under a second);
- `reportsearch.compare(Q, index_dir=IX, quotes=True)` in this process, warm, for the queries of
  COMPARE, median of --runs (the target: at most 1 s), and `reportsearch compare` as a new process;
- `reportsearch.recurring(index_dir=IX)` over every body, once, wall and CPU (the target: 60 s).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BULK = os.path.join(REPO, "..", "shared", "bulk", "gov-work-reports.tar.xz")


def corpus(args, work: str) -> str:
    if args.corpus:
        return os.path.abspath(args.corpus)
    if not os.path.exists(args.bulk):
        sys.exit(f"no bulk corpus at {args.bulk}: give --bulk PATH or --corpus DIR")
    if os.path.isdir(args.bulk):
        return args.bulk
    with tarfile.open(args.bulk) as t:
        t.extractall(work, filter="data")
    return os.path.join(work, "gov-work-reports")


def files_of(root: str) -> list[str]:
    from reportsearch.read import expand_paths
    return expand_paths([root])[0]


def extraction_share(files: list[str], work: str) -> dict:
    """Build an index of the files here (one job), then extract their figures again, timed alone."""
    import reportsearch
    from reportsearch.errors import ReportSearchError
    from reportsearch.report import check_figures, extract_figures

    ix = os.path.join(work, "share-ix")
    t0 = time.process_time()
    summary = reportsearch.index(files, ix, jobs=1)
    build_cpu = time.process_time() - t0
    outline_cpu = extract_cpu = 0.0
    figures = 0
    size = 0
    for f in files:
        t0 = time.process_time()
        try:
            report = reportsearch.outline(f)
        except ReportSearchError:
            continue
        t1 = time.process_time()
        found = extract_figures(report)
        check_figures(found)
        t2 = time.process_time()
        outline_cpu += t1 - t0
        extract_cpu += t2 - t1
        figures += len(found)
        size += sum(len(b.text.encode("utf-8")) for b in report.blocks)
    return {"files": len(files), "reports": summary.added, "mb": size / 1e6, "build": build_cpu,
            "outline": outline_cpu, "extract": extract_cpu, "figures": figures}


def query_speed(ix: str, runs: int) -> dict:
    import reportsearch

    cold = []
    for _ in range(runs):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "reportsearch", "indicators", "--index", ix, "--json"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cold.append(time.perf_counter() - t0)
        if res.returncode not in (0, 1):
            sys.exit(f"indicators failed: {res.stderr.decode(errors='replace')}")
    warm = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = reportsearch.indicators(index_dir=ix)
        warm.append(time.perf_counter() - t0)
    return {"cold": statistics.median(cold), "cold_max": max(cold), "warm": statistics.median(warm),
            "reports": len(result.reports), "stating": sum(1 for r in result.reports if r.figures),
            "figures": sum(len(r.figures) for r in result.reports)}


COMPARE = [("府院联动", {}), ("营商环境", {}), ("改革", {}), ("就业", {"sections": ("存在问题",)}),
           ("乡村振兴", {"year": "2018-2024", "rows": "level"})]


def compare_speed(ix: str, runs: int) -> list[tuple[str, float, float, int]]:
    """(query, warm median s, cold s, blocks) for each query of COMPARE."""
    import reportsearch

    out = []
    for q, kwargs in COMPARE:
        reportsearch.compare(q, index_dir=ix, quotes=True, **kwargs)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            result = reportsearch.compare(q, index_dir=ix, quotes=True, **kwargs)
            times.append(time.perf_counter() - t0)
        args = [sys.executable, "-m", "reportsearch", "compare", q, "--index", ix, "--quotes", "--json"]
        for section in kwargs.get("sections", ()):
            args += ["-s", section]
        if "year" in kwargs:
            args += ["-y", kwargs["year"]]
        if "rows" in kwargs:
            args += ["--rows", kwargs["rows"]]
        t0 = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append((q + (f" {kwargs}" if kwargs else ""), statistics.median(times), time.perf_counter() - t0,
                    result.total))
    return out


def recurring_speed(ix: str) -> dict:
    import reportsearch

    t0, c0 = time.perf_counter(), time.process_time()
    found = reportsearch.recurring(index_dir=ix)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "pairs": len(found.pairs),
            "bodies": len({s.body for s in found.summaries}), "duplicates": len(found.duplicates)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bulk", default=BULK, help="gov-work-reports.tar.xz or its extracted directory")
    ap.add_argument("--corpus", help="a directory of reports instead of the bulk corpus")
    ap.add_argument("--index", help="the corpus's index (built here with --jobs when missing)")
    ap.add_argument("--sample", type=int, default=150, help="files for the extraction share (default 150)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each query timing (default 5)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    sys.path.insert(0, REPO)
    import reportsearch

    with tempfile.TemporaryDirectory(prefix="rs-bench-ind-") as work:
        root = corpus(args, work)
        files = files_of(root)
        step = max(1, len(files) // max(1, args.sample))
        share = extraction_share(files[::step][:args.sample], work)
        ix = args.index or os.path.join(work, "ix")
        built = None
        if not os.path.exists(os.path.join(ix, "reportsearch.json")):
            t0 = time.perf_counter()
            reportsearch.index([root], ix, jobs=args.jobs)
            built = time.perf_counter() - t0
        speed = query_speed(ix, args.runs)
        compares = compare_speed(ix, args.runs)
        recurs = recurring_speed(ix)
        load = os.getloadavg()[0]
    pct = 100 * share["extract"] / share["build"] if share["build"] else 0.0
    print(f"corpus: {root} ({len(files)} files); load average {load:.1f} on {os.cpu_count()} cores\n")
    print("| measure | value | target | |")
    print("|---|---|---|---|")
    print(f"| extraction CPU / index build CPU, {share['reports']} reports ({share['mb']:.1f} MB of text) | "
          f"{share['extract']:.2f} s / {share['build']:.2f} s = {pct:.1f}% | ≤ 10% | "
          f"{'met' if pct <= 10 else '**not met**'} |")
    print(f"| extraction CPU / outline CPU, same reports | {share['extract']:.2f} s / {share['outline']:.2f} s = "
          f"{100 * share['extract'] / max(share['outline'], 1e-9):.1f}% | — | — |")
    print(f"| `reportsearch indicators --index IX --json`, new process, median of {args.runs} | "
          f"{speed['cold']:.2f} s (max {speed['cold_max']:.2f} s) | < 1 s | {'met' if speed['cold'] < 1 else '**not met**'} |")
    print(f"| `reportsearch.indicators(index_dir=IX)`, warm, median of {args.runs} | {1000 * speed['warm']:.0f} ms | — | — |")
    print(f"| reports / stating figures / figures | {speed['reports']} / {speed['stating']} / {speed['figures']} | — | — |")
    for q, warm, cold, blocks in compares:
        print(f"| `compare {q}` ({blocks} blocks), warm median / new process | {1000 * warm:.0f} ms / {cold:.2f} s | "
              f"≤ 1 s warm | {'met' if warm <= 1 else '**not met**'} |")
    print(f"| `recurring` over every body ({recurs['bodies']} bodies, {recurs['pairs']} pairs, "
          f"{recurs['duplicates']} duplicate files) | {recurs['wall']:.1f} s wall, {recurs['cpu']:.1f} s CPU | ≤ 60 s | "
          f"{'met' if recurs['wall'] <= 60 else '**not met**'} |")
    if built is not None:
        print(f"| index build, {args.jobs} jobs (wall) | {built:.0f} s | — | — |")


if __name__ == "__main__":
    main()
