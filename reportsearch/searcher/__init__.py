"""Searching the index: the query language, matching, ranking, and the results with snippets.

The path of a query: engine.search() compiles it (query.py: parse, then a plan of strings and
filters) → match.py finds the matching blocks of each segment exactly (signature candidates, then
`find`) → rank.py scores them (BM25F times a prior from the block's stored features) → refine.py
weighs where the query's words stand in the blocks that can still reach the top and chooses the
best exactly → snippets.py cuts the sentences shown. browse.py reads the index without a query
(`show`, `stats`). distributed.py runs search() and tally() on a Dask cluster's workers, shard by
shard, and merges the answers (else engine.py's).

Public: search(q, …, cluster=, partial=) -> SearchResult; tally(q, …, cluster=) -> Tally; Hit,
ReportHit, SearchResult, Tally, BY_VALUES; check(q, …) and parse_years, section_filter, SHORT_NAMES
(for checking saved queries and naming sections); compile_query, scored(snapshot, compiled) (every
matching block of each segment with its score, as search ranks them), block_hit and check_filters
(for tables built on the search: compare); report_blocks, index_stats, all_blocks;
report_filter(region, year) and report_doc (the region and year options applied to a report's
metadata); exact_path(meta) and printable_path(path) (a report's path for scripts, and for people);
Snippet.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "search": "distributed", "tally": "distributed", "block_hit": "engine", "check_filters": "engine",
    "compile_query": "query", "scored": "rank",
    "exact_path": "results", "printable_path": "results",
    "Hit": "results", "ReportHit": "results", "SearchResult": "results", "Tally": "results", "BY_VALUES": "results",
    "check": "query", "parse_years": "query", "section_filter": "query", "SHORT_NAMES": "query",
    "report_blocks": "browse", "index_stats": "browse", "all_blocks": "browse",
    "report_filter": "match", "report_doc": "match",
    "Snippet": "snippets"})
