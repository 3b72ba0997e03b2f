"""Make PDF, DOCX and OFD files from a sample report's text, laid out as governments publish them.

Used by tests/test_formats.py (fixtures) and bench/pdf_libraries.py (the library comparison).
PDFs use reportlab's built-in CID font STSong-Light (no font file needed); `font=` may name a
TrueType file to embed instead, as Word and WPS do."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 79.0, 74.0, 100.0, 90.0
FONT_SIZE, LEADING = 15.0, 27.0
FOOTERS = ["— {n} —", "- {n} -", "第 {n} 页 共 {total} 页"]


def paragraphs(text: str) -> list[str]:
    """The sample's non-empty lines, stripped: one paragraph each."""
    return [x.strip() for x in text.splitlines() if x.strip()]


def wrap(par: str, width: float, width_of, indent: float = 2 * FONT_SIZE, slack: float = 0.0,
         keep_closing: bool = False) -> list[str]:
    """Lines of a paragraph wrapped by width (`width_of(piece)` measures a piece), the first line
    indented (two characters, Chinese style, by default); like Word, a run of Latin letters and
    digits is not broken. `keep_closing`: closing punctuation never begins a line (it stays on the
    line before, past the width); `slack` lets a line run that much over."""
    lines, cur, used = [], "", indent
    for piece in re.findall(r"[A-Za-z0-9.%]+|.", par):
        w = width_of(piece)
        if used + w > width + slack and cur and not (keep_closing and piece in "，。、；：？！）》”’"):
            lines.append(cur)
            cur, used = "", 0.0
        cur += piece
        used += w
    lines.append(cur)
    return lines


def _body_font(font: str | None) -> str:
    """Register the body font with reportlab: the TrueType file `font`, or else the built-in CID font
    STSong-Light; its name."""
    from reportlab.pdfbase import pdfmetrics

    if font:
        from reportlab.pdfbase.ttfonts import TTFont
        pdfmetrics.registerFont(TTFont("Body", font))
        return "Body"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _page_layout(text: str, measure, width: float, per_page: int) -> list[list[tuple[float, str, bool]]]:
    pages: list[list[tuple[float, str, bool]]] = [[]]
    for par in paragraphs(text):
        wrapped = wrap(par, width, lambda piece: sum(map(measure, piece)))
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

    name = _body_font(font)

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


# ------------------------------------------------------------------ PDFs laid out as published

_CLOSING = "，。、；：？！）》」』”’,.;:?!)%"
_FOLIOS = ["— {n} —", "-{n}-", "- {n} -", "第{n}页 共{total}页", "第 {n} 页 共 {total} 页", "{n}/{total}",
           "{n}", "第{n}页", "·{n}·"]
_HEADERS = ["法治政府建设年度报告", "某某市人民政府办公室 公开版", "政务公开", "（此件公开发布）", "内部资料 注意保存",
            "依法行政工作简报", "二〇二二年第一期"]


@dataclass
class Layout:
    """How one publisher sets a report as a PDF: what varies between real attachments."""

    chars: int = 28                 # characters in a full body line
    size: float = 15.0              # body font size, points
    leading: float = 1.75           # line pitch over font size
    left: float = 80.0              # margins, points
    top: float = 90.0
    bottom: float = 80.0
    indent: bool = True             # first lines indented two characters; else space between paragraphs
    justify: bool = True
    kinsoku: str = "push"           # a line never starts with closing punctuation: push | hang | none
    per_char: bool = False          # one text object per character, as some print drivers write
    header: str = "法治政府建设年度报告"  # running header ('' for none)
    header_align: str = "centre"    # centre | left | right
    header_rule: bool = True
    header_on_first: bool = False
    folio: str = "— {n} —"          # page number, formatted with n and total
    folio_place: str = "centre"     # centre | outer (odd pages right, even left) | right
    title_scale: float = 1.45       # the title's size over the body's
    headings_centred: bool = False  # 一、 headings centred instead of indented
    wenhao: str = ""                # a 文号 line (临政发〔2022〕3号) under the title
    red_head: str = ""              # a 红头 first page: the 发文机关标志 in big red type
    signer: str = ""                # 签发人 beside the 文号 on a 红头 page
    footnote: bool = False          # a footnote on one page, its mark raised in the text
    two_columns: int = 0            # this page (1-based) set in two columns
    table: list[list[str]] | None = None  # a table of figures after the first paragraph on 复议
    table_ruled: bool = True
    seed: int = 0


