"""Fixed-layout pages (PDF, OFD) to report lines.

Two steps. `build_page` puts a page's glyphs (a character, its origin, font size and advance)
into lines: characters on one baseline, raised footnote marks left out, cells of a ruled table
read row by row, and a two-column page read column by column. `read_pages` then reads the
pages as a report: page furniture dropped, a 红头's 发文机关标志 and 文号 taken as metadata,
footnotes moved after the text, and wrapped lines joined back into paragraphs.

Chinese has no spaces between words, so a line is joined to the one before it unless that
one ends a paragraph: it stops short of the right margin by more than the next line's first
unbreakable run needs, it is followed by a heading (一、 （一） 1. 第一部分), an indented first
line, a line in another size, or a wider gap than lines usually have, or — in a document whose
paragraphs are marked neither by indents nor by space between them — it ends a sentence. A
centred line in a size of its own is a title or heading; it continues only a title line before
it that filled the measure.

Page furniture is a page number in the top or bottom band of a page (— 3 —, -3-, 第 3 页 共 10 页,
3/10, a bare number), or a line that repeats at the same place on most pages.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .geometry import UNBREAKABLE, Glyph, Rule, columns_and_tables, ruled_tables
from .markers import marker

__all__ = ["Glyph", "Line", "Page", "Rule", "build_page", "join_lines", "page_lines", "read_pages"]


@dataclass
class Line:
    """One visual line of a page: its text and box, y growing downwards from the page top."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0  # font size; 0: the box's height
    red: bool = False  # drawn in red ink (a 红头's 发文机关标志)
    row: bool = False  # a table row: its cells two spaces apart, never joined to another line
    frame: tuple[float, float] | None = None  # the column it stands in, when the page has two
    lead: float = 0.0  # the width of its first unbreakable run; 0: estimated from the text

    def __post_init__(self) -> None:
        if not self.size:
            self.size = max(self.bottom - self.top, 1.0)


@dataclass
class Page:
    """A page's size and its lines in reading order."""

    width: float
    height: float
    lines: list[Line] = field(default_factory=list)


def build_page(width: float, height: float, glyphs: list[Glyph], rules: list[Rule]) -> Page:
    """A page's lines in reading order from its glyphs (top-down coordinates) and ruled lines."""
    tables, rest = ruled_tables(glyphs, rules)
    flow = [Line(*x) for x in columns_and_tables(rest, width)]
    for text, x0, top, x1, bottom, size in tables:
        # each row at its place by its top, in the column it stands in on a two-column page
        frame = next((x.frame for x in flow if x.frame and x.frame[0] - 3 <= x0 and x1 <= x.frame[1] + 3), None)
        k = next((i for i, x in enumerate(flow) if x.frame == frame and x.top > top), None)
        if k is None:  # after the last line of its column
            k = max((i + 1 for i, x in enumerate(flow) if x.frame == frame and x.top < top), default=len(flow))
        flow.insert(k, Line(text, x0, top, x1, bottom, size, row=True, frame=frame))
    return Page(width, height, flow)


# ------------------------------------------------------------------ furniture

_PAGE_NUMBER = re.compile(
    r"^[—–\-－~～·•_\s]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?"
    r"(?:\s*[/／]\s*[0-9]{1,4}|\s*[,，]?\s*共\s*[0-9]{1,4}\s*页)?[—–\-－~～·•_\s]*$"
    r"|^共\s*[0-9]{1,4}\s*页\s*[,，]?\s*第\s*[0-9]{1,4}\s*页$"
    r"|^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_SENTENCE_END = re.compile(r"[。！？!?；;：:][”’」』）)\]】]*$")
_PART = re.compile(r"^第[一二三四五六七八九十]{1,3}(部分|章|节|篇)")
_HANGS = re.compile(r"[，。、；：？！,.;:?!）)》」』”’]$")
_BAND = 0.12  # the top and bottom eighth of a page hold running heads and folios


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _in_band(line: Line, page: Page) -> bool:
    return line.top < page.height * _BAND or line.bottom > page.height * (1 - _BAND)


def drop_furniture(pages: list[Page]) -> list[list[Line]]:
    """Each page's lines without page numbers and running heads/footers (headings are kept):
    a line that repeats at the same place on most pages, or in a page's top or bottom band on
    at least two in five."""
    with_text = [p for p in pages if p.lines]
    repeats: Counter = Counter()
    for p in with_text:
        repeats.update({(_key(x.text), round(x.top / 6)) for x in p.lines})
    n = len(with_text)
    out = []
    for p in pages:
        keep = []
        for x in p.lines:
            t = x.text.strip()
            if not t:
                continue
            if not x.row and _PAGE_NUMBER.match(t) and (_in_band(x, p) or len(t) <= 12):
                continue
            seen = max(repeats[(_key(t), round(x.top / 6) + d)] for d in (-1, 0, 1))
            if n >= 2 and seen >= 2 and (seen >= n * 0.6 or _in_band(x, p) and seen >= n * 0.4):
                continue
            keep.append(x)
        out.append(keep)
    return out


