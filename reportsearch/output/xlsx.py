"""XLSX export (openpyxl): search results as one sheet per query and a summary sheet, matches in bold red
inside cells; indicator tables as a sheet of figures and one region × year sheet per indicator with a
line chart."""
from __future__ import annotations

import io
import re
import unicodedata
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..searcher import SearchResult, Tally, printable_path
from .crosstab import PAIR_COLUMNS, cell_records, pair_records
from .figures import FIGURE_COLUMNS, figure_rows
from .rows import COLUMNS, REGION_HEADER, SECTION_HEADER, flat, neutralise, rows, summary_rows

if TYPE_CHECKING:
    from ..facts import CompareResult, IndicatorResult, Recurrence

MATCH_FONT = InlineFont(b=True, color="C00000")
MAX_WIDTH = {"snippet": 80, "title": 40, "heading": 40, "path": 40}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    """Text openpyxl will write: no control characters (it refuses them), and a file name's bytes
    that are not UTF-8 (surrogateescape's \udcff) shown as \xff, as printable_path shows them."""
    if _SURROGATE.search(text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _clean(value):
    """A cell value openpyxl will write and a spreadsheet will not run as a formula."""
    return neutralise(_clean_text(value)) if isinstance(value, str) else value


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK (wide) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _units(s: str) -> int:
    """Length as Excel counts a sheet name's: UTF-16 code units (an emoji is two)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _fit_name(head: str, tail: str) -> str:
    """head + tail in 31 units, cutting head: the tail (an indicator, "table", " (2)") says what the sheet is."""
    while head and _units(head + tail) > 31:
        head = head[:-1]
    return (head + tail) if _units(head + tail) <= 31 else tail[:31]


def _sheet_name(name: str, used: set[str], keep: str = "") -> str:
    """A sheet name Excel accepts (no []:*?/\\ or control characters, 31 units, unique): name, cut to
    fit before `keep`, which stays whole."""
    def clean(s: str) -> str:
        return ILLEGAL_CHARACTERS_RE.sub("", _SHEET_FORBIDDEN.sub("_", s))
    head, tail = clean(name), clean(keep)
    base = _fit_name(head, tail).strip("'") or "query"
    out, n = base, 2
    while out.lower() in used:
        out, n = _fit_name(head, f"{tail} ({n})"), n + 1
    used.add(out.lower())
    return out


def _rich_snippet(row: dict) -> CellRichText | str:
    """The snippet with its matches as bold red 【…】 runs (plain text when nothing matched)."""
    sn = row["_snippet"]
    parts: list = []
    pos = 0
    for a, b in sn.spans:
        parts += [sn.text[pos:a], TextBlock(MATCH_FONT, _clean_text("【" + sn.text[a:b] + "】"))]
        pos = b
    parts.append(sn.text[pos:] + ("…" if sn.cut_right else ""))
    parts[0] = ("…" if sn.cut_left else "") + parts[0]
    parts = [_clean_text(p) if isinstance(p, str) else p for p in parts]
    parts[0] = neutralise(parts[0])  # only the cell's first characters can start a formula
    if len(parts) == 1:
        return parts[0]
    return CellRichText(*[p for p in parts if p])


def _fit(ws, header: list[str]) -> None:
    """Column widths that fit the (CJK-aware) text, a bold frozen header row."""
    for i, name in enumerate(header, 1):
        width = max((display_width(str(c.value)) for c in ws[get_column_letter(i)] if c.value is not None),
                    default=4)
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH.get(name, 30))
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"


def workbook_bytes(results: list[tuple[str, SearchResult]], tallies: list[tuple[str, Tally]] | None,
                   tables: list[tuple[str, IndicatorResult]] | None = None) -> bytes:
    """The XLSX file: a summary sheet (with a query file's tallies), one sheet per query, and a query
    file's indicator tables (the sheets of indicators_workbook, named after the table)."""
    wb = Workbook()
    used: set[str] = set()
    summary = wb.active
    summary.title = _sheet_name("summary", used)
    if tallies:
        by_section, by_region = summary_rows(tallies)
        summary.append(SECTION_HEADER)
        for r in by_section:
            summary.append([_clean(v) for v in r])
        summary.append([])
        summary.append(REGION_HEADER)
        for c in summary[summary.max_row]:
            c.font = Font(bold=True)
        for r in by_region:
            summary.append([_clean(v) for v in r])
        _fit(summary, SECTION_HEADER)
    else:
        summary.append(["query", "reports", "rows"])
        for name, r in results:
            summary.append([_clean(name or r.query), len(r.reports) if r.by == "report" else len({h.report_id for h in r.blocks}),
                            len(rows(r, name))])
        _fit(summary, ["query", "reports", "rows"])
    snippet_col = COLUMNS.index("snippet") + 1
    for name, result in results:
        ws = wb.create_sheet(_sheet_name(name or result.query or "query", used))
        ws.append(COLUMNS)
        for row in rows(result, name):
            f = flat(row)
            ws.append([_clean(f[k]) for k in COLUMNS])
            cell = ws.cell(row=ws.max_row, column=snippet_col)
            cell.value = _rich_snippet(row)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        _fit(ws, COLUMNS)
    for name, result in tables or ():
        if hasattr(result, "rows_by"):  # a comparison
            _compare_sheets(wb, used, result, prefix=f"{name} ")
        else:
            _indicator_sheets(wb, used, result, prefix=f"{name} ")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CHART_SERIES = 12  # lines in one chart: the rows with the most years (a chart of 300 lines says nothing)


def indicators_workbook(result: IndicatorResult) -> bytes:
    """The XLSX file of an indicator table: a sheet of every figure with its quote, then one region ×
    year sheet per indicator with a line chart of its rows over the years."""
    return _book(_indicator_sheets, result)


def _book(add_sheets, result) -> bytes:
    """A workbook of the sheets add_sheets(wb, used names, result) makes."""
    wb = Workbook()
    wb.remove(wb.active)
    add_sheets(wb, set(), result)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _indicator_sheets(wb, used: set[str], result: IndicatorResult, prefix: str = "") -> None:
    """The figures sheet and a region × year sheet per indicator (with its chart), added to wb."""
    ws = wb.create_sheet(_sheet_name(prefix, used, keep="figures"))
    ws.append(FIGURE_COLUMNS)
    quote_col = FIGURE_COLUMNS.index("quote") + 1
    for row in figure_rows(result):
        ws.append([_clean(row[k]) for k in FIGURE_COLUMNS])
        ws.cell(row=ws.max_row, column=quote_col).alignment = Alignment(wrap_text=True, vertical="top")
    _fit(ws, FIGURE_COLUMNS)
    for name in result.indicators():
        labels, years, cells = result.pivot(name)
        sheet = wb.create_sheet(_sheet_name(prefix, used, keep=name))
        unit = next(r.chosen()[name].unit for r in result.reports if name in r.chosen())
        header = [f"{name} ({unit})", *years]
        sheet.append(header)
        for label in labels:
            sheet.append([_clean(label), *(cells[(label, y)].chosen()[name].value if (label, y) in cells else None
                                           for y in years)])
        _fit(sheet, [str(h) for h in header])
        if years:
            _line_chart(sheet, name, unit, labels, years, cells)


def _line_chart(sheet, name: str, unit: str, labels: list[str], years: list[int], cells: dict) -> None:
    """A line per row (region) over the years, beside the table; the rows with the most years."""
    rows = sorted(range(len(labels)), key=lambda i: -sum((labels[i], y) in cells for y in years))[:CHART_SERIES]
    chart = LineChart()
    chart.title = f"{name} ({unit})"
    chart.y_axis.title = unit
    chart.x_axis.title = "year"
    chart.height, chart.width = 9, max(12, 2 * len(years))
    for i in sorted(rows):
        data = Reference(sheet, min_col=1, max_col=len(years) + 1, min_row=i + 2, max_row=i + 2)
        chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, max_col=len(years) + 1, min_row=1, max_row=1))
    sheet.add_chart(chart, f"{get_column_letter(len(years) + 3)}2")


