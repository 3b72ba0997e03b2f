"""Results as table rows, shared by every export format: one row per snippet, the columns, the
summary tables of a query file, and the cells a spreadsheet would run as formulas."""
from __future__ import annotations

from typing import Iterable

from ..model import OTHER, Section
from ..searcher import Hit, SearchResult, Tally
from . import safe

COLUMNS = ["query", "rank", "score", "title", "region", "issuer", "year", "published", "sections",
           "heading", "snippet", "terms", "path", "block"]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(result: SearchResult, name: str = "") -> list[dict]:
    """One row per snippet, in rank order (stable: same index and query, same rows)."""
    out = []
    for rank, hit in ranked(result):
        for sn in hit.snippets:
            out.append({
                "query": name or result.query, "rank": rank, "score": hit.score, "title": hit.title,
                "region": hit.region, "issuer": hit.issuer, "year": hit.year, "published": hit.published,
                "sections": hit.labels, "heading": hit.heading, "snippet": sn.marked(),
                "terms": hit.matched_terms, "path": hit.path, "path_display": hit.path_display, "block": hit.block_id,
                "_snippet": sn, "_hit": hit,
            })
    return out


def ranked(result: SearchResult) -> Iterable[tuple[int, Hit]]:
    if result.by == "block":
        return ((h.rank, h) for h in result.blocks)
    return ((r.rank, h) for r in result.reports for h in r.hits)


def flat(row: dict) -> dict:
    """A row with list cells joined, for CSV and spreadsheets (and the path as people read it)."""
    out = {}
    for k in COLUMNS:
        v = row["path_display" if k == "path" else k]
        if k == "sections":
            v = ",".join(v)
        elif k == "heading":
            v = " > ".join(v)
        elif k == "terms":
            v = " ".join(v)
        out[k] = "" if v is None else v
    return out


LABELS = [s.value for s in Section] + [OTHER]


SECTION_HEADER = ["query", "reports", "blocks", *LABELS]


REGION_HEADER = ["query", "region", "blocks", *LABELS]


def summary_rows(tallies: list[tuple[str, Tally]]) -> tuple[list[list], list[list]]:
    """Two tables over every matching block: query × section, and query × region × section.
    `blocks` counts each block once (the region rows add up to the query's blocks); a block with
    two labels also counts under each of its sections."""
    by_section, by_region = [], []
    for name, t in tallies:
        name = safe.line(name)
        by_section.append([name, t.reports, t.blocks, *[t.sections[lab] for lab in LABELS]])
        for region, n in sorted(t.region_blocks.items(), key=lambda kv: (-kv[1], kv[0])):
            counts = t.regions.get(region, {})
            by_region.append([name, safe.line(region) or "—", n, *[counts.get(lab, 0) for lab in LABELS]])
    return by_section, by_region


def tab_row(values) -> str:
    """One line of tab-separated text: each value on one line, without tabs or control characters,
    and a cell a spreadsheet would run as a formula guarded as in CSV."""
    return "\t".join(str(neutralise(safe.line("" if v is None else str(v)).replace("\t", " "))) for v in values) + "\n"