# ------------------------------------------------------------------ 红头 and footnotes

_WENHAO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【（(]\s*(?:19|20)\d{2}\s*[〕\]］】）)]\s*\d{1,4}\s*号")
_SIGNER = re.compile(r"签\s*发\s*人\s*[:：]\s*(\S.{0,20})$")
_ORGAN_MARK = re.compile(r"^(.{2,40}?)\s*(?:文件|文\s*件|公报|简报|通报|(?=委员会$|人民政府$|办公室$))?$")
_FOOTNOTE = re.compile(r"^\s*(?:[①-⑳]|[\[［(（]?\d{1,2}[\]］)）]|\*|注\s*[:：]|注释|资料来源)")


def red_head(page: list[Line], body_size: float) -> tuple[list[Line], dict[str, str]]:
    """A 红头 at the top of the first page: the 发文机关标志 (large red type), the 文号 and the
    签发人 are metadata, not body. The lines left, and what they say."""
    front: dict[str, str] = {}
    keep = []
    mark = ""
    for k, x in enumerate(page):
        t = re.sub(r"\s+", "", x.text)
        top_part = k < 8
        if top_part and x.red and x.size >= body_size * 1.3 and not front.get("doc_number"):
            mark = (mark + t) if k and page[k - 1].red else t  # a long mark may take two lines
            m = _ORGAN_MARK.match(mark)
            front["issuer"] = m.group(1) if m else mark
            continue
        wenhao = _WENHAO.search(x.text)
        signer = _SIGNER.search(x.text)
        rest = x.text
        for m in (wenhao, signer):
            if m:
                rest = rest.replace(m.group(0), "")
        if top_part and (wenhao or signer) and not rest.strip(" 　:："):
            if wenhao:
                front["doc_number"] = re.sub(r"\s+", "", wenhao.group(0))
            if signer:
                front["signer"] = signer.group(1).strip()
            continue
        keep.append(x)
    return keep, front


def footnotes(page: list[Line], body_size: float) -> tuple[list[Line], list[str]]:
    """Footnotes at the foot of a page — smaller type below the last line of body size, the
    first opening with a note mark (① [1] 注：) — apart from the page's text."""
    last_body = max((k for k, x in enumerate(page) if x.size >= body_size * 0.9), default=-1)
    tail = page[last_body + 1:]
    if not tail or not _FOOTNOTE.match(tail[0].text) or any(x.size > body_size * 0.88 for x in tail):
        return page, []
    if last_body >= 0 and tail[0].top < page[last_body].bottom:
        return page, []
    notes: list[str] = []
    for x in tail:
        if _FOOTNOTE.match(x.text) or not notes:
            notes.append(x.text.strip())
        else:
            notes[-1] += x.text.strip()
    return page[:last_body + 1], notes


# ------------------------------------------------------------------ joining lines

def _room_needed(x: Line, em: float) -> float:
    """The width the start of a line would need at the end of the line before: its first
    unbreakable run as drawn, or estimated with Chinese characters one em wide, Latin half."""
    if x.lead:
        return x.lead
    run = UNBREAKABLE.match(x.text.strip())
    chars = run.group() if run else x.text.strip()[:1]
    return sum(em if ch >= "\u2e80" or ch in "“”‘’" else em * 0.55 for ch in chars)


def _starts_heading(text: str) -> bool:
    return marker(text) is not None or bool(_PART.match(text))