def compare_workbook(result: CompareResult) -> bytes:
    """A comparison: the table (blocks per place and year, a heat-map fill, totals), a sheet of every
    cell's counts and best sentence, and a chart of the matching blocks per year."""
    return _book(_compare_sheets, result)


def _compare_sheets(wb, used: set[str], result: CompareResult, prefix: str = "") -> None:
    """The table sheet (heat-map fill, totals, chart) and the cells sheet of a comparison, added to wb."""
    ws = wb.create_sheet(_sheet_name(prefix, used, keep="table"))
    header = [result.rows_by, *result.cols, "total"]
    ws.append(header)
    for row in result.rows:
        cells = [result.cell(row, c) for c in result.cols]
        ws.append([_clean(row), *(c.blocks if c else None for c in cells), result.row_totals[row].blocks])
    ws.append(["total", *(result.col_totals[c].blocks for c in result.cols), result.total])
    last_row, last_col = len(result.rows) + 1, get_column_letter(len(result.cols) + 1)
    if result.rows and result.cols:
        ws.conditional_formatting.add(f"B2:{last_col}{last_row}", ColorScaleRule(
            start_type="num", start_value=0, start_color="FFFFFF", end_type="max", end_color="F8696B"))
    _fit(ws, [str(h) for h in header])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    chart = BarChart()
    chart.title = f"{result.query}: matching blocks per {result.cols_by}"
    chart.add_data(Reference(ws, min_col=2, max_col=len(result.cols) + 1, min_row=ws.max_row, max_row=ws.max_row),
                   from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=len(result.cols) + 1, min_row=1, max_row=1))
    chart.legend = None
    ws.add_chart(chart, f"{get_column_letter(len(result.cols) + 4)}2")
    cells = wb.create_sheet(_sheet_name(prefix, used, keep="cells"))
    columns = [result.rows_by, result.cols_by, "blocks", "reports", "of", "share", "quote", "path", "block"]
    cells.append(columns)
    for r in cell_records(result):
        q = r["quotes"][0] if r["quotes"] else {}
        cells.append([_clean(v) for v in (r[result.rows_by], r[result.cols_by], r["blocks"], r["reports"], r["of"],
                                          r["share"], q.get("text"), q.get("path_display"), q.get("block"))])
        cells.cell(row=cells.max_row, column=7).alignment = Alignment(wrap_text=True, vertical="top")
    _fit(cells, columns)


