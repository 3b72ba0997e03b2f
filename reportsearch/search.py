"""Searching: run a compiled query on the index and gather ranked hits with snippets.

A query runs in four steps on each segment of the index (indexing.py, store.py):
1. Whoosh's posting lists of the query strings' bigrams give the candidate reports (a set each).
2. `find` on the memory-mapped folded block texts of each candidate report gives the blocks that
   contain the strings; filters and NOT work on those block sets. This is the exact answer: the
   bigrams only narrow down where to look.
3. Each matching block is scored with BM25F over the query's jieba words, counted in the block,
   its heading and its report's title (weighted and length-normalised per field, saturated once).
4. Only the blocks shown are read from the display data (compressed per report).
"""
from __future__ import annotations

import heapq
import math
import os
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from .errors import BadArgument, ReportSearchError
from .snapshot import default_index_dir, read_index
from .query import And, Has, InRegion, InSection, InYears, Not, Or, compile_query, section_filter
from .snippets import Snippet, find_matches, make_snippets
from .store import SECTION_ORDER, labels_of

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


def _candidates(node, seg) -> set[int] | None:
    """The segment's reports that can match (None: any of them), from Whoosh's posting lists."""
    if isinstance(node, Has):
        out = None
        for piece in node.pieces:
            for i in range(len(piece) - 1):
                p = seg.postings(piece[i:i + 2])
                out = set(p) if out is None else out & p
                if not out:
                    return out
        return out
    if isinstance(node, (InRegion, InYears)):
        return {d for d in seg.live if _doc_level(node, seg.data.docs[d])}
    if isinstance(node, And):
        out = None
        for c in node.children:
            got = _candidates(c, seg)
            if got is not None:
                out = got if out is None else out & got
                if not out:
                    return out
        return out
    if isinstance(node, Or):
        out = set()
        for c in node.children:
            got = _candidates(c, seg)
            if got is None:
                return None
            out |= got
        return out
    return None  # InSection, Not: decided block by block


def _cost(node) -> int:
    """Cheaper, narrower conditions first in an And."""
    if isinstance(node, (InRegion, InYears)):
        return 0
    if isinstance(node, Has):
        return 1
    if isinstance(node, InSection):
        return 2
    return 3


def _blocks(node, seg, doc: int, within: list[int] | None) -> list[int]:
    """The blocks of one report (segment-wide numbers, ascending) that match the node; only among
    `within` if given."""
    data = seg.data
    d = data.docs[doc]
    b0, b1 = d["b0"], d["b0"] + d["n"]
    if isinstance(node, Has):
        text, starts = data.text, data.starts
        res = within
        for piece in sorted(node.pieces, key=len, reverse=True):
            p = piece.encode("utf-8")
            if res is None:
                res = []
                hi = starts[b1]
                i = text.find(p, starts[b0], hi)
                while i != -1:
                    b = bisect_right(starts, i, b0, b1 + 1) - 1
                    res.append(b)
                    i = text.find(p, starts[b + 1], hi)
            else:
                res = [b for b in res if text.find(p, starts[b], starts[b + 1]) != -1]
            if not res:
                return []
        return res
    base = range(b0, b1) if within is None else within
    if isinstance(node, InSection):
        masks = data.masks
        if not node.mask:
            return [b for b in base if not masks[b]]
        return [b for b in base if masks[b] & node.mask]
    if isinstance(node, (InRegion, InYears)):
        return list(base) if _doc_level(node, d) else []
    if isinstance(node, Not):
        excluded = set(_blocks(node.child, seg, doc, within))
        return [b for b in base if b not in excluded]
    if isinstance(node, And):
        res = within
        for c in sorted(node.children, key=_cost):
            res = _blocks(c, seg, doc, res)
            if not res:
                return []
        return list(base) if res is None else res
    found: set[int] = set()
    for c in node.children:
        found.update(_blocks(c, seg, doc, within))
    return sorted(found)


def _matches(snap, plan):
    """(segment index, segment, local doc, matching blocks) for every report with a matching block."""
    for si, seg in enumerate(snap.segments):
        cands = _candidates(plan, seg)
        docs = seg.live if cands is None else sorted(cands.intersection(seg.live))
        for doc in docs:
            blocks = _blocks(plan, seg, doc, None)
            if blocks:
                yield si, seg, doc, blocks


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


