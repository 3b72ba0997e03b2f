"""Rendering: rich renderables for outlines, search results and index statistics. Never prints.

rich's tables and trees are imported where they are drawn: a search draws neither, and every
millisecond of a new process's start is a user's wait."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from ..model import Report, Section
from ..searcher import SHORT_NAMES
from . import safe

if TYPE_CHECKING:
    from rich.tree import Tree

SECTION_STYLE = {
    Section.LEADERSHIP: "bold white on dark_red",
    Section.ENFORCEMENT: "bold white on blue",
    Section.REVIEW: "bold white on dark_green",
    Section.PROBLEMS: "bold black on yellow",
    Section.PLANS: "bold black on cyan",
}
MATCH_STYLE = "bold red"


# Line breaking (kinsoku): no line starts with closing punctuation or ends with opening punctuation.
CLOSING = frozenset("。，、；：！？）》」』】〕〉”’…‥·．，,.;:!?)]}%％—～")
OPENING = frozenset("（《「『【〔〈“‘([{")


def years(year: int | None, report_year: int | None) -> str:
    """The year a report is about, and the year it was delivered where that differs: 2021年度 · 2022年报告."""
    if year is None:
        return f"{report_year}年报告" if report_year else "—"
    if report_year is None or report_year == year:
        return str(year)
    return f"{year}年度 · {report_year}年报告"


def plural(n: int, word: str) -> str:
    """'1 report', '2 reports'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _break_at(s: str, start: int, end: int) -> int:
    """Where to end a line that would overflow at s[end]: moved back so that the next line does not
    start with closing punctuation, this one does not end with opening punctuation, and a Latin
    word, number or score ((1.62), 2019-2021) is not cut; end itself when no earlier place will do."""
    b = end
    while b > start + 1 and (s[b] in CLOSING or s[b - 1] in OPENING):
        b -= 1
    if b <= start + 1:
        b = end
    w = b
    while w > start + 1 and _latin(s[w]) and _latin(s[w - 1]):
        w -= 1
    return w if w > start + 1 else b


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def wrap(text: Text, width: int, keep: tuple[int, int] | None = None, hang: int | None = None) -> Text:
    """The text broken into lines of at most width cells by CJK rules; continuation lines keep the
    first line's indentation. keep: a span of the first line to move whole to the next line rather
    than cut (a result's region · year (score)), when it fits on one. hang: the continuation lines'
    indentation instead (under a result's title, past its rank)."""
    from rich.cells import cell_len

    out = Text(no_wrap=True, overflow="ignore", end=text.end)
    for n, line in enumerate(text.split("\n", allow_blank=True)):
        if n:
            out.append("\n")
        s = line.plain
        indent = len(s) - len(s.lstrip(" ")) if hang is None else hang
        if indent * 2 >= width:
            indent = 0
        cuts, start, used = [], 0, 0
        for i, ch in enumerate(s):
            w = cell_len(ch)
            limit = width - (indent if cuts else 0)
            if used + w > limit and i > start:
                b = _break_at(s, start, i)
                if keep and not n and start < keep[0] < b < keep[1] and cell_len(s[keep[0]:keep[1]].strip()) <= limit:
                    b = keep[0]
                cuts.append(b)
                start = b
                used = cell_len(s[b:i])
            used += w
        pieces = line.divide(cuts) if cuts else [line]
        for k, piece in enumerate(pieces):
            if k:
                lead = len(piece.plain) - len(piece.plain.lstrip(" "))
                piece = piece[lead:] if lead else piece
                out.append("\n" + " " * indent)
            out.append_text(piece)
    return out


class Wrapped:
    """A Text that wraps by CJK line-breaking rules to the console's width, and not at all where the
    console does not wrap (output to a pipe or file: one line stays one line, for grep)."""

    def __init__(self, text: Text, keep: tuple[int, int] | None = None, hang: int | None = None) -> None:
        self.text, self.keep, self.hang = text, keep, hang

    def __rich_console__(self, console, options):
        if options.no_wrap:
            t = self.text.copy()
            t.no_wrap, t.overflow = True, "ignore"
            yield t
        else:
            yield wrap(self.text, options.max_width, self.keep, self.hang)


