"""PDF with a text layer, through pypdfium2 (PDFium): each character's place, then layout.py.

pypdfium2 was chosen by a measured comparison with pdfminer.six and pypdf (README, Formats):
the same text on Chinese PDFs, 10–30× faster than pdfminer.six, and each character's origin and
font size, which the layout step needs.

Reading does not depend on the fonts installed on the machine. PDFium draws a font the PDF does
not embed with a system font, and the ink of that font's glyphs sizes each text object; its text
page then leaves out any object whose ink has no width — a lone 「。」 or a line drawn one
character per object loses its characters wherever no CJK font is installed. So before the text
page is built, such objects are given a width that no font decides (a stroke of 1 pt), and the
layout uses only what the PDF itself states: each character's origin, its font size and matrix,
and the advances of the PDF's own width tables — never a glyph's ink or a font's ascent.
"""
from __future__ import annotations

import ctypes

from ..errors import UnreadableReport
from ..model import RawDocument
from . import ocr
from .layout import Glyph, Page, Rule, build_page, read_pages

MAX_PAGES = 5000  # a report runs to tens of pages; beyond this the file is not one
_MAX_OBJECTS = 20000  # page objects looked at for empty text and table rules, per page
_MAX_SEGMENTS = 64  # path segments read from one path object (a cell border, a table grid)


def _is_wide(ch: str) -> bool:
    return ch >= "\u2e80" or ch in "“”‘’"  # CJK characters and punctuation, full-width forms


def _objects(holder, is_form: bool, depth: int = 0):
    """The page objects of a page or form XObject, forms opened up to two levels down."""
    import pypdfium2.raw as c

    count = c.FPDFFormObj_CountObjects(holder) if is_form else c.FPDFPage_CountObjects(holder)
    for i in range(min(count, _MAX_OBJECTS)):
        obj = c.FPDFFormObj_GetObject(holder, i) if is_form else c.FPDFPage_GetObject(holder, i)
        kind = c.FPDFPageObj_GetType(obj)
        if kind == c.FPDF_PAGEOBJ_FORM and depth < 2:
            yield from _objects(obj, True, depth + 1)
        else:
            yield obj, kind


def _bounds(obj) -> tuple[float, float, float, float]:
    import pypdfium2.raw as c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return 0.0, 0.0, 0.0, 0.0
    return left.value, bottom.value, right.value, top.value


def _prepare(page) -> list[tuple[float, float, float, float]]:
    """Give every text object a width of its own (see the module docstring) and collect the
    straight lines of path objects, which rule tables: (x0, y0, x1, y1) in PDF space."""
    import pypdfium2.raw as c

    segments = []
    for obj, kind in _objects(page, False):
        if kind == c.FPDF_PAGEOBJ_TEXT:
            x0, _, x1, _ = _bounds(obj)
            if x1 - x0 < 0.05:
                # Stroked text is bounded by half the line width around its glyphs: a width that
                # no substituted font decides. Only text is read, so the drawing mode is free.
                c.FPDFTextObj_SetTextRenderMode(obj, c.FPDF_TEXTRENDERMODE_STROKE)
                c.FPDFPageObj_SetStrokeWidth(obj, ctypes.c_float(1.0))
                c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 0, 0)  # recompute the bounds
        elif kind == c.FPDF_PAGEOBJ_PATH:
            segments.extend(_path_lines(obj))
    return segments


