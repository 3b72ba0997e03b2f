"""Rendering: rich renderables for outlines, search results and index statistics. Never prints."""
from __future__ import annotations

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


def outline_tree(report: Report, width: int = 60) -> Tree:
    """A report as a tree: metadata line, headings, and each block's tags and first characters."""
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
            continue
        line = tags(b.labels)
        snippet = b.text if len(b.text) <= width else b.text[:width] + "…"
        line.append(snippet)
        parent.add(line)
    return tree


def outlines(reports: list[Report]) -> Group:
    return Group(*(outline_tree(r) for r in reports))


def warning_table(problems: list[tuple[str, str]]) -> Table:
    """Files that could not be read, with the reason."""
    t = Table(title="could not read", show_header=True, header_style="bold yellow")
    t.add_column("file")
    t.add_column("reason")
    for path, reason in problems:
        t.add_row(path, reason)
    return t
