"""The state of reading a report's blocks: what the report and the blocks read so far say, and
each number read in its clause. Shared by the rules for counts (`indicators`) and rates (`rates`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...model import Section
from . import clauses as C
from .figure import Figure, Skipped
from .numbers import Mention
from .scope import Subject


@dataclass
class Context:
    """What the report and the blocks read so far say: its year and region, the running topic."""

    year: int | None = None
    region: str | None = None
    domain: str | None = None  # the last 复议/诉讼 topic of the previous block
    domain_heading: tuple[str, ...] = ()
    running_year: int | str | None = None  # the last year a sentence named, for reports without one
    heading_text: str = ""  # the folded heading of the block being read
    block_scope: str = ""  # the scope of the last figure taken in the block
    header: object = None  # the last table header row seen (tables.Header)
    row_block: int = -1  # the block of the last table row read
    head_period: tuple[str, str] | None = None  # the span the head of the paragraph states (过去五年)


@dataclass
class Read:
    """A mention read in its clause: where it stands, the outcome, what later mentions inherit."""

    mention: Mention
    sent: tuple[int, int]
    earlier: list["Read"]  # the mentions before it in its sentence
    clause: int = 0  # where its clause starts
    since: int = 0  # where its own words start: the clause start or the end of the mention before
    quote_from: int = 0
    quote_end: int = 0  # where the quote ends when the verb follows the number
    kind: str = ""  # what the cue word counts (clauses.RECV …, "rate")
    subject: Subject = field(default_factory=Subject)
    named: Subject | None = None  # the last subject its sentence names up to it (its own, or an earlier one)
    figure: Figure | None = None
    skipped: Skipped | None = None
    parts: int = 0  # kinds of correction the cue names (撤销和确认违法: 2)
    listed_at: int | None = None  # 受理、审结…分别为: where 分别 stands, and the place in the list
    listed_pos: int = 0
    rates: tuple[list, list[int]] | None = None  # 分别 lists of rates: the rate words and the years
    year: int | None = None  # the year its place in such a list gives
    period: tuple[str, str] | None = None  # a total over several years: the span, and what states it


def domains(text: str) -> list[str]:
    return [C.DOMAIN_WORDS[m.group(0)] for m in C.DOMAIN.finditer(text)]


def last_domain(text: str) -> str | None:
    found = domains(text)
    return found[-1] if found else None


def in_plans(labels: list, heading: list[str], year: int | None) -> str:
    """Why a block stands in the report's plans part, whose figures are targets; '' when it does not:
    labelled 下一步计划 by the report stage, or under a heading that announces the plans."""
    if Section.PLANS in labels:
        return "labelled 下一步计划"
    found = next((h for h in heading if C.plans_heading(h, year)), None)
    return f"under 「{found[:24]}」" if found else ""


def reach(pattern: re.Pattern) -> int | None:
    """The most characters a match attempt of the pattern reads from where it starts, lookaheads
    counted; None when that is unbounded or cannot be told, or the pattern can match nothing."""
    try:
        from re import _parser
        low, high = _parser.parse(re.sub(r"\(\?[=!]", "(?:", pattern.pattern), pattern.flags).getwidth()
    except Exception:  # pragma: no cover - another Python's parser
        return None
    return None if high >= _parser.MAXREPEAT or not low else int(high)


class PrefixScan:
    """Searches of a block's text from a fixed start up to each of its numbers in turn (the
    sentence or the clause so far).

    Each number asks again whether the text before it holds a year, a target, a span of years, a
    topic word; read from the start every time, a long sentence of numbers would be read once per
    number. A match attempt reads at most the pattern's reach, so every attempt that starts more
    than that before the end of the text asked about last time went the same way then: the scan
    goes on from there, with the match it had found before that point. The same answers, each
    text read about once. One per block (the texts are cut from its masked text)."""

    def __init__(self) -> None:
        # (pattern, start) → (length read, where the scan goes on, the first and last match before it)
        self._state: dict[tuple[re.Pattern, int], tuple[int, int, re.Match | None, re.Match | None]] = {}
        self._reach: dict[re.Pattern, int | None] = {}

    def _resume(self, pattern: re.Pattern, text: str, start: int) -> tuple[int, re.Match | None, re.Match | None]:
        state = self._state.get((pattern, start))
        if state is None or state[0] > len(text):
            return 0, None, None
        return state[1:]

    def _keep(self, pattern: re.Pattern, text: str, start: int, pos: int, first: re.Match | None,
              last: re.Match | None, matches: list[re.Match], complete: bool) -> None:
        """Remember how far a scan of text from `pos` holds for longer texts: it found `matches`, and
        went on to the end of the text if complete (else it stopped at its first match)."""
        if pattern not in self._reach:
            self._reach[pattern] = reach(pattern)
        far = self._reach[pattern]
        if far is None:
            return
        safe = len(text) - far  # attempts starting before it read only characters of this text
        for m in matches:
            if m.start() >= safe:
                complete = True  # every attempt from pos to this match failed, the safe ones too
                break
            first, last, pos = first or m, m, m.end()
        self._state[(pattern, start)] = (len(text), max(pos, safe) if complete else pos, first, last)

    def search(self, pattern: re.Pattern, text: str, start: int) -> re.Match | None:
        """pattern.search(text), text being the block's text from offset `start` so far."""
        pos, first, last = self._resume(pattern, text, start)
        if first is not None:
            return first
        found = pattern.search(text, pos)
        self._keep(pattern, text, start, pos, first, last, [found] if found else [], found is None)
        return found

    def last(self, pattern: re.Pattern, text: str, start: int) -> re.Match | None:
        """The last match of pattern.finditer(text), text as for search()."""
        pos, first, last = self._resume(pattern, text, start)
        matches = list(pattern.finditer(text, pos))
        self._keep(pattern, text, start, pos, first, last, matches, True)
        return matches[-1] if matches else last
