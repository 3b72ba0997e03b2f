"""Indicator tables: the figures reports state (report/figures), gathered from files or from the
index, filtered by region, year and value, and laid out as evaluators read them — one row per
report with one column per indicator and a trend mark where a body has several years, or one
region × year table per indicator."""
from __future__ import annotations

import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import BadArgument, BadQuery, UnreadableReport
from ..indexer import default_index_dir, read_index
from ..model import INDICATORS, Check, Figure, Skipped, body_key
from ..report import choose_figures
from ..searcher import exact_path, report_doc, report_filter

UP, DOWN, SAME = "↑", "↓", "→"
_OPS = {">=": operator.ge, "<=": operator.le, "!=": operator.ne, ">": operator.gt, "<": operator.lt,
        "=": operator.eq, "==": operator.eq}
_WHERE = re.compile(r"^\s*(?P<name>[^<>=!\s]+)\s*(?P<op>>=|<=|!=|==|>|<|=)\s*(?P<value>-?\d+(?:\.\d+)?)\s*(?P<pct>%)?\s*$")
# Indicators whose figures are counts only (件, 次, 人): a % after their number is a mistake.
# 复议调解和解 is a count or a rate (调解率), the 率 ones are rates.
_COUNTS = tuple(n for n in INDICATORS if not n.endswith("率") and n != "复议调解和解")


@dataclass
class Condition:
    """A filter on a report's table figure: `复议纠错率>20`."""

    indicator: str
    op: str
    value: float
    percent: bool = False  # written with %: only a rate passes

    def __call__(self, row: "ReportFigures") -> bool:
        f = row.chosen().get(self.indicator)
        return f is not None and (not self.percent or f.unit == "%") and _OPS[self.op](float(f.value), self.value)

    def __str__(self) -> str:
        return f"{self.indicator}{self.op}{self.value:g}{'%' if self.percent else ''}"


def parse_where(text: str) -> Condition:
    """`复议纠错率>20` (or >20%), `诉讼败诉率 <= 5`, `复议收案>=100` → a Condition; BadQuery names what is
    wrong (also a % after a count's number)."""
    if not isinstance(text, str):
        raise BadArgument(f"where must be a string such as '复议纠错率>20', not {text!r}")
    m = _WHERE.match(text)
    if not m:
        raise BadQuery(f"cannot read --where '{text}' — write an indicator, a comparison and a number, "
                       f"e.g. '复议纠错率>20' or '诉讼案件>=100'")
    name, op, value = m.group("name"), "=" if m.group("op") == "==" else m.group("op"), m.group("value")
    if name not in INDICATORS:
        raise BadQuery(f"unknown indicator '{name}' in --where — use one of {'、'.join(INDICATORS)}")
    if m.group("pct") and name in _COUNTS:
        raise BadQuery(f"'{name}' is a count (件, 次 or 人), not a rate — drop the % in --where "
                       f"('{name}{op}{value}'), or compare a rate such as 复议纠错率")
    return Condition(name, op, float(value), bool(m.group("pct")))


@dataclass
class ReportFigures:
    """One report's figures: where it is, whose and which year, the figures, the checks, (with why)
    the numbers skipped and the reason for each, and (from files) what reading repaired or guessed."""

    path: str
    title: str | None
    region: str | None
    issuer: str | None
    year: int | None
    published: str | None
    figures: list[Figure]
    checks: list[Check]
    skipped: list[Skipped] = field(default_factory=list)
    trend: dict[str, str] = field(default_factory=dict)  # indicator → ↑ ↓ → against the body's year before
    report_year: int | None = None  # the year delivered or published (year: the year reported on)
    warnings: list[str] = field(default_factory=list)  # what reading repaired or guessed (files only: OCR)
    _chosen: dict[str, Figure] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def body(self) -> str:
        """Whose reports these are, year after year (a region and a genre)."""
        return body_key(self.region, self.issuer, self.title)

    def chosen(self) -> dict[str, Figure]:
        """The figure of each indicator the tables show: the report's own year's if it gives one,
        the body's own total, the 直接 rate (report/figures/checks.py: choose)."""
        if self._chosen is None and not self.figures:
            self._chosen = {}
        if self._chosen is None:
            years = {f.year for f in self.figures}
            self._chosen = choose_figures(self.figures, self.year if self.year in years else None)
        return self._chosen


