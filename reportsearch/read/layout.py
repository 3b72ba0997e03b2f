"""Fixed-layout pages (PDF, OFD) to report lines: running heads and page numbers dropped,
lines wrapped by the layout joined back into paragraphs.

Chinese has no spaces between words, so a line is joined to the one before it unless that
one ends a paragraph: it stops short of the right margin by more than the next line's first
unbreakable run needs, it is followed by a heading (一、 （一） 1. 第一部分), an indented first
line or a wider gap than lines usually have, or — in a document whose paragraphs are marked
neither by indents nor by space between them — it ends a sentence.

Page furniture is a line in the top or bottom band of a page that is a page number (— 3 —, - 3 -, 第 3 页 共 10 页, 3/10) or repeats on most pages.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .markers import marker


@dataclass
class Line:
    """One visual line of a page: its text and box, y growing downwards from the page top."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Page:
    """A page's size and its lines in reading order."""

    width: float
    height: float
    lines: list[Line]


_PAGE_NUMBER = re.compile(
    r"^[—–\-－~～·•_\s]*(?:第\s*)?[0-9０-９]{1,4}(?:\s*页)?"
    r"(?:\s*[/／]\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?[—–\-－~～·•_\s]*$"
    r"|^(?:page\s*)?\d{1,4}(?:\s*of\s*\d{1,4})?$", re.I)
_SENTENCE_END = re.compile(r"[。！？!?；;：:][”’」』）)\]】]*$")
_PART = re.compile(r"^第[一二三四五六七八九十]{1,3}(部分|章|节|篇)")
_BAND = 0.12  # the top and bottom eighth of a page hold running heads and folios


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_furniture(pages: list[Page]) -> list[list[Line]]:
    """Each page's lines without page numbers and running heads/footers (headings are kept)."""
    def in_band(line: Line, page: Page) -> bool:
        return line.top < page.height * _BAND or line.bottom > page.height * (1 - _BAND)

    with_text = [p for p in pages if p.lines]
    repeats = Counter()
    for p in with_text:
        repeats.update({_key(x.text) for x in p.lines if in_band(x, p)})
    often = max(2, (len(with_text) + 1) // 2) if len(with_text) >= 2 else 10**9
    out = []
    for p in pages:
        keep = []
        for x in p.lines:
            t = x.text.strip()
            if not t:
                continue
            if _PAGE_NUMBER.match(t) and (in_band(x, p) or len(t) <= 12):
                continue
            if in_band(x, p) and repeats[_key(t)] >= often:
                continue
            keep.append(x)
        out.append(keep)
    return out


# What cannot be parted from the first character of a line: opening punctuation after it,
# Latin letters and digits, and punctuation that may not begin a line.
_UNBREAKABLE = re.compile(r"^.[“‘（(《【「『]*[A-Za-z0-9.%,\-/:+×]*[”’）)》】」』，。、；：？！,.;:?!%]*")


def _room_needed(text: str, em: float) -> float:
    """The width the start of a line would need at the end of the line before: its first
    unbreakable run, Chinese characters one em wide and Latin ones about half."""
    run = _UNBREAKABLE.match(text)
    chars = run.group() if run else text[:1]
    return sum(em if ch >= "\u2e80" or ch in "“”‘’" else em * 0.55 for ch in chars)


def _starts_heading(text: str) -> bool:
    return marker(text) is not None or bool(_PART.match(text))


def join_lines(pages: list[list[Line]]) -> list[str]:
    """Paragraph lines from the body lines of every page, in order."""
    body = [x for page in pages for x in page]
    if not body:
        return []
    heights = [x.bottom - x.top for x in body if x.bottom > x.top]
    em = statistics.median(heights) if heights else 12.0  # about one character
    left = Counter(round(x.x0 / (em / 2)) for x in body).most_common(1)[0][0] * (em / 2)
    right = sorted(x.x1 for x in body)[int(len(body) * 0.9)]
    indented = sum(x.x0 > left + em * 1.2 for x in body)
    indent_style = indented >= max(2, len(body) * 0.03)  # paragraphs open with an indent
    gaps = [b.top - a.bottom for page in pages for a, b in zip(page, page[1:]) if b.top > a.bottom]
    leading = statistics.median(gaps) if gaps else em * 0.5  # the usual gap between lines
    wide_gap = leading + em * 0.5
    spaced_style = sum(g > wide_gap for g in gaps) >= max(2, len(gaps) * 0.03)  # … or with space between
    marked = indent_style or spaced_style

    def centred(x: Line) -> bool:
        return x.x0 > left + 2 * em and abs((x.x0 + x.x1) / 2 - (left + right) / 2) < em

    out: list[str] = []
    prev: Line | None = None
    for page in pages:
        for i, x in enumerate(page):
            t = x.text.strip()
            if prev is None:
                out.append(t)
                prev = x
                continue
            p = prev.text.strip()
            same_page = i > 0
            centred_pair = centred(prev) and centred(x)  # a title over two lines
            new = (
                _starts_heading(t)
                or (x.x0 > left + em * 1.2 and not centred_pair)
                or (right - prev.x1 > max(em * 1.5, _room_needed(t, em) + em * 0.5) and not centred_pair)
                or (same_page and x.top - prev.bottom > wide_gap)
                or (_SENTENCE_END.search(p) is not None and (not marked or centred_pair))
            )
            if new:
                out.append(t)
            else:
                english = re.search(r"[A-Za-z][,.]?$", p) and re.match(r"[A-Za-z]", t)
                sep = " " if english else ""
                out[-1] += sep + t
            prev = x
    return out


_MARKER_GAP = re.compile(r"^((?:[一二三四五六七八九十]{1,3}|\d{1,2})[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)])\s+")


def page_lines(pages: list[Page]) -> list[str]:
    """Report lines of a fixed-layout document: furniture dropped, wrapped lines joined, and
    the tab after an automatic list number (一、 → text) closed up."""
    return [_MARKER_GAP.sub(r"\1", x) for x in join_lines(drop_furniture(pages))]
