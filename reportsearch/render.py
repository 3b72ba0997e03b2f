"""Rendering: rich renderables for outlines, search results and index statistics. Never prints."""
from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .model import Report, Section

SECTION_STYLE = {
    Section.LEADERSHIP: "bold white on dark_red",
    Section.ENFORCEMENT: "bold white on blue",
    Section.REVIEW: "bold white on dark_green",
    Section.PROBLEMS: "bold black on yellow",
    Section.PLANS: "bold black on cyan",
}
MATCH_STYLE = "bold red"


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
    m = report.meta
    head = Text(m.title or report.path, style="bold")
    head.append(f"\n{report.path}", style="dim")
    facts = [f"region {m.region or '—'}", f"issuer {m.issuer or '—'}", f"year {m.year or '—'}",
             f"published {m.published or '—'}", f"{len(report.blocks)} blocks"]
    head.append("\n" + " · ".join(facts), style="cyan")
    tree = Tree(head)
    nodes: dict[tuple[str, ...], Tree] = {(): tree}
    for b in report.blocks:
        path: tuple[str, ...] = ()
        parent = tree
        for h in b.heading:
            path = path + (h,)
            if path not in nodes:
                nodes[path] = parent.add(Text(h, style="bold magenta"))
            parent = nodes[path]
        if b.kind == "heading":
            parent.label = Text.assemble(tags(b.labels), Text(b.text, style="bold magenta"))
            node = parent
        else:
            line = tags(b.labels)
            snippet = b.text if len(b.text) <= width else b.text[:width] + "…"
            line.append(snippet)
            node = parent.add(line)
        if why:
            node.add(Text("\n".join(b.why), style="dim italic"))
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
    lines.append(head)
    for sn in hit.snippets:
        lines.append(Text(indent + "  ").append_text(_marked_text(sn)))
    return lines


def search_results(result) -> Group:
    """Ranked results: rank, title, region, year; tags, heading path and highlighted snippets."""
    parts: list = []
    if result.by == "block":
        for h in result.blocks:
            t = Text(f"{h.rank:>2}. ", style="bold")
            t.append(h.title or h.path, style="bold")
            t.append(f"  {h.region or '—'} · {h.year or '—'}  ({h.score:.2f})", style="cyan")
            parts += [t, *_hit_lines(h), Text("")]
    else:
        for r in result.reports:
            t = Text(f"{r.rank:>2}. ", style="bold")
            t.append(r.title or r.path, style="bold")
            t.append(f"  {r.region or '—'} · {r.year or '—'}  ({r.score:.2f})", style="cyan")
            parts.append(t)
            for h in r.hits:
                parts += _hit_lines(h)
            parts.append(Text(""))
    shown = len(result.blocks) if result.by == "block" else len(result.reports)
    parts.append(Text(f"{shown} {'blocks' if result.by == 'block' else 'reports'} shown, "
                      f"{result.total} matching blocks", style="dim"))
    return Group(*parts)


def index_summary(summary) -> Group:
    """What an index run did: counts, blocks per section, unreadable files."""
    t = Table(show_header=False, box=None)
    for label, n in (("added", summary.added), ("updated", summary.updated), ("removed", summary.removed),
                     ("unchanged (skipped)", summary.skipped), ("blocks indexed", summary.blocks)):
        t.add_row(label, str(n))
    for s in Section:
        if summary.per_section.get(s.value):
            t.add_row(Text.assemble("  ", tags([s])), str(summary.per_section[s.value]))
    parts: list = [t]
    for path, reason in summary.failed:  # one line each, whole path: easy to grep and to fix
        parts.append(Text(f"warning: {path}: {reason}", style="yellow"))
    if summary.failed:
        parts.append(Text(f"{len(summary.failed)} files could not be read", style="yellow"))
    return Group(*parts)


def stats_tables(stats) -> Group:
    """What the index holds: reports by year and region, blocks by section."""
    t = Table(title=f"{stats['reports']} reports, {stats['blocks']} blocks", show_header=True)
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
        r.add_row(region, str(n))
    return Group(t, y, r)


def report_view(view) -> Group:
    """A report from the index: metadata, then its blocks under their headings."""
    m = view["meta"]
    parts: list = [Text(m.get("title") or view["path"], style="bold"),
                   Text(" · ".join(f"{k} {m.get(k) or '—'}" for k in ("region", "issuer", "year", "published")),
                        style="cyan"),
                   Text(view["path"], style="dim"), Text("")]
    last: list[str] = []
    for b in view["blocks"]:
        for i, h in enumerate(b["heading"]):
            if i >= len(last) or last[i] != h:
                parts.append(Text("  " * i + h, style="bold magenta"))
        last = b["heading"]
        if b["kind"] == "heading":
            continue
        line = Text("  " * len(b["heading"]))
        line.append_text(tags(b["labels"]))
        line.append(b["text"])
        parts.append(line)
    return Group(*parts)


SHORT = {"领导机制": "领导", "行政执法": "执法", "复议应诉": "复议", "存在问题": "问题", "下一步计划": "计划"}


def summary_tables(tallies) -> Group:
    """A query file's summary: every matching block by query × section, and by query × region.
    Section headers are shortened to two characters (领导 执法 复议 问题 计划) to fit a terminal."""
    from .export import REGION_HEADER, SECTION_HEADER, summary_rows

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
    return Text.assemble((name, "bold"), "  ", (query, "dim"))
