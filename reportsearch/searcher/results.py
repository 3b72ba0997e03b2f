"""What a search answers: plain result data (Hit, ReportHit, SearchResult) and the counts of every
matching block (Tally)."""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

from .snippets import Snippet

BY_VALUES = ("report", "block")


@dataclass
class Hit:
    """One matching block with its report's metadata, match offsets and snippets."""

    rank: int
    score: float
    report_id: str
    block_id: str
    path: str
    title: str | None
    region: str | None
    issuer: str | None
    year: int | None
    published: str | None
    labels: list[str]
    heading: list[str]
    text: str
    matches: list[tuple[int, int]]
    snippets: list[Snippet]
    terms: list[str]
    report_year: int | None = None  # the year the report was delivered or published (year: reported on)
    path_display: str = ""  # the path for people: printable, one line (made from path when not given)

    def __post_init__(self) -> None:
        if not self.path_display:
            self.path_display = printable_path(self.path)
    explain: dict | None = None  # with search(explain=True): the features behind the score (engine._explain)

    @property
    def matched_terms(self) -> list[str]:
        seen: list[str] = []
        for a, b in self.matches:
            if self.text[a:b] not in seen:
                seen.append(self.text[a:b])
        return seen


@dataclass
class ReportHit:
    """A report with its best-matching blocks (one entry of `--by report`)."""

    rank: int
    score: float
    hits: list[Hit]

    def __getattr__(self, name):  # title, region, year … of the report: from its best block
        if name in ("report_id", "path", "path_display", "title", "region", "issuer", "year", "report_year",
                    "published"):
            return getattr(self.hits[0], name)
        raise AttributeError(name)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def printable_path(path: str) -> str:
    """A path as people see it: bytes that are not UTF-8 as \\xff, control characters as \\x1b or
    \\n. What `search` prints, and what `show` accepts."""
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group(0), f"\\x{ord(m.group(0)):02x}"), shown)


def exact_path(meta: dict) -> str:
    """A report's path exactly as the file system has it (Python's str for it: bytes that are not
    UTF-8 as surrogateescape's \\udcff), from its metadata in the index."""
    if meta.get("xp"):
        return os.fsdecode(bytes.fromhex(meta["xp"]))
    return meta["path"]


@dataclass
class SearchResult:
    """The answer to one query: the matching block count and the ranked entries."""

    query: str
    by: str
    total: int
    reports: list[ReportHit] = field(default_factory=list)
    blocks: list[Hit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the query: read, but maybe not as meant
    missing: list[str] = field(default_factory=list)  # shards a cluster search lost (partial=True): incomplete

    def hits(self) -> list[Hit]:
        """Every hit shown, in rank order (blocks grouped under their report for --by report)."""
        if self.by == "block":
            return list(self.blocks)
        return [h for r in self.reports for h in r.hits]


@dataclass
class Tally:
    """All blocks that match a query (not only those shown), counted by section and by region."""

    query: str
    blocks: int = 0
    reports: int = 0
    sections: Counter = field(default_factory=Counter)  # section → blocks (a block with two labels counts in both)
    regions: dict[str, Counter] = field(default_factory=dict)  # region → section → blocks ("" for none)
    region_blocks: Counter = field(default_factory=Counter)  # region → blocks (each block once)
