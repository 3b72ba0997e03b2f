"""Indicators: the 行政复议 and 行政诉讼 figures a report states, each with the clause behind it.

Rules over clauses. A figure is stated as who + what + number + unit (全市各级行政复议机关 / 共收到
行政复议申请 / 469件), so each number with a unit is read against the words of its clause: the
verb or rate word nearest before it says what it counts, the 复议/诉讼 words of the clause (or of
the sentence before, or the heading) say whose cases, and the subject says whose figure. A number
is skipped, with the reason kept for `--why`, when it is an approximate amount, a baseline
(较2022年558件), a change (同比下降3.2个百分点), an aside in brackets, another rate (胜诉率), a
part (one district, one category, the cases against one respondent) or a target.
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict
from typing import Iterable, Sequence

from ...model import Block, Report
from . import clauses as C
from . import tables
from .figure import INDICATORS, Extraction, Figure, Skipped, default_scope
from .numbers import Folded, as_number, fold, mentions
from .rates import RateRules
from .reading import Context, PrefixScan, Read, domains, in_plans, last_domain
from .scope import Subject, respondent, subject

__all__ = ["INDICATORS", "Extraction", "Figure", "Skipped", "explain", "explain_blocks", "explain_path",
           "extract", "extract_texts", "skipped_json", "to_json"]

# Blocks worth parsing mention one of these (in the folded text: a traditional form is simplified).
TOPIC = re.compile("复议|诉讼|应诉|败诉|纠错|出庭|收案|受理|审结")
_COUNT_OF = {C.RECV: "复议收案", C.HANDLE: "复议收案", "noun": "复议收案", C.ACCEPT: "复议受理", C.CLOSE: "复议审结"}
_MEANS = re.compile(r"(?:以|通过|采取|采用)([^,;。]{1,30}?)(?:等)?(?:方式|形式|途径|方法)")
_NOUN = re.compile(r"(复议|应诉|诉讼|行政|一审)(?:案件|案)(?:数|数量|总数|总量|量)?(?:共|共计|合计|总计|累计|为|达到|达|有|是)*$|"
                   r"(复议)申请(?:共|共计|合计|为|达)*$")
# What may stand between a 复议 verb and its number: 受理(各类)(行政复议)(案件)(申请)(共计).
_OBJECT = re.compile(r"^(?:各级|各类|全部|各种|新|了|的)*(?:行政)?(?:复议)?(?:案件|案)?(?:申请)?(?:数|数量|总数)?"
                     r"(?:共|共计|合计|累计|总计|为|达到|达|有|是)*$")
_PROCEDURE = re.compile(r"简易程序|普通程序|快速办理|繁简分流|程序")
_HEAD = re.compile(r"负责人|主要领导|一把手|行政首长|领导干部")
_LEAD = re.compile(r"(?:其中|另外|同时|此外|以及)[,:]?")
_BRACKET_YEAR = re.compile(r"(?:19|20)\d{2}年|上年|去年|同期")
_CASE_COUNTS = (C.RECV, C.ACCEPT, C.CLOSE, C.HANDLE, C.OCCUR, C.RESPOND, "noun")


def extract(report: Report) -> list[Figure]:
    """The figures a report states (see `explain` for the skipped candidates too)."""
    return explain(report).figures


def explain(report: Report) -> Extraction:
    """The figures a report states and the candidates skipped, each with its reason, and the
    report's reading warnings."""
    out = explain_blocks(report.blocks, report.meta.year, report.meta.region)
    out.warnings = list(report.warnings)
    return out


def explain_blocks(blocks: Sequence[Block | str], year: int | None = None,
                   region: str | None = None) -> Extraction:
    """Figures from blocks (Block objects, or plain strings for texts without headings)."""
    ctx = Context(year=year, region=region)
    figures: list[Figure] = []
    skipped: list[Skipped] = []
    last_heading: list[str] = []
    heading_topic = False
    for i, b in enumerate(blocks):
        text, heading = (b, []) if isinstance(b, str) else (b.text, b.heading)
        if not text:
            continue
        plans = in_plans([] if isinstance(b, str) else b.labels, heading, year)
        if isinstance(b, str) or b.kind != "item":  # items continue the paragraph their lead opens
            ctx.head_period = _head_period(text, year)
        if tables.looks_like_row(text):
            row = tables.read_row(text, i, heading, ctx)
            if row is not None:
                figures += [] if plans else row[0]
                skipped += row[1] + [_target(f, plans) for f in row[0] if plans]
                continue
        folded = fold(text)
        if not TOPIC.search(folded.text):
            if heading != last_heading:
                last_heading, heading_topic = heading, any(TOPIC.search(fold(h).text) for h in heading)
            if not heading_topic:
                ctx.domain = None
                continue
        f, s = _BlockReader(folded, i, heading, ctx, plans).read()
        figures += f
        skipped += s
    return _settle(figures, skipped)


