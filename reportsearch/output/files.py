"""Writing results to files: atomically (a temporary file, then a rename), never over an existing
file without force, in the format the extension or --format names — search results (formats.py,
xlsx.py) and indicator tables (figures.py, xlsx.py)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import TYPE_CHECKING

from ..errors import ExportError
from . import safe
from .formats import XLSX_TO_FILE, Format, cleaned, to_text

if TYPE_CHECKING:  # a search writes no indicator table: the facts stage stays unloaded
    from ..facts import IndicatorResult
    from ..searcher import SearchResult, Tally


def refuse_overwrite(path: str, force: bool) -> None:
    """ExportError if path exists and force is not given (called before any work, and again at writing)."""
    if os.path.lexists(path) and not force:
        raise ExportError(f"{path} exists — pass --force to overwrite it")


def output_format(output: str | None, fmt: str | None, force: bool) -> Format | None:
    """-o FILE and --format checked before any query runs: the format to write, or None for the
    terminal view (-o - is stdout: a format must be given, and xlsx only into a pipe)."""
    if output == "-":  # stdout, like a text format without -o
        if not fmt:
            raise ExportError("-o - writes to stdout and has no extension to tell the format — add "
                              "--format csv (or json, jsonl, md, text, xlsx)")
        if fmt == Format.XLSX.value and sys.stdout.isatty():
            raise ExportError(XLSX_TO_FILE)
        return Format(fmt)
    if output:
        chosen = Format(fmt) if fmt else Format.from_path(output)
        refuse_overwrite(output, force)
        return chosen
    if fmt == Format.XLSX.value:
        raise ExportError(XLSX_TO_FILE)
    return Format(fmt) if fmt else None


def _new_file_mode(existing: str) -> int:
    """The mode a file written now should get: an overwritten file keeps its own; a new one gets
    0666 less the umask, as any program's new file does (mkstemp's 0600 is for the temporary)."""
    try:
        return os.stat(existing).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str, data: bytes, force: bool = False) -> None:
    """Write a whole file via a temporary file and a rename; refuse to overwrite without force.
    A symbolic link is followed: the file it points to is replaced, the link stays."""
    refuse_overwrite(path, force)
    target = os.path.realpath(path) if os.path.islink(path) else path
    directory = os.path.dirname(os.path.abspath(target))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".reportsearch-", suffix=".part")
    except OSError as e:
        raise ExportError(f"cannot write to {directory} ({e.strerror}) — choose another output path")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            os.fchmod(f.fileno(), _new_file_mode(target))
        os.replace(tmp, target)
    except OSError as e:
        os.unlink(tmp)
        raise ExportError(f"cannot write {path} ({e.strerror}) — choose another output path")


def export(results: list[tuple[str, SearchResult]], path: str, fmt: Format | None = None,
           force: bool = False, tallies: list[tuple[str, Tally]] | None = None,
           tables: list[tuple[str, IndicatorResult]] | None = None) -> Format:
    """Write results (and a query file's indicator tables) to a file in the format its extension
    (or fmt) names."""
    fmt = fmt or Format.from_path(path)
    refuse_overwrite(path, force)
    if fmt == Format.XLSX:
        from .xlsx import workbook_bytes  # openpyxl only when a workbook is written
        data = workbook_bytes(cleaned(results), tallies, tables)
    elif fmt == Format.CSV:
        data = "\ufeff".encode("utf-8") + run_text(results, fmt, tallies, tables).encode("utf-8")  # BOM: Excel
    else:
        data = run_text(results, fmt, tallies, tables).encode("utf-8")
    write_atomic(path, data, force)
    return fmt


def run_text(results: list[tuple[str, SearchResult]], fmt: Format, tallies: list[tuple[str, Tally]] | None = None,
             tables: list[tuple[str, IndicatorResult]] | None = None) -> str:
    """A query file's answers in a text format: its queries' results, then its indicator tables (JSON
    gains an "indicators" key, JSON Lines a line per report of each table, Markdown a section each).
    CSV and text have one set of columns: they take the queries, or one indicator table alone."""
    if not tables:
        return to_text(results, fmt, tallies)
    from ..facts import CompareResult

    if fmt in (Format.CSV, Format.TEXT):
        if results or len(tables) > 1:
            raise ExportError(f"a query file's indicator tables and comparisons do not fit the columns of its "
                              f"{fmt.value} rows — write .xlsx, .json, .jsonl or .md, or export each with "
                              f"`reportsearch indicators` or `reportsearch compare`")
        return facts_text(tables[0][1], fmt)

    def kind(r) -> str:
        return "compare" if isinstance(r, CompareResult) else "indicators"
    if fmt == Format.JSON:
        doc = json.loads(to_text(results, fmt, tallies)) if results else {}
        if not isinstance(doc, dict) or "queries" not in doc:
            doc = {"queries": doc if isinstance(doc, list) else [doc] if doc else []}
        for name, r in tables:
            doc.setdefault(kind(r), []).append({"name": name, **json.loads(facts_text(r, fmt))})
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    parts = [to_text(results, fmt, tallies)] if results else []
    for name, r in tables:
        if fmt == Format.JSONL:
            parts += [json.dumps({kind(r): name, **json.loads(line)}, ensure_ascii=False) + "\n"
                      for line in facts_text(r, fmt).splitlines()]
        else:
            parts.append(f"## {safe.markdown(name)}\n\n" + facts_text(r, fmt))
    return "".join(parts)


def export_indicators(result, path: str, fmt: Format | None = None, force: bool = False,
                      why: bool = False) -> Format:
    """Write an indicator table, a comparison (CompareResult) or recurring problems (Recurrence) to a
    file in the format its extension (or fmt) names."""
    fmt = fmt or Format.from_path(path)
    refuse_overwrite(path, force)
    if fmt == Format.XLSX:
        data = facts_workbook(result)
    elif fmt == Format.CSV:
        data = "\ufeff".encode("utf-8") + facts_text(result, fmt, why).encode("utf-8")  # BOM: Excel on Chinese Windows
    else:
        data = facts_text(result, fmt, why).encode("utf-8")
    write_atomic(path, data, force)
    return fmt


def facts_text(result, fmt: Format, why: bool = False) -> str:
    """An indicator table, a comparison or recurring problems in a text format."""
    from ..facts import CompareResult, IndicatorResult

    if isinstance(result, IndicatorResult):
        from .figures import to_text as figures_text
        return figures_text(result, fmt, why)
    from .crosstab import compare_text, recurring_text
    return compare_text(result, fmt) if isinstance(result, CompareResult) else recurring_text(result, fmt)


def facts_workbook(result) -> bytes:
    """An indicator table, a comparison or recurring problems as an XLSX file."""
    from ..facts import CompareResult, IndicatorResult
    from .xlsx import compare_workbook, indicators_workbook, recurring_workbook

    if isinstance(result, IndicatorResult):
        return indicators_workbook(result)
    return compare_workbook(result) if isinstance(result, CompareResult) else recurring_workbook(result)
