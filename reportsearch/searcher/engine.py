"""Searching: the entry points search() and tally(). A query runs in four steps on each segment of
the index (indexer/store.py holds the files):

1. match.py: candidate blocks from the bigram signature and the filters' bitmaps, then each one
   checked with `find` on the folded block texts — the exact answer;
2. rank.py: each matching block scored with BM25F;
3. here: the best blocks (or each report's best blocks) chosen;
4. only the blocks shown read from the display data, with snippets (snippets.py).
"""
from __future__ import annotations

import heapq
from collections import Counter
from itertools import compress

from ..errors import BadArgument
from ..indexer import default_index_dir, labels_of, read_index
from ..model import OTHER
from .match import matches
from .query import compile_query
from .rank import scored
from .results import BY_VALUES, Hit, ReportHit, SearchResult, Tally
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
         digits: int | None = 4) -> Hit:
    meta = seg.data.docs[doc]
    d = seg.display(doc, b - meta["b0"])
    spans = find_matches(d["text"], terms)
    score = float(score) if digits is None else round(float(score), digits)
    return Hit(rank=rank, score=score, report_id=meta["id"], block_id=f"{meta['id']}:{b - meta['b0']}",
               path=meta["path"], title=meta["title"], region=meta["region"], issuer=meta["issuer"],
               year=meta["year"], published=meta["published"], labels=d["labels"], heading=d["heading"],
               text=d["text"], matches=spans, snippets=make_snippets(d["text"], d["ends"], spans, snippet_count),
               terms=terms, report_year=meta.get("report_year"))


def block_hit(seg, doc: int, b: int, score: float, terms: list[str], snippets: int = 1) -> Hit:
    """One block of a snapshot's segment as a Hit with its best sentences (for tables that quote a block)."""
    return _hit(seg, doc, b, score, 1, terms, snippets)


def check_filters(q, sections, region, year) -> tuple[tuple[str, ...], str | None, str | None]:
    """search()'s checks of its filter arguments (BadArgument), for other commands that take them."""
    return _filters(q, sections, region, year)


def search(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
           year: str | int | None = None, limit: int = 10, by: str = "report", per_report: int = 3,
           snippets: int = 2) -> SearchResult:
    """Ranked results for a query. `by="report"`: one entry per report with its best 1–3 blocks.
    Wrong arguments raise BadArgument; a query that does not parse, BadQuery. Best score first;
    ties by report identity, then block number (ranked())."""
    sections, region, year = _filters(q, sections, region, year)
    limit = _positive("limit", limit)
    per_report, snippets = _positive("per_report", per_report), _positive("snippets", snippets)
    if by not in BY_VALUES:
        raise BadArgument(f"by must be \"report\" or \"block\", not {by!r}")
    index_dir = index_dir or default_index_dir()

    def run(snap) -> SearchResult:
        # compiled here: a missing or foreign index is reported (by read_index) before a bad query
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        return ranked(snap, compiled, q, by=by, limit=limit, per_report=per_report, snippets=snippets)
    return read_index(index_dir, run)


def ranked(snap, compiled, q: str, *, by: str, limit: int, per_report: int, snippets: int,
           digits: int | None = 4) -> SearchResult:
    """search()'s answer from a snapshot for a compiled query; also one shard's answer where it lives
    (digits=None keeps exact scores, to merge shards' answers in order). Ties in score are broken by
    the report's identity, then the block's number in it: the same order in every index, sharded or
    not, whatever order the segments hold the reports in."""
    out = SearchResult(query=q, by=by, total=0)
    # by block: each segment's best blocks; by report: each report's best block. An entry starts
    # (-score, report id, block number in the report, segment index, block): unique, so the order
    # never compares what follows
    tops = []
    for si, seg, blocks, scores, groups in scored(snap, compiled):
        out.total += len(blocks)
        docs = seg.data.docs
        if by == "block":
            cut = scores[heapq.nlargest(limit, range(len(blocks)), key=scores.__getitem__)[-1]]
            doc_of = seg.data.doc_of
            for i in compress(range(len(blocks)), map(cut.__le__, scores)):  # the best, and all tied with the last
                b = blocks[i]
                d = docs[doc_of[b]]
                tops.append((-scores[i], d["id"], b - d["b0"], si, b, seg, doc_of[b]))
        else:
            for doc, i, j in groups:
                part = scores[i:j]
                m = max(part)  # the first block with the best score:
                b = blocks[i + part.index(m)]
                tops.append((-m, docs[doc]["id"], b - docs[doc]["b0"], si, b, seg, doc, blocks, scores, i, j))
    chosen = heapq.nsmallest(limit, tops)

    def hit(neg_score, b, seg, doc, rank):
        return _hit(seg, doc, b, -neg_score, rank, compiled.highlights, snippets, digits)
    if by == "block":
        out.blocks = [hit(neg, b, seg, doc, r) for r, (neg, _, _, _, b, seg, doc) in enumerate(chosen, 1)]
        return out
    for rank, (_, _, _, _, _, seg, doc, blocks, scores, i, j) in enumerate(chosen, 1):
        top = heapq.nsmallest(per_report, zip([-x for x in scores[i:j]], blocks[i:j]))
        hits = [hit(neg, b, seg, doc, r) for r, (neg, b) in enumerate(top, 1)]
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


