"""Splitting a report body into blocks along its own outline: headings, paragraphs, 一是… items."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..read import marker, marker_number
from . import cues

_SENT = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")
_ITEM = re.compile(r"(?:第(?P<a>[一二三四五六七八九十]{1,2})[，,、])|(?P<b>[一二三四五六七八九十]{1,2})(?:是|要)")
_BOUNDARY = "。；;：:，,！？!?）)”\""
MAX_BLOCK = 2000  # characters: longer paragraphs are cut at sentence ends


@dataclass
class Unit:
    """A block in the making: text, its heading path as (level, heading), and where it came from."""

    text: str
    heading: list[tuple[float, str]]
    kind: str  # heading | paragraph | lead | item
    para: int
    marker_level: float | None = None
    switch: bool = False  # the first unit of a piece cut off where its paragraph switches part


def sentences(text: str) -> list[str]:
    """The text cut after 。！？ (closing quotes stay with their sentence)."""
    return [s for s in _SENT.findall(text) if s]


def _is_heading_line(line: str) -> bool:
    body = line.rstrip("。.")
    return len(line) <= 60 and not re.search(r"[。！？!?；;]", body)


def _is_part_title(line: str) -> bool:
    """A short stand-alone line with no punctuation: the title of a part of the report."""
    # 、 and —— may join its words (“十三五”——全面小康、决战决胜的五年), never start it (、坚持…).
    if not 4 <= len(line) <= 40 or re.search(r"[，,。：:；;！？!?]|^[、—]", line) or line.startswith("各位代表"):
        return False
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in line)
    # Years count with the characters: 2020年工作安排 is a part title too.
    return cjk >= 4 and cjk + sum(c.isdigit() or c in "、—" for c in line) >= len(line) * 0.8


def _inline_heading(text: str) -> str | None:
    first = sentences(text)[0] if text else ""
    if len(first) <= 60 and not re.search(r"[；;]", first) and len(first) < len(text):
        return first.rstrip("。.！!？?")
    return None


def split_items(text: str) -> list[tuple[str, str]]:
    """Split 一是…二是…三是… (or 第一，第二，) items out of a paragraph: [(kind, text)]."""
    found = []
    want = 1
    pos = 0
    while True:
        m = None
        for cand in _ITEM.finditer(text, pos):
            n = marker_number(cand.group("a") or cand.group("b"))
            at_boundary = cand.start() == 0 or text[cand.start() - 1] in _BOUNDARY or text[cand.start() - 1] == " "
            if n == want and at_boundary:
                m = cand
                break
        if not m:
            break
        found.append(m.start())
        want += 1
        pos = m.end()
    if len(found) < 2:
        return [("paragraph", text)]
    out = []
    if found[0] > 0 and text[: found[0]].strip():
        out.append(("lead", text[: found[0]].strip()))
    bounds = found + [len(text)]
    for a, b in zip(bounds, bounds[1:]):
        out.append(("item", text[a:b].strip()))
    return out


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_BLOCK:
        return [text]
    out, cur = [], ""
    for s in sentences(text):
        while len(s) > MAX_BLOCK:  # one endless sentence: cut it plainly
            if cur:
                out.append(cur)
                cur = ""
            out.append(s[:MAX_BLOCK])
            s = s[MAX_BLOCK:]
        if len(cur) + len(s) > MAX_BLOCK and cur:
            out.append(cur)
            cur = ""
        cur += s
    if cur:
        out.append(cur)
    return out


def _split_part_switch(text: str, report_year: int | None) -> list[str]:
    """Cut a paragraph where a later sentence opens another part: the plans (…问题。下一步，我区将…)
    or the problems (…表示衷心的感谢！我们也清醒地看到…). An address (各位代表！) is not cut off.

    One pass over the sentences, whatever the paragraph's length: what is known of the sentences
    before the one looked at is kept as it grows, not found again from its text."""
    sents = sentences(text)
    pieces: list[str] = []
    start = 0
    while start < len(sents):
        cut = _next_switch(sents, start, report_year)
        pieces.append("".join(sents[start:cut]))
        start = cut
    return pieces or [text]


def _next_switch(sents: list[str], start: int, report_year: int | None) -> int:
    """Where the piece of the paragraph that begins at sentence `start` ends (len(sents): nowhere)."""
    words = 0  # word characters in the piece so far
    substantial = 0  # its sentences of 8 word characters or more
    admitted = False  # whether it admits problems: looked at only when needed, and a piece that
    # admits them goes on doing so as it grows (checked on the bulk corpus: the same cuts)
    opens_with_plans = cues.opens_plans(sents[start], report_year)
    for i in range(start + 1, len(sents)):
        n = len(_NON_WORD.sub("", sents[i - 1]))
        words += n
        substantial += n >= 8
        if words < 8:
            continue
        s = sents[i].strip()
        if cues.opens_plans(s, report_year) and not opens_with_plans:
            return i
        # A one-sentence lead-in (知忧才能克难。我们清醒地认识到…) belongs to the problems it opens.
        if substantial >= 2 and cues.admits_problems_strongly(s):
            admitted = admitted or cues.admits_problems("".join(sents[start:i]))
            if not admitted:
                return i
    return len(sents)


_NON_WORD = re.compile(r"\W")


def split(body: list[str], report_year: int | None = None) -> list[Unit]:
    """Units for a cleaned body: heading lines, paragraphs, leads and items with heading paths."""
    stack: list[tuple[float, str]] = []
    last_num: dict[float, int] = {}
    units: list[Unit] = []

    def push(level: float, num: int | None, heading: str) -> None:
        nonlocal stack
        if num is not None and num <= last_num.get(level, 0) and any(lv < level for lv, _ in stack):
            # Numbering restarted ((三) then (一)): the parent heading is missing from the page,
            # so what follows must not inherit the previous parent's heading.
            stack = [(lv, h) for lv, h in stack if lv > level]
            for lv in list(last_num):
                if lv < level:
                    del last_num[lv]
        stack = [(lv, h) for lv, h in stack if lv < level]
        stack.append((level, heading))
        if num is not None:
            last_num[level] = num
        for lv in list(last_num):
            if lv > level:
                del last_num[lv]

    glossary = False  # past a 名词解释 heading: its entries are paragraphs under it, never headings
    for para, line in enumerate(body):
        md = re.match(r"^(#{1,6})\s*(.*)$", line)
        text = md.group(2).strip() if md else line
        if not text:
            continue
        if not glossary and cues.GLOSSARY.match(text):
            glossary = True
            stack, last_num = [(0.0, re.sub(r"[\s*]*[:：]?[\s*]*$", "", text) or text)], {}
            units.append(Unit(text, list(stack), "heading", para, marker_level=0.0))
            continue
        if glossary:  # 2、“三量齐升”：… (no full stop) is an entry, not a heading over the next one
            units.extend(Unit(part, list(stack), kind, para) for kind, chunk in split_items(text)
                         for part in _split_long(chunk))
            continue
        mk = marker(text)
        if not mk and re.match(r"^[、.．]\s*\S", text) and _is_heading_line(text[1:].strip()):
            # 、坚持党的全面领导…: a 一、 heading whose numeral the page lost
            push(1.0, None, text)
            units.append(Unit(text, list(stack), "heading", para, marker_level=1.0))
            continue
        if md and not mk:
            push(len(md.group(1)) - 1.5, None, text)  # unnumbered Markdown heading: above 一、
            units.append(Unit(text, list(stack), "heading", para))
            continue
        if mk and (md or _is_heading_line(text)):
            push(mk[0], mk[1], text.rstrip("。"))
            units.append(Unit(text, list(stack), "heading", para, marker_level=mk[0]))
            continue
        if not mk and _is_part_title(text) and para < len(body) - 1:  # a title has something under it
            push(0.0, None, text)  # 过去五年的政府工作 / 今后五年的主要任务: an unnumbered part title
            units.append(Unit(text, list(stack), "heading", para, marker_level=0.0))
            continue
        if mk:
            inline = _inline_heading(text)
            if inline:
                push(mk[0], mk[1], inline)
        for n, piece in enumerate(_split_part_switch(text, report_year)):
            first = True
            for kind, chunk in split_items(piece):
                for part in _split_long(chunk):
                    units.append(Unit(part, list(stack), kind, para, marker_level=mk[0] if mk else None,
                                      switch=first and n > 0))
                    first = False
    return units
