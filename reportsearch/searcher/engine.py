"""Searching: the entry points search() and tally(). A query runs in four steps on each segment of
the index (indexer/store.py holds the files):

1. match.py: candidate blocks from the bigram signature and the filters' bitmaps, then each one
   checked with `find` on the folded block texts — the exact answer;
2. rank.py: each matching block scored with BM25F times a prior for what the block is like
   (figures, names; bare headings, run-in titles, glossary entries and boilerplate weighed down);
3. refine.py: where the query's words stand (together; near figures) weighed for the blocks that
   can still reach the top, and the best blocks (or each report's best blocks) chosen exactly;
4. only the blocks shown read from the display data, with snippets (snippets.py).
"""
from __future__ import annotations

import heapq
from collections import Counter

from ..errors import BadArgument
from ..indexer import default_index_dir, labels_of, opens_with_heading, read_index
from ..model import OTHER
from .match import matches
from .query import check_region_option, compile_query
from .rank import explain_first_pass, scored
from .refine import best_blocks, best_reports, refiner_of, tie_order
from .results import BY_VALUES, Hit, ReportHit, SearchResult, Tally, exact_path, printable_path
from .snippets import find_matches, make_snippets


def _filters(q, sections, region, year) -> tuple[tuple[str, ...], str | None, str | None]:
    """The filter arguments of search() and tally(), checked: BadArgument names the wrong one."""
    if not isinstance(q, str):
        raise BadArgument(f"the query must be a string, not {type(q).__name__}")
    if isinstance(sections, str):  # one section, not its characters
        sections = (sections,)
    if sections is None:
        sections = ()
    if not isinstance(sections, (list, tuple, set, frozenset)) or not all(isinstance(x, str) for x in sections):
        raise BadArgument(f"sections must be a section name or a list of them, not {sections!r}")
    if region is not None and not isinstance(region, str):
        raise BadArgument(f"region must be a string such as '临汾', not {region!r}")
    check_region_option(region)
    if isinstance(year, int) and not isinstance(year, bool):
        year = str(year)
    if year is not None and not isinstance(year, str):
        raise BadArgument(f"year must be a year or a range such as 2021, '2019-2022' or '>=2021', not {year!r}")
    return tuple(sections), region, year


def _positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadArgument(f"{name} must be a whole number of at least 1, not {value!r}")
    return value


def _hit(seg, doc: int, b: int, score: float, rank: int, terms: list[str], snippet_count: int,
         explain: dict | None = None, digits: int | None = 4) -> Hit:
    meta = seg.data.docs[doc]
    d = seg.display(doc, b - meta["b0"])
    spans = find_matches(d["text"], terms)
    heading = d["heading"]
    if opens_with_heading(d["text"], heading, d.get("kind", "")):
        heading = heading[:-1]  # the block is its heading, or opens with it: shown once, in the snippet
    score = float(score) if digits is None else round(float(score), digits)
    return Hit(rank=rank, score=score, report_id=meta["id"], block_id=f"{meta['id']}:{b - meta['b0']}",
               path=exact_path(meta), path_display=printable_path(meta["path"]), title=meta["title"],
               region=meta["region"], issuer=meta["issuer"], year=meta["year"], published=meta["published"],
               labels=d["labels"], heading=heading, text=d["text"], matches=spans,
               snippets=make_snippets(d["text"], d["ends"], spans, snippet_count), terms=terms,
               report_year=meta.get("report_year"), explain=explain)


def block_hit(seg, doc: int, b: int, score: float, terms: list[str], snippets: int = 1) -> Hit:
    """One block of a snapshot's segment as a Hit with its best sentences (for tables that quote a block)."""
    return _hit(seg, doc, b, score, 1, terms, snippets)


def check_filters(q, sections, region, year) -> tuple[tuple[str, ...], str | None, str | None]:
    """search()'s checks of its filter arguments (BadArgument), for other commands that take them."""
    return _filters(q, sections, region, year)


def _explain(snap, compiled, refiner, seg, b: int, score: float) -> dict:
    """Why a block scored what it did: the first pass's parts (rank.py), then the second pass's
    (refine.py): the proximity of the query's strings and the concreteness near them."""
    out = explain_first_pass(snap, compiled, seg, b)
    out["proximity"] = out["near_words"] = None
    if refiner is not None:
        data = seg.data
        parts = refiner.parts(data.text[data.starts[b]:data.starts[b + 1] - 1], data.codes[b])
        if parts["proximity"]:
            level, factor = parts["proximity"]
            out["proximity"] = {"level": level, "factor": factor, "strings": list(refiner.words)}
        if parts["concrete"]:
            figures, names, factor = parts["concrete"]
            out["near_words"] = {"figures": figures, "names": names, "factor": round(factor, 4)}
    out["first_pass"] = round(out["first_pass"], 4)
    out["score"] = round(float(score), 4)
    return out


