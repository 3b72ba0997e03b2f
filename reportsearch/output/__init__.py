"""Output: what the CLI prints and what exports write.

    render.py   rich renderables for the terminal (only the CLI prints them)
    rows.py     results as rows: the columns every export shares, the summary tables
    formats.py  search results as CSV, JSON, JSON Lines, Markdown and text
    figures.py  indicator tables as JSON Lines, JSON, CSV, Markdown and text
    crosstab.py comparisons (compare) and recurring problems in the same text formats
    xlsx.py     workbooks (openpyxl, imported only when one is written), indicator charts
    files.py    writing any of them to a file: atomically, never over a file without --force
    safe.py     untrusted text (reports, file names) made safe for a terminal

Public: export(results, path, fmt, …), export_indicators(result, path, fmt, …) (also a comparison or
recurring problems), facts_text, facts_workbook, to_text, run_text,
indicators_text, cleaned, Format, refuse_overwrite, output_format (-o and --format checked),
XLSX_TO_FILE, workbook_bytes, indicators_workbook; the render and safe modules (the CLI draws with
render's functions).
"""
from ..lazy import exports
from . import render, safe

__all__ = ["render", "safe", "export", "export_indicators", "to_text", "indicators_text", "cleaned", "Format",
           "refuse_overwrite", "output_format", "run_text", "facts_text", "facts_workbook", "XLSX_TO_FILE",
           "workbook_bytes", "indicators_workbook"]

__getattr__, __dir__ = exports(__name__, {
    "export": "files", "export_indicators": "files", "refuse_overwrite": "files", "output_format": "files",
    "run_text": "files", "facts_text": "files", "facts_workbook": "files",
    "to_text": "formats", "cleaned": "formats", "Format": "formats", "XLSX_TO_FILE": "formats",
    "indicators_text": "figures:to_text", "workbook_bytes": "xlsx", "indicators_workbook": "xlsx"})
