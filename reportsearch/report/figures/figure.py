"""The figures drawn from a report, and the candidates skipped: plain data for output and checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import regions

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
class Extraction:
    """The figures of one report and the candidates that were skipped."""

    figures: list[Figure]
    skipped: list[Skipped]


def default_scope(region: str | None) -> str:
    """The scope of a figure whose sentence names none: the whole of the report's place (全市), or 未注明."""
    if region:
        unit = regions.levels(region)
        if unit in ("省", "市", "区", "县", "州", "旗", "盟"):
            return "全" + unit
    return "未注明"
