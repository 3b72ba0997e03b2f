"""The figures drawn from a report, and the candidates skipped: plain data for output and checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...model import INDICATORS, Figure, Skipped  # noqa: F401 (the figures' plain data)
from .. import regions


@dataclass
class Extraction:
    """The figures of one report and the candidates that were skipped."""

    figures: list[Figure]
    skipped: list[Skipped]
    warnings: list[str] = field(default_factory=list)  # what reading the file repaired or guessed (OCR)


def default_scope(region: str | None) -> str:
    """The scope of a figure whose sentence names none: the whole of the report's place (全市), or 未注明."""
    if region:
        unit = regions.levels(region)
        if unit in ("省", "市", "区", "县", "州", "旗", "盟"):
            return "全" + unit
    return "未注明"
