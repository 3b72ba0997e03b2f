"""Reading report files: one module per format, one interface.

Each format's reader is a function `read(path, data) -> RawDocument`: the report's lines in
reading order (not yet cleaned), any metadata the file itself states (front matter, <meta>
tags, document properties), and warnings about what was repaired. Everything after that —
furniture, metadata, blocks, labels — is the same pipeline for every format (report/pipeline.py).

    text.py   .txt, .md      front matter, Markdown syntax (decode.py: encodings; unwrap.py: hard-wrapped
                             lines joined back into paragraphs)
    html.py   .html, .htm    visible text of a saved page
    pdf.py    .pdf           text layer, wrapped lines joined, running heads and page numbers dropped
    docx.py   .docx          paragraphs, tables, heading styles and automatic numbering
    doc.py    .doc           Word 97–2003 through antiword or LibreOffice, when installed
    ofd.py    .ofd           GB/T 33190 fixed-layout documents

layout.py rebuilds lines from positioned text (PDF, OFD); markers.py knows the outline markers
(一、 （一） 1. ①) that the layout step and the report stage both recognise; common.py holds what the
readers share (safe file reading, bounded ZIP packages); budget.py the time budget for reading one
file. Public: read_document, expand_paths, is_report_file, read_bytes, display_path, strip_controls,
marker, marker_number, SUFFIXES, MAX_FILE_BYTES; budget (per_file(seconds), paused()); ocr_reporting(progress)
(a context in which scanned PDFs read by OCR report their pages: ocr.py).
"""
from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import UnreadableReport
from ..model import RawDocument
from . import budget, doc, docx, html, ofd, pdf, text
from .common import MAX_FILE_BYTES, display_path, read_bytes, strip_controls
from .markers import marker, marker_number
from .ocr import reporting as ocr_reporting

__all__ = ["SUFFIXES", "budget", "display_path", "expand_paths", "is_report_file", "read_bytes",
           "read_document", "strip_controls", "MAX_FILE_BYTES", "marker", "marker_number", "ocr_reporting"]

Reader = Callable[[str, bytes], RawDocument]

READERS: dict[str, Reader] = {
    ".txt": text.read_text, ".md": text.read_markdown, ".markdown": text.read_markdown,
    ".html": html.read_html, ".htm": html.read_html, ".pdf": pdf.read_pdf,
    ".docx": docx.read_docx, ".doc": doc.read_doc, ".ofd": ofd.read_ofd,
}
SUFFIXES = tuple(READERS)

# A file whose bytes say it is another format than its name: read it as what it is.
_MAGIC: list[tuple[bytes, Reader]] = [(b"%PDF-", pdf.read_pdf),
                                      (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", doc.read_doc)]


def is_report_file(path: str) -> bool:
    """Whether the path has a suffix the reader takes."""
    return path.lower().endswith(SUFFIXES)


def reader_for(path: str, data: bytes) -> Reader:
    """The reader for a file: by its magic bytes when they name a format, else by its suffix."""
    for magic, reader in _MAGIC:
        if data.startswith(magic):
            return reader
    if data.startswith(b"PK\x03\x04"):  # both ZIP packages: which one is it?
        head = data[:65536]
        if b"OFD.xml" in head:
            return ofd.read_ofd
        if b"word/" in head:
            return docx.read_docx
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    return READERS.get(suffix, text.read_text)


def read_document(path: str) -> RawDocument:
    """Read one report file into lines (not yet cleaned). Raises UnreadableReport."""
    path = os.fspath(path)
    data = read_bytes(path)
    raw = reader_for(path, data)(path, data)
    raw.lines = [strip_controls(line) for line in raw.lines]
    raw.front_matter = {k: strip_controls(v) for k, v in raw.front_matter.items()}
    if not any(line.strip() for line in raw.lines):
        raise UnreadableReport(path, "no text in the file")
    return raw


def expand_paths(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Report files under the given files and directories (recursively, sorted), and the
    paths that could not be used, with the reason. Symlinked directories are followed, once:
    a link back to a directory above it is named as a loop."""
    files: list[str] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in paths:
        if os.path.isdir(p):
            candidates = sorted(_walk(p, problems))
        elif os.path.lexists(p):
            candidates = [p]
        else:
            problems.append((p, _missing_reason(p)))
            continue
        for f in candidates:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, problems


def _missing_reason(path: str) -> str:
    try:
        os.stat(path)
    except PermissionError:
        return "permission denied"
    except OSError:
        pass
    return "no such file or directory"


def _walk(top: str, problems: list[tuple[str, str]]) -> list[str]:
    def onerror(e: OSError) -> None:
        why = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e))
        problems.append((e.filename, f"cannot list directory ({why})"))

    found = []
    visited = {os.path.realpath(top)}
    chain = {top: frozenset(visited)}  # the real directories on the way down to each root
    for root, dirs, names in os.walk(top, onerror=onerror, followlinks=True):
        keep = []
        for d in sorted(dirs):
            full = os.path.join(root, d)
            real = os.path.realpath(full)
            if real in chain[root]:
                problems.append((full, "symbolic link loop, not followed"))
            elif real not in visited:  # else: a second link to a directory already read
                visited.add(real)
                chain[full] = chain[root] | {real}
                keep.append(d)
        dirs[:] = keep
        found.extend(os.path.join(root, n) for n in names if is_report_file(n))
    return found
