"""The project's exceptions. Library code raises these; only the CLI turns them into messages."""
from __future__ import annotations


class ReportSearchError(Exception):
    """Base class: an error the user can cause and fix; str(e) says what to do next."""


class BadArgument(ReportSearchError, ValueError):
    """A library function was called with an argument of the wrong type or value."""


class UnreadableReport(ReportSearchError):
    """A report file could not be read or has no usable text."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PathMissing(ReportSearchError):
    """A file or directory given to index does not exist."""


class IndexMissing(ReportSearchError):
    """There is no index where one was expected."""


class IndexLocked(ReportSearchError):
    """Another process holds the index's write lock."""


class IndexIncompatible(ReportSearchError):
    """The directory is not a reportsearch index of this schema version."""


class BadQuery(ReportSearchError):
    """A search query (or one of its filters) does not parse."""


class BadQueryFile(ReportSearchError):
    """A saved-query file is malformed; the message names the file, query and line."""


class ExportError(ReportSearchError):
    """Results could not be written to the requested output file."""


class IndexDamaged(IndexIncompatible):
    """Index files are missing, truncated or garbled; a rebuild repairs it."""


class IndexWriteFailed(ReportSearchError):
    """An index run could not write (a full disk); the index keeps its last commit."""


class ClusterError(ReportSearchError):
    """The Dask cluster could not be reached, or lost shards or workers a command needed."""
