"""Indicator tables written out: JSON Lines (one object per report), JSON, CSV (one row per figure),
Markdown (the table, then each figure with its quote) and tab-separated text; XLSX in xlsx.py."""
from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

from ..searcher import printable_path
from . import safe
from .formats import Format, json_text, md_text
from .rows import neutralise, tab_row

if TYPE_CHECKING:
    from ..facts import IndicatorResult, ReportFigures
    from ..report import Figure

FIGURE_COLUMNS = ["path", "title", "region", "issuer", "year", "indicator", "value", "unit", "figure_year", "scope",
                  "note", "quote", "block", "flags", "trend"]


def figure_json(f: Figure, why: bool = False) -> dict:
    """A figure as JSON: what, how much, whose and when, the clause behind it, and what checks found."""
    out = {"indicator": f.indicator, "value": f.value, "unit": f.unit, "year": f.year, "scope": f.scope,
           "quote": safe.text(f.quote), "block": f.block}
    if f.note:
        out["note"] = f.note
    if f.approximate:
        out["approximate"] = True
    if f.flags:
        out["flags"] = list(f.flags)
    if why:
        out.update(start=f.start, end=f.end, rule=f.rule)
    return out


def report_json(r: ReportFigures, why: bool = False) -> dict:
    """A report's figures as one JSON object (what `--json` writes, one per line)."""
    out = {"path": r.path, "path_display": printable_path(r.path), "title": safe.text(r.title), "region": r.region, "issuer": r.issuer, "year": r.year,
           "report_year": r.report_year, "published": r.published, "indicators": [figure_json(f, why) for f in r.figures],
           "table": {name: {"value": f.value, "unit": f.unit, "trend": r.trend.get(name)}
                     for name, f in r.chosen().items()},
           "checks": [{"kind": c.kind, "message": c.message} for c in r.checks]}
    if why:
        out["skipped"] = [{"value": s.value, "unit": s.unit, "quote": safe.text(s.quote), "block": s.block,
                           "reason": s.reason, **({"indicator": s.indicator} if s.indicator else {})}
                          for s in r.skipped]
    return out


def figure_rows(result: IndicatorResult) -> list[dict]:
    """One row per figure stated (every scope and year, not only the table's), in report order."""
    rows = []
    for r in result.reports:
        table = r.chosen()
        for f in r.figures:
            rows.append({"path": printable_path(r.path), "title": r.title, "region": r.region, "issuer": r.issuer, "year": r.year,
                         "indicator": f.indicator, "value": f.value, "unit": f.unit, "figure_year": f.year,
                         "scope": f.scope, "note": f.note, "quote": safe.line(f.quote), "block": f.block,
                         "flags": "; ".join(f.flags),
                         "trend": r.trend.get(f.indicator, "") if table.get(f.indicator) is f else ""})
    return rows


def number(value: int | float) -> str:
    """A figure's value in plain digits: a whole number as an integer (4373220), a decimal with the
    decimals it has (25.4), never an exponent."""
    if isinstance(value, int):
        return str(value)
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if v.is_integer():
        return str(int(v))
    text = repr(v)
    return f"{v:.12f}".rstrip("0").rstrip(".") if "e" in text else text


def whose(f: Figure) -> str:
    """A figure's scope and year, as shown after it: 全市, 2021 (the scope alone without a year)."""
    return f.scope if f.year is None else f"{f.scope}, {f.year}"


def cell(r: ReportFigures, name: str) -> str:
    """A table cell: the figure, its unit, its trend mark; ! when a check questions it."""
    f = r.chosen().get(name)
    if f is None:
        return ""
    value = number(f.value)
    flag = "!" if any(x.startswith(("mismatch", "contradicts", "more than")) for x in f.flags) else ""
    return f"{value}{f.unit}{r.trend.get(name, '')}{flag}"



def markdown(result: IndicatorResult) -> str:
    """The region × indicator table, then every report's figures with the clause behind each."""
    names = result.indicators()
    out = ["## Indicators", ""]
    if not result.reports:
        return "\n".join(out + ["No reports.", ""])
    out.append("| report | year | " + " | ".join(names) + " |")
    out.append("|---|---|" + "---|" * len(names))
    for r in result.reports:
        label = md_text(r.region or r.title or printable_path(r.path))
        out.append(f"| {label} | {r.year or ''} | " + " | ".join(md_text(cell(r, n)) for n in names) + " |")
    out.append("")
    for r in result.reports:
        out.append(f"### {md_text(r.title or printable_path(r.path))}")
        out.append("")
        out.append(" · ".join(md_text(x) for x in (r.region, r.issuer, r.year, r.published) if x))
        out.append("")
        if not r.figures:
            out.append("No figures stated.")
        for f in r.figures:
            flags = f" *({md_text('; '.join(f.flags))})*" if f.flags else ""
            out.append(f"- **{md_text(f.indicator)} {md_text(number(f.value))}"
                       f"{md_text(f.unit)}** ({md_text(whose(f))}): {md_text(f.quote)}{flags}")
        for c in r.checks:
            out.append(f"- check: {md_text(c.message)}")
        out.append("")
    return "\n".join(out)


def to_text(result: IndicatorResult, fmt: Format, why: bool = False) -> str:
    """The result in a text format: JSON Lines, JSON, CSV, Markdown or tab-separated text."""
    if fmt == Format.JSONL:
        return "".join(json_text(report_json(r, why)) + "\n" for r in result.reports)
    if fmt == Format.JSON:
        return json_text({"reports": [report_json(r, why) for r in result.reports],
                          "where": [str(c) for c in result.where]}, indent=1) + "\n"
    if fmt == Format.MD:
        return markdown(result)
    buf = io.StringIO()
    if fmt == Format.CSV:
        w = csv.DictWriter(buf, fieldnames=FIGURE_COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for row in figure_rows(result):
            w.writerow({k: neutralise(v) for k, v in row.items()})
        return buf.getvalue()
    buf.write(tab_row(FIGURE_COLUMNS))  # text: the CSV's columns, tab-separated
    for row in figure_rows(result):
        buf.write(tab_row(row[k] for k in FIGURE_COLUMNS))
    return buf.getvalue()

