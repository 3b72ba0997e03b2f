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
import importlib
import sys
import types

from .errors import (BadArgument, BadQuery, BadQueryFile, ExportError, IndexDamaged, IndexIncompatible, IndexLocked,
                     IndexMissing, IndexWriteFailed, PathMissing, ReportSearchError, UnreadableReport)

# Loaded on first use, so that `reportsearch search` does not import the parsing and indexing stages.
_LAZY = {"index": ("indexer.build", "build"), "Block": ("model", "Block"), "Metadata": ("model", "Metadata"),
         "Report": ("model", "Report"), "Section": ("model", "Section"), "outline": ("report.outline", "outline"),
         "QueryFile": ("queryfile", "QueryFile"), "SavedQuery": ("queryfile", "SavedQuery"),
         "load_queries": ("queryfile", "load"), "Hit": ("searcher.search", "Hit"), "ReportHit": ("searcher.search", "ReportHit"),
         "SearchResult": ("searcher.search", "SearchResult"), "Tally": ("searcher.search", "Tally"), "search": ("searcher.search", "search"),
         "tally": ("searcher.search", "tally")}


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """The package module. Importing a submodule binds it as an attribute of the package; the
    submodules `search` and `outline` share their names with the functions of the API, which must
    win (`reportsearch.search(...)`), whatever was imported first."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY and _LAZY[name][0] == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__version__ = "0.1.0"
__all__ = ["BadArgument", "BadQuery", "BadQueryFile", "ExportError", "IndexDamaged", "IndexIncompatible",
           "IndexLocked", "IndexMissing", "IndexWriteFailed", "PathMissing", "ReportSearchError", "UnreadableReport", "Block", "Hit", "Metadata",
           "QueryFile", "Report", "ReportHit", "SavedQuery", "SearchResult", "Section", "Tally", "index",
           "load_queries", "outline", "search", "tally", "__version__"]
