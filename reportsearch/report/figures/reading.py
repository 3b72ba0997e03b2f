"""The state of reading a report's blocks: what the report and the blocks read so far say, and
each number read in its clause. Shared by the rules for counts (`indicators`) and rates (`rates`)."""
from __future__ import annotations

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