def tags(labels) -> Text:
    """Coloured section tags; 其他 when a block carries none."""
    out = Text()
    labels = [Section(x) if not isinstance(x, Section) else x for x in labels]
    if not labels:
        out.append("[其他] ", style="dim")
    for s in labels:
        out.append(f" {s.value} ", style=SECTION_STYLE[s])
        out.append(" ")
    return out


def outline_tree(report: Report, width: int = 60, why: bool = False) -> Tree:
    """A report as a tree: metadata line, headings, and each block's tags and first characters;
    with why, under each block its part of the report and the cues behind its labels."""
    from rich.tree import Tree
    m = report.meta
    path = safe.name(report.path)
    head = Text(safe.line(m.title or "") or path, style="bold")
    head.append(f"\n{path}", style="dim")
    facts = [f"region {safe.line(m.region or '') or '—'}", f"issuer {safe.line(m.issuer or '') or '—'}",
             f"year {years(m.year, m.report_year)}", f"published {safe.line(m.published or '') or '—'}",
             plural(len(report.blocks), "block")]
    head.append("\n" + " · ".join(facts), style="cyan")
    tree = Tree(head)
    nodes: dict[tuple[str, ...], Tree] = {(): tree}
    for b in report.blocks:
        path: tuple[str, ...] = ()
        parent = tree
        for h in b.heading:
            path = path + (h,)
            if path not in nodes:
                nodes[path] = parent.add(Text(safe.line(h), style="bold magenta"))
            parent = nodes[path]
        text = safe.text(b.text)
        if b.kind == "heading":
            parent.label = Text.assemble(tags(b.labels), Text(text, style="bold magenta"))
            node = parent
        else:
            line = tags(b.labels)
            snippet = text if len(text) <= width else text[:width] + "…"
            line.append(snippet)
            node = parent.add(line)
        if why:
            node.add(Text(safe.text("\n".join(b.why)), style="dim italic"))
    return tree


def _marked_text(snippet) -> Text:
    t = Text("…" if snippet.cut_left else "")
    pos = 0
    for a, b in snippet.spans:
        t.append(snippet.text[pos:a])
        t.append(snippet.text[a:b], style=MATCH_STYLE)
        pos = b
    t.append(snippet.text[pos:])
    if snippet.cut_right:
        t.append("…")
    return t


def _hit_lines(hit, indent: str = "   ") -> list[Text]:
    lines = []
    head = Text(indent)
    head.append_text(tags(hit.labels))
    if hit.heading:
        head.append(" > ".join(hit.heading[-2:]), style="magenta")
    lines.append(Wrapped(head))
    for sn in hit.snippets:
        lines.append(Wrapped(Text(indent + "  ").append_text(_marked_text(sn))))
    if hit.explain:
        lines += [Wrapped(Text(indent + "  " + x, style="dim")) for x in explain_lines(hit.explain)]
    return lines


def _result_line(entry) -> Wrapped:
    """rank. title  region · year  (score): the part after the title moves whole to the next line
    in a narrow terminal."""
    t = Text(f"{entry.rank:>2}. ", style="bold")
    hang = len(t.plain)
    t.append(entry.title or entry.path_display, style="bold")
    start = len(t.plain)
    t.append(f"  {entry.region or '—'} · {years(entry.year, entry.report_year)}  ({entry.score:.2f})", style="cyan")
    return Wrapped(t, keep=(start, len(t.plain)), hang=hang)


_PRIOR_NAMES = {"concreteness": "concrete", "heading_only": "bare heading", "headed": "opens with its heading",
                "glossary": "glossary entry", "boilerplate": "boilerplate"}


