"""What a block is like, beyond its words: the evidence the ranking weighs (searcher/rank.py), read
once per block when it is indexed and stored as one 16-bit code per block (store.py).

- figures: numbers that measure something (7%, 22.3万人, 1800个, 16.63万亩). Years (2021年,
  2021—2025), dates (3月27日, “7·23”), list markers (1. （2）), footnote marks (〔17〕) and names
  such as 5G or “1+N” are not figures;
- names: titles of laws, plans and documents in 《》;
- heading-only: the block is a heading (its text is its heading);
- headed: the block opens with its own heading — a section marker (（三） 四、) or the heading it
  stands under — so its first sentence is a title, and what follows is usually the general
  summary of a part;
- glossary: the block stands under a glossary heading (名词解释, 有关词语解释, 《政府工作报告》注释…),
  or in a run of entries (`12、“拨改投”：指…`) in the last part of the report, whatever heading
  reading gave them;
- boilerplate: an address to the delegates (各位代表) or the standard political preamble
  (以习近平新时代中国特色社会主义思想为指导, 在…坚强领导下) with no figure.

The counts and flags are stored, not weights: the ranking chooses how much each matters, so
weights change without re-indexing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
# what may follow a four-digit number that is a quantity and not a year
_UNIT_START = set("%％‰万亿千百个人家项件元吨亩户所座条台套辆张床间处批场起宗倍名位部栋幢列架种类例期天米公")
_BOOK = re.compile(r"《[^》\n]{2,40}》")
_GLOSSARY = re.compile(r"(名词|词语|用语|术语|词)(解释|注释|注解|释义)|解释(和|及)?(有关情况的?)?说明|注释|释义|附注")
_SECTION_MARKER = re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]")
_BOILERPLATE = re.compile(r"^各位代表|习近平新时代中国特色社会主义思想为指导|坚强领导下")

FIGURES_MAX, NAMES_MAX = 31, 7
HEADING_ONLY, HEADED, GLOSSARY, BOILERPLATE = 1 << 8, 1 << 9, 1 << 10, 1 << 11


@dataclass(frozen=True)
class Features:
    """A block's stored ranking evidence (decoded from its 16-bit code)."""

    figures: int
    names: int
    heading_only: bool
    headed: bool
    glossary: bool
    boilerplate: bool


def count_figures(text: str) -> int:
    """Numbers in the text that measure something (see the module docstring for what is left out)."""
    n = 0
    end = len(text)
    for m in _NUMBER.finditer(text):
        a, b = m.span()
        before = text[a - 1] if a else ""
        after = text[b] if b < end else ""
        if after.isascii() and after.isalpha() or before in "+·・" or after in "+·・":
            continue  # 5G, 4A, “1+N”, “7·23”: a name or an event's date
        if before in "〔[【":
            continue  # a footnote mark
        if (a == 0 or before in "（(") and after in ".．、）)":
            continue  # a list marker: 1. （2）
        if after in "月日号时":
            continue  # a date or a time
        s = m.group()
        if len(s) == 4 and s[:2] in ("19", "20") and after not in _UNIT_START:
            continue  # a year
        n += 1
    return n


def count_names(text: str) -> int:
    """Titles of laws, plans and documents in 《》."""
    return len(_BOOK.findall(text))


def is_glossary(heading: list[str]) -> bool:
    """The block stands under a glossary heading (any level)."""
    return any(len(h) <= 30 and _GLOSSARY.search(h) for h in heading)


_ENTRY = re.compile(r"\d{1,3}\s*[.．、]\s*[^，。；;,：:]{1,30}[：:]")  # 12、“拨改投”：…
GLOSSARY_RUN = 3  # entries, at most one other block apart
GLOSSARY_PART = 0.6  # the run starts past this share of the report's blocks


def glossary_runs(texts: list[str]) -> set[int]:
    """The blocks of a report (its block texts in order) that belong to a glossary laid out as
    numbered entries: runs of GLOSSARY_RUN or more entries in its last part, with the blocks
    between them."""
    entries = [i for i, t in enumerate(texts) if _ENTRY.match(t)]
    out: set[int] = set()
    run: list[int] = []
    for i in entries + [None]:
        if run and (i is None or i - run[-1] > 2):
            if len(run) >= GLOSSARY_RUN and run[0] >= GLOSSARY_PART * len(texts):
                out.update(range(run[0], run[-1] + 1))
            run = []
        if i is not None:
            run.append(i)
    return out


def opens_with_heading(text: str, heading: list[str], kind: str) -> bool:
    """The block's text begins with the heading it stands under (the heading of a heading block is its
    own text): its first words are a title, counted in the text already."""
    return kind == "heading" or bool(heading and heading[-1] and text.startswith(heading[-1]))


def block_code(text: str, heading: list[str], kind: str, in_glossary: bool = False) -> int:
    """The block's features as a 16-bit code: figures in bits 0–4, names in 5–7, then the flags.
    `in_glossary`: glossary_runs() found the block in a run of entries."""
    figures = min(FIGURES_MAX, count_figures(text))
    code = figures | min(NAMES_MAX, count_names(text)) << 5
    if kind == "heading":
        code |= HEADING_ONLY
    elif opens_with_heading(text, heading, kind) or _SECTION_MARKER.match(text):
        code |= HEADED
    if in_glossary or is_glossary(heading):
        code |= GLOSSARY
    if not figures and _BOILERPLATE.search(text):
        code |= BOILERPLATE
    return code


def features_of(code: int) -> Features:
    """The features a block code holds."""
    return Features(figures=code & FIGURES_MAX, names=code >> 5 & NAMES_MAX, heading_only=bool(code & HEADING_ONLY),
                    headed=bool(code & HEADED), glossary=bool(code & GLOSSARY), boilerplate=bool(code & BOILERPLATE))
