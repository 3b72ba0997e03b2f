"""Compare PDF text extraction libraries on Chinese PDFs made from the sample reports.

    python bench/pdf_libraries.py [--runs 3]

For each sample, PDFs are made as tests/makedocs.py lays them out (wrapped lines, running
header, page numbers, an image page) with reportlab's CID font STSong-Light (no embedded font,
predefined CMap) and with an embedded TrueType subset (WenQuanYi Micro Hei, as Word and WPS
embed fonts; skipped if the font is not installed: apt-get install fonts-wqy-microhei).
Each library extracts plain text with its defaults. Measured: the share of the sample's
sentences found verbatim (white space removed), characters that are not in the source
(garbage), and milliseconds per page (median of --runs).
"""
from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import makedocs  # noqa: E402

TTF = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def by_pypdfium2(data: bytes) -> tuple[str, int]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    out = [page.get_textpage().get_text_range() for page in doc]
    return "\n".join(out), len(doc)


def by_pdfminer(data: bytes) -> tuple[str, int]:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage
    pages = sum(1 for _ in PDFPage.get_pages(io.BytesIO(data)))
    return extract_text(io.BytesIO(data)), pages


def by_pypdf(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    r = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() or "" for p in r.pages), len(r.pages)


LIBRARIES = {"pypdfium2": by_pypdfium2, "pdfminer.six": by_pdfminer, "pypdf": by_pypdf}


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    corpus = os.path.join(HERE, "..", "corpus")
    samples = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    fonts = [("CID STSong-Light", None)] + ([("embedded TrueType", TTF)] if os.path.exists(TTF) else [])
    print("| font | library | sentences found | garbage chars | ms/page (median) |")
    print("|---|---|---|---|---|")
    for font_name, font in fonts:
        pdfs = []
        for name in samples:
            text = open(os.path.join(corpus, name), encoding="utf-8").read()
            pdfs.append((text, makedocs.pdf(text, font=font)))
        for lib, fn in LIBRARIES.items():
            found = total = garbage = 0
            per_page = []
            for text, data in pdfs:
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    got, pages = fn(data)
                    times.append(time.perf_counter() - t0)
                per_page.append(statistics.median(times) * 1000 / pages)
                flat = norm(got)
                allowed = set(norm(text)) | set(norm("法治政府建设年度报告—-第页共0123456789"))
                garbage += sum(ch not in allowed for ch in flat)
                for s in re.split(r"[。；！？]", norm(text)):
                    if len(s) >= 6:
                        total += 1
                        found += s in flat
            print(f"| {font_name} | {lib} | {found / total:.1%} ({found}/{total}) | {garbage} | "
                  f"{statistics.median(per_page):.1f} |")


if __name__ == "__main__":
    main()
