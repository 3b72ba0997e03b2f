"""Facts drawn across reports: what evaluators compare between bodies and years.

    repeats.py    problems a body admits again in a later report (clauses and 一是… items of its
                  存在问题 blocks, matched on character bigrams), and files that hold one report twice

Public: recurring(bodies, …) -> pairs, summaries and duplicates; body_of(report); Doc (a light
report for recurring); find_duplicates; problem_units.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "recurring": "repeats", "body_of": "repeats", "Doc": "repeats", "find_duplicates": "repeats",
    "problem_units": "repeats"})
