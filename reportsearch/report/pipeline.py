"""The reading pipeline for one file: read → clean → metadata → blocks → sections."""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import UnreadableReport
from ..model import Report
from ..read import budget, read_document
from . import blocks as blocks_mod
from . import metadata, sections, variants
from .clean import clean, normalise


def outline(path: str) -> Report:
    """Parse one report file into metadata and labelled blocks. Raises UnreadableReport, and
    only that: any other exception while reading one file (a bug, met on a file no rule foresaw)
    is one too, and so is running past the time budget for one file (read.budget), so that a
    caller going through many files warns about this one and goes on."""
    with file_budget(path):
        try:
            return _outline(path)
        except UnreadableReport:
            raise
        except Exception as e:
            raise UnreadableReport(os.fspath(path), _unexpected(e)) from e


@contextmanager
def file_budget(path: str | os.PathLike) -> Iterator[None]:
    """Run the block within the time budget for one file (read.budget); past it, UnreadableReport.

    outline() reads a file inside one; a caller that goes on to work on the report (its figures)
    puts both inside one, so that the file has one budget for all of it: the outline inside then
    adds nothing and its overrun is the caller's."""
    allowed = 0.0
    try:
        with budget.limit() as allowed:
            yield
    except budget.OutOfTime:
        if not allowed:
            raise  # an outer budget's: its block says so
        raise UnreadableReport(os.fspath(path), f"took over {allowed:g} s of processor time to read — "
                                                f"skipped; if it is a report, give it more with "
                                                f"--file-time-limit or {budget.ENV}") from None


def _unexpected(e: BaseException) -> str:
    """The reason for an unexpected exception, on one line: its type and (the start of) its message."""
    try:
        what = " ".join(str(e).split())
    except Exception:  # an exception whose message cannot be made
        what = ""
    if len(what) > 200:
        what = what[:200] + "…"
    name = type(e).__name__
    return (f"could not be read ({name}: {what}" if what else f"could not be read ({name}") + \
        ") — a bug in reportsearch; please report it with the file"


def _outline(path: str) -> Report:
    """outline() itself.

    A report in traditional characters is parsed on a simplified copy (same length, character
    for character); its blocks, headings and title keep the original characters. Region and
    issuer are names for grouping and filtering, so they stay simplified."""
    raw = read_document(path)
    traditional = variants.is_traditional(raw.lines)
    if traditional:
        original = raw.lines
        raw = dataclasses.replace(raw, lines=[variants.simplify(x) for x in raw.lines],
                                  front_matter={k: variants.simplify(v) for k, v in raw.front_matter.items()})
    doc = clean(raw)
    meta = metadata.extract(doc)
    if not doc.body:
        raise UnreadableReport(os.fspath(path),
                               "no recognisable report body (no sentences or numbered headings)")
    units = blocks_mod.split(doc.body, meta.year)
    labelled = sections.label(units, meta.year, metadata.is_work_report(meta.title, doc))
    if traditional:
        restore = variants.Restorer(original, normalise)
        restore_heading = variants.Restorer(original, normalise)  # its own cursor: headings repeat
        for b in labelled:
            b.heading = [restore_heading(h) for h in b.heading]
            b.text = restore(b.text)
        meta.title = variants.Restorer(original, normalise)(meta.title)
    return Report(path=os.fspath(path), meta=meta, blocks=labelled, warnings=list(raw.warnings))
