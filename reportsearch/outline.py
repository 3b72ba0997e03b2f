"""The reading pipeline for one file: read → clean → metadata → blocks → sections."""
from __future__ import annotations

import os

from . import blocks as blocks_mod
from . import metadata, sections
from .clean import clean
from .errors import UnreadableReport
from .model import Report
from .read import read_document


def outline(path: str) -> Report:
    """Parse one report file into metadata and labelled blocks. Raises UnreadableReport."""
    raw = read_document(path)
    doc = clean(raw)
    meta = metadata.extract(doc)
    if not doc.body:
        raise UnreadableReport(os.fspath(path), "no recognisable report body (no sentences or numbered headings)")
    units = blocks_mod.split(doc.body, meta.year)
    labelled = sections.label(units, meta.year, metadata.is_work_report(meta.title, doc))
    return Report(path=os.fspath(path), meta=meta, blocks=labelled, warnings=list(raw.warnings))
