"""Whose figure: the subject of a figure's clause — a scope (全市各级, 市政府本级, 省直部门), a place,
or words that make the figure a part (其中 + a place, N个市州, 以X为被申请人) or another body's."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import regions
from . import clauses as C

# Words that are no place names, masked before looking for places: years, 全市, 本级, 去年.
_NOT_PLACE = re.compile(r"\d+|[\u4e00-\u9fff]?年度?|" + C.SCOPE.pattern + r"|[省市区县州]本级|其中|[全我本该各此]")
_PARTS = ((C.GROUP, "a group of sub-units, not the body's own total"),
          (C.HELPER, "another body's cases that this one assisted with"))
_BOUNDARIES = C.CLAUSE_END + C.SENTENCE_END
# A first unit with a name longer than five characters is a phrase, unless it is autonomous (…自治州).
_LONG_NAME = re.compile(r"(?![^省市区县州旗盟]*自治)[^省市区县州旗盟]{6,}[省市区县州旗盟]")


@dataclass
class Subject:
    """What a subject says: the scope, why it makes the figure a part (or ''), the places it names."""

    scope: str = ""
    part: str = ""
    places: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.scope or self.part or self.places)


def subject(masked: str, start: int, at: int, region: str | None) -> Subject:
    """The subject of the verb or rate word at `at`, read back to `start` (the sentence start, or the
    previous figure); empty when the clause names no one."""
    span = masked[max(start, _subject_start(masked, start, at)):at]
    part = respondent(span) or next((why for rx, why in _PARTS if rx.search(span)), "")
    places = []
    plain = _NOT_PLACE.sub(lambda x: C.FILLER * len(x.group(0)), span)
    within = False
    i = 0
    while i < len(plain):
        p = regions.chain_at(plain, i) if plain[i] != C.FILLER else None
        if p and _LONG_NAME.match(p):
            p = None  # 大力推进依法治市: a phrase ending in a unit character, not a place
        if p:
            places.append(p)
            within = within or bool(re.search(r"其中[,:]?$", span[:i]))
            i += len(p)
        else:
            i += 1
    own = [p for p in places if is_own(p, region)]
    other = [p for p in places if p not in own]
    if not part and other:
        part = f"another place's figure ({other[-1]})"
    if not part and within:
        part = f"one place within the total ({places[-1]})"
    scope = ""
    found = None
    for found in C.SCOPE.finditer(span):
        pass
    if found:
        scope = found.group(0)
        if own and span[:found.start()].endswith(own[-1]):
            scope = own[-1] + scope  # 赤峰市政府本级
    elif own:
        scope = own[-1]
    return Subject(scope, part, tuple(places))


def respondent(text: str) -> str:
    """Why the cases against one respondent named in a text (以区政府为被申请人的) are a part, or ''."""
    for m in C.RESPONDENT.finditer(text):
        if not C.ALL_RESPONDENTS.search(m.group(1) or m.group(2) or ""):
            return "the cases against one respondent, a part of the total"
    return ""


def _subject_start(masked: str, start: int, at: int) -> int:
    """The clause of `at`, with the clause before it when that one is short (其中, / 2023年, / 同时,):
    a long clause before is a frame (记者获悉, 会议指出), not the subject."""
    cut = max(masked.rfind(c, start, at) for c in _BOUNDARIES)
    if cut < 0:
        return start
    prev = max(masked.rfind(c, start, cut) for c in _BOUNDARIES)
    prev = start if prev < 0 else prev + 1
    return prev if cut - prev <= 6 else cut + 1


def is_own(place: str, region: str | None) -> bool:
    """Whether a place is the report's own (any place is, when the report's region is unknown)."""
    if region is None:
        return True
    a, b = _stem(place), _stem(region)
    return bool(a and b) and (b in place or a in region)  # 山西省临汾市 is 临汾市's own


def _stem(place: str) -> str:
    return re.sub(r"(?:特别行政区|自治区|自治州|自治县|地区|新区|[省市区县州旗盟])$", "", place)[:2]
