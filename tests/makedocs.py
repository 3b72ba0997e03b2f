"""Make PDF, DOCX and OFD files from a sample report's text, laid out as governments publish them.

Used by tests/test_formats.py (fixtures) and bench/pdf_libraries.py (the library comparison).
PDFs use reportlab's built-in CID font STSong-Light (no font file needed); `font=` may name a
TrueType file to embed instead, as Word and WPS do."""
from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 79.0, 74.0, 100.0, 90.0
FONT_SIZE, LEADING = 15.0, 27.0
FOOTERS = ["— {n} —", "- {n} -", "第 {n} 页 共 {total} 页"]


def paragraphs(text: str) -> list[str]:
    """The sample's non-empty lines, stripped: one paragraph each."""
    return [x.strip() for x in text.splitlines() if x.strip()]


def _wrap(par: str, width: float, measure) -> list[str]:
    """Lines of a paragraph wrapped by width, first line indented two characters (Chinese style);
    like Word, a run of Latin letters and digits is not broken."""
    lines, cur, used = [], "", 2 * FONT_SIZE
    for piece in re.findall(r"[A-Za-z0-9.%]+|.", par):
        w = sum(measure(ch) for ch in piece)
        if used + w > width and cur:
            lines.append(cur)
            cur, used = "", 0.0
        cur += piece
        used += w
    lines.append(cur)
    return lines


def _page_layout(text: str, measure, width: float, per_page: int) -> list[list[tuple[float, str, bool]]]:
    pages: list[list[tuple[float, str, bool]]] = [[]]
    for par in paragraphs(text):
        wrapped = _wrap(par, width, measure)
        for i, line in enumerate(wrapped):
            if len(pages[-1]) == per_page:
                pages.append([])
            pages[-1].append((2 * FONT_SIZE if i == 0 else 0.0, line, i < len(wrapped) - 1))
    return pages


