"""Searching: run a compiled query on the index and gather ranked hits with snippets.

A query runs in four steps on each segment of the index (indexing.py, store.py):
1. The candidate blocks: the AND of the bigram signature's slices for the query strings' bigrams
   (a superset of the blocks that hold them), and exact bitmaps for section, region and year.
2. `find` on the memory-mapped folded block texts checks each candidate; NOT and OR are decided
   on those block lists. This is the exact answer: the signature only narrows where to look. In a
   plain AND of strings, a string that is also a ranking word is checked by counting it instead
   (the count is kept for step 3).
3. Each matching block is scored with BM25F over the query's jieba words, counted in the block,
   its heading and its report's title (weighted and length-normalised per field, saturated once),
   with report-level document frequencies from Whoosh's bigram postings.
4. Only the blocks shown are read from the display data (compressed per report).
"""
from __future__ import annotations

import heapq
import math
import os
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, mul, sub, truediv

from ..errors import BadArgument, ReportSearchError
from ..indexer.snapshot import default_index_dir, read_index
from .query import And, Has, InRegion, InSection, InYears, Not, Or, compile_query, section_filter
from .snippets import Snippet, find_matches, make_snippets
from ..indexer.store import SECTION_ORDER, labels_of

BY_VALUES = ("report", "block")


@dataclass
class Hit:
    """One matching block with its report's metadata, match offsets and snippets."""

    rank: int
    score: float
    report_id: str
    block_id: str
    path: str
    title: str | None
    region: str | None
    issuer: str | None
    year: int | None
    published: str | None
    labels: list[str]
    heading: list[str]
    text: str
    matches: list[tuple[int, int]]
    snippets: list[Snippet]
    terms: list[str]

    @property
    def matched_terms(self) -> list[str]:
        seen: list[str] = []
        for a, b in self.matches:
            if self.text[a:b] not in seen:
                seen.append(self.text[a:b])
        return seen


@dataclass
class ReportHit:
    """A report with its best-matching blocks (one entry of `--by report`)."""

    rank: int
    score: float
    hits: list[Hit]

    def __getattr__(self, name):  # title, region, year … of the report: from its best block
        if name in ("report_id", "path", "title", "region", "issuer", "year", "published"):
            return getattr(self.hits[0], name)
        raise AttributeError(name)


@dataclass
class SearchResult:
    """The answer to one query: the matching block count and the ranked entries."""

    query: str
    by: str
    total: int
    reports: list[ReportHit] = field(default_factory=list)
    blocks: list[Hit] = field(default_factory=list)

    def hits(self) -> list[Hit]:
        """Every hit shown, in rank order (blocks grouped under their report for --by report)."""
        if self.by == "block":
            return list(self.blocks)
        return [h for r in self.reports for h in r.hits]


K1, B = 1.2, 0.75  # BM25's usual constants (Whoosh's defaults)
FIELD_WEIGHT = {"text": 1.0, "heading": 2.0, "title": 2.0}  # BM25F: a word in the heading or title counts twice


def _doc_level(node, doc: dict) -> bool | None:
    """True/False for a filter on the report's metadata; None for anything that looks at blocks."""
    if isinstance(node, InRegion):
        return node.text in doc["fr"]
    if isinstance(node, InYears):
        y = doc.get("year")
        return y is not None and (node.start is None or y >= node.start) and (node.end is None or y <= node.end)
    return None


def _candidates(node, seg) -> int | None:
    """A bitmap (an integer, bit b for block b) of the segment's blocks that may match the node, or
    None for no narrowing: strings from the bigram signature (a superset), filters exactly."""
    if isinstance(node, Has):
        out = None
        for piece in node.pieces:
            got = seg.candidates(piece)
            if got is not None:
                out = got if out is None else out & got
        return out
    if isinstance(node, InSection):
        return seg.section_bits(node.mask)
    if isinstance(node, (InRegion, InYears)):
        return seg.doc_bits(node, lambda doc: _doc_level(node, doc))
    if isinstance(node, And):
        out = None
        for c in node.children:
            got = _candidates(c, seg)
            if got is not None:
                out = got if out is None else out & got
        return out
    if isinstance(node, Or):
        out = 0
        for c in node.children:
            got = _candidates(c, seg)
            if got is None:
                return None
            out |= got
        return out
    return None  # Not: decided block by block