def explain_lines(ex: dict) -> list[str]:
    """A hit's score taken apart (search --explain), as plain lines: the product, each query word's
    BM25F part, the prior's factors and the proximity of the words."""
    prox, near = ex.get("proximity"), ex.get("near_words")
    head = f"score {ex['score']:.2f} = BM25F {ex['bm25f']:.2f} × prior {ex['prior_factor']:.2f}"
    if prox:
        head += f" × proximity {prox['factor']:.2f} ({prox['level']})"
    if near:
        f = ex["features"]
        head += (f" × concrete near the words {near['factor']:.2f} ({near['figures']} of {f['figures']} figures"
                 + (f", {near['names']} of {f['names']} 《》)" if f["names"] else ")"))
    words = " · ".join(f"{safe.line(w['word'])} {w['score']:.2f} (text {w['text']}, heading {w['heading']}, "
                       f"title {w['title']}; idf {w['idf']:.2f})" for w in ex["words"])
    f = ex["features"]
    found = [f"{f['figures']} figure{'s' if f['figures'] != 1 else ''}"] + ([f"{f['names']} 《》"] if f["names"] else [])
    prior = " · ".join(f"{_PRIOR_NAMES.get(k, k)} ×{v:.2f}" for k, v in ex["prior"].items()) or "none"
    return [head, f"words: {words}" if words else "words: none (a filter-only query)",
            f"prior: {prior} [{', '.join(found)}]"]


def search_results(result) -> Group:
    """Ranked results: rank, title, region, year; tags, heading path and highlighted snippets."""
    result = safe.result(result)
    parts: list = []
    if result.by == "block":
        for h in result.blocks:
            parts += [_result_line(h), *_hit_lines(h), Text("")]
    else:
        for r in result.reports:
            parts.append(_result_line(r))
            for h in r.hits:
                parts += _hit_lines(h)
            parts.append(Text(""))
    shown = len(result.blocks) if result.by == "block" else len(result.reports)
    parts.append(Text(f"{plural(shown, 'block' if result.by == 'block' else 'report')} shown, "
                      f"{plural(result.total, 'matching block')}", style="dim"))
    return Group(*parts)


def index_summary(summary, index_dir: str) -> Group:
    """What an index run did (its result, for stdout): where, the counts, blocks per section."""
    from rich.table import Table
    t = Table(show_header=False, box=None)
    for label, n in (("added", summary.added), ("updated", summary.updated), ("removed", summary.removed),
                     ("unchanged (skipped)", summary.skipped), ("blocks indexed", summary.blocks)):
        t.add_row(label, str(n))
    for s in Section:
        if summary.per_section.get(s.value):
            t.add_row(Text.assemble("  ", tags([s])), str(summary.per_section[s.value]))
    return Group(Text(f"index at {safe.name(index_dir)}:"), t)


def index_warnings(summary) -> Group:
    """The files an index run could not read, or read with repairs (for stderr)."""
    parts: list = []
    for path, what in summary.warnings:  # indexed, but reading repaired something
        parts.append(Text(f"warning: {safe.name(path)}: {safe.name(what)}", style="yellow"))
    for path, reason in summary.failed:  # one line each, whole path: easy to grep and to fix
        parts.append(Text(f"warning: {safe.name(path)}: {safe.name(reason)}", style="yellow"))
    if summary.failed:
        parts.append(Text(f"{plural(len(summary.failed), 'file')} could not be read", style="yellow"))
    return Group(*parts)


def stats_tables(stats) -> Group:
    """What the index holds: reports by year and region, blocks by section."""
    from rich.table import Table
    t = Table(title=f"{plural(stats['reports'], 'report')}, {plural(stats['blocks'], 'block')}", show_header=True)
    t.add_column("section")
    t.add_column("blocks", justify="right")
    for name, n in stats["sections"]:
        t.add_row(name, str(n))
    y = Table(title="reports by year", show_header=True)
    y.add_column("year")
    y.add_column("reports", justify="right")
    for year, n in stats["years"]:
        y.add_row(str(year), str(n))
    r = Table(title="reports by region", show_header=True)
    r.add_column("region")
    r.add_column("reports", justify="right")
    for region, n in stats["regions"]:
        r.add_row(Text(safe.line(str(region))), str(n))
    parts: list = [t, y, r]
    if stats.get("missing"):
        parts.append(Text(f"{plural(len(stats['missing']), 'report')} without a 存在问题 or 下一步计划 part "
                          f"(usually a reading failure: check with `reportsearch show`):", style="yellow"))
        for path, title, lacking in stats["missing"]:
            parts.append(Wrapped(Text(f"  {safe.name(path)}  {safe.line(title or '')}  — no {'、'.join(lacking)}",
                                      style="yellow")))
    return Group(*parts)