def extract_texts(texts: Iterable[str], year: int | None = None, region: str | None = None) -> list[Figure]:
    """Figures from plain text paragraphs."""
    return explain_blocks(list(texts), year, region).figures


def explain_path(path: str | os.PathLike) -> tuple[Report | None, Extraction]:
    """Read a report file and explain its figures. A file without a recognisable report body
    (a bare web page) is read line by line instead, with no report metadata (Report is None).
    Reading and explaining share the file's time budget (UnreadableReport past it). The
    Extraction carries what reading repaired or guessed (a scan read by OCR)."""
    from ...errors import UnreadableReport
    from ..pipeline import file_budget, outline
    with file_budget(path):
        try:
            report = outline(os.fspath(path))
        except UnreadableReport:
            from ...read import read_document
            from ..clean import normalise
            raw = read_document(os.fspath(path))
            out = explain_blocks([x for x in (normalise(line) for line in raw.lines) if x])
            out.warnings = list(raw.warnings)
            return None, out
        return report, explain(report)


def to_json(figures: Iterable[Figure], why: bool = False) -> list[dict]:
    """Figures as JSON objects."""
    return [f.to_json(why) for f in figures]


def skipped_json(skipped: Iterable[Skipped]) -> list[dict]:
    """Skipped candidates as JSON objects."""
    return [asdict(s) for s in skipped]


