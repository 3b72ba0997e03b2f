#!/usr/bin/env python3
"""Benchmark: `recurring` over every body of the bulk corpus, on parsed reports.

    python bench/recurring.py                      # the bulk corpus (extracted, or from ../shared/bulk)
    python bench/recurring.py --corpus DIR         # any directory of reports
    python bench/recurring.py --cache parsed.pkl   # keep the parsed reports for the next run

Parsing (reportsearch.outline) is not timed: in use the reports come parsed from the index. The
reports are grouped into bodies as the index groups them (region and genre, reportsearch.facts.
recurring.body_of); then recurring runs three times and the median is the time, against the target
of issue 22 (60 s). Prints a Markdown table, the duplicate files found and a few pairs.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import pickle
import statistics
import sys
import tarfile
import tempfile
import time
from collections import defaultdict

from reportsearch.errors import UnreadableReport
from reportsearch.facts import repeats as rec
from reportsearch.report import outline

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXTRACTED = pathlib.Path("/tmp/bulk/gov-work-reports")
TARBALL = ROOT.parent / "shared" / "bulk" / "gov-work-reports.tar.xz"
TARGET = 60.0


def corpus_dir(given: str | None, scratch: str) -> pathlib.Path:
    if given:
        return pathlib.Path(given)
    if EXTRACTED.is_dir():
        return EXTRACTED
    if not TARBALL.exists():
        sys.exit(f"no bulk corpus: neither {EXTRACTED} nor {TARBALL}; pass --corpus DIR")
    with tarfile.open(TARBALL) as t:
        t.extractall(scratch, filter="data")
    return pathlib.Path(scratch) / "gov-work-reports"


def parse(root: pathlib.Path) -> list[rec.Doc]:
    paths = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".txt", ".docx", ".pdf") and p.is_file())
    docs = []
    for n, path in enumerate(paths, 1):
        try:
            report = outline(str(path))
        except UnreadableReport as e:
            print(f"skipped: {e}", file=sys.stderr)
            continue
        docs.append(rec.doc(report))
        if n % 200 == 0 or n == len(paths):
            print(f"parsed {n}/{len(paths)}", file=sys.stderr)
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="a directory of reports (default: the bulk corpus)")
    ap.add_argument("--cache", help="a pickle of the parsed reports: read when present, else written")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if args.cache and os.path.exists(args.cache):
            with open(args.cache, "rb") as f:
                docs = pickle.load(f)
        else:
            docs = parse(corpus_dir(args.corpus, scratch))
            if args.cache:
                with open(args.cache, "wb") as f:
                    pickle.dump(docs, f)
    bodies: dict[str, list[rec.Doc]] = defaultdict(list)
    for d in docs:
        bodies[d.body].append(d)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        found = rec.recurring_bodies(bodies)
        times.append(time.perf_counter() - start)
    took = statistics.median(times)
    units = sum(s.problems for s in found.summaries)
    print("| reports | bodies | problem units | pairs | duplicate files | recurring, median | target | met |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {len(docs):,} | {len(bodies):,} | {units:,} | {len(found.pairs):,} | {len(found.duplicates)} "
          f"| {took:.1f} s | ≤ {TARGET:.0f} s | {'yes' if took <= TARGET else 'NO'} |")
    print()
    for d in found.duplicates:
        print(f"- duplicate: {d.dropped} holds the report of {d.kept} ({d.similarity:.0%} of sentences)")
    print()
    for p in found.pairs[:: max(1, len(found.pairs) // 5)][:5]:
        print(f"- {p.body}: {p.later.year} “{p.later.quote}” ← {p.earlier.year} “{p.earlier.quote}” "
              f"({p.similarity:.2f})")


if __name__ == "__main__":
    main()