def report_view(view) -> Group:
    """A report from the index: metadata, then its blocks under their headings."""
    m = view["meta"]
    path = safe.name(view["path"])
    fields = [f"{k} {safe.line(str(m.get(k) or '')) or '—'}" for k in ("region", "issuer")]
    fields += [f"year {years(m.get('year'), m.get('report_year'))}", f"published {safe.line(m.get('published') or '') or '—'}"]
    parts: list = [Wrapped(Text(safe.line(m.get("title") or "") or path, style="bold")),
                   Wrapped(Text(" · ".join(fields), style="cyan")),
                   Text(path, style="dim"), Text("")]
    last: list[str] = []
    for b in view["blocks"]:
        for i, h in enumerate(b["heading"]):
            if i >= len(last) or last[i] != h:
                parts.append(Wrapped(Text("  " * i + safe.line(h), style="bold magenta")))
        last = b["heading"]
        if b["kind"] == "heading":
            continue
        line = Text("  " * len(b["heading"]))
        line.append_text(tags(b["labels"]))
        line.append(safe.text(b["text"]))
        parts.append(Wrapped(line))
    return Group(*parts)


SHORT = {s.value: short for s, short in SHORT_NAMES.items()}  # -s accepts these too


def summary_tables(tallies) -> Group:
    """A query file's summary: every matching block by query × section, and by query × region.
    Section headers are shortened to two characters (领导 执法 复议 问题 计划) to fit a terminal."""
    from rich import box
    from rich.table import Table

    from .rows import REGION_HEADER, SECTION_HEADER, summary_rows

    by_section, by_region = summary_rows(tallies)
    tables = []
    for title, header, rows, names in (("matching blocks by section", SECTION_HEADER, by_section, 1),
                                       ("matching blocks by region and section", REGION_HEADER, by_region, 2)):
        t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        for i, h in enumerate(header):
            t.add_column(SHORT.get(h, h), justify="left" if i < names else "right", overflow="fold")
        for r in rows:
            t.add_row(*[Text(str(v)) for v in r])
        tables.append(t)
    return Group(*tables)


def query_rule(name: str, query: str) -> Text:
    """The heading line over one saved query's answers."""
    return Text.assemble((safe.line(name), "bold"), "  ", (safe.line(query), "dim"))


def indicator_table(result, why: bool = False) -> Group:
    """An indicator table: a row per report, a column per indicator (↑ ↓ → against the body's year
    before, ! where a check questions the figure); then the checks, and with why every figure's
    clause and rule and every number skipped with its reason."""
    from rich.table import Table

    from .figures import cell, number, whose

    names = result.indicators()
    parts: list = []
    if result.reports:
        t = Table(show_header=True, header_style="bold", pad_edge=False)
        t.add_column("report")
        t.add_column("year", justify="right")
        for n in names:
            t.add_column(n, justify="right")
        labels = []
        for r in result.reports:
            label = safe.line(r.region or r.title or "") or safe.name(r.path)
            if r.issuer and r.region and not r.issuer.startswith(r.region + "人民政府"):
                label += " · " + safe.line(r.issuer)
            labels.append((label, r.year))
        for r, (label, year) in zip(result.reports, labels):
            if labels.count((label, year)) > 1:  # two files of one place and year: say which is which
                label += " · " + safe.name(os.path.basename(r.path))
            t.add_row(Text(label), years(r.year, r.report_year), *(cell(r, n) for n in names))  # Text: never markup
        parts.append(t)
    for r in result.reports:
        if not (r.checks or why):
            continue
        parts.append(Wrapped(Text(safe.line(r.title or "") or safe.name(r.path), style="bold")))
        for c in r.checks:
            style = "yellow" if c.kind != "denominator" else "green"
            parts.append(Wrapped(Text(f"  {c.kind}: {safe.line(c.message)}", style=style)))
        if why:
            for f in r.figures:
                line = Text(f"  {f.indicator} {number(f.value)}{f.unit} ({safe.line(whose(f))}) ", style="cyan")
                line.append(safe.line(f.quote))
                line.append(f"  [{f.rule}]", style="dim")
                parts.append(Wrapped(line))
            for s in r.skipped:
                line = Text(f"  skipped {number(s.value)}{s.unit}: {safe.line(s.reason)} — ", style="dim")
                line.append(safe.line(s.quote), style="dim")
                parts.append(Wrapped(line))
        parts.append(Text(""))
    stated = sum(1 for r in result.reports if r.figures)
    where = f" where {' and '.join(str(c) for c in result.where)}" if result.where else ""
    parts.append(Text(f"{plural(len(result.reports), 'report')}{where}, {stated} stating figures "
                      f"({sum(len(r.figures) for r in result.reports)} in all)", style="dim"))
    return Group(*parts)