def _set_bits(x: int, seg) -> list[int]:
    """The positions of the bits set in x (a bitmap of the segment's blocks), ascending."""
    if not x:
        return []
    bits = format(x, "b")[::-1]  # bits[i] is bit i
    if x.bit_count() * 7 > len(seg.data.masks):  # dense: one C-level pass over every position (cheaper past ~1/7)
        return list(compress(seg.numbers(), bits.encode("ascii").translate(_ZERO_ONE)))
    out = []
    i = bits.find("1")
    while i != -1:
        out.append(i)
        i = bits.find("1", i + 1)
    return out


_ZERO_ONE = bytes.maketrans(b"01", b"\0\1")


def _texts(data, blocks: list[int]) -> list[bytes]:
    """The blocks' folded texts (each with its newline), sliced in C-level loops."""
    at = data.starts.__getitem__
    return list(map(data.text.__getitem__, map(slice, map(at, blocks), map(at, map((1).__add__, blocks)))))


def _exact(node) -> bool:
    """Filters that the candidate bitmap of an And already decided exactly."""
    return isinstance(node, (InSection, InRegion, InYears))


def _filter(node, seg, within: list[int], decided: bool = True) -> list[int]:
    """The blocks of `within` (ascending) that match the node. `decided`: the node stands under
    the root's Ands only, so the candidate bitmap already applied its exact filters."""
    data = seg.data
    if isinstance(node, Has):
        res, at = within, data.starts.__getitem__
        for piece in sorted(node.pieces, key=len, reverse=True):
            # find(piece, start, end) != -1 for each block, in C-level loops
            found = map(data.text.find, repeat(piece.encode("utf-8")), map(at, res), map(at, map((1).__add__, res)))
            res = list(compress(res, map((-1).__ne__, found)))
            if not res:
                break
        return res
    if decided and _exact(node):
        return within
    if isinstance(node, InSection):
        masks = data.masks
        if not node.mask:
            return [b for b in within if not masks[b]]
        return [b for b in within if masks[b] & node.mask]
    if isinstance(node, (InRegion, InYears)):
        ok = [bool(_doc_level(node, d)) for d in data.docs]
        doc_of = data.doc_of
        return [b for b in within if ok[doc_of[b]]]
    if isinstance(node, Not):
        excluded = set(_filter(node.child, seg, within, False))
        return [b for b in within if b not in excluded] if excluded else within
    if isinstance(node, And):
        res = within
        for c in sorted(node.children, key=_cost):
            res = _filter(c, seg, res, decided)
            if not res:
                break
        return res
    found: set[int] = set()
    for c in node.children:
        found.update(_filter(c, seg, within, False))
    return sorted(found)


def _cost(node) -> int:
    """Cheaper, narrower conditions first in an And."""
    if _exact(node):
        return 0
    if isinstance(node, Has):
        return 1
    return 2


def _groups(data, blocks: list[int]) -> list[tuple[int, int, int]]:
    """[(doc, first, end)]: each report's index range in the (ascending) list of blocks."""
    doc_of, docs = data.doc_of, data.docs
    groups = []
    i, n = 0, len(blocks)
    while i < n:
        doc = doc_of[blocks[i]]
        d = docs[doc]
        j = bisect_left(blocks, d["b0"] + d["n"], i, n)
        groups.append((doc, i, j))
        i = j
    return groups


def _cands(plan, seg) -> list[int]:
    """The segment's live candidate blocks for the plan, ascending (see _candidates)."""
    cands = _candidates(plan, seg)
    cands = seg.live_bits if cands is None else cands & seg.live_bits
    return _set_bits(cands, seg)


def _segment_matches(snap, plan):
    """(segment index, segment, matching blocks ascending, [(doc, first, end) index ranges of each
    report's blocks in that list]) per segment: the candidate blocks from the signature and the
    filters, each checked with `find`."""
    for si, seg in enumerate(snap.segments):
        blocks = _filter(plan, seg, _cands(plan, seg))
        if blocks:
            yield si, seg, blocks, _groups(seg.data, blocks)


def _conjunction(plan) -> list[str] | None:
    """The strings a plan requires of every block when it requires nothing else but filters the
    candidate bitmap decides exactly (a Has, or Ands of them and filters); None otherwise."""
    if isinstance(plan, Has):
        return list(plan.pieces)
    if isinstance(plan, And):
        out = []
        for c in plan.children:
            got = [] if _exact(c) else _conjunction(c)
            if got is None:
                return None
            out.extend(got)
        return out
    return None


