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
from .errors import (
                     BadArgument,
                     BadQuery,
                     BadQueryFile,
                     ClusterError,
                     ExportError,
                     IndexDamaged,
                     IndexIncompatible,
                     IndexLocked,
                     IndexMissing,
                     IndexWriteFailed,
                     PathMissing,
                     ReportSearchError,
                     UnreadableReport,
)
from .lazy import exports

# Each loads on first use, so that `reportsearch search` does not import the reading and indexing stages.
# No stage package has a module named after an API function, so importing one never hides it.
__getattr__, __dir__ = exports(__name__, {
    "index": "indexer:build", "outline": "report:outline", "search": "searcher:search", "tally": "searcher:tally",
    "Hit": "searcher", "ReportHit": "searcher", "SearchResult": "searcher", "Tally": "searcher",
    "indicators": "facts:indicators", "compare": "facts:compare", "recurring": "facts:recurring",
    "load_queries": "queryfile:load", "QueryFile": "queryfile", "SavedQuery": "queryfile",
    "Block": "model", "Metadata": "model", "Report": "model", "Section": "model"})

__version__ = "0.1.0"
__all__ = ["BadArgument", "BadQuery", "BadQueryFile", "ClusterError", "ExportError", "IndexDamaged", "IndexIncompatible",
           "IndexLocked", "IndexMissing", "IndexWriteFailed", "PathMissing", "ReportSearchError", "UnreadableReport", "Block", "Hit", "Metadata",
           "QueryFile", "Report", "ReportHit", "SavedQuery", "SearchResult", "Section", "Tally", "index",
           "compare", "indicators", "load_queries", "recurring", "outline", "search", "tally", "__version__"]