def random_layout(seed: int, **fixed) -> Layout:
    """A layout drawn at random (margins, sizes, spacing, header, page numbers, indents), then `fixed`."""
    import random
    r = random.Random(seed)
    size = r.choice([14.0, 15.0, 15.5, 16.0, 12.0, 10.5])
    chars = r.randint(24, 40)
    while chars * size > PAGE_W - 110:
        chars -= 1
    left = r.uniform(50, PAGE_W - chars * size - 50)
    lay = Layout(chars=chars, size=size, leading=r.uniform(1.35, 2.0), left=left, top=r.uniform(60, 120),
                 bottom=r.uniform(60, 110), indent=r.random() < 0.75, justify=r.random() < 0.7,
                 kinsoku=r.choice(["push", "hang", "none"]), per_char=r.random() < 0.25,
                 header=r.choice(_HEADERS + [""]), header_align=r.choice(["centre", "left", "right"]),
                 header_rule=r.random() < 0.5, header_on_first=r.random() < 0.4, folio=r.choice(_FOLIOS),
                 folio_place=r.choice(["centre", "outer", "right"]), title_scale=r.choice([1.0, 1.3, 1.45, 1.6]),
                 headings_centred=r.random() < 0.2, seed=seed)
    for k, v in fixed.items():
        setattr(lay, k, v)
    return lay


def _kind_of(lines: list[str]) -> list[str]:
    """Each line of a sample as a publisher would set it: title, heading, paragraph, head (short
    lines before the body, set flush left), sign (the closing organ and date, set right)."""
    from reportsearch.read import marker
    kinds = []
    title_done = False
    first_par = next((i for i, x in enumerate(lines) if len(x) > 60), 0)
    last_par = max((i for i, x in enumerate(lines) if len(x) > 60), default=len(lines))
    for i, x in enumerate(lines):
        if not title_done and i < first_par and "报告" in x and len(x) <= 60:
            kinds.append("title")
            title_done = True
        elif marker(x) and len(x) <= 40 and "。" not in x.rstrip("。"):
            kinds.append("heading")
        elif i < first_par and len(x) <= 40:
            kinds.append("head")
        elif i > last_par and len(x) <= 30:
            kinds.append("sign" if re.search(r"(政府|委|局|办公室|\d{4}年\d{1,2}月\d{1,2}日)$", x) else "head")
        else:
            kinds.append("par")
    return kinds


