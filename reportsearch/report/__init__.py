"""Understanding a report: a file's lines become its metadata and labelled blocks.

The stage runs (pipeline.py): clean (page furniture, the 政府信息公开 table, title, addressee and
signature lines out) → metadata (title, region, issuer, year, published; regions.py reads place
names by their suffixes) → blocks (split along the report's own outline) → structure (the report's
parts, decided from its whole outline) → sections (each block's part and topics, from the cue
vocabularies in cues.py). variants.py folds traditional characters to simplified, one for one.
figures/ reads the 行政复议 and 行政诉讼 figures a report states (indicators), with the clause and
the rule behind each.

Public: outline(path) -> Report; file_budget(path) (one time budget for reading a file and the work
on its report); sentences(text); missing_parts(block labels) (the parts — 存在问题,
下一步计划 — no block carries); region_level(place) (the unit of its lowest level:
省, 市, 县, 区, 镇 …); is_traditional(lines), simplify(text),
simplified_char(ch); extract_figures(report) / explain_figures(report) -> figures (and skipped
candidates), explain_figures_in(path), check_figures, choose_figures, Figure, Check, Skipped,
INDICATORS.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "outline": "pipeline", "file_budget": "pipeline", "sentences": "blocks", "region_level": "regions:levels", "missing_parts": "sections",
    "is_traditional": "variants", "simplify": "variants", "simplified_char": "variants",
    "extract_figures": "figures:extract", "explain_figures": "figures:explain", "explain_figures_in": "figures:explain_path",
    "check_figures": "figures:check", "choose_figures": "figures:choose", "Figure": "figures", "Check": "figures",
    "Skipped": "figures", "INDICATORS": "figures"})
