"""Pages per second of the PDF reader on text PDFs (layout included), median of several runs.

    python bench/pdf_pages.py [--runs 5] [PDF or folder ...]

Without arguments, PDFs are made from the five samples as tests/makedocs.py lays them out
(needs reportlab, from the test extras): a plain layout (one text object per line), a red-head
page with a table and a two-column page, and one text object per character (as some print
drivers write). Each run reads every file with reportsearch.read.pdf.read_pdf; a run's pages
per second is its pages over its wall time; the median run is reported per set, with the
slowest file's milliseconds per page.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, ".."))


def made_sets() -> dict[str, list[tuple[str, bytes]]]:
    import makedocs
    corpus = os.path.join(HERE, "..", "corpus")
    texts = [(n, open(os.path.join(corpus, n), encoding="utf-8").read())
             for n in sorted(os.listdir(corpus)) if n.endswith(".txt")]
    table = [["指标", "2020年", "2021年"], ["行政复议案件（件）", "312", "287"], ["行政应诉案件（件）", "145", "133"]]
    layouts = {
        "line objects": makedocs.Layout(chars=28),
        "红头, table, two columns": makedocs.Layout(chars=30, red_head="某某市人民政府文件", wenhao="某政发〔2022〕3号",
                                                  table=table, two_columns=2, footnote=True),
        "object per character": makedocs.Layout(chars=34, per_char=True, justify=False),
    }
    return {name: [(n, makedocs.published_pdf(t, lay)) for n, t in texts] for name, lay in layouts.items()}


def given_set(paths: list[str]) -> dict[str, list[tuple[str, bytes]]]:
    files = []
    for p in paths:
        names = sorted(os.path.join(p, n) for n in os.listdir(p)) if os.path.isdir(p) else [p]
        files += [(n, open(n, "rb").read()) for n in names if n.lower().endswith(".pdf")]
    return {"given files": files}


def bench(files: list[tuple[str, bytes]], runs: int) -> tuple[int, float, float]:
    """(pages, median pages per second, slowest file's ms per page)."""
    import pypdfium2 as pdfium

    from reportsearch.errors import UnreadableReport
    from reportsearch.read.pdf import read_pdf

    pages = sum(len(pdfium.PdfDocument(data)) for _, data in files)
    rates, worst = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        for name, data in files:
            t = time.perf_counter()
            try:
                read_pdf(name, data)
            except UnreadableReport:
                pass
            n = len(pdfium.PdfDocument(data))
            worst = max(worst, (time.perf_counter() - t) * 1000 / max(n, 1))
        rates.append(pages / (time.perf_counter() - start))
    return pages, statistics.median(rates), worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sets = given_set(args.paths) if args.paths else made_sets()
    print("| PDFs | files | pages | pages/s (median of %d) | slowest ms/page |" % args.runs)
    print("|---|---|---|---|---|")
    for name, files in sets.items():
        pages, rate, worst = bench(files, args.runs)
        print(f"| {name} | {len(files)} | {pages} | {rate:.0f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
