"""Output: what the CLI prints and what exports write.

    render.py   rich renderables for the terminal (only the CLI prints them)
    rows.py     results as rows: the columns every export shares, the summary tables
    formats.py  CSV, JSON, JSON Lines, Markdown and text; atomic writes; refusing to overwrite
    xlsx.py     workbooks (openpyxl, imported only when one is written)
    safe.py     untrusted text (reports, file names) made safe for a terminal

Public: export(results, path, fmt, …), to_text, cleaned, Format, refuse_overwrite, XLSX_TO_FILE,
workbook_bytes; the render and safe modules (the CLI draws with render's functions).
"""
from ..lazy import exports
from . import render, safe

__all__ = ["render", "safe", "export", "to_text", "cleaned", "Format", "refuse_overwrite", "XLSX_TO_FILE",
           "workbook_bytes"]

__getattr__, __dir__ = exports(__name__, {
    "export": "formats", "to_text": "formats", "cleaned": "formats", "Format": "formats",
    "refuse_overwrite": "formats", "XLSX_TO_FILE": "formats", "workbook_bytes": "xlsx"})