class _Setter:
    """Flows a report's lines into pages and columns, then draws them with reportlab."""

    def __init__(self, lay: Layout, font: str, measure) -> None:
        self.lay, self.font, self.measure = lay, font, measure
        self.pages: list[dict] = []
        self.new_page()

    def new_page(self) -> None:
        lay = self.lay
        n = len(self.pages) + 1
        cols = 2 if lay.two_columns == n else 1
        self.pages.append({"items": [], "rules": [], "cols": cols, "foot": None})
        self.col = 0
        self.y = lay.top
        self.limit = PAGE_H - lay.bottom

    def column(self) -> tuple[float, float]:
        lay = self.lay
        width = lay.chars * lay.size
        if self.pages[-1]["cols"] == 1:
            return lay.left, width
        gutter = 2 * lay.size
        w = (width - gutter) / 2
        return lay.left + self.col * (w + gutter), w

    def advance(self, height: float) -> None:
        if self.y + height > self.limit:
            if self.pages[-1]["cols"] == 2 and self.col == 0:
                self.col, self.y = 1, self.lay.top
            else:
                self.new_page()

    def glyphs(self, text: str, size: float) -> list[tuple[str, float, float]]:
        return [(ch, self.measure(ch, size), size) for ch in text]

    def place(self, glyphs, size: float, x: float, width: float | None, colour=None) -> None:
        """One line at the current y: `width` to justify it to, else set as is."""
        self.advance(size * self.lay.leading)
        self.pages[-1]["items"].append((x, self.y + size, glyphs, width, colour))
        self.y += size * self.lay.leading

    @staticmethod
    def pieces(glyphs) -> list[list]:
        """Glyphs in unbreakable pieces: a run of Latin letters and digits is kept whole (as Word does)."""
        out: list[list] = []
        for g in glyphs:
            if out and re.match(r"[A-Za-z0-9.%]", g[0]) and re.match(r"[A-Za-z0-9.%]", out[-1][-1][0]):
                out[-1].append(g)
            else:
                out.append([g])
        return out

    def take(self, pieces: list[list], limit: float) -> list:
        """The glyphs of the next line within `limit` points, taken off `pieces`; no line starts
        with closing punctuation unless the layout allows it (hang: it stays in the margin;
        push: the character before goes down with it)."""
        line, used = [], 0.0
        while pieces:
            w = sum(g[1] for g in pieces[0])
            if line and used + w > limit + 0.01:
                if pieces[0][0][0] in _CLOSING and len(pieces[0]) == 1:
                    if self.lay.kinsoku == "hang":
                        line += pieces.pop(0)
                    elif self.lay.kinsoku == "push" and len(line) > 1:
                        pieces.insert(0, [line.pop()])
                break
            p = pieces.pop(0)
            line += p
            used += w
        return line

    def wrap(self, glyphs, width: float) -> list[list]:
        pieces = self.pieces(glyphs)
        lines = []
        while pieces:
            lines.append(self.take(pieces, width))
        return lines

    def paragraph(self, text: str, size: float, align: str = "left", indent: bool = False,
                  colour=None, mark_after: int = -1) -> None:
        """A paragraph wrapped line by line in whatever column each line falls in."""
        glyphs = self.glyphs(text, size)
        if mark_after >= 0:  # a footnote mark, raised and smaller, after that character
            glyphs.insert(mark_after + 1, ("①", size * 0.55, -size * 0.6))
        pieces = self.pieces(glyphs)
        first = True
        while pieces:
            self.advance(size * self.lay.leading)
            left, width = self.column()
            ind = 2 * size if indent and first else 0.0
            line = self.take(pieces, width - ind)
            w = sum(g[1] for g in line)
            x = left + ind
            if align == "centre":
                x = left + (width - w) / 2
            elif align == "right":
                x = left + width - w - 2 * size
            justify = self.lay.justify and pieces and align == "left"
            self.place(line, size, x, (left + width - x) if justify else None, colour)
            first = False

    def draw(self, c, total: int) -> None:
        lay = self.lay
        for n, page in enumerate(self.pages, 1):
            for x, y, glyphs, width, colour in page["items"]:
                self.draw_line(c, x, PAGE_H - y, glyphs, width, colour)
            for (x0, y0, x1, y1, w, colour) in page["rules"]:
                c.setLineWidth(w)
                c.setStrokeColorRGB(*(colour or (0, 0, 0)))
                c.line(x0, PAGE_H - y0, x1, PAGE_H - y1)
            c.setStrokeColorRGB(0, 0, 0)
            c.setLineWidth(1)
            if lay.header and (n > 1 or lay.header_on_first):
                hs = max(9.0, lay.size * 0.7)
                w = sum(self.measure(ch, hs) for ch in lay.header)
                x = {"centre": (PAGE_W - w) / 2, "left": lay.left,
                     "right": lay.left + lay.chars * lay.size - w}[lay.header_align]
                self.draw_line(c, x, PAGE_H - lay.top * 0.5, self.glyphs(lay.header, hs), None, None)
                if lay.header_rule:
                    c.line(lay.left, PAGE_H - lay.top * 0.5 - 6, lay.left + lay.chars * lay.size, PAGE_H - lay.top * 0.5 - 6)
            if page["foot"]:
                fs = lay.size * 0.7
                fy = PAGE_H - lay.bottom + fs
                c.line(lay.left, PAGE_H - fy + fs * 1.2, lay.left + lay.chars * lay.size * 0.3, PAGE_H - fy + fs * 1.2)
                for k, line in enumerate(self.wrap(self.glyphs(page["foot"], fs), lay.chars * lay.size)):
                    self.draw_line(c, lay.left, PAGE_H - fy - k * fs * 1.4, line, None, None)
            folio = lay.folio.format(n=n, total=total)
            fs = max(9.0, lay.size * 0.75)
            w = sum(self.measure(ch, fs) for ch in folio)
            right = lay.left + lay.chars * lay.size
            place = lay.folio_place if lay.folio_place != "outer" else ("right" if n % 2 else "left")
            x = {"centre": (PAGE_W - w) / 2, "left": lay.left + fs, "right": right - w - fs}[place]
            self.draw_line(c, x, lay.bottom * 0.45, self.glyphs(folio, fs), None, None)
            c.showPage()

    def draw_line(self, c, x: float, y: float, glyphs, width: float | None, colour) -> None:
        natural = sum(g[1] for g in glyphs)
        space = (width - natural) / (len(glyphs) - 1) if width and len(glyphs) > 1 and width > natural else 0.0
        if colour:
            c.setFillColorRGB(*colour)
        plain = all(g[2] > 0 for g in glyphs) and len({g[2] for g in glyphs}) == 1
        if plain and not self.lay.per_char:
            t = c.beginText(x, y)
            t.setFont(self.font, glyphs[0][2])
            t.setCharSpace(space)
            t.textOut("".join(g[0] for g in glyphs))
            c.drawText(t)
        else:
            for ch, w, size in glyphs:
                c.setFont(self.font, abs(size))
                c.drawString(x, y + (abs(size) * 0.9 if size < 0 else 0), ch)
                x += w + space
        c.setFillColorRGB(0, 0, 0)


