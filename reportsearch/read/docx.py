"""Word .docx through python-docx: paragraphs and tables in document order, outline kept.

A heading's level comes from its style (Heading 1…, 标题 1…, or a style's outline level), the
paragraph's own outline level, or its typed number (一、 （一） 1.). Automatic numbering that
Word draws but the text does not hold is rendered from the numbering definitions (一、, （一）,
1., ①), so the block splitter sees the same outline as in a text file. Headings without any
number are marked with Markdown '#'s, which the block splitter reads as unnumbered headings.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from ..errors import UnreadableReport
from ..model import RawDocument
from .common import ZipPackage
from .markers import marker

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_CN_DIGITS = "零一二三四五六七八九"
MAX_PARAGRAPHS = 50_000  # a long report has a few thousand


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if not rest else ("零" + chinese_number(rest) if rest < 10 else
                                ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
    return _CN_DIGITS[n // 100] + "百" + tail


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's numFmt styles (digits past Word's own range, 0–32,767: a
    file could otherwise ask for a number as a million letters)."""
    if not 0 <= n <= 32767:
        return str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_number(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)  # decimal, decimalZero and anything unknown


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    """Word's list definitions and the running counters of each list."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → ilvl → level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def load(cls, doc) -> "_Numbering":
        out = cls()
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return out
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.iter(_W + "abstractNum"):
            abstract[an.get(_W + "abstractNumId")] = {int(lv.get(_W + "ilvl", "0")): _level(lv)
                                                      for lv in an.iter(_W + "lvl")}
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            levels = {k: _Level(v.fmt, v.text, v.start)
                      for k, v in abstract.get(ref.get(_W + "val") if ref is not None else "", {}).items()}
            for ov in num.iter(_W + "lvlOverride"):
                ilvl = int(ov.get(_W + "ilvl", "0"))
                lv = ov.find(_W + "lvl")
                if lv is not None:
                    levels[ilvl] = _level(lv)
                so = ov.find(_W + "startOverride")
                if so is not None:
                    levels.setdefault(ilvl, _Level()).start = int(so.get(_W + "val", "1"))
            out.levels[num.get(_W + "numId")] = levels
        return out

    def label(self, num_id: str, ilvl: int) -> str:
        """The number Word draws for the next paragraph of this list at this level."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or levels[ilvl].fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        def value(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            return format_number(counts.get(k, lv.start), lv.fmt)
        return re.sub(r"%(\d)", value, levels[ilvl].text)


def _level(lv) -> _Level:
    def val(tag: str, default: str) -> str:
        e = lv.find(_W + tag)
        return e.get(_W + "val", default) if e is not None else default
    return _Level(val("numFmt", "decimal"), val("lvlText", ""), int(val("start", "1") or 1))


class _Styles:
    """The document's styles by id, read once: python-docx's paragraph.style scans every style on
    each call, which made a file of many short paragraphs take minutes."""

    def __init__(self, document) -> None:
        self.by_id: dict[str | None, object] = {}
        self.default = None  # the default paragraph style: the last one marked so, as the standard says
        for style in document.styles.element.iterchildren(_W + "style"):
            # the first of an id, as python-docx took it
            self.by_id.setdefault(style.get(_W + "styleId"), style)
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true", "on"):
                self.default = style

    def chain(self, paragraph):
        """The paragraph's style (or the default paragraph style) and the styles it is based on."""
        ppr = paragraph._p.pPr
        ref = ppr.find(_W + "pStyle") if ppr is not None else None
        style = self.by_id.get(ref.get(_W + "val")) if ref is not None else None
        if style is None or style.get(_W + "type") != "paragraph":
            style = self.default
        seen = 0
        while style is not None and seen < 20:
            yield style
            based = style.find(_W + "basedOn")
            style, seen = (self.by_id.get(based.get(_W + "val")) if based is not None else None), seen + 1


def _style_name(style) -> str:
    e = style.find(_W + "name")
    return (e.get(_W + "val") if e is not None else None) or ""


def _outline_level(paragraph, styles: _Styles) -> int | None:
    """0-based heading level from the paragraph's outline level or its style's, else None."""
    ppr = paragraph._p.pPr
    e = ppr.find(_W + "outlineLvl") if ppr is not None else None
    if e is None:
        for style in styles.chain(paragraph):
            m = _HEADING_STYLE.match(_style_name(style))
            if m:
                return int(m.group(1)) - 1
            sppr = style.find(_W + "pPr")
            e = sppr.find(_W + "outlineLvl") if sppr is not None else None
            if e is not None:
                break
    if e is None:
        return None
    level = int(e.get(_W + "val", "9"))
    return level if level < 9 else None  # 9 is body text


def _num_pr(paragraph, styles: _Styles) -> tuple[str, int] | None:
    """(numId, ilvl) of the paragraph's automatic numbering, its own or its style's."""
    candidates = [paragraph._p.pPr] + [s.find(_W + "pPr") for s in styles.chain(paragraph)]
    for ppr in candidates:
        if ppr is None:
            continue
        np = ppr.find(_W + "numPr")
        if np is not None:
            num = np.find(_W + "numId")
            ilvl = np.find(_W + "ilvl")
            if num is None:
                continue
            return num.get(_W + "val"), int(ilvl.get(_W + "val", "0")) if ilvl is not None else 0
    return None


def _paragraph_line(paragraph, numbering: _Numbering, styles: _Styles) -> str:

    text = paragraph.text.replace("\n", " ").strip()
    np = _num_pr(paragraph, styles)
    if np and np[0] != "0":
        label = numbering.label(*np)
        if label and text:
            text = label + text
    level = _outline_level(paragraph, styles)
    if level is not None and text and marker(text) is None:
        text = "#" * min(level + 1, 6) + " " + text  # an unnumbered heading: keep its level
    return text


def read_docx(path: str, data: bytes) -> RawDocument:
    """A .docx file's paragraphs and table rows, in document order."""
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    damaged = "damaged Word file (not a ZIP archive) — open and save it again as .docx"
    ZipPackage(path, data, "Word", damaged).check_all()
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise UnreadableReport(path, f"damaged Word file ({e}) — open and save it again as .docx")
    paragraphs = sum(1 for _ in document.element.body.iter(_W + "p"))
    if paragraphs > MAX_PARAGRAPHS:
        raise UnreadableReport(path, f"too many paragraphs for a report ({paragraphs:,}; the limit is "
                                     f"{MAX_PARAGRAPHS:,}) — not a report")
    numbering = _Numbering.load(document)
    styles = _Styles(document)
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            lines.append(_paragraph_line(Paragraph(child, document), numbering, styles))
        elif child.tag == _W + "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    if t and (not cells or cells[-1] != t):  # merged cells repeat their text
                        cells.append(t)
                lines.append("  ".join(cells))
    front = {}
    title = (document.core_properties.title or "").strip()
    if title and any("\u4e00" <= c <= "\u9fff" for c in title):
        front["html_title"] = title
    return RawDocument(path, lines, front, "docx")