def _path_lines(obj) -> list[tuple[float, float, float, float]]:
    """The horizontal and vertical straight pieces of a path object, in PDF space."""
    import pypdfium2.raw as c

    x0, y0, x1, y1 = _bounds(obj)
    if x1 - x0 <= 3 or y1 - y0 <= 3:  # a drawn line or a thin filled bar: its bounds say all
        return [(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)] if x1 - x0 > y1 - y0 else [((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)]
    n = c.FPDFPath_CountSegments(obj)
    if n <= 0 or n > _MAX_SEGMENTS:
        return []
    m = c.FS_MATRIX()
    if not c.FPDFPageObj_GetMatrix(obj, m):
        return []
    out, start, prev = [], None, None
    px, py = ctypes.c_float(), ctypes.c_float()
    for i in range(n):
        seg = c.FPDFPath_GetPathSegment(obj, i)
        if not c.FPDFPathSegment_GetPoint(seg, px, py):
            continue
        pt = (m.a * px.value + m.c * py.value + m.e, m.b * px.value + m.d * py.value + m.f)
        kind = c.FPDFPathSegment_GetType(seg)
        if kind == c.FPDF_SEGMENT_LINETO and prev is not None:
            out.append((*prev, *pt))
        elif kind != c.FPDF_SEGMENT_LINETO:
            start = pt if kind == c.FPDF_SEGMENT_MOVETO else start
        prev = pt
        if c.FPDFPathSegment_GetClose(seg) and start is not None:
            out.append((*pt, *start))
    return [s for s in out if abs(s[0] - s[2]) < 1 or abs(s[1] - s[3]) < 1]


def _page(page) -> Page:
    """A page's glyphs and rules, top-down coordinates, then built into lines by layout.py."""
    import pypdfium2.raw as c

    left, bottom, right, top = page.get_bbox()
    segments = _prepare(page)
    tp = page.get_textpage()
    glyphs: list[Glyph] = []
    styles: dict[int, tuple[float, bool]] = {}  # per text object: font size as drawn, red ink
    x, y = ctypes.c_double(), ctypes.c_double()
    box = c.FS_RECTF()
    matrix = c.FS_MATRIX()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    try:
        for i in range(tp.count_chars()):
            code = c.FPDFText_GetUnicode(tp, i)
            if code in (0, 2, 10, 13, 0xFFFE) or c.FPDFText_IsGenerated(tp, i):
                continue  # PDFium's own line breaks and guessed spaces: the layout decides those
            obj = c.FPDFText_GetTextObject(tp, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value or 0
            style = styles.get(key)
            if style is None:
                size = c.FPDFText_GetFontSize(tp, i)
                if c.FPDFText_GetMatrix(tp, i, matrix):
                    size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                red = bool(c.FPDFText_GetFillColor(tp, i, r, g, b, a)) and r.value > 150 > g.value and b.value < 150
                style = styles[key] = (size or 10.0, red)
            size, red = style
            c.FPDFText_GetCharOrigin(tp, i, x, y)
            ch = chr(code)
            # The advance: the PDF's width table (what the loose box spans), one em for Chinese.
            adv = size
            if not _is_wide(ch) and c.FPDFText_GetLooseCharBox(tp, i, box):
                w = box.right - box.left
                adv = w if 0 < w < size * 1.2 else size * 0.5
            glyphs.append(Glyph(ch, x.value - left, top - y.value, size, adv, red))
    finally:
        tp.close()
    rules = [Rule(min(x0, x1) - left, top - max(y0, y1), max(x0, x1) - left, top - min(y0, y1))
             for x0, y0, x1, y1 in segments]
    return build_page(right - left, top - bottom, glyphs, rules)


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
        n = len(doc)
        if n == 0:
            raise UnreadableReport(path, "PDF with no pages — open and save it again, or export it to text")
        if n > MAX_PAGES:
            raise UnreadableReport(path, f"PDF of {n} pages is not a report (the limit is {MAX_PAGES})")
        pages = []
        for i in range(n):
            try:
                page = doc[i]
            except pdfium.PdfiumError as e:
                raise UnreadableReport(path, f"damaged PDF (page {i + 1}: {e}) — open and save it again")
            pages.append(_page(page))
            page.close()
        meta = doc.get_metadata_dict(skip_empty=True)
    finally:
        doc.close()
    return pages, meta



def read_pdf(path: str, data: bytes) -> RawDocument:
    """A PDF's text in reading order: wrapped lines joined into paragraphs, tables as rows, page
    furniture and footnotes apart, a 红头's 发文机关 and 文号 as metadata."""
    pages, meta = pdf_pages(path, data)
    if ocr.needs_ocr(pages):  # a scan: the page images are read by OCR (the ocr extra)
        return ocr.read_scanned(path, data)
    lines, front = read_pages(pages)
    title = (meta.get("Title") or "").strip()
    if title and any("\u4e00" <= c <= "\u9fff" for c in title):  # not "Microsoft Word - 1.docx"
        front["html_title"] = title  # a weak fallback, like a web page's <title>
    return RawDocument(path, lines, front, "pdf")
