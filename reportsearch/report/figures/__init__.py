"""The figures a report states: 行政复议 and 行政诉讼 indicators, with the clause behind each.

- `extract(report)` → the figures of an outlined report (`Figure`: indicator, value, unit, year,
  scope, quote, block, offsets, rule, flags); `explain(report)` also gives the candidates skipped
  and why (`Skipped`), for `--why`; `explain_blocks`, `extract_texts` and `explain_path` read
  blocks, plain texts and files (a file without a report body line by line).
- `check(figures)` compares stated rates with their counts and figures with each other;
  `choose(figures)` picks the one figure per indicator a region × year table shows.
- Underneath: `figure` (the plain data), `numbers` (numerals: arabic, full-width, Chinese, 万,
  百分之…, and the folded text quotes are cut from), `clauses` (the grammar of a figure's sentence),
  `scope` (whose figure), `rates` (percentages), `reading` (the state of reading a report),
  `tables` (header rows over value rows).
"""
from ...lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "INDICATORS": "figure", "Figure": "figure", "Skipped": "figure", "Extraction": "figure",
    "Check": "checks", "check": "checks", "choose": "checks",
    "explain": "indicators", "explain_blocks": "indicators", "explain_path": "indicators", "extract": "indicators",
    "extract_texts": "indicators", "skipped_json": "indicators", "to_json": "indicators"})