def compare_table(result, quotes: bool = False) -> Group:
    """A comparison: a row per place, a column per year, a total row and column; each cell the matching
    blocks and, after a dot, the reports with a match out of the place's reports that year; shaded by
    count. With quotes, each cell's best sentence below."""
    from rich.table import Table

    top = max((c.blocks for c in result.cells.values()), default=0)
    t = Table(show_header=True, header_style="bold", pad_edge=False)
    t.add_column(result.rows_by)
    for c in result.cols:
        t.add_column(str(c), justify="right")
    t.add_column("total", justify="right", style="bold")
    for row in result.rows:
        shown = []
        for col in result.cols:
            c = result.cell(row, col)
            shown.append(Text(f"{c.blocks}·{c.reports}/{c.of}", style=_shade(c.blocks, top)) if c else Text(""))
        t.add_row(Text(safe.line(row)), *shown, str(result.row_totals[row].blocks))
    t.add_row(Text("total", style="bold"), *(Text(str(result.col_totals[c].blocks), style="bold") for c in result.cols),
              str(result.total))
    parts: list = [t, Text("cell: matching blocks·reports with a match/the place's reports that year", style="dim")]
    if quotes:
        for row in result.rows:
            for col in result.cols:
                c = result.cell(row, col)
                if c and c.quote:
                    line = Text(f"{safe.line(row)} {col}: ", style="cyan")
                    line.append_text(_marked_quote(c.quote))
                    parts.append(Wrapped(line))
    parts.append(Text(f"{plural(result.total, 'matching block')} in {plural(result.reports, 'report')}", style="dim"))
    return Group(*parts)


def _shade(n: int, top: int) -> str:
    """A background from pale to deep by a cell's share of the largest count (five steps)."""
    if not top:
        return ""
    step = min(4, int(5 * n / (top + 1)))
    return ("on grey19", "on dark_red", "on red3", "on red1", "bold on deep_pink2")[step]


def _marked_quote(quote: str) -> Text:
    """A quote whose matches are marked 【…】, with the marks turned into the match style."""
    out = Text()
    rest = safe.line(quote)
    while "【" in rest and "】" in rest.split("【", 1)[1]:
        before, rest = rest.split("【", 1)
        match, rest = rest.split("】", 1)
        out.append(before)
        out.append(match, style=MATCH_STYLE)
    out.append(rest)
    return out


def recurring_listing(rec) -> Group:
    """Recurring problems: per body its summaries, then each later statement with the earlier one it
    restates; the files that hold one report twice, once each."""
    parts: list = []
    by_body: dict[str, list] = {}
    for p in rec.pairs:
        by_body.setdefault(p.body, []).append(p)
    summaries: dict[str, list] = {}
    for s in rec.summaries:
        summaries.setdefault(s.body, []).append(s)
    for body in sorted(set(by_body) | {b for b, ss in summaries.items() if any(s.previous_year for s in ss)}):
        parts.append(Wrapped(Text(safe.line(body), style="bold")))
        for s in summaries.get(body, []):
            if s.previous_year is not None:
                parts.append(Text(f"  {s.text()}", style="cyan"))
        for p in by_body.get(body, []):
            line = Text(f"  {p.later.year} ← {p.earlier.year}  ({p.similarity:.2f})  ", style="dim")
            line.append(safe.line(p.later.quote))
            parts.append(Wrapped(line))
            parts.append(Wrapped(Text(f"      {p.earlier.year}: {safe.line(p.earlier.quote)}", style="dim")))
        parts.append(Text(""))
    bodies = len({s.body for s in rec.summaries})
    parts.append(Text(f"{plural(len(rec.pairs), 'recurring statement')} in {len(by_body)} of {bodies} "
                      f"{'body' if bodies == 1 else 'bodies'} with statements in the section", style="dim"))
    return Group(*parts)