def recurring_workbook(rec: Recurrence) -> bytes:
    """Recurring problems: a sheet of pairs (earlier and later quotes), one of per-report summaries,
    and one of the files that hold a report twice."""
    wb = Workbook()
    ws = wb.active
    ws.title = "pairs"
    ws.append(PAIR_COLUMNS)
    for p in pair_records(rec):
        e, later = p["earlier"], p["later"]
        ws.append([_clean(v) for v in (p["region"], p["issuer"], p["similarity"], e["year"], e["quote"], later["year"],
                                       later["quote"], e["path_display"], e["block"], later["path_display"], later["block"])])
    _fit(ws, PAIR_COLUMNS)
    summary = wb.create_sheet("summaries")
    columns = ["body", "year", "problems", "previous_year", "in_previous", "in_any_earlier", "path"]
    summary.append(columns)
    for s in rec.summaries:
        summary.append([_clean(v) for v in (s.body, s.year, s.problems, s.previous_year, s.in_previous,
                                            s.in_any_earlier, printable_path(s.path))])
    _fit(summary, columns)
    dups = wb.create_sheet("duplicates")
    dups.append(["kept", "dropped", "same_body", "similarity"])
    for d in rec.duplicates:
        dups.append([_clean(printable_path(d.kept)), _clean(printable_path(d.dropped)), d.same_body,
                     round(d.similarity, 3)])
    _fit(dups, ["kept", "dropped", "same_body", "similarity"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
