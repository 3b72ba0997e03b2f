"""PDF with a text layer, through pypdfium2 (PDFium): lines with their boxes, then layout.py.

pypdfium2 was chosen by a measured comparison with pdfminer.six and pypdf (README, Formats):
the same text on Chinese PDFs, 10–30× faster than pdfminer.six, and PDFium's own line
breaks and character boxes, which the layout step needs for indents and page bands.
"""
from __future__ import annotations

from ..errors import UnreadableReport
from ..model import RawDocument
from .layout import Line, Page, page_lines

SCANNED = "scanned PDF without a text layer — run OCR first"


def _page(page) -> Page:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    tp = page.get_textpage()
    lines: list[Line] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def flush() -> None:
        text = "".join(chars)
        if text.strip() and boxes:
            lines.append(Line(text, min(b[0] for b in boxes), height - max(b[3] for b in boxes),
                              max(b[2] for b in boxes), height - min(b[1] for b in boxes)))
        chars.clear()
        boxes.clear()

    for i in range(tp.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if code in (10, 13):  # PDFium's own line breaks
            if code == 10:
                flush()
            continue
        ch = chr(code) if code else ""
        chars.append(ch)
        if ch.strip() and not pdfium_c.FPDFText_IsGenerated(tp, i):
            boxes.append(tp.get_charbox(i, loose=True))  # loose: the advance, not the ink
    flush()
    tp.close()
    return Page(width, height, lines)


def pdf_pages(path: str, data: bytes) -> tuple[list[Page], dict[str, str]]:
    """The pages' lines with boxes, and the title the document properties give."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableReport(path, "encrypted PDF (needs a password) — save it without one")
        raise UnreadableReport(path, f"damaged PDF ({e}) — open and save it again, or export it to text")
    try:
        pages = [_page(doc[i]) for i in range(len(doc))]
        meta = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    return pages, meta


def read_pdf(path: str, data: bytes) -> RawDocument:
    """A PDF's text in reading order, wrapped lines joined, running heads and folios dropped."""
    pages, meta = pdf_pages(path, data)
    if not any(line.text.strip() for p in pages for line in p.lines):
        raise UnreadableReport(path, SCANNED)
    front = {}
    title = (meta.get("Title") or "").strip()
    if title and any("\u4e00" <= c <= "\u9fff" for c in title):  # not "Microsoft Word - 1.docx"
        front["html_title"] = title  # a weak fallback, like a web page's <title>
    return RawDocument(path, page_lines(pages), front, "pdf")
