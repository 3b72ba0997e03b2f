"""Compare PDF text extraction libraries on Chinese PDFs made from the sample reports.

    python bench/pdf_libraries.py [--runs 3]

For each sample, PDFs are made as tests/makedocs.py lays them out (wrapped lines, running
header, page numbers, an image page) with reportlab's CID font STSong-Light (no embedded font,
predefined CMap) and with an embedded TrueType subset (WenQuanYi Micro Hei, as Word and WPS
embed fonts; skipped if the font is not installed: apt-get install fonts-wqy-microhei), and
as LibreOffice exports the samples' .docx (ragged right, no first-line indent, fonts switching
between Chinese and Latin; skipped without LibreOffice).
Each library extracts plain text with its defaults. Measured: the share of the sample's
sentences found verbatim (white space removed), characters that are not in the source
(garbage), and milliseconds per page (median of --runs).
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, os.path.join(HERE, ".."))
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


# ---- positioned lines, for the reader's layout step (reportsearch/read/layout.py)

def lines_pypdfium2(data: bytes):
    from reportsearch.read.pdf import pdf_pages
    return pdf_pages("bench.pdf", data)[0]


def lines_pdfminer(data: bytes):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer, LTTextLine

    from reportsearch.read.layout import Line, Page
    pages = []
    for page in extract_pages(io.BytesIO(data)):
        h = page.bbox[3]
        lines = []
        for box in page:
            if isinstance(box, LTTextContainer):
                for ln in box:
                    if isinstance(ln, LTTextLine) and ln.get_text().strip():
                        lines.append(Line(ln.get_text().strip("\n"), ln.x0, h - ln.y1, ln.x1, h - ln.y0))
        lines.sort(key=lambda x: (round(x.top), x.x0))
        pages.append(Page(page.bbox[2], h, lines))
    return pages


def lines_pypdf(data: bytes):
    """pypdf's visitor gives where each text run starts; its end is estimated from the font size."""
    from pypdf import PdfReader

    from reportsearch.read.layout import Line, Page
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        h, w = float(page.mediabox.height), float(page.mediabox.width)
        runs = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                runs.append(Line(text.strip("\n"), x, h - y - size, x + size * len(text.strip()), h - y))
        page.extract_text(visitor_text=visit)
        pages.append(Page(w, h, runs))
    return pages


POSITIONED = {"pypdfium2": lines_pypdfium2, "pdfminer.six": lines_pdfminer, "pypdf": lines_pypdf}


def end_to_end(font_name: str, pdfs: list[tuple[str, str, bytes]]) -> None:
    """Each library's positioned lines through the same layout step and pipeline: how many
    samples give exactly the outline of their text file, and how many blocks match."""
    import tempfile

    from reportsearch import outline
    from reportsearch.model import RawDocument
    from reportsearch.read import layout, pdf
    for lib, fn in POSITIONED.items():
        exact = same_blocks = total_blocks = 0
        per_page = []
        for name, text, data in pdfs:
            t0 = time.perf_counter()
            pages = fn(data)
            lines = layout.page_lines(pages)
            per_page.append((time.perf_counter() - t0) * 1000 / len(pages))
            ref = outline(os.path.join(HERE, "..", "corpus", name))
            orig = pdf.read_pdf
            pdf.read_pdf = lambda path, data, lines=lines: RawDocument(path, lines, {}, "pdf")
            try:
                with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                    f.write(data)
                    f.flush()
                    got = outline(f.name)
            finally:
                pdf.read_pdf = orig
            a, b = [x.text for x in ref.blocks], [x.text for x in got.blocks]
            exact += a == b and ref.meta == got.meta
            same_blocks += len(set(a) & set(b))
            total_blocks += len(a)
        print(f"| {font_name} | {lib} | {exact}/{len(pdfs)} | {same_blocks}/{total_blocks} | "
              f"{statistics.median(per_page):.1f} |")


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    corpus = os.path.join(HERE, "..", "corpus")
    samples = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    fonts = [("CID STSong-Light", None)] + ([("embedded TrueType", TTF)] if os.path.exists(TTF) else [])
    made = {}
    for font_name, font in fonts:
        made[font_name] = []
        for name in samples:
            text = open(os.path.join(corpus, name), encoding="utf-8").read()
            made[font_name].append((name, text, makedocs.pdf(text, font=font)))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:  # Word's own layout engine is not here; LibreOffice's export of the .docx is the nearest
        font_name = "LibreOffice export of the .docx"
        fonts.append((font_name, None))
        made[font_name] = []
        with tempfile.TemporaryDirectory() as tmp:
            for name in samples:
                text = open(os.path.join(corpus, name), encoding="utf-8").read()
                with open(os.path.join(tmp, name[:-4] + ".docx"), "wb") as f:
                    f.write(makedocs.docx(text, auto_numbering=False))
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", tmp] + [os.path.join(tmp, n[:-4] + ".docx") for n in samples],
                           check=True, capture_output=True)
            for name in samples:
                text = open(os.path.join(corpus, name), encoding="utf-8").read()
                with open(os.path.join(tmp, name[:-4] + ".pdf"), "rb") as f:
                    made[font_name].append((name, text, f.read()))
    print("Through the reader's layout step and pipeline (the outline of the text file?):\n")
    print("| font | library | samples with the text's outline | blocks as in the text | ms/page incl. layout |")
    print("|---|---|---|---|---|")
    for font_name, _ in fonts:
        end_to_end(font_name, made[font_name])
    print("\nPlain text extraction, each library's defaults:\n")
    print("| font | library | sentences found | garbage chars | ms/page (median) |")
    print("|---|---|---|---|---|")
    for font_name, _ in fonts:
        pdfs = [(text, data) for _, text, data in made[font_name]]
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