def _segment_texts(snap, plan, words: list[bytes]):
    """Like _segment_matches, with the matching blocks' texts and the counts of the query's words
    found while checking: (si, seg, blocks, groups, texts, {word: its count per block}). In a plain
    conjunction a piece that is also a ranking word is checked by counting it (a count above 0),
    so a broad one-word query reads each candidate block once."""
    pieces = _conjunction(plan)
    if pieces is None:
        for si, seg, blocks, groups in _segment_matches(snap, plan):
            yield si, seg, blocks, groups, _texts(seg.data, blocks), {}
        return
    wanted = set(words)
    pieces = sorted({p.encode("utf-8") for p in pieces}, key=len, reverse=True)  # longer: rarer
    for si, seg in enumerate(snap.segments):
        blocks = _cands(plan, seg)
        texts = _texts(seg.data, blocks)
        counts: dict[bytes, list[int]] = {}
        for p in pieces:
            if not blocks:
                break
            if p in wanted:
                keep = list(map(bytes.count, texts, repeat(p)))
                counts = {w: list(compress(c, keep)) for w, c in counts.items()}
                counts[p] = list(compress(keep, keep))
            else:
                keep = list(map(bytes.__contains__, texts, repeat(p)))
            blocks = list(compress(blocks, keep))
            texts = list(compress(texts, keep))
        if blocks:
            yield si, seg, blocks, _groups(seg.data, blocks), texts, counts


def _matches(snap, plan):
    """(segment index, segment, local doc, matching blocks) for every report with a matching block."""
    for si, seg, blocks, groups in _segment_matches(snap, plan):
        for doc, i, j in groups:
            yield si, seg, doc, blocks[i:j]


def _idf(snap, word: str) -> float:
    """Whoosh's idf, over reports: log(N / (df + 1)) + 1, df from the word's bigram postings."""
    df = 0
    for seg in snap.segments:
        if len(word) < 2:
            df += len(seg.live)
            continue
        got = None
        for i in range(len(word) - 1):
            p = seg.postings(word[i:i + 2])
            got = set(p) if got is None else got & p
            if not got:
                break
        df += len(got.intersection(seg.live)) if got else 0
    return math.log(max(1, snap.reports) / (df + 1)) + 1


def _scored(snap, compiled):
    """Per segment with a matching block: (segment index, segment, matching blocks, their scores,
    each report's range in them — see _segment_matches). The score is BM25F over the query's
    words: a word's counts in the block, its heading and its report's title are each normalised
    by their field's length and weighted (FIELD_WEIGHT), added up, and saturated once — so a word
    in both a short block and its heading (a heading block, or the first lines under it) does not
    score twice. Broad queries score tens of thousands of blocks, so a segment's blocks are scored
    a word at a time in C-level loops (map, count)."""
    words = [(w.encode("utf-8"), _idf(snap, w) * (K1 + 1)) for w in compiled.words]
    heads = [w for w, _ in words]
    k1, text_norm, base_norm = K1, B / snap.avg_text, 1 - B
    title_norm = FIELD_WEIGHT["title"] / (1 - B)
    heading_weight = FIELD_WEIGHT["heading"]
    if not words:
        for si, seg, blocks, groups in _segment_matches(snap, compiled.plan):
            yield si, seg, blocks, [0.0] * len(blocks), groups
        return
    for si, seg, blocks, groups, texts, counts in _segment_texts(snap, compiled.plan, heads):
        data = seg.data
        if len(blocks) * 8 > len(data.masks):  # many blocks: every block's norm, kept for later queries
            norms = list(map(seg.norms(base_norm, text_norm).__getitem__, blocks))
        else:  # base_norm + text_norm * (length without the newline)
            norms = list(map(add, repeat(base_norm), map(mul, repeat(text_norm), map(sub, map(len, texts), repeat(1)))))
        titles = []  # per report with a word in its title: (first, end, each word's title term)
        in_title = seg.titles_with(heads)
        for doc, i, j in groups if in_title else ():
            if doc in in_title:
                ft = data.docs[doc]["ft"].encode("utf-8")
                tn = title_norm / (1 + B / (1 - B) * len(ft) / snap.avg_title)
                titles.append((i, j, tuple(ft.count(w) * tn for w in heads)))
        hids = list(map(data.heading_of.__getitem__, blocks))
        hs = list(set(hids))  # the distinct headings of these blocks
        heading_texts = seg.headings(hs)
        # per word, each block's heading + title term (None: the word is in none of them)
        others: list[list[float] | None] = [None] * len(heads)
        for k, w in enumerate(heads):
            in_heads = list(map(bytes.count, heading_texts, repeat(w)))
            if any(in_heads):
                hns = [heading_weight / (1 - B + B * len(h) / snap.avg_heading) for h in compress(heading_texts, in_heads)]
                terms = dict(zip(compress(hs, in_heads), map(mul, compress(in_heads, in_heads), hns)))
                others[k] = list(map(terms.get, hids, repeat(0.0)))
            if any(t[k] for _, _, t in titles):
                other = others[k] = others[k] or [0.0] * len(blocks)
                for i, j, title in titles:
                    other[i:j] = map(add, other[i:j], repeat(title[k]))
        scores = None
        for k, (w, c) in enumerate(words):
            got = counts.get(w)
            tfs = map(truediv, map(bytes.count, texts, repeat(w)) if got is None else got, norms)
            if others[k] is not None:
                tfs = map(add, tfs, others[k])
            tfs = list(tfs)
            got = list(map(truediv, map(mul, repeat(c), tfs), map(add, repeat(k1), tfs)))  # c * tf / (k1 + tf)
            scores = got if scores is None else list(map(add, scores, got))
        yield si, seg, blocks, scores, groups


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