def body_size(pages: list[list[Line]]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter = Counter()
    for page in pages:
        for x in page:
            sizes[round(x.size * 2) / 2] += len(x.text)
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _frames(pages: list[list[Line]], em: float) -> dict[object, tuple[float, float]]:
    """The left and right edge of the text in each column frame (two-column pages) and on each
    page with enough lines of its own, else of the whole document."""
    def edges(lines: list[Line]) -> tuple[float, float]:
        half = em / 2
        left = Counter(round(x.x0 / half) for x in lines).most_common(1)[0][0] * half
        # Closing punctuation may hang in the margin; a line ending otherwise stays inside it.
        inside = [x.x1 for x in lines if not _HANGS.search(x.text)] or [x.x1 for x in lines]
        right = sorted(inside)[int(len(inside) * 0.9)]
        return left, right

    body = [x for page in pages for x in page if not x.frame and not x.row and abs(x.size - em) < em * 0.15]
    out: dict[object, tuple[float, float]] = {None: edges(body) if body else (0.0, 1.0)}
    for k, page in enumerate(pages):
        mine = [x for x in page if not x.frame and not x.row and abs(x.size - em) < em * 0.15]
        if len(mine) >= 12:
            out[k] = edges(mine)
        for frame in {x.frame for x in page if x.frame}:
            col = [x for x in page if x.frame == frame]
            out[(k, frame)] = edges(col) if len(col) >= 4 else frame
    return out


def join_lines(pages: list[list[Line]], notes: list[list[str]] | None = None) -> list[str]:
    """Paragraph lines from the body lines of every page, in order; each page's `notes` after
    the paragraph that is open at the end of the page."""
    body = [x for page in pages for x in page]
    pending: list[str] = []
    if not body:
        return [n for page in notes or [] for n in page]
    em = body_size(pages)
    frames = _frames(pages, em)

    def frame_of(k: int, x: Line) -> tuple[float, float]:
        if x.frame:
            return frames.get((k, x.frame), x.frame)
        return frames.get(k, frames[None])

    left0, _ = frames[None]
    plain = [x for x in body if not x.row and not x.frame]
    indented = sum(x.x0 > left0 + em * 1.2 for x in plain)
    insets = Counter(round((x.x0 - left0) / em * 2) / 2 for x in plain if em * 1.2 < x.x0 - left0 < em * 4.5)
    indent = (insets.most_common(1)[0][0] if insets else 2.0) * em  # a first line's indent
    indent_style = indented >= max(2, len(plain) * 0.03)  # paragraphs open with an indent
    gaps = [b.top - a.bottom for page in pages for a, b in zip(page, page[1:])
            if b.top > a.bottom and a.frame == b.frame and not a.row and not b.row]
    leading = statistics.median(gaps) if gaps else em * 0.5  # the usual gap between lines
    wide_gap = leading + em * 0.5
    spaced_style = sum(g > wide_gap for g in gaps) >= max(2, len(gaps) * 0.03)  # … or with space between
    marked = indent_style or spaced_style

    def centred(x: Line, left: float, right: float, nxt: Line | None = None) -> bool:
        """Clear of both edges by about as much on either side — and not a paragraph's indented
        first line that happens to stop as far from the right edge, with the next at the left."""
        a, b = x.x0 - left, right - x.x1
        if min(a, b) < 0.5 * x.size or abs(a - b) > 0.6 * x.size:
            return False
        return not (nxt is not None and abs(a - indent) < 0.3 * x.size and nxt.x0 < left + 0.5 * x.size)

    def title_like(x: Line, left: float, right: float) -> bool:
        """A line that may open a title: larger than the text, centred, or filling the measure
        with the same small margin on either side (centred, nearly full)."""
        a, b = x.x0 - left, right - x.x1
        return x.size >= em * 1.15 or centred(x, left, right) or (abs(a - b) < 0.6 * x.size and a > 0.1 * x.size)

    out: list[str] = []
    prev: Line | None = None
    prev_frame = (0.0, 0.0)
    titling = False  # the open paragraph is a title so far
    for k, page in enumerate(pages):
        for i, x in enumerate(page):
            t = x.text.strip()
            left, right = frame_of(k, x)
            if prev is None or x.row or prev.row:
                out.extend(pending)
                pending.clear()
                out.append(t)
                prev, prev_frame, titling = x, (left, right), not x.row and title_like(x, left, right)
                continue
            p = prev.text.strip()
            same_page = i > 0
            size = max(x.size, prev.size)
            other_size = abs(x.size - prev.size) > size * 0.12
            full = prev_frame[1] - prev.x1 < _room_needed(x, size) + size * 0.3  # the next start did not fit
            # a title over two lines: a line that filled the measure, then the rest centred
            title_wrap = titling and full and centred(x, left, right) and not other_size \
                and not _SENTENCE_END.search(p)
            new = (
                _starts_heading(t)
                or other_size
                or (x.x0 > left + size * 1.2 and not title_wrap)
                or not full
                or (same_page and x.top - prev.bottom > wide_gap and not title_wrap)
                or (_SENTENCE_END.search(p) is not None and not marked)
                or centred(prev, *prev_frame, x) and not title_wrap
            )
            if new:
                out.extend(pending)
                pending.clear()
                out.append(t)
                titling = title_like(x, left, right)
            else:
                english = re.search(r"[A-Za-z][,.]?$", p) and re.match(r"[A-Za-z]", t)
                out[-1] += (" " if english else "") + t
                titling = titling and (title_wrap or title_like(x, left, right))
            prev, prev_frame = x, (left, right)
        pending.extend(notes[k] if notes else [])
    return out + pending


_MARKER_GAP = re.compile(r"^((?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)])\s+")


def read_pages(pages: list[Page]) -> tuple[list[str], dict[str, str]]:
    """Report lines of a fixed-layout document and what its 红头 says (issuer, doc_number,
    signer): furniture dropped, footnotes after their paragraph, wrapped lines joined, and the tab
    after an automatic list number (一、 → text) closed up."""
    kept = drop_furniture(pages)
    em = body_size(kept)
    front: dict[str, str] = {}
    first = next((k for k, p in enumerate(kept) if p), None)
    if first is not None:
        kept[first], front = red_head(kept[first], em)
    notes: list[list[str]] = []
    for k, page in enumerate(kept):
        kept[k], found = footnotes(page, em)
        notes.append(found)
    return [_MARKER_GAP.sub(r"\1", x) for x in join_lines(kept, notes)], front


def page_lines(pages: list[Page]) -> list[str]:
    """Report lines of a fixed-layout document (read_pages without the metadata)."""
    return read_pages(pages)[0]
