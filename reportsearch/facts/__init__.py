"""Facts drawn across reports: what evaluators compare between bodies and years.

    tables.py     indicator tables: the figures reports state (report/figures), from files or the
                  index, filtered by region, year and value; trends; region × year pivots
    repeats.py    problems a body admits again in a later report (clauses and 一是… items of its
                  存在问题 blocks, matched on character bigrams), and files that hold one report twice

Public: indicators(paths | index_dir, region, year, where, why) -> IndicatorResult (ReportFigures
per report); parse_where; recurring(bodies, …) -> pairs, summaries and duplicates; body_of(report); Doc (a light
report for recurring); find_duplicates; problem_units.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "indicators": "tables", "IndicatorResult": "tables", "ReportFigures": "tables", "parse_where": "tables",
    "recurring": "repeats", "body_of": "repeats", "Doc": "repeats", "find_duplicates": "repeats",
    "problem_units": "repeats"})