def _hit(seg, doc: int, b: int, score: float, rank: int, terms: list[str], snippet_count: int) -> Hit:
    meta = seg.data.docs[doc]
    d = seg.display(doc, b - meta["b0"])
    spans = find_matches(d["text"], terms)
    return Hit(rank=rank, score=round(float(score), 4), report_id=meta["id"], block_id=f"{meta['id']}:{b - meta['b0']}",
               path=meta["path"], title=meta["title"], region=meta["region"], issuer=meta["issuer"],
               year=meta["year"], published=meta["published"], labels=d["labels"], heading=d["heading"],
               text=d["text"], matches=spans, snippets=make_snippets(d["text"], d["ends"], spans, snippet_count),
               terms=terms)


def search(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
           year: str | int | None = None, limit: int = 10, by: str = "report", per_report: int = 3,
           snippets: int = 2) -> SearchResult:
    """Ranked results for a query. `by="report"`: one entry per report with its best 1–3 blocks.
    Wrong arguments raise BadArgument; a query that does not parse, BadQuery. Best score first;
    ties in index order."""
    sections, region, year = _filters(q, sections, region, year)
    limit = _positive("limit", limit)
    per_report, snippets = _positive("per_report", per_report), _positive("snippets", snippets)
    if by not in BY_VALUES:
        raise BadArgument(f"by must be \"report\" or \"block\", not {by!r}")
    index_dir = index_dir or default_index_dir()

    def run(snap) -> SearchResult:
        # compiled here: a missing or foreign index is reported (by read_index) before a bad query
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        out = SearchResult(query=q, by=by, total=0)
        # by block: each segment's best blocks; by report: each report's best block. An entry starts
        # (-score, segment index, block): unique, so the order never compares what follows
        tops = []
        for si, seg, blocks, scores, groups in _scored(snap, compiled):
            out.total += len(blocks)
            if by == "block":
                best = heapq.nlargest(limit, range(len(blocks)), key=scores.__getitem__)  # ties: first
                tops.extend((-scores[i], si, blocks[i], seg, seg.data.doc_of[blocks[i]]) for i in best)
            else:
                for doc, i, j in groups:
                    part = scores[i:j]
                    m = max(part)  # the first block with the best score:
                    tops.append((-m, si, blocks[i + part.index(m)], seg, doc, blocks, scores, i, j))
        chosen = heapq.nsmallest(limit, tops)

        def hit(neg_score, b, seg, doc, rank):
            return _hit(seg, doc, b, -neg_score, rank, compiled.highlights, snippets)
        if by == "block":
            out.blocks = [hit(neg, b, seg, doc, r) for r, (neg, _, b, seg, doc) in enumerate(chosen, 1)]
            return out
        for rank, (_, si, _, seg, doc, blocks, scores, i, j) in enumerate(chosen, 1):
            top = heapq.nsmallest(per_report, zip([-x for x in scores[i:j]], blocks[i:j]))
            hits = [hit(neg, b, seg, doc, r) for r, (neg, b) in enumerate(top, 1)]
            out.reports.append(ReportHit(rank=rank, score=hits[0].score, hits=hits))
        return out
    return read_index(index_dir, run)


