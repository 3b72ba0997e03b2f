"""Commands that search: search, and run (saved query files)."""
from __future__ import annotations

import sys

import click

from ..output import render
from .app import (
    Exit,
    cluster_option,
    emit,
    index_option,
    main,
    no_unknown_long_options,
    output_format,
    output_options,
    query_options,
    say,
)


@main.command(context_settings={"ignore_unknown_options": True})
@query_options
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="Reports (or blocks, with --by block) to show.")
@click.option("--by", type=click.Choice(["report", "block"]), default="report", show_default=True,
              help="One entry per report with its best snippets, or one per block.")
@click.option("--explain", is_flag=True, help="Show the features behind each hit's score (also in JSON).")
@output_options
@cluster_option
@click.option("--partial", is_flag=True, help="With --cluster: the other shards' results when a worker is lost.")
def search(query: tuple[str, ...], index_dir, sections, region, year, limit, by, explain, fmt, output, force,
           cluster, partial) -> None:
    """Search the index: ranked reports with highlighted, section-tagged snippets.

    Words are all required; OR (or |), NOT, -word (a word after a minus sign: 复议 -应诉), (parentheses),
    "exact phrases", section:存在问题 (or problems, 问题), region:广东 (and the places under it;
    region:=广东 the province alone), year:2021, year:2019-2022, year:>=2021. OR, AND and NOT work
    in any case (or, and, not); quote them to search for them.
    Exit code 0: hits; 1: no hits; 2: error.

    \b
    Example:
      reportsearch search 'section:存在问题 执法 人员'
      reportsearch search '"行政复议" year:2021-2023' --format json
      reportsearch search 复议 -应诉 -o answers.csv
      reportsearch search 执法 人员 素质 --by block --explain
    """
    from ..searcher import search as run_search

    no_unknown_long_options(query)
    chosen = output_format(output, fmt, force)
    q = " ".join(query)
    result = run_search(q, index_dir=index_dir, sections=sections, region=region, year=year,
                        limit=limit, by=by, explain=explain, cluster=cluster, partial=partial)
    for warning in result.warnings:
        say(f"warning: {warning}")
    if result.missing:
        say(f"warning: incomplete: shards {', '.join(result.missing)} were lost with their worker and not searched")
    emit([("", result)], chosen, output, force, lambda con: con.print(render.search_results(result)))
    sys.exit(Exit.OK if result.total else Exit.NO_HITS)


def rule(con, title) -> None:
    """A heading rule across a terminal; piped, the title alone on its line (a rule as wide as a pipe's
    100,000 columns would be a line of 100,000 characters)."""
    if con.is_terminal:
        con.rule(title)
    else:
        con.print(title)


@main.command()
@click.argument("query_file", type=click.Path(dir_okay=False))
@index_option
@output_options
def run(query_file: str, index_dir, fmt, output, force) -> None:
    """Run a saved query file: each query's answers, then hits by query × section and × region.

    The file is TOML: optional `index = "…"` and [defaults], then [[query]] tables with a name
    and the options of `search` (query, section, region, year, limit, by). The whole file is
    checked before anything runs. A file that starts with `#!/usr/bin/env -S reportsearch run`
    and is executable runs by itself. Exit code 0: some query had hits; 1: none; 2: error.

    \b
    Example:
      reportsearch run examples/enforcement.toml
      reportsearch run examples/enforcement.toml -o enforcement.xlsx
      ./examples/enforcement.toml -o enforcement.md
    """
    from ..queryfile import load

    qf = load(query_file)
    chosen = output_format(output, fmt, force)  # a bad -o says so before every query runs
    ix = index_dir or qf.index_dir
    results, tallies = [], []
    for q, result in qf.run(ix):
        results.append((q.name, result))
        for warning in result.warnings:
            say(f"warning: query '{q.name}': {warning}")
        tallies.append((q.name, q.tally(ix)))
    tables = [(t.name, result) for t, result in qf.run_tables(ix)]

    def pretty(con) -> None:
        for name, result in results:
            rule(con, render.query_rule(name, result.query))
            con.print(render.search_results(result))
        if tallies:
            con.print(render.summary_tables(tallies))
        for name, table in tables:
            if hasattr(table, "rows_by"):  # a comparison
                rule(con, render.query_rule(name, f"compare {table.query}"))
                con.print(render.compare_table(table, quotes=True))
            else:
                rule(con, render.query_rule(name, "indicators"))
                con.print(render.indicator_table(table))

    emit(results, chosen, output, force, pretty, tallies, tables)
    found = any(r.total for _, r in results) or any(getattr(t, "total", None) or getattr(t, "reports", None)
                                                    for _, t in tables)
    sys.exit(Exit.OK if found else Exit.NO_HITS)