@dataclass
class IndicatorResult:
    """The reports asked for, with their figures; files that could not be read."""

    reports: list[ReportFigures]
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path shown, reason)
    read: int = 0  # reports read (before the filters)
    where: list[Condition] = field(default_factory=list)

    def indicators(self) -> list[str]:
        """The indicators some report's table row shows, in the canonical order."""
        have = {name for r in self.reports for name in r.chosen()}
        return [n for n in INDICATORS if n in have]

    def pivot(self, indicator: str) -> tuple[list[str], list[int], dict[tuple[str, int], ReportFigures]]:
        """A region × year table of one indicator: row labels, years, and the report of each cell
        that states it (a region with two bodies, say the city and its 司法局, gets a row each)."""
        by_label: dict[tuple[str, int], ReportFigures] = {}
        labels: dict[str, None] = {}
        for r in self.reports:
            if indicator not in r.chosen() or r.year is None:
                continue
            label = row_label(r, self.reports)
            labels[label] = None
            by_label.setdefault((label, r.year), r)
        years = sorted({y for _, y in by_label})
        return list(labels), years, by_label


def row_label(r: ReportFigures, every: list[ReportFigures]) -> str:
    """A report's row in a region × year table: its region, and its issuer where the region has
    reports of more than one body."""
    region = r.region or "(unknown)"
    bodies = {x.body for x in every if (x.region or "(unknown)") == region}
    return region if len(bodies) <= 1 else f"{region} · {r.issuer or r.title or r.path}"


def indicators(paths: Iterable[str] | None = None, *, index_dir: str | None = None, region: str | None = None,
               year: str | int | None = None, where: Iterable[str] | str = (), why: bool = False,
               progress: Callable[[int, int], None] | None = None) -> IndicatorResult:
    """The figures reports state, per report: read from files (paths: files and directories), or
    from the index (extracted once, when it was written). region and year filter as in search;
    where ('复议纠错率>20', several: all must hold) keeps reports whose table figure passes.
    why: also the numbers skipped, with the reason (files only: the index keeps the figures)."""
    if isinstance(where, str):
        where = [where]
    conditions = [parse_where(w) for w in where]
    keep = report_filter(region, year)  # BadQuery before any work
    if paths is not None:
        paths = [paths] if isinstance(paths, str) else list(paths)
        if not all(isinstance(p, str) for p in paths):
            raise BadArgument(f"paths must be file or directory names, not {paths!r}")
        result = _from_files(paths, keep, why, progress)
    else:
        result = _from_index(index_dir or default_index_dir(), keep)
    result.where = conditions
    result.reports = [r for r in result.reports if all(c(r) for c in conditions)]
    result.reports.sort(key=lambda r: (r.region or "\uffff", r.issuer or "", r.year or 0, r.path))
    _trends(result.reports)
    return result


def _from_files(paths: list[str], keep, why: bool, progress) -> IndicatorResult:
    # reading and the extraction rules load here: the index's figures need neither
    from ..read import display_path, expand_paths
    from ..report import check_figures, explain_figures_in

    files, problems = expand_paths(paths)
    out = IndicatorResult(reports=[], failed=[(display_path(p), reason) for p, reason in problems])
    if progress:
        progress(0, len(files))
    for n, path in enumerate(files, 1):
        try:
            report, extraction = explain_figures_in(path)
        except UnreadableReport as e:
            out.failed.append((display_path(path), e.reason))
        else:
            out.read += 1
            m = report.meta if report is not None else None
            if keep(report_doc(m.region if m else None, m.year if m else None)):
                figures = extraction.figures
                out.reports.append(ReportFigures(
                    path=path, title=m.title if m else None, region=m.region if m else None,
                    issuer=m.issuer if m else None, year=m.year if m else None,
                    published=m.published if m else None, report_year=m.report_year if m else None,
                    figures=figures, checks=check_figures(figures),
                    skipped=extraction.skipped if why else [], warnings=list(extraction.warnings)))
        if progress:
            progress(n, len(files))
    return out


def _from_index(index_dir: str, keep) -> IndicatorResult:
    def run(snap) -> IndicatorResult:
        out = IndicatorResult(reports=[])
        for seg, d, meta in snap.each_report():
            out.read += 1
            if not keep(meta):
                continue
            stored = seg.data.figures(d)
            out.reports.append(ReportFigures(
                path=exact_path(meta), title=meta.get("title"), region=meta.get("region"), issuer=meta.get("issuer"),
                year=meta.get("year"), published=meta.get("published"), report_year=meta.get("report_year"),
                figures=[Figure(**f) for f in stored.get("figures", ())],
                checks=[Check(**c) for c in stored.get("checks", ())]))
        return out
    return read_index(index_dir, run)


def _trends(reports: list[ReportFigures]) -> None:
    """Each report's mark per indicator against the same body's latest earlier year."""
    by_body: dict[str, list[ReportFigures]] = defaultdict(list)
    for r in reports:
        if r.year is not None and r.figures:
            by_body[r.body].append(r)
    for rows in by_body.values():
        rows.sort(key=lambda r: r.year)
        for before, now in zip(rows, rows[1:]):
            if before.year == now.year:
                continue
            for name, f in now.chosen().items():
                old = before.chosen().get(name)
                if old is not None and old.unit == f.unit:
                    now.trend[name] = UP if f.value > old.value else DOWN if f.value < old.value else SAME