def pdf(text: str, *, header: str = "法治政府建设年度报告", image_page_after: int | None = 2,
        scanned: bool = False, font: str | None = None, password: str | None = None) -> bytes:
    """A PDF of the report: wrapped lines, a running header, page numbers in three styles, an
    image-only page after page `image_page_after`; `scanned=True`: every page an image, no text."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    if font:
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont("Body", font))
        name = "Body"
    else:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        name = "STSong-Light"

    def measure(ch: str) -> float:
        return pdfmetrics.stringWidth(ch, name, FONT_SIZE)

    width = PAGE_W - MARGIN_L - MARGIN_R
    per_page = int((PAGE_H - MARGIN_T - MARGIN_B) // LEADING)
    pages = _page_layout(text, measure, width, per_page)
    total = len(pages) + (1 if image_page_after is not None and not scanned else 0)
    buf = io.BytesIO()
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption
        encrypt = StandardEncryption(password, canPrint=0)
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), encrypt=encrypt)
    image = ImageReader(_chart_png())
    n = 0
    for k, lines in enumerate(pages):
        n += 1
        if scanned:
            c.drawImage(image, MARGIN_L, MARGIN_B, width, PAGE_H - MARGIN_T - MARGIN_B)
        else:
            c.setFont(name, 10.5)
            c.drawCentredString(PAGE_W / 2, PAGE_H - 50, header)
            c.line(MARGIN_L, PAGE_H - 58, PAGE_W - MARGIN_R, PAGE_H - 58)
            c.setFont(name, FONT_SIZE)
            y = PAGE_H - MARGIN_T
            for indent, line, justify in lines:
                t = c.beginText(MARGIN_L + indent, y)
                t.setFont(name, FONT_SIZE)
                if justify and len(line) > 1:  # justified, as Word and WPS set Chinese text
                    spare = width - indent - sum(measure(ch) for ch in line)
                    t.setCharSpace(max(0.0, spare / (len(line) - 1)))
                t.textOut(line)
                c.drawText(t)
                y -= LEADING
            c.setFont(name, 12)
            c.drawCentredString(PAGE_W / 2, 45, FOOTERS[k % 3].format(n=n, total=total))
        c.showPage()
        if image_page_after is not None and k + 1 == image_page_after and not scanned:
            n += 1
            c.drawImage(image, MARGIN_L, PAGE_H / 2 - 100, width, 200)
            c.showPage()
    c.save()
    return buf.getvalue()


def _chart_png() -> io.BytesIO:
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (400, 200), "white")
    d = ImageDraw.Draw(img)
    for i, h in enumerate((60, 120, 90, 160, 140)):
        d.rectangle([30 + i * 70, 190 - h, 80 + i * 70, 190], fill=(40, 90, 160))
    out = io.BytesIO()
    img.save(out, "PNG")
    out.seek(0)
    return out


# ------------------------------------------------------------------ DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_L1 = re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})、")
_L2 = re.compile(r"^(?P<o>[（(])(?P<n>[一二三四五六七八九十]{1,3})(?P<c>[）)])")
_CN = "一二三四五六七八九十"


def _cn_value(s: str) -> int:
    if len(s) == 1:
        return _CN.index(s) + 1
    if s[0] == "十":
        return 10 + _CN.index(s[1]) + 1
    return (_CN.index(s[0]) + 1) * 10 + (_CN.index(s[2]) + 1 if len(s) > 2 else 0)


def docx(text: str, *, auto_numbering: bool = True, table: list[list[str]] | None = None) -> bytes:
    """A .docx of the report: 一、 lines in style Heading 1, （一） lines Heading 2 when they are
    headings; with `auto_numbering`, their numbers are Word's automatic numbering (numPr), not
    text. `table` rows are inserted as a Word table after the first heading."""
    import docx as python_docx
    from docx.oxml import parse_xml

    doc = python_docx.Document()
    numbering = doc.part.numbering_part.element
    pars = paragraphs(text)
    close = "）" if "（一）" in text or "（二）" in text else ")"
    open_ = "（" if close == "）" else "("
    numbering.append(parse_xml(
        f'<w:abstractNum xmlns:w="{_W_NS}" w:abstractNumId="90">'
        f'<w:multiLevelType w:val="multilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:lvlText w:val="{open_}%2{close}"/></w:lvl></w:abstractNum>'))
    nums = [0]
    counters: dict[int, int] = {}

    def new_num(level: int, start: int) -> None:
        num_id = 900 + len(nums)
        override = (f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                    if start != 1 else "")
        numbering.append(parse_xml(f'<w:num xmlns:w="{_W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="90"/>'
                                   f'{override}</w:num>'))
        nums.append(num_id)
        counters.clear()

    def number(par, level: int, value: int) -> None:
        if counters.get(level, 0) + 1 != value:  # the report's own numbering skips or restarts
            new_num(level, value)
        counters[level] = value
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        ppr = par._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr xmlns:w="{_W_NS}"><w:ilvl w:val="{level}"/>'
                             f'<w:numId w:val="{nums[-1]}"/></w:numPr>'))

    new_num(0, 1)
    table_done = table is None
    for line in pars:
        m1, m2 = _L1.match(line), _L2.match(line)
        m2 = m2 if m2 and m2.group("o") == open_ and m2.group("c") == close else None
        heading = len(line) <= 60 and "。" not in line.rstrip("。")
        if m1 or m2:
            m = m1 or m2
            level = 0 if m1 else 1
            body = line[m.end():] if auto_numbering else line
            par = doc.add_paragraph(body, style=f"Heading {level + 1}" if heading else None)
            if auto_numbering:
                number(par, level, _cn_value(m.group("n")))
            if not table_done:
                t = doc.add_table(rows=0, cols=len(table[0]))
                for row in table:
                    cells = t.add_row().cells
                    for c, value in zip(cells, row):
                        c.text = value
                table_done = True
        else:
            doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ OFD

_OFD_NS = "http://www.ofdspec.org/2016"


def ofd(text: str, *, header: str = "法治政府建设年度报告", title: str = "") -> bytes:
    """An OFD (GB/T 33190) of the report, written as its XML: A4 pages in millimetres, one
    TextObject per line with DeltaX spacing (justified), a running header and page numbers."""
    mm = 25.4 / 72  # the layout above is in points

    def measure(ch: str) -> float:
        return FONT_SIZE if ord(ch) > 0x2e80 else FONT_SIZE / 2

    width = PAGE_W - MARGIN_L - MARGIN_R
    pages = _page_layout(text, measure, width, int((PAGE_H - MARGIN_T - MARGIN_B) // LEADING))
    ids = iter(range(10, 10**6))

    def text_object(x: float, y: float, s: str, font_size: float, advance: list[float]) -> str:
        deltas = " ".join(f"{d * mm:.3f}" for d in advance[:-1])
        w = sum(advance) * mm
        return (f'<ofd:TextObject ID="{next(ids)}" Boundary="{x * mm:.3f} {(y - font_size) * mm:.3f} '
                f'{w + 1:.3f} {font_size * mm * 1.4:.3f}" Font="3" Size="{font_size * mm:.3f}">'
                f'<ofd:TextCode X="0" Y="{font_size * mm:.3f}"'
                f'{f" DeltaX={chr(34)}{deltas}{chr(34)}" if deltas else ""}>{escape(s)}</ofd:TextCode>'
                f'</ofd:TextObject>')

    files: dict[str, str] = {}
    page_refs = []
    for k, lines in enumerate(pages):
        objs = [text_object(PAGE_W / 2 - len(header) * 5, 50, header, 10.5, [10.5] * len(header))]
        y = MARGIN_T
        for indent, line, justify in lines:
            adv = [measure(ch) for ch in line]
            if justify and len(line) > 1:
                extra = (width - indent - sum(adv)) / (len(line) - 1)
                adv = [a + extra for a in adv[:-1]] + [adv[-1]]
            objs.append(text_object(MARGIN_L + indent, y, line, FONT_SIZE, adv))
            y += LEADING
        folio = FOOTERS[k % 3].format(n=k + 1, total=len(pages))
        objs.append(text_object(PAGE_W / 2 - len(folio) * 3, PAGE_H - 45, folio, 12, [6.0] * len(folio)))
        files[f"Doc_0/Pages/Page_{k}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="{next(ids)}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')
        page_refs.append(f'<ofd:Page ID="{next(ids)}" BaseLoc="Pages/Page_{k}/Content.xml"/>')
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.1" DocType="OFD">'
        f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>0C3A5F1E2B</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>'
        f'</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData>'
        f'<ofd:MaxUnitID>{next(ids)}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
        f'</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>')
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in files.items():
            z.writestr(name, xml)
    return buf.getvalue()