class _BlockReader(RateRules):
    """Reads the figures of one block of text."""

    def __init__(self, folded: Folded, index: int, heading: list[str], ctx: Context, plans: str = "") -> None:
        self.folded = folded  # the block's text, folded
        self.t = self.folded.text
        self.seg = C.segment(self.t)
        self.masked = self.seg.masked
        self.scan = PrefixScan()
        self.index, self.ctx = index, ctx
        self.plans = plans  # why the block stands in the plans part, or ''
        self.block_year: int | str | None = None  # the last year a sentence of the block named
        self.heading_key = tuple(heading)
        ctx.heading_text = fold(" ".join(heading)).text if heading else ""
        found = set(domains(ctx.heading_text)) & {C.R, C.L}
        self.head_domain = found.pop() if len(found) == 1 else None
        self.carried = ctx.domain if ctx.domain_heading == self.heading_key else None

    def read(self) -> tuple[list[Figure], list[Skipped]]:
        ctx = self.ctx
        reads: list[Read] = []
        ctx.block_scope = ""
        self.block_year = None
        by_sentence: dict[tuple[int, int], list[Read]] = {}
        for m in mentions(self.t):
            sent = self.seg.sentence_of(m.start)
            earlier = by_sentence.setdefault(sent, [])
            r = Read(m, sent, list(earlier))
            self.classify(r)
            if r.figure is not None:
                ctx.block_scope = r.subject.scope
                y = r.year if r.year is not None else self.sentence_year(sent, m.start)
                if y is not None:
                    self.block_year = ctx.running_year = y
                r.figure.year = y if y is not None else self.block_year if self.block_year is not None else \
                    ctx.year if ctx.year is not None else ctx.running_year
                if r.period is not None:
                    r.figure.year = r.period[0]
                    r.figure.rule += f"; a total over {r.period[0]}: {r.period[1]}"
            r.named = r.subject if r.subject else earlier[-1].named if earlier else None
            earlier.append(r)
            reads.append(r)
        for rs in by_sentence.values():
            self.lists_of_places(rs)
            self.sum_parts(rs, reads)
        if self.plans:
            for r in reads:
                if r.figure is not None and not self.recalled(r):
                    self.drop(r, _target(r.figure, self.plans).reason)
        ctx.domain, ctx.domain_heading = last_domain(self.masked) or self.carried, self.heading_key
        return [r.figure for r in reads if r.figure], [r.skipped for r in reads if r.skipped]

    def recalled(self, r: Read) -> bool:
        """Whether a figure in the plans part is a result recalled as background: its sentence names
        the year reported on or an earlier one (2022年，… in the plans for 2023). Without, a target."""
        y = r.year if r.year is not None else self.sentence_year(r.sent, r.mention.start)
        return y is not None and self.ctx.year is not None and int(str(y)[-4:]) <= self.ctx.year

    def sentence_year(self, sent: tuple[int, int], at: int) -> int | str | None:
        """The year a sentence's figures are for: its first year before the number, if any."""
        head = self.masked[sent[0]:at]
        m = self.scan.search(C.YEAR, head, sent[0])
        if m:
            return f"{m.group(1)}-{m.group(2)}" if m.group(2) else int(m.group(1))
        if C.RELATIVE_YEAR.match(head.lstrip(", ")):
            return None if self.ctx.year is None else self.ctx.year - 1
        return None

    # -- outcomes ---------------------------------------------------------------------------------

    def skip(self, r: Read, reason: str, indicator: str = "", start: int | None = None) -> None:
        m = r.mention
        s, e = self.folded.span(r.quote_from if start is None else start, m.end)
        quote = self.folded.original[s:e]
        r.skipped = Skipped(as_number(m.value), m.unit, quote, self.index, s, e, reason, indicator)

    def accept(self, r: Read, indicator: str, rule: str, note: str = "", approximate: bool = False) -> None:
        m = r.mention
        s, e = self.folded.span(r.quote_from, max(m.end, r.quote_end))
        scope = r.subject.scope or default_scope(self.ctx.region)
        r.figure = Figure(indicator, as_number(m.value), m.unit, None, f"{scope}({note})" if note else scope,
                          self.folded.original[s:e], self.index, s, e, rule, note=note,
                          approximate=approximate)

    def quote_start(self, start: int, end: int) -> int:
        """Where a quote starts in [start, end): after leading spaces and connectives (其中, 并)."""
        while start < end and self.t[start] in " ,:;、":
            start += 1
        if start and self.t[start] == "中" and self.t[start - 1] in "件宗":
            start += 1  # 审结的复议案件977件中直接纠错236件
        lead = _LEAD.match(self.t, start, end)
        return lead.end() if lead and lead.end() < end else start

    def who(self, r: Read, cue_at: int) -> None:
        """The subject of the cue at `cue_at`; a clause that names no one continues the figure before."""
        start = r.earlier[-1].mention.end if r.earlier else r.sent[0]
        found = subject(self.masked, start, cue_at, self.ctx.region)
        if not found:
            found = (r.earlier[-1].named if r.earlier else None) or Subject(scope=self.ctx.block_scope)
        r.subject = found

    # -- one mention --------------------------------------------------------------------------------

    def classify(self, r: Read) -> None:
        m, masked, seg = r.mention, self.masked, self.seg
        r.clause = max(seg.clause_start(m.start), r.sent[0])
        r.since = max(r.clause, r.earlier[-1].mention.end if r.earlier else r.sent[0])
        r.quote_from = self.quote_start(r.since, m.start)
        before = masked[r.since:m.start]
        if seg.inside(m.start):
            q = m.start
            while q > r.sent[0] and seg.inside(q - 1):
                q -= 1
            why = "in brackets: a previous year's figure" if _BRACKET_YEAR.search(self.t[q:m.start]) else \
                "in brackets: an aside (a part, a category or an earlier figure)"
            self.skip(r, why, start=q)
            return
        if m.malformed:
            self.skip(r, f"a malformed number: {m.malformed}")
            return
        if m.unit in ("pp", "times"):
            self.skip(r, "a change in percentage points, not a rate" if m.unit == "pp" else
                      "a multiple, not a count")
            return
        approximate = False
        after = C.APPROX_AFTER.match(self.t[m.end:m.end + 3])
        near = C.APPROX_BEFORE.search(before)
        if m.approximate or near or after:
            if m.unit == "%" and near and near.group(0) in ("约", "大约") and not (m.approximate or after):
                approximate = True  # 纠错率约为24%: a rate restated, rounded
            else:
                self.skip(r, "an approximate amount, not a figure")
                return
        core = before[:near.start()] if near else before
        lead = masked[r.sent[0]:m.start]
        if C.BASELINE.search(core):
            self.skip(r, "a baseline (an earlier period's figure)")
        elif C.CHANGE.search(core):
            self.skip(r, "a change, not a figure")
        elif self.scan.search(C.GOAL, lead, r.sent[0]):
            self.skip(r, "a target, not a result")
        elif self.over_years(r, lead, core):
            pass  # skipped: a span not stated
        elif m.unit == "%":
            self.rate(r, core, approximate)
        else:
            self.count(r, core)

    def over_years(self, r: Read, lead: str, before: str) -> bool:
        """Whether a figure is a total over several years, and over which: the years its sentence
        states (5年, 过去五年, “十三五”时期) or, when it names no year and the block none before it, the
        head of its paragraph or its heading (过去五年, 五年来, 本届政府), counted back from the year
        reported on; the span is kept in r.period. True, with the read skipped, when the span is not
        stated (累计, 以来) or the year reported on is unknown."""
        scan, start = self.scan, r.sent[0]
        if scan.search(C.ONE_YEAR, lead, start) or scan.search(C.YEAR_SPAN, lead, start):
            return False
        head = self.ctx.heading_text
        found, where = C.years_stated_by(scan.last(C.STATED_YEARS, lead, start), self.ctx.year), "its sentence"
        if found is None and self.block_year is None:
            found, where = self.ctx.head_period, "the head of its paragraph"
            if found is None and not C.ONE_YEAR.search(head):
                found, where = C.stated_years(head, self.ctx.year), "its heading"
        if found is None:
            if scan.search(C.SEVERAL_YEARS, lead, start) or (C.SEVERAL_YEARS.search(head) and not C.ONE_YEAR.search(head)):
                self.skip(r, "a total over several years whose span is not stated")
                return True
            return False
        if not found[0]:
            self.skip(r, f"a total over several years ({found[1]}), but the report's year is not known")
            return True
        if not (r.mention.unit == "%" and C.REACHED.search(before)):  # 降至4.2%: the value at the end
            r.period = (found[0], f"{found[1]} in {where}")
        return False

    def cue(self, r: Read, before: str) -> tuple[str, str, int, str] | None:
        """What the number counts: (kind, note, where the cue stands, the cue word)."""
        m = r.mention
        listed = self.respectively(r, before)
        if listed is not None:
            r.quote_from = self.quote_start(r.clause, m.start)
            return listed
        cue = None
        for cue in C.COUNT_CUE.finditer(before):
            pass
        if cue is not None:
            kind, note = C.COUNT_CUES[cue.group(0)]
            return kind, note, r.since + cue.start(), cue.group(0)
        noun = _NOUN.search(before)
        if noun:
            return "noun", "", r.since + noun.start(), noun.group(0)
        end = self.clause_end(m.end)
        if _HEAD.search(self.masked[m.end:end]) and "出庭" in self.masked[m.end:end]:
            r.quote_end = end - (1 if self.t[end - 1:end] in C.CLAUSE_END + C.SENTENCE_END else 0)
            return C.APPEAR, "", m.start, "负责人出庭"  # 383件…负责人出庭应诉: the verb after the number
        return None

    def count(self, r: Read, before: str) -> None:
        m, masked = r.mention, self.masked
        found = self.cue(r, before)
        if found is None:
            self.skip(r, "no word says what the number counts")
            return
        kind, note, cue_at, cue_word = found
        r.kind = kind
        self.who(r, cue_at)
        if r.subject.part:
            self.skip(r, r.subject.part)
            return
        means = None
        for means in _MEANS.finditer(masked[r.since:m.start]):
            pass
        if means is not None and kind not in (C.LOST, C.APPEAR):
            words = {C.COUNT_CUES[w.group(0)][0] for w in C.COUNT_CUE.finditer(means.group(1))}
            if _PROCEDURE.search(means.group(0)):
                self.skip(r, "the cases of one procedure, a part of the total")
                return
            if words & {C.CORRECT, C.PART} and C.MEDIATE in words:
                self.skip(r, "disputes resolved by several means together (纠错+调解+和解)")
                return
            if C.MEDIATE in words:
                kind, note = C.MEDIATE, ""
            elif words & {C.CORRECT, C.PART} and (kind in (C.CLOSE, C.CORRECT, C.PART) or cue_word == "化解"):
                kind, note = C.CORRECT, ""
        r.kind = kind
        if kind == C.OTHER:
            self.skip(r, note)
            return
        if m.unit in ("人", "次") and kind != C.APPEAR:
            self.skip(r, "people or times, not cases")
            return
        clause_left = masked[r.clause:m.start]
        obj = masked[cue_at:m.start]
        obj_domains = set(domains(obj))
        others = obj_domains - {C.R, C.L}
        if kind not in (C.LOST, C.APPEAR) and (others or len(obj_domains) > 1):
            self.skip(r, f"cases of another kind ({'、'.join(sorted(others))})" if obj_domains == others else
                      "cases of several kinds together")
            return
        explicit = self.last_domain(r.clause, m.start)
        if explicit not in (C.R, C.L, None):
            self.skip(r, f"cases of another kind ({explicit})")
            return
        if kind in _CASE_COUNTS:
            named = self.case_count(r, kind, cue_word, obj, explicit, obj_domains)
            if named is None:
                return
            indicator, rule = named
        elif kind in (C.CORRECT, C.PART, C.MEDIATE) and self.context_domain(r, explicit) != C.R:
            self.skip(r, "a court's decision in litigation, not a 复议 figure" if explicit == C.L else
                      "no 复议 in the context of the count")
            return
        elif kind in (C.CORRECT, C.PART):
            indicator, rule = "复议纠错", f"count: {cue_word}"
            if kind == C.PART:
                r.parts = len({w.group(0) for w in C.COUNT_CUE.finditer(masked[max(0, cue_at - 8):m.start])
                               if C.COUNT_CUES[w.group(0)][0] == C.PART})
        elif kind == C.MEDIATE:
            indicator, rule = "复议调解和解", f"count: {cue_word}"
        elif kind == C.LOST:
            indicator, rule = "诉讼败诉", f"count: {cue_word}"
        else:  # APPEAR
            if not _HEAD.search(masked[r.sent[0]:self.clause_end(m.end)]):
                self.skip(r, "appearances of the agency, not of its head", "出庭应诉次数")
                return
            indicator, rule = "出庭应诉次数", f"count: {cue_word} (heads in court)"
        if self.scan.search(C.CATEGORY, clause_left, r.clause):
            self.skip(r, "one category of cases, not the total", indicator)
            return
        part = respondent(obj)
        if part:
            self.skip(r, part, indicator)
            return
        self.accept(r, indicator, rule, note)

    def case_count(self, r: Read, kind: str, cue_word: str, obj: str, explicit: str | None,
                   obj_domains: set[str]) -> tuple[str, str] | None:
        """A count of cases (收到, 受理, 审结, 办理…): 复议 by its context, 诉讼 only when its own clause
        names litigation cases. None (and the read skipped) when it is neither."""
        domain = self.context_domain(r, explicit)
        if kind == C.RESPOND:
            domain = C.L
        elif kind == "noun":
            domain = C.R if "复议" in cue_word else C.L
        elif kind == C.OCCUR and domain == C.R:
            domain = None
        if domain == C.R:
            if kind == C.HANDLE and C.R not in obj_domains:
                self.skip(r, "办理 without 复议 cases named in the clause")
                return None
            if kind != "noun" and r.listed_at is None and \
                    not _OBJECT.match(obj[len(cue_word):].replace(C.FILLER, "")):
                self.skip(r, "counts something other than 复议 cases")
                return None
            return _COUNT_OF[kind], f"count: {cue_word} + 复议 context"
        if domain == C.L:
            if explicit != C.L or "案" not in self.masked[r.clause:r.mention.start]:
                self.skip(r, "a litigation count without 行政诉讼/应诉 cases named in its clause", "诉讼案件")
                return None
            return "诉讼案件", f"count: {cue_word} + 行政诉讼 cases"
        self.skip(r, "no 复议 or 诉讼 in the context of the count")
        return None

    def context_domain(self, r: Read, explicit: str | None) -> str | None:
        """复议 or 诉讼: the clause's own words, else the sentence so far, the sentence before, the heading."""
        return explicit or self.last_domain(r.sent[0], r.clause) or self.previous_domain(r.sent) \
            or self.head_domain

    def last_domain(self, start: int, end: int) -> str | None:
        """The last 复议/诉讼 (or other case kind) word in the text from start to end."""
        found = self.scan.last(C.DOMAIN, self.masked[start:end], start)
        return C.DOMAIN_WORDS[found.group(0)] if found else None

    def respectively(self, r: Read, before: str) -> tuple[str, str, int, str] | None:
        """受理、审结行政复议案件分别为120件、118件: the cue of a number by its place in the list."""
        found = C.RESPECTIVELY.search(before)
        prev = r.earlier[-1] if r.earlier else None
        if found:
            at, position = r.since + found.start(), 0
        elif prev is not None and prev.listed_at is not None and prev.mention.end >= r.clause \
                and before.strip() in ("、", "和", "及", ","):
            at, position = prev.listed_at, prev.listed_pos + 1
        else:
            return None
        cues = list(C.COUNT_CUE.finditer(self.masked, r.clause, at))
        if len(cues) < 2 or position >= len(cues):
            return None
        r.listed_at, r.listed_pos = at, position
        c = cues[position]
        kind, note = C.COUNT_CUES[c.group(0)]
        return kind, note, c.start(), c.group(0)

    def previous_domain(self, sent: tuple[int, int]) -> str | None:
        """The topic of the sentence before (of the block before, for a block's first sentence): a
        bare 受理1033件 continues the sentence before it, not one further back."""
        k = self.seg.sentences.index(sent) if sent in self.seg.sentences else 0
        if k == 0:
            return self.carried
        s, e = self.seg.sentences[k - 1]
        return last_domain(self.masked[s:e])

    def clause_end(self, i: int) -> int:
        return next((c for c in self.seg.clause_starts if c > i), len(self.t))

    # -- a sentence's figures together ------------------------------------------------------------

    def drop(self, r: Read, why: str) -> None:
        f = r.figure
        assert f is not None
        r.skipped = Skipped(f.value, f.unit, f.quote, self.index, f.start, f.end, why, f.indicator)
        r.figure = None

    def lists_of_places(self, rs: list[Read]) -> None:
        """A sentence giving figures for two or more places lists sub-units: none is the body's own."""
        placed = [r for r in rs if r.subject.places and (r.figure is not None or r.subject.part)]
        if len({r.subject.places[-1] for r in placed}) >= 2:
            for r in rs:
                if r.figure is not None and r.subject.places:
                    self.drop(r, "one of a list of places")

    def sum_parts(self, rs: list[Read], block: list[Read]) -> None:
        """Kinds of correction listed one by one (撤销和确认违法65件,变更和责令履行21件) add up to the
        复议纠错 figure, unless the block states the total itself."""
        parts = [r for r in rs if r.figure is not None and r.kind == C.PART]
        if not parts:
            return
        if any(r.figure is not None and r.kind == C.CORRECT for r in block):
            for r in parts:
                self.drop(r, "a kind of correction, part of the stated total")
            return
        if len(parts) == 1:
            if parts[0].parts < 2:
                self.drop(parts[0], "one kind of correction only")
            return
        figures = [p.figure for p in parts if p.figure is not None]
        first, last = figures[0], figures[-1]
        s, e = first.start, last.end
        summed = Figure("复议纠错", as_number(sum(f.value for f in figures)), "件", first.year, first.scope,
                        self.folded.original[s:e], self.index, s, e,
                        "count: the kinds of correction listed, added up")
        for r in parts[1:]:
            self.drop(r, "added into the 复议纠错 figure before it")
        parts[0].figure = summed


