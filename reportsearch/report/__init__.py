"""Understanding a report: a file's lines become its metadata and labelled blocks.

The stage runs (pipeline.py): clean (page furniture, the 政府信息公开 table, title, addressee and
signature lines out) → metadata (title, region, issuer, year, published; regions.py reads place
names by their suffixes) → blocks (split along the report's own outline) → structure (the report's
parts, decided from its whole outline) → sections (each block's part and topics, from the cue
vocabularies in cues.py). variants.py folds traditional characters to simplified, one for one.

Public: outline(path) -> Report; sentences(text); is_traditional(lines), simplify(text),
simplified_char(ch).
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "outline": "pipeline", "sentences": "blocks",
    "is_traditional": "variants", "simplify": "variants", "simplified_char": "variants"})
