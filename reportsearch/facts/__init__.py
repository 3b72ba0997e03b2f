"""Facts drawn across reports: what evaluators compare between bodies and years.

    tables.py     indicator tables: the figures reports state (report/figures), from files or the
                  index, filtered by region, year and value; trends; region × year pivots
    crosstab.py   a query's matching blocks per place (region, issuer, level) and year, with shares
                  and each cell's best sentence
    history.py    recurring problems across the index: each body's reports read back in year order
    repeats.py    the matching behind it: problem statements (clauses and 一是… items of 存在问题
                  blocks) of a later report that restate an earlier one's, on character bigrams;
                  files that hold one report twice

Public: indicators(paths | index_dir, region, year, where, why) -> IndicatorResult (ReportFigures per
report); parse_where; compare(q, …) -> CompareResult (a Cell per place and year); recurring(index_dir,
sections, region, year, …) -> Recurrence (pairs, summaries, duplicates); recurring_bodies(bodies, …)
for reports outside an index; body_of(report) (model.body_key: a report's body); Doc; find_duplicates; problem_units.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "compare": "crosstab", "CompareResult": "crosstab", "Cell": "crosstab", "UNKNOWN": "crosstab",
    "indicators": "tables", "IndicatorResult": "tables", "ReportFigures": "tables", "parse_where": "tables",
    "recurring": "history", "recurring_bodies": "repeats", "Recurrence": "repeats", "body_of": "repeats", "Doc": "repeats", "find_duplicates": "repeats",
    "problem_units": "repeats"})
