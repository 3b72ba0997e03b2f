"""Plain data passed between the pipeline stages."""
from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field


class Section(str, enum.Enum):
    """The five sections a block of a report can belong to (SECTIONS.md)."""

    LEADERSHIP = "领导机制"
    ENFORCEMENT = "行政执法"
    REVIEW = "复议应诉"
    PROBLEMS = "存在问题"
    PLANS = "下一步计划"

    @property
    def alias(self) -> str:
        return _ALIASES[self]

    @classmethod
    def parse(cls, name: str) -> "Section":
        """A section from its Chinese name or English alias; ValueError if unknown."""
        key = name.strip().lower()
        for s in cls:
            if key in (s.value, _ALIASES[s]):
                return s
        raise ValueError(name)


_ALIASES = {
    Section.LEADERSHIP: "leadership",
    Section.ENFORCEMENT: "enforcement",
    Section.REVIEW: "review",
    Section.PROBLEMS: "problems",
    Section.PLANS: "plans",
}

OTHER = "其他"  # the label of a block with none of the five sections; `-s 其他` / `section:其他` selects them


@dataclass
class RawDocument:
    """A file decoded to text, before cleaning: its lines and any front matter."""

    path: str
    lines: list[str]
    front_matter: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)  # what the reader repaired, one line each


@dataclass
class CleanDocument:
    """A report split into header lines, body lines and trailer lines, furniture removed."""

    path: str
    header: list[str]
    body: list[str]
    trailer: list[str]
    front_matter: dict[str, str] = field(default_factory=dict)
    fields: list[tuple[str, str]] = field(default_factory=list)  # the 政府信息公开 table: (label, value)


@dataclass
class Metadata:
    """What a report says about itself; None where it does not say."""

    title: str | None = None
    region: str | None = None
    issuer: str | None = None
    year: int | None = None  # the year reported on
    published: str | None = None  # YYYY-MM-DD
    report_year: int | None = None  # the year delivered or published (2021年度 · 2022年报告)


@dataclass
class Block:
    """A unit of body text with its heading path and section labels."""

    text: str
    heading: list[str]
    labels: list[Section] = field(default_factory=list)
    kind: str = "paragraph"  # "heading", "paragraph" or "item"
    why: list[str] = field(default_factory=list, compare=False)  # the part and cues behind the labels

    def to_json(self, why: bool = False) -> dict:
        out = {"labels": [s.value for s in self.labels], "heading": list(self.heading), "text": self.text}
        if why:
            out["why"] = list(self.why)
        return out


@dataclass
class Report:
    """A parsed report: where it came from, its metadata and its labelled blocks."""

    path: str
    meta: Metadata
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)  # what reading repaired (RawDocument.warnings)

    def to_json(self, why: bool = False) -> dict:
        m = self.meta
        return {
            "path": os.fsencode(self.path).decode("utf-8", "backslashreplace"), "title": m.title, "region": m.region, "issuer": m.issuer,
            "year": m.year, "report_year": m.report_year, "published": m.published,
            "blocks": [b.to_json(why) for b in self.blocks],
        }


# The eleven indicators a report's figures are read as (report/figures; ../shared/eval/indicators/README.md).
INDICATORS = ("复议收案", "复议受理", "复议审结", "复议纠错", "复议纠错率", "复议调解和解", "诉讼案件", "诉讼败诉",
              "诉讼败诉率", "出庭应诉率", "出庭应诉次数")


@dataclass
class Figure:
    """One figure a report states: what it counts, its value, whose and when, and the clause behind it."""

    indicator: str
    value: int | float
    unit: str  # 件, %, 次 or 人
    year: int | str | None  # "YYYY-YYYY" for a span
    scope: str
    quote: str  # an exact substring of the block's text
    block: int
    start: int
    end: int
    rule: str
    note: str = ""  # 直接纠错, 综合纠错率, 调解率 …
    approximate: bool = False  # 约为24%: the same figure stated again, rounded
    flags: list[str] = field(default_factory=list)  # what `check` found

    def to_json(self, why: bool = False) -> dict:
        out: dict[str, object] = {
            "indicator": self.indicator, "value": self.value, "unit": self.unit, "year": self.year,
            "scope": self.scope, "quote": self.quote, "block": self.block}
        if self.flags:
            out["flags"] = list(self.flags)
        if why:
            out.update(start=self.start, end=self.end, rule=self.rule)
        return out


@dataclass
class Skipped:
    """A number that looked like a figure, and why it is not one."""

    value: int | float
    unit: str
    quote: str
    block: int
    start: int
    end: int
    reason: str
    indicator: str = ""  # what it would have been, when that is known


@dataclass
class Check:
    """What comparing figures of one report found."""

    kind: str  # denominator, mismatch, contradiction, exceeds
    message: str
    figures: list[int] = field(default_factory=list)  # indexes into the list checked


def body_key(region: str | None, issuer: str | None, title: str | None) -> str:
    """The body of a report with this region, issuer and title — a region and a genre: the 法治政府 reports of a
    named issuer are one body, a government's work reports another (facts compare and trend them)."""
    region = region or "(unknown)"
    if title and "法治政府" in title:
        return f"{region} {issuer or region} 法治政府建设年度报告"
    return f"{region} 政府工作报告"