def search(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
           year: str | int | None = None, limit: int = 10, by: str = "report", per_report: int = 3,
           snippets: int = 2, explain: bool = False) -> SearchResult:
    """Ranked results for a query. `by="report"`: one entry per report with its best 1–3 blocks.
    Wrong arguments raise BadArgument; a query that does not parse, BadQuery. Best score first;
    ties by report identity, then block number (ranked()). `explain`: each hit carries the features
    behind its score (Hit.explain)."""
    sections, region, year = _filters(q, sections, region, year)
    limit = _positive("limit", limit)
    per_report, snippets = _positive("per_report", per_report), _positive("snippets", snippets)
    if by not in BY_VALUES:
        raise BadArgument(f"by must be \"report\" or \"block\", not {by!r}")
    index_dir = index_dir or default_index_dir()

    def run(snap) -> SearchResult:
        # compiled here: a missing or foreign index is reported (by read_index) before a bad query
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        return ranked(snap, compiled, q, by=by, limit=limit, per_report=per_report, snippets=snippets,
                      explain=explain)
    return read_index(index_dir, run)


def ranked(snap, compiled, q: str, *, by: str, limit: int, per_report: int, snippets: int,
           digits: int | None = 4, explain: bool = False) -> SearchResult:
    """search()'s answer from a snapshot for a compiled query; also one shard's answer where it lives
    (digits=None keeps exact scores, to merge shards' answers in order). Ties in score are broken by
    the report's identity, then the block's number in it: the same order in every index, sharded or
    not, whatever order the segments hold the reports in."""
    out = SearchResult(query=q, by=by, total=0, warnings=compiled.warnings)
    refiner = refiner_of(compiled)
    # by block: each segment's best blocks; by report: each segment's best reports, each by its best
    # block. An entry starts (-score, report id, block number in the report, segment index): unique,
    # so the order never compares what follows. Each segment's choice is exact (ties by the same
    # identity, tie_order), so the merged one is too.
    tops: list = []
    floor = float("-inf")  # the limit-th best score of the segments before: later ones need more
    for si, seg, blocks, scores, groups, texts, codes in scored(snap, compiled):
        out.total += len(blocks)
        ref = refiner if texts is not None else None  # no words to rank by: every score is 0
        docs, doc_of = seg.data.docs, seg.data.doc_of
        order = tie_order(seg, blocks)
        if by == "block":
            for score, i in best_blocks(scores, texts, codes, ref, limit, floor, order):
                b = blocks[i]
                d = docs[doc_of[b]]
                tops.append((-score, d["id"], b - d["b0"], si, b, seg, doc_of[b]))
        else:
            for score, g, i in best_reports(scores, texts, codes, groups, ref, limit, floor, order):
                doc, a, z = groups[g]
                b = blocks[i]
                tops.append((-score, docs[doc]["id"], b - docs[doc]["b0"], si, b, seg, doc, blocks, scores,
                             texts, codes, a, z))
        if len(tops) > limit:
            tops = heapq.nsmallest(limit, tops)
        if len(tops) == limit:
            floor = -max(tops)[0]
    chosen = heapq.nsmallest(limit, tops)

    def hit(score, b, seg, doc, rank):
        why = _explain(snap, compiled, refiner, seg, b, score) if explain else None
        return _hit(seg, doc, b, score, rank, compiled.highlights, snippets, why, digits)
    if by == "block":
        out.blocks = [hit(-neg, b, seg, doc, r) for r, (neg, _, _, _, b, seg, doc) in enumerate(chosen, 1)]
        return out
    for rank, (_, _, _, _, _, seg, doc, blocks, scores, texts, codes, a, z) in enumerate(chosen, 1):
        part = refiner if texts is not None else None
        top = best_blocks(scores[a:z], texts and texts[a:z], codes and codes[a:z], part, per_report)
        hits = [hit(score, blocks[a + i], seg, doc, r) for r, (score, i) in enumerate(top, 1)]
        out.reports.append(ReportHit(rank=rank, score=hits[0].score, hits=hits))
    return out


def tally(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
          year: str | int | None = None) -> Tally:
    """Count every block the query matches, per section and per region × section (unscored). A block
    with two labels counts once in `blocks` and `region_blocks`, and under each of its labels in
    `sections` and `regions`."""
    sections, region, year = _filters(q, sections, region, year)
    index_dir = index_dir or default_index_dir()

    def run(snap) -> Tally:
        return counted(snap, compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir), q)
    return read_index(index_dir, run)


def counted(snap, compiled, q: str) -> Tally:
    """tally()'s answer from a snapshot for a compiled query (also one shard's, where it lives)."""
    out = Tally(query=q)
    for _, seg, doc, blocks in matches(snap, compiled.plan):
        reg = seg.data.docs[doc].get("region") or ""
        by_label = out.regions.setdefault(reg, Counter())
        masks = seg.data.masks
        for b in blocks:
            for lab in labels_of(masks[b]) or [OTHER]:
                out.sections[lab] += 1
                by_label[lab] += 1
        out.region_blocks[reg] += len(blocks)
        out.blocks += len(blocks)
        out.reports += 1
    return out


