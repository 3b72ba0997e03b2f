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
