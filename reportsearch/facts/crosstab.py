"""Comparisons across places and years: the blocks a query matches, counted in a table with one cell
per place (region, issuer or administrative level) and year, each cell with the share of that
place's reports that year that mention the query, and its best sentence."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import BadArgument
from ..indexer import default_index_dir, read_index
from ..report import region_level
from ..searcher import block_hit, check_filters, compile_query, report_filter, scored

ROWS = ("region", "issuer", "level")
COLS = ("year",)
UNKNOWN = "(unknown)"  # a report without a region, issuer or year: its own row or column, so cells add up
LEVELS = {"省": "province", "市": "city", "州": "city", "盟": "city", "县": "county", "区": "county", "旗": "county",
          "镇": "town", "乡": "town", "街道": "town"}


@dataclass
class Cell:
    """One place and year: the matching blocks and reports, the place's reports that year, and the best
    matching block's best sentence."""

    row: str
    col: str | int
    blocks: int = 0
    reports: int = 0  # reports with a matching block
    of: int = 0  # the place's reports that year (the share's denominator)
    quote: str | None = None  # the best sentence of the best-scoring block
    quote_path: str | None = None
    quote_block: str | None = None  # report id:block number
    best: float = field(default=-1.0, repr=False)

    @property
    def share(self) -> float:
        return self.reports / self.of if self.of else 0.0


@dataclass
class CompareResult:
    """A query's matches counted per place and year. `cells` holds every cell with a match;
    `totals_*` add up rows and columns; `total` equals `search --by block`'s count."""

    query: str
    rows_by: str
    cols_by: str
    cells: dict[tuple[str, str | int], Cell]
    rows: list[str]
    cols: list[str | int]
    total: int
    reports: int
    row_totals: dict[str, Cell]
    col_totals: dict[str | int, Cell]

    def cell(self, row: str, col: str | int) -> Cell | None:
        return self.cells.get((row, col))


def place_of(meta: dict, rows_by: str) -> str:
    """A report's row: its region, its issuer, or its region's administrative level."""
    if rows_by == "issuer":
        return meta.get("issuer") or UNKNOWN
    region = meta.get("region")
    if rows_by == "level":
        return LEVELS.get(region_level(region), UNKNOWN) if region else UNKNOWN
    return region or UNKNOWN


def compare(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
            year: str | int | None = None, rows: str = "region", cols: str = "year", quotes: bool = False) -> CompareResult:
    """Count every block the query matches per place and year (exactly the blocks `search` finds),
    with per cell the reports that mention it, the place's reports that year, and (quotes) the best
    sentence of the cell's best-scoring block."""
    sections, region, year = check_filters(q, sections, region, year)
    if rows not in ROWS:
        raise BadArgument(f"rows must be one of {', '.join(ROWS)}, not {rows!r}")
    if cols not in COLS:
        raise BadArgument(f"cols must be {' or '.join(COLS)}, not {cols!r}")
    index_dir = index_dir or default_index_dir()

    def run(snap) -> CompareResult:
        compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
        keep = report_filter(region, year)
        cells: dict[tuple[str, str | int], Cell] = {}
        of: dict[tuple[str, str | int], int] = defaultdict(int)
        for _, _, meta in snap.each_report():
            if keep(meta):
                of[(place_of(meta, rows), meta.get("year") or UNKNOWN)] += 1
        best: dict[tuple, tuple] = {}
        total = reports = 0
        for _, seg, blocks, scores, groups, _, _ in scored(snap, compiled):  # first-pass scores: the cell's best
            docs = seg.data.docs
            for doc, i, j in groups:
                meta = docs[doc]
                key = (place_of(meta, rows), meta.get("year") or UNKNOWN)
                c = cells.get(key) or cells.setdefault(key, Cell(*key))
                c.blocks += j - i
                c.reports += 1
                total += j - i
                reports += 1
                if quotes:  # ties: the report first by identity, as search ranks them (in any index)
                    part = scores[i:j]
                    top = max(part)
                    if top > c.best or (top == c.best and meta["id"] < best[key][1]["id"]):
                        c.best = top
                        best[key] = (seg, meta, doc, blocks[i + part.index(top)], top)
        for key, c in cells.items():
            c.of = of.get(key, 0)
        for key, (seg, _, doc, b, score) in best.items():
            hit = block_hit(seg, doc, b, score, compiled.highlights, 1)
            c = cells[key]
            c.quote = hit.snippets[0].marked("【", "】") if hit.snippets else hit.text[:160]
            c.quote_path, c.quote_block = hit.path, hit.block_id
        return _assemble(q, rows, cols, cells, of, total, reports)
    return read_index(index_dir, run)


def _order(values) -> list:
    known = sorted(v for v in values if v != UNKNOWN and isinstance(v, int))
    named = sorted(v for v in values if v != UNKNOWN and not isinstance(v, int))
    return known + named + ([UNKNOWN] if UNKNOWN in values else [])


def _assemble(q, rows_by, cols_by, cells, of, total, reports) -> CompareResult:
    row_totals: dict[str, Cell] = {}
    col_totals: dict[str | int, Cell] = {}
    for (r, c), cell in cells.items():
        for totals, key in ((row_totals, r), (col_totals, c)):
            t = totals.get(key) or totals.setdefault(key, Cell(r if totals is row_totals else "total",
                                                               "total" if totals is row_totals else c))
            t.blocks += cell.blocks
            t.reports += cell.reports
    for (r, c), n in of.items():
        if r in row_totals:
            row_totals[r].of += n
        if c in col_totals:
            col_totals[c].of += n
    rows = sorted(row_totals, key=lambda r: (r == UNKNOWN, -row_totals[r].blocks, r))
    cols = _order(col_totals)
    # in row and column order, not in the order the index holds the reports (another in a sharded index)
    at_row, at_col = {r: i for i, r in enumerate(rows)}, {c: i for i, c in enumerate(cols)}
    cells = {k: cells[k] for k in sorted(cells, key=lambda k: (at_row[k[0]], at_col[k[1]]))}
    row_totals, col_totals = {r: row_totals[r] for r in rows}, {c: col_totals[c] for c in cols}
    return CompareResult(query=q, rows_by=rows_by, cols_by=cols_by, cells=cells, rows=rows, cols=cols, total=total,
                         reports=reports, row_totals=row_totals, col_totals=col_totals)