def published_pdf(text: str, lay: Layout, font: str | None = None) -> bytes:
    """The report set as `lay` says: title, headings, paragraphs over pages and columns, running
    header and page numbers, and the optional 红头, 文号, footnote, table and two-column page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    name = _body_font(font)

    def measure(ch: str, size: float) -> float:
        return pdfmetrics.stringWidth(ch, name, size)

    s = _Setter(lay, name, measure)
    size = lay.size
    if lay.red_head:
        big = min(size * 2.2, lay.chars * size / max(len(lay.red_head), 1))
        s.y += size
        s.paragraph(lay.red_head, big, "centre", colour=(0.85, 0.05, 0.05))
        s.y += size
    if lay.red_head and lay.signer:
        left, width = s.column()
        sig = s.glyphs(f"签发人：{lay.signer}", size)
        s.pages[-1]["items"].append((left + width - sum(g[1] for g in sig) - size, s.y + size, sig, None, None))
        s.paragraph(lay.wenhao, size, "left", indent=True)
    elif lay.red_head and lay.wenhao:
        s.paragraph(lay.wenhao, size, "centre")
    if lay.red_head:
        left, width = s.column()
        s.pages[-1]["rules"].append((left, s.y, left + width, s.y, 2.0, (0.85, 0.05, 0.05)))
        s.y += size * 1.5
    lines = paragraphs(text)
    kinds = _kind_of(lines)
    table_done = lay.table is None
    foot_done = not lay.footnote
    title_done = "title" not in kinds
    for line, kind in zip(lines, kinds):
        if kind == "title":
            title_done = True
            s.y += size * 0.5
            s.paragraph(line, size * lay.title_scale, "centre")
            if lay.wenhao and not lay.red_head:
                s.paragraph(lay.wenhao, size, "centre")
            s.y += size * 0.5
        elif kind == "heading":
            if not lay.indent:
                s.y += size * 0.6
            s.paragraph(line, size, "centre" if lay.headings_centred and line[1:2] == "、" else "left",
                        indent=lay.indent and not lay.headings_centred)
        elif kind == "head":  # flush left before the title; after it, a paragraph like any other
            s.y += size * 0.6 if not lay.indent and title_done else 0.0
            s.paragraph(line, size, indent=lay.indent and title_done)
        elif kind == "sign":
            s.y += size * 0.6 if not lay.indent else 0.0
            s.paragraph(line, size, "right")
        else:
            if not lay.indent:
                s.y += size * 0.6
            mark = -1
            if not foot_done and len(s.pages) >= 2 and "。" in line[:-1]:
                mark = line.index("。") - 1
                s.advance(size * 6)
                s.limit -= size * 3.5
                s.pages[-1]["foot"] = "①本报告所列数据截至当年12月31日，部分数据为初步统计数。"
                foot_done = True
            s.paragraph(line, size, indent=lay.indent, mark_after=mark)
            if not table_done and "复议" in line:
                _table(s, lay.table, lay.table_ruled)
                table_done = True
    import io as _io
    buf = _io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H))
    s.draw(c, len(s.pages))
    c.save()
    return buf.getvalue()


def _table(s: _Setter, rows: list[list[str]], ruled: bool) -> None:
    """A table of figures: a wide first column, rules round every cell when `ruled`."""
    left, width = s.column()
    n = len(rows[0])
    first = width * 0.46
    size = min(s.lay.size * 0.85, first / (max(len(r[0]) for r in rows) + 1))  # cells fit their text
    height = size * 2.0
    s.advance(height * (len(rows) + 1))
    left, width = s.column()  # the column it lands in
    first = width * 0.46
    size = min(size, first / (max(len(r[0]) for r in rows) + 1))
    xs = [left] + [left + first + k * (width - first) / (n - 1) for k in range(n)]
    top = s.y
    for r, row in enumerate(rows):
        y = top + r * height
        for k, cell in enumerate(row):
            w = sum(s.measure(ch, size) for ch in cell)
            x = xs[k] + size * 0.5 if k == 0 else (xs[k] + xs[k + 1] - w) / 2
            s.pages[-1]["items"].append((x, y + size * 1.4, s.glyphs(cell, size), None, None))
    if ruled:
        for r in range(len(rows) + 1):
            s.pages[-1]["rules"].append((left, top + r * height, left + width, top + r * height, 0.75, None))
        for x in xs:
            s.pages[-1]["rules"].append((x, top, x, top + len(rows) * height, 0.75, None))
    s.y = top + len(rows) * height + s.lay.size


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
