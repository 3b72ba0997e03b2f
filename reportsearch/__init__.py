"""reportsearch: full-text search for Chinese government reports, by section.

The library behind the command line:

    import reportsearch
    result = reportsearch.search("section:存在问题 执法 人员", limit=5)
    for hit in result.hits():
        print(hit.title, hit.labels, [s.marked() for s in hit.snippets])

    queries = reportsearch.load_queries("examples/enforcement.toml")
    for query, result in queries.run():
        ...
"""
from .errors import (BadArgument, BadQuery, BadQueryFile, ExportError, IndexIncompatible, IndexLocked, IndexMissing,
                     PathMissing, ReportSearchError, UnreadableReport)
from .indexing import build as index
from .model import Block, Metadata, Report, Section
from .outline import outline
from .queryfile import QueryFile, SavedQuery
from .queryfile import load as load_queries
from .search import Hit, ReportHit, SearchResult, Tally, search, tally

__version__ = "0.1.0"
__all__ = ["BadArgument", "BadQuery", "BadQueryFile", "ExportError", "IndexIncompatible", "IndexLocked",
           "IndexMissing", "PathMissing", "ReportSearchError", "UnreadableReport", "Block", "Hit", "Metadata",
           "QueryFile", "Report", "ReportHit", "SavedQuery", "SearchResult", "Section", "Tally", "index",
           "load_queries", "outline", "search", "tally", "__version__"]
