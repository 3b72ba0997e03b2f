"""Searching: run a compiled query on the index and gather ranked hits with snippets."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from .errors import BadArgument, ReportSearchError
from .indexing import default_index_dir, read_index
from .model import Section
from .query import compile_query, section_filter
from .snippets import Snippet, find_matches, make_snippets

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


def _hit(doc, score: float, rank: int, terms: list[str], snippet_count: int) -> Hit:
    d = doc["data"]
    spans = find_matches(d["text"], terms)
    return Hit(rank=rank, score=round(float(score), 4), report_id=doc["report"], block_id=doc["id"],
               path=doc["path"], title=d["title"], region=d["region"], issuer=d["issuer"], year=d["year"],
               published=d["published"], labels=d["labels"], heading=d["heading"], text=d["text"],
               matches=spans, snippets=make_snippets(d["text"], d["ends"], spans, snippet_count), terms=terms)


def _top(searcher, query, limit: int):
    """The `limit` best-scoring blocks. Whoosh's default top-N collector swaps in a cheaper matcher
    once it has N results, and for our AndMaybe(match, ranking words) that cheaper matcher drops the
    ranking words: later blocks then score low and the top N is wrong (法治 on the samples: the
    best block was missing from the top 5). So no replacement and no block-quality skipping."""
    from whoosh.collectors import TopCollector

    col = TopCollector(limit=limit, usequality=False, replace=0)
    searcher.search_with_collector(query, col)
    return col.results()


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
    def run(s) -> SearchResult:
        # compiled here: a missing or foreign index is reported (by read_index) before a bad query
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        out = SearchResult(query=q, by=by, total=0)
        if by == "block":
            res = _top(s, compiled.query, limit)
            out.total = len(res)
            out.blocks = [_hit(hit, hit.score, i + 1, compiled.highlights, snippets) for i, hit in enumerate(res)]
            return out
        out.total = sum(1 for _ in s.docs_for_query(compiled.match))  # every matching block
        # Reports in the order of their best block, each with its best blocks. Whoosh's collapse
        # on a top-N cut dropped whole reports, so read ranked blocks until `limit` reports are
        # complete or the matches run out (widening the cut fourfold each time).
        depth = limit * per_report
        while True:
            res = _top(s, compiled.query, depth)
            groups: dict[str, list] = {}
            for hit in res:
                rid = hit["report"]
                if rid not in groups and len(groups) == limit:
                    continue
                if len(groups.setdefault(rid, [])) < per_report:
                    groups[rid].append(hit)
            full = len(groups) == limit and all(len(g) == per_report for g in groups.values())
            if full or res.scored_length() < depth or depth >= out.total:
                break
            depth *= 4
        for rank, hits in enumerate(groups.values(), 1):
            out.reports.append(ReportHit(rank=rank, score=round(float(hits[0].score), 4), hits=[
                _hit(h, h.score, i, compiled.highlights, snippets) for i, h in enumerate(hits, 1)]))
        return out
    return read_index(index_dir, run)


OTHER = "其他"  # blocks with none of the five section labels


@dataclass
class Tally:
    """All blocks that match a query (not only those shown), counted by section and by region."""

    query: str
    blocks: int = 0
    reports: int = 0
    sections: Counter = field(default_factory=Counter)  # section → blocks
    regions: dict[str, Counter] = field(default_factory=dict)  # region → section → blocks ("" for none)
    region_blocks: Counter = field(default_factory=Counter)  # region → blocks (each block once)


def tally(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
          year: str | int | None = None) -> Tally:
    """Count every block the query matches, per section and per region × section (unscored, one pass
    per section label). A block with two labels counts once in `blocks` and `region_blocks`, and
    under each of its labels in `sections` and `regions`."""
    from whoosh import query as wq

    sections, region, year = _filters(q, sections, region, year)
    index_dir = index_dir or default_index_dir()
    def run(s) -> Tally:
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        out = Tally(query=q)
        region_of = {d["report"]: d["data"].get("region") or "" for d in s.documents(doctype="report")}
        report_col = s.reader().column_reader("report")
        matched = set(s.docs_for_query(compiled.match))
        labelled: set[int] = set()
        for sec in [x.value for x in Section]:
            docs = matched & set(s.docs_for_query(wq.Term("sections", sec)))
            labelled |= docs
            _count(out, sec, docs, report_col, region_of)
        _count(out, OTHER, matched - labelled, report_col, region_of)
        out.blocks = len(matched)
        out.reports = len({report_col[d] for d in matched})
        for d in matched:
            rid = report_col[d]
            out.region_blocks[region_of.get(rid.decode() if isinstance(rid, bytes) else rid, "")] += 1
        return out
    return read_index(index_dir, run)


def _count(out: Tally, label: str, docs: set[int], report_col, region_of: dict[str, str]) -> None:
    if not docs:
        return
    out.sections[label] += len(docs)
    for d in docs:
        rid = report_col[d]
        rid = rid.decode() if isinstance(rid, bytes) else rid
        out.regions.setdefault(region_of.get(rid, ""), Counter())[label] += 1


def find_report(ref: str, searcher) -> tuple[str, dict]:
    """The report an id, a path, or a unique piece of a path or title refers to: (id, stored data)."""
    reports = list(searcher.documents(doctype="report"))
    apath = os.path.abspath(ref)
    exact = [d for d in reports if d["report"] == ref or d["path"] == apath]
    if not exact:
        exact = [d for d in reports if ref in d["path"] or ref in (d["data"].get("title") or "")]
    if not exact:
        raise ReportSearchError(f"no report in the index matches '{ref}' — see `reportsearch stats` "
                                f"or give the path you indexed")
    if len(exact) > 1:
        names = ", ".join(os.path.basename(d["path"]) for d in exact[:5])
        raise ReportSearchError(f"'{ref}' matches {len(exact)} reports ({names}…) — be more specific")
    return exact[0]["report"], exact[0]


def report_blocks(ref: str, index_dir: str | None = None, section: str | None = None) -> dict:
    """A report from the index with its blocks in order (optionally only one section's)."""
    sec = section_filter(section) if section else None
    wanted = None if not section else sec.value if sec else OTHER

    def run(s):  # one searcher for the lookup and the blocks
        rid, doc = find_report(ref, s)
        return rid, doc, [d for d in s.documents(report=rid) if d["doctype"] == "block"]
    rid, doc, blocks = read_index(index_dir or default_index_dir(), run)
    blocks.sort(key=lambda d: d["seq"])
    out = [d["data"] for d in blocks if wanted is None or wanted in (d["data"]["labels"] or [OTHER])]
    return {"id": rid, "path": doc["path"], "meta": doc["data"], "blocks": out}


def index_stats(index_dir: str | None = None) -> dict:
    """Reports by year and region, blocks by section."""
    def run(s):
        return list(s.documents(doctype="report")), [d["data"]["labels"] for d in s.documents(doctype="block")]
    reports, block_labels = read_index(index_dir or default_index_dir(), run)
    years: Counter = Counter()
    regions: Counter = Counter()
    sections: Counter = Counter()
    n_reports = n_blocks = 0
    for d in reports:
        n_reports += 1
        years[d["data"].get("year") or "—"] += 1
        regions[d["data"].get("region") or "—"] += 1
    for labels in block_labels:
        n_blocks += 1
        for lab in labels or ["其他"]:
            sections[lab] += 1
    order = [s.value for s in Section] + ["其他"]
    return {"reports": n_reports, "blocks": n_blocks,
            "sections": [(k, sections[k]) for k in order if sections[k]],
            "years": sorted(years.items(), key=lambda kv: str(kv[0])),
            "regions": sorted(regions.items(), key=lambda kv: (-kv[1], str(kv[0])))}
