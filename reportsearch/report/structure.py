"""The parts of a report, decided from its whole outline before any block is labelled.

A 政府工作报告 is a sequence of parts: the review of the past year or term (一年来…, 过去五年…),
the problems it admits (我们也清醒看到…), the targets and tasks of the coming term and year up to
and including its 政府自身建设, then the closing (各位代表！…让我们…) and sometimes a glossary.
Its top-level headings are classified first (回顾 / 目标任务 / 2024年主要任务 / 政府自身建设 /
名词解释); a top-level heading that says neither follows the sequence: after the problems, the
plans go on (三、着力建设人民满意政府). Paragraphs then switch the part where they open another
one (a problems paragraph at the end of the review; 五年来… inside 政府自身建设).

A 法治政府建设年度报告 follows the outline the rules ask of it (《法治政府建设与责任落实督察工作
规定》: 主要举措和成效, 存在的不足和原因, 下一年度主要安排, 第一责任人职责履行情况): its parts
come from headings (二、存在的问题, 三、2023年工作计划) and from paragraphs that open them
(在取得成绩的同时…存在…不足; 下一步，我区将…), and last as long as their heading's scope.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ..read import marker, marker_number
from . import cues
from .blocks import Unit, sentences


class Part(str, enum.Enum):
    """Where in a report a block stands."""

    OPENING = "opening"    # the overview before the report's first heading: no label (SECTIONS.md)
    BODY = "body"          # the report's account of its work (no part label)
    REVIEW = "review"      # a work report's review of the past year or term
    PROBLEMS = "problems"  # 存在问题
    PLANS = "plans"        # 下一步计划
    CLOSING = "closing"    # 各位代表！…让我们…
    APPENDIX = "appendix"  # 名词解释 after the closing


@dataclass
class Place:
    """A block's part and the cue that put it there; `depth`, if set, is how many of the block's
    headings are its own (problems that follow a review's last subsection belong to the part)."""

    part: Part
    why: str
    depth: int | None = None


@dataclass
class _Run:
    """A problems part a work report's paragraph opened: where it stands and its items so far."""

    scope: list[tuple[float, str]]
    para: int
    depth: int | None = None
    item: tuple[str, int] | None = None


def parts(units: list[Unit], report_year: int | None, work_report: bool) -> list[Place]:
    """The part of every unit of a report."""
    places = _work_report_parts(units, report_year) if work_report else _rule_of_law_parts(units, report_year)
    first_heading = next((i for i, u in enumerate(units) if u.kind == "heading" or u.heading), None)
    if first_heading is not None:
        for i in range(first_heading):
            if places[i].part is Part.BODY:
                places[i] = Place(Part.OPENING, "opening overview, before the first heading")
    return places


# ---- 政府工作报告 ---------------------------------------------------------------------------

def _work_report_parts(units: list[Unit], report_year: int | None) -> list[Place]:
    out: list[Place] = []
    top: str | None = None
    section = Part.BODY          # the part the current top-level heading gave
    section_why = "opening, before the first part"
    para = Part.BODY             # a part a paragraph opened inside the section, if any
    para_why = ""
    seen_review = seen_problems = False
    lone_address = False         # the previous paragraph was a lone 各位代表！
    addressed = False            # the current paragraph opened with 各位代表
    last_para = -1
    run: _Run | None = None      # the problems part a paragraph opened, while it lasts
    opened = False               # … and whether the current unit opened it
    for u in units:
        head = u.heading[0][1] if u.heading else None
        if head != top and head is not None and section not in (Part.APPENDIX,):
            top = head
            kind = cues.work_report_top(head, report_year)
            if kind == "appendix":
                section, section_why = Part.APPENDIX, f"glossary heading 「{_short(head)}」"
            elif kind == "review":
                section, section_why = Part.REVIEW, f"review heading 「{_short(head)}」"
                seen_review = True
            elif kind == "plans":
                section, section_why = Part.PLANS, f"plans heading 「{_short(head)}」"
            elif seen_problems or section in (Part.PLANS, Part.CLOSING):
                section, section_why = Part.PLANS, f"part 「{_short(head)}」 after the problems"
            elif seen_review:
                section, section_why = Part.REVIEW, f"part 「{_short(head)}」 still reviews"
            else:
                section, section_why = Part.BODY, f"part 「{_short(head)}」"
            para, para_why = Part.BODY, ""
        text = u.text.strip()
        # 各位代表！ is an address, not a sentence of the paragraph's content.
        first = "".join(sentences(re.sub(r"^各位代表[！!，,：:]\s*", "", text))[:2])
        if u.para != last_para:
            addressed = text.startswith("各位代表")
        new_para = u.para != last_para or u.switch
        last_para = u.para
        # after 各位代表！ on its own, or in the cut-off rest of a paragraph that opened with it
        after_address = lone_address or (u.switch and addressed)
        if u.kind == "heading" and para is Part.PROBLEMS:
            para = Part.BODY  # a paragraph's admission does not run on under a new heading
        if u.kind != "heading" and new_para and section is not Part.APPENDIX:
            if cues.GLOSSARY.match(text):
                section, section_why = Part.APPENDIX, f"glossary 「{_short(text)}」"
                para = Part.BODY
            elif section is Part.PLANS and cues.closes_work_report(text, after_address):
                section, section_why = Part.CLOSING, "closing: 各位代表…让我们"
                para = Part.BODY
            elif section is not Part.CLOSING:
                if para is Part.PROBLEMS and run and not u.switch and not _problems_go_on(u, text, run):
                    para, run = Part.BODY, None
                was = para
                para, para_why = _paragraph_switch(u, text, first, section, para, para_why, seen_problems)
                if para is Part.PROBLEMS and (was is not Part.PROBLEMS or u.switch):
                    run = _Run(_scope(u), u.para, _own_depth(u, first, section))
                    opened = True  # the opener's own number starts no list of problems
                seen_problems = seen_problems or para is Part.PROBLEMS
            lone_address = bool(re.fullmatch(r"各位代表[！!，,：:]?", text))
        if para is not Part.PROBLEMS:
            run = None
        if section in (Part.CLOSING, Part.APPENDIX) or para is Part.BODY:
            out.append(Place(section, section_why))
        else:
            out.append(Place(para, para_why, run.depth if run else None))
            if run and not opened:
                run.item = _item_mark(text) or run.item
        opened = False
    return out


def _problems_go_on(u: Unit, text: str, run: _Run) -> bool:
    """Whether a new paragraph goes on with the problems a work report's paragraph opened. Only
    within the heading it opened under (the next review subsection is review again), and only where
    the paragraph states a shortcoming itself (一是整体经济实力还不够强) or is the next item of the
    problems' own list; a list of work (（一）综合经济实力大幅提升) or a paragraph that reviews
    (刚刚过去的2015年，…) is back in the review."""
    if u.para == run.para or re.match(r"^(对此|为此|针对这些)", text):
        return True  # the same paragraph, or the answer to the problems (turned to plans below)
    if u.heading[: len(run.scope)] != run.scope:
        return False
    if cues.REVIEW_OPEN.match(text) and not cues.admits_problems_strongly(text):
        return False
    mark = _item_mark(text)
    if mark and run.item and mark == (run.item[0], run.item[1] + 1):
        return True
    lead = sentences(text)
    return cues.states_problems("".join(lead[:1] if mark else lead[:2]))


_ITEM_MARK = re.compile(r"^(?:第(?P<a>[一二三四五六七八九十]{1,2})[，,、]|(?P<b>[一二三四五六七八九十]{1,2})是)")


def _item_mark(text: str) -> tuple[str, int] | None:
    """The kind and number of an item's marker: 一是 → ("是", 1); （二） → ("2.0", 2)."""
    m = _ITEM_MARK.match(text)
    if m:
        return ("第", marker_number(m.group("a"))) if m.group("a") else ("是", marker_number(m.group("b")))
    mk = marker(text)
    return (str(mk[0]), mk[1]) if mk else None


def _own_depth(u: Unit, first: str, section: Part) -> int | None:
    """How many headings a problems paragraph keeps: a plain admission opening its own paragraph in
    the review (在肯定成绩的同时…) stands under the part's heading, not under the last subsection
    the review happened to end with."""
    if u.switch or u.kind == "item" or section not in (Part.REVIEW, Part.BODY) \
            or not cues.admits_problems_strongly(first):
        return None
    top = next((i for i, (level, _) in enumerate(u.heading) if level >= 0), None)
    return top + 1 if top is not None and len(u.heading) > top + 1 else None


def _paragraph_switch(u: Unit, text: str, first: str, section: Part, para: Part, para_why: str,
                      seen_problems: bool) -> tuple[Part, str]:
    """The part a work report's paragraph stands in inside its section (BODY: the section's own),
    and why."""
    current = para if para is not Part.BODY else section
    review = cues.REVIEW_OPEN.match(text)
    plan = cues.PLAN_OPEN_WORK.match(text)
    if current is Part.PROBLEMS and re.match(r"^(对此|为此|针对这些)", text):
        return Part.PLANS, "answers the problems: 对此…"
    # Inside the plans, in a paragraph that reviews (刚刚过去的2013年，是…困难和挑战较多的一年), or in
    # a numbered item of the review ((二)经济运行稳中向好。在困难和挑战较多…的情况下), only a plain
    # admission (我们也清醒地认识到…) opens the problems.
    strict = current is Part.PLANS or review or (current is Part.REVIEW and _item_mark(text))
    if u.kind != "item" and (cues.admits_problems_strongly(first) if strict else cues.admits_problems(first)):
        return Part.PROBLEMS, f"paragraph admits problems: 「{_cue(cues.PROBLEM_OPEN, first)}」"
    if section is Part.PLANS and review:
        return Part.REVIEW, f"paragraph reviews: 「{review.group(0)}」"
    if plan and (para is Part.REVIEW or (section in (Part.REVIEW, Part.BODY) and seen_problems)):
        if section is Part.PLANS:
            return Part.BODY, ""
        return Part.PLANS, f"paragraph opens the plans: 「{plan.group(0)}」"
    return para, para_why


def introduces_subparts(units: list[Unit], i: int) -> bool:
    """True for a paragraph that opens a part between its heading and the part's first sub-heading
    (一、主要举措和成效 / 2025年，我局以…为指导，… / （一）…): the part's overview."""
    u = units[i]
    if u.kind != "paragraph" or not u.heading or i == 0 or i + 1 >= len(units):
        return False
    before, after = units[i - 1], units[i + 1]
    return (before.kind == "heading" and before.heading == u.heading
            and after.kind == "heading" and len(after.heading) > len(u.heading)
            and after.heading[: len(u.heading)] == u.heading)


def _starts_item(text: str) -> bool:
    return bool(re.match(r"^[一二三四五六七八九十]{1,2}是|^[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]", text))


def _short(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _cue(rx: re.Pattern, text: str) -> str:
    m = rx.search(text)
    return m.group(0) if m else _short(text, 12)


# ---- 法治政府建设年度报告 --------------------------------------------------------------------

def _rule_of_law_parts(units: list[Unit], report_year: int | None) -> list[Place]:
    out: list[Place] = []
    para_part: Part | None = None
    para_why = ""
    para_scope: list[tuple[float, str]] = []
    last_para = -1
    levels_before: set[float] = set()
    seen = _LevelsSeen()
    for u in units:
        in_scope = para_part is not None and u.heading[: len(para_scope)] == para_scope and not any(
            lv in levels_before for lv, _ in u.heading[len(para_scope):])
        if not in_scope:
            para_part = None
        opening = "".join(sentences(u.text)[:3]) if u.kind != "item" else ""
        new_para = u.para != last_para or u.switch
        if u.kind != "heading":
            if cues.opens_plans(u.text.strip(), report_year) or (
                    para_part is Part.PROBLEMS and new_para and re.match(r"^(对此|为此|针对)", u.text)):
                para_part, para_scope = Part.PLANS, _scope(u)
                para_why = f"paragraph opens the plans: 「{_short(sentences(u.text)[0], 12)}」"
                levels_before = seen.under(para_scope)
            elif u.kind != "item" and cues.admits_problems(opening) and para_part is not Part.PLANS:
                para_part, para_scope = Part.PROBLEMS, _scope(u)
                para_why = f"paragraph admits problems: 「{_cue(cues.PROBLEM_OPEN, opening)}」"
                levels_before = seen.under(para_scope)
            elif para_part is Part.PROBLEMS and new_para and u.kind in ("paragraph", "lead"):
                # A problems part opened by a paragraph goes on only while the paragraphs list problems.
                if not (_starts_item(u.text) or cues.PROBLEM_WORDS.search("".join(sentences(u.text)[:1]))):
                    para_part = None
        last_para = u.para
        seen.add(u)
        if para_part is not None:
            out.append(Place(para_part, para_why))
            continue
        out.append(_heading_place(u, report_year))
    return out


def _heading_place(u: Unit, report_year: int | None) -> Place:
    for _, h in reversed(u.heading):
        if cues.heading_is_problems(h):
            return Place(Part.PROBLEMS, f"problems heading 「{_short(h)}」")
        if cues.heading_is_plans(h, report_year, False):
            return Place(Part.PLANS, f"plans heading 「{_short(h)}」")
    return Place(Part.BODY, "")


class _LevelsSeen:
    """Heading levels already used under each heading path, as the units go by: a later heading
    at one of them is a sibling of what came before the part opened (二、 after 一、), so it ends
    the part; a new level ((一) under 三、 after "2022年，我市将…") is the part's own outline.
    Kept as it grows, for every prefix of every unit's path: looking back over the units before
    each part that opens made a report of many such paragraphs quadratic."""

    def __init__(self) -> None:
        self.by_scope: dict[tuple[tuple[float, str], ...], set[float]] = {}

    def add(self, u: Unit) -> None:
        path = tuple(u.heading)
        for k in range(len(path) + 1):
            self.by_scope.setdefault(path[:k], set()).update(lv for lv, _ in path[k:])

    def under(self, scope: list[tuple[float, str]]) -> set[float]:
        """The levels used, under the scope, by the units added so far."""
        return set(self.by_scope.get(tuple(scope), ()))


def _scope(u: Unit) -> list[tuple[float, str]]:
    """The heading path a paragraph-opened part belongs to: the block's enclosing heading."""
    path = list(u.heading)
    # An inline heading of the opening paragraph itself is inside the part, not its scope.
    if path and u.text.startswith(path[-1][1]):
        path = path[:-1]
    return path