def _head_period(text: str, year: int | None) -> tuple[str, str] | None:
    """The span the first sentence of a paragraph states (过去五年，…), unless it names one year."""
    first = re.split(r"[。；;！!？?\n]", text, maxsplit=1)[0]
    return None if C.ONE_YEAR.search(first) else C.stated_years(first, year)


def _target(f: Figure, plans: str) -> Skipped:
    return Skipped(f.value, f.unit, f.quote, f.block, f.start, f.end,
                   f"a target, not a result: the block stands in the plans part ({plans})", f.indicator)


def _settle(figures: list[Figure], skipped: list[Skipped]) -> Extraction:
    """Drop restatements, a concluded litigation count where the report gives the received one, and
    a 办理 count where it gives the applications received."""
    kept: list[Figure] = []
    seen: set[tuple] = set()
    concluded = ("审结", "办结", "结案", "已结")
    received_l = {(f.scope, f.year) for f in figures
                  if f.indicator == "诉讼案件" and not any(w in f.rule for w in concluded)}
    received_r = {(f.scope, f.year) for f in figures if f.indicator == "复议收案" and "办理" not in f.rule}
    stated = {(f.indicator, f.value, f.unit, f.year) for f in figures if "未注明" not in f.scope}
    for f in figures:
        key = (f.indicator, f.value, f.unit, f.year, f.scope)
        why = ""
        if key in seen or ("未注明" in f.scope and key[:4] in stated):
            why = "the same figure again"
        elif f.indicator == "诉讼案件" and any(w in f.rule for w in concluded) \
                and (f.scope, f.year) in received_l:
            why = "cases concluded, where the report gives the cases received"
        elif f.indicator == "复议收案" and "办理" in f.rule and (f.scope, f.year) in received_r:
            why = "cases handled, where the report gives the applications received"
        if why:
            skipped.append(Skipped(f.value, f.unit, f.quote, f.block, f.start, f.end, why, f.indicator))
        else:
            seen.add(key)
            kept.append(f)
    return Extraction(kept, skipped)