OTHER = "其他"  # blocks with none of the five section labels


@dataclass
class Tally:
    """All blocks that match a query (not only those shown), counted by section and by region."""

    query: str
    blocks: int = 0
    reports: int = 0
    sections: Counter = field(default_factory=Counter)  # section → blocks (a block with two labels counts in both)
    regions: dict[str, Counter] = field(default_factory=dict)  # region → section → blocks ("" for none)
    region_blocks: Counter = field(default_factory=Counter)  # region → blocks (each block once)


def tally(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
          year: str | int | None = None) -> Tally:
    """Count every block the query matches, per section and per region × section (unscored). A block
    with two labels counts once in `blocks` and `region_blocks`, and under each of its labels in
    `sections` and `regions`."""
    sections, region, year = _filters(q, sections, region, year)
    index_dir = index_dir or default_index_dir()

    def run(snap) -> Tally:
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        out = Tally(query=q)
        for _, seg, doc, blocks in _matches(snap, compiled.plan):
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
    return read_index(index_dir, run)


def find_report(ref: str, snap) -> tuple:
    """The report an id, a path, or a unique piece of a path or title refers to: (segment, doc, metadata)."""
    reports = list(snap.each_report())
    apath = os.path.abspath(ref)
    exact = [r for r in reports if r[2]["id"] == ref or r[2]["path"] == apath]
    if not exact:
        exact = [r for r in reports if ref in r[2]["path"] or ref in (r[2].get("title") or "")]
    if not exact:
        raise ReportSearchError(f"no report in the index matches '{ref}' — see `reportsearch stats` "
                                f"or give the path you indexed")
    if len(exact) > 1:
        names = ", ".join(os.path.basename(r[2]["path"]) for r in exact[:5])
        raise ReportSearchError(f"'{ref}' matches {len(exact)} reports ({names}…) — be more specific")
    return exact[0]


_META_KEYS = ("title", "region", "issuer", "year", "published")


def report_blocks(ref: str, index_dir: str | None = None, section: str | None = None) -> dict:
    """A report from the index with its blocks in order (optionally only one section's)."""
    sec = section_filter(section) if section else None
    wanted = None if not section else sec.value if sec else OTHER

    def run(snap):
        seg, doc, meta = find_report(ref, snap)
        blocks = seg.display(doc)
        out = [b for b in blocks if wanted is None or wanted in (b["labels"] or [OTHER])]
        return {"id": meta["id"], "path": meta["path"],
                "meta": dict({k: meta.get(k) for k in _META_KEYS}, blocks=meta["n"]), "blocks": out}
    return read_index(index_dir or default_index_dir(), run)


def all_blocks(index_dir: str | None = None) -> dict[str, str]:
    """block id → text for every block in the index (for recall checks: slow on a large index)."""
    def run(snap):
        out = {}
        for seg, doc, meta in snap.each_report():
            for i, b in enumerate(seg.display(doc)):
                out[f"{meta['id']}:{i}"] = b["text"]
        return out
    return read_index(index_dir or default_index_dir(), run)


def index_stats(index_dir: str | None = None) -> dict:
    """Reports by year and region, blocks by section."""
    def run(snap):
        years: Counter = Counter()
        regions: Counter = Counter()
        sections: Counter = Counter()
        n_reports = n_blocks = 0
        for seg, doc, meta in snap.each_report():
            n_reports += 1
            years[meta.get("year") or "—"] += 1
            regions[meta.get("region") or "—"] += 1
            for b in range(meta["b0"], meta["b0"] + meta["n"]):
                n_blocks += 1
                for lab in labels_of(seg.data.masks[b]) or [OTHER]:
                    sections[lab] += 1
        order = SECTION_ORDER + [OTHER]
        return {"reports": n_reports, "blocks": n_blocks,
                "sections": [(k, sections[k]) for k in order if sections[k]],
                "years": sorted(years.items(), key=lambda kv: str(kv[0])),
                "regions": sorted(regions.items(), key=lambda kv: (-kv[1], str(kv[0])))}
    return read_index(index_dir or default_index_dir(), run)