def _terms(words: list[tuple[bytes, float]], heading: bytes, avg: float, title: tuple[float, ...]) -> list[tuple]:
    """What scoring a block needs beside its text, given its heading and its title's BM25F terms:
    per word (word, idf·(K1+1), its heading + title term, that term's score alone)."""
    norm = FIELD_WEIGHT["heading"] / (1 - B + B * len(heading) / avg)
    out = []
    for (w, c), t in zip(words, title):
        o = heading.count(w) * norm + t
        out.append((w, c, o, c * o / (K1 + o)))
    return out


def _scored(snap, compiled) -> list[tuple]:
    """Every matching block as (score, segment index, block, segment, doc): BM25F over the query's
    words. A word's counts in the block, its heading and its report's title are each normalised
    by their field's length and weighted (FIELD_WEIGHT), added up, and saturated once — so a word
    in both a short block and its heading (a heading block, or the first lines under it) does not
    score twice. One tight loop: broad queries score tens of thousands of blocks."""
    words = [(w.encode("utf-8"), _idf(snap, w) * (K1 + 1)) for w in compiled.words]
    k1, text_norm, base_norm = K1, B / snap.avg_text, 1 - B
    title_norm = FIELD_WEIGHT["title"] / (1 - B)
    no_title = (0.0,) * len(words)
    bare = _terms(words, b"", 1.0, no_title)  # a block whose heading and title have none of the words
    plain: dict[int, dict[int, list]] = {}  # segment → heading → _terms, for reports whose title has no word
    out = []
    for si, seg, doc, blocks in _matches(snap, compiled.plan):
        if not words:
            out.extend((0.0, si, b, seg, doc) for b in blocks)
            continue
        data = seg.data
        ft = data.docs[doc]["ft"].encode("utf-8")
        tn = title_norm / (1 + B / (1 - B) * len(ft) / snap.avg_title)
        title = tuple(ft.count(w) * tn for w, _ in words)
        if title == no_title:
            title = no_title
            terms = plain.setdefault(si, {})  # headings repeat across a segment's reports
        else:
            terms = {}
        text, starts, heading_of = data.text, data.starts, data.heading_of
        for b in blocks:
            h = heading_of[b]
            ex = terms.get(h)
            if ex is None:
                head = data.headings[h]
                ex = terms[h] = (bare if title is no_title and not any(w in head for w, _ in words)
                                 else _terms(words, head, snap.avg_heading, title))
            start, end = starts[b], starts[b + 1] - 1
            blk = text[start:end]
            norm = base_norm + text_norm * (end - start)
            sc = 0.0
            for w, c, other, alone in ex:
                n = blk.count(w)
                if n:
                    tf = n / norm + other
                    sc += c * tf / (k1 + tf)
                elif other:
                    sc += alone
            out.append((sc, si, b, seg, doc))
    return out


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


def _order(item) -> tuple:
    return (-item[0], item[1], item[2])  # best score first; ties in index order


def search(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
           year: str | int | None = None, limit: int = 10, by: str = "report", per_report: int = 3,
           snippets: int = 2) -> SearchResult:
    """Ranked results for a query. `by="report"`: one entry per report with its best 1–3 blocks.
    Wrong arguments raise BadArgument; a query that does not parse, BadQuery."""
    sections, region, year = _filters(q, sections, region, year)
    limit = _positive("limit", limit)
    per_report, snippets = _positive("per_report", per_report), _positive("snippets", snippets)
    if by not in BY_VALUES:
        raise BadArgument(f"by must be \"report\" or \"block\", not {by!r}")
    index_dir = index_dir or default_index_dir()

    def run(snap) -> SearchResult:
        # compiled here: a missing or foreign index is reported (by read_index) before a bad query
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        scored = _scored(snap, compiled)
        out = SearchResult(query=q, by=by, total=len(scored))
        if by == "block":
            best = heapq.nsmallest(limit, scored, key=_order)
            out.blocks = [_hit(seg, doc, b, sc, i + 1, compiled.highlights, snippets)
                          for i, (sc, si, b, seg, doc) in enumerate(best)]
            return out
        best: dict[tuple[int, int], tuple] = {}  # report → its best block
        for item in scored:
            key = (item[1], item[4])
            if key not in best or _order(item) < _order(best[key]):
                best[key] = item
        chosen = heapq.nsmallest(limit, best.values(), key=_order)
        wanted = {(item[1], item[4]): [] for item in chosen}
        for item in scored:
            got = wanted.get((item[1], item[4]))
            if got is not None:
                got.append(item)
        tops = [heapq.nsmallest(per_report, wanted[(item[1], item[4])], key=_order) for item in chosen]
        for rank, top in enumerate(tops, 1):
            hits = [_hit(seg, doc, b, sc, i + 1, compiled.highlights, snippets)
                    for i, (sc, si, b, seg, doc) in enumerate(top)]
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
