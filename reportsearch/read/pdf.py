"""PDF with a text layer, through pypdfium2 (PDFium): lines with their boxes, then layout.py.

pypdfium2 was chosen by a measured comparison with pdfminer.six and pypdf (README, Formats):
the same text on Chinese PDFs, 10–30× faster than pdfminer.six, and PDFium's own line
breaks and character boxes, which the layout step needs for indents and page bands.
"""
from __future__ import annotations

from ..errors import UnreadableReport
from ..model import RawDocument
from . import ocr
from .layout import Line, Page, page_lines


def _is_wide(ch: str) -> bool:
    return ch >= "\u2e80" or ch in "“”‘’"  # CJK characters and punctuation, full-width forms


def _line(chars: list[tuple[str, tuple[float, float, float, float]]], height: float) -> Line | None:
    """A line from its characters: put in left-to-right order (a run in another font may come
    later in the content stream), with a space only where a gap parts two Latin words."""
    if not chars:
        return None
    chars.sort(key=lambda c: c[1][0])
    em = max(b[3] - b[1] for _, b in chars) or 10.0
    text = chars[0][0]
    for (a, ba), (b, bb) in zip(chars, chars[1:]):
        gap, wide = bb[0] - ba[2], _is_wide(a) + _is_wide(b)
        # A space drawn as a gap. Between a Chinese and a Latin character only a wide one: a
        # font switch leaves a narrow gap there that is not a space in the text.
        if a != " " and b != " " and gap > em * (0.25, 0.6, 0.2)[wide]:
            text += " "
        text += b
    if not text.strip():
        return None
    return Line(text, chars[0][1][0], height - max(b[3] for _, b in chars), max(b[2] for _, b in chars),
                height - min(b[1] for _, b in chars))


def _page(page) -> Page:
    """A page's lines: PDFium's line breaks, and each character's loose box (its advance, not its ink)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    tp = page.get_textpage()
    lines: list[Line] = []
    chars: list[tuple[str, tuple[float, float, float, float]]] = []
    for i in range(tp.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if code == 10:  # PDFium's own line break (after a generated \r)
            line = _line(chars, height)
            if line:
                lines.append(line)
            chars = []
            continue
        if not code or code == 13 or pdfium_c.FPDFText_IsGenerated(tp, i):
            continue  # spaces PDFium guesses from gaps are put back by _line, between Latin words only
        box = tp.get_charbox(i, loose=True)
        if box[2] <= box[0] and chars:  # a space without a box: it stands after the character before
            prev = chars[-1][1]
            box = (prev[2], prev[1], prev[2], prev[3])
        chars.append((chr(code), box))
    line = _line(chars, height)
    if line:
        lines.append(line)
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
    if ocr.needs_ocr(pages):  # a scan: the page images are read by OCR (the ocr extra)
        return ocr.read_scanned(path, data)
    front = {}
    title = (meta.get("Title") or "").strip()
    if title and any("\u4e00" <= c <= "\u9fff" for c in title):  # not "Microsoft Word - 1.docx"
        front["html_title"] = title  # a weak fallback, like a web page's <title>
    return RawDocument(path, page_lines(pages), front, "pdf")
