"""Commands that draw facts across reports: indicators, compare, recurring."""
from __future__ import annotations

import sys

import click

from ..errors import ReportSearchError
from ..output import render
from .app import (
    Exit,
    console,
    emit_facts,
    index_option,
    json_format,
    main,
    no_unknown_long_options,
    output_format,
    output_options,
    query_options,
    region_option,
    say,
    time_limit_option,
    year_option,
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@region_option
@year_option
@click.option("--where", multiple=True, metavar="EXPR",
              help="Only reports whose figure passes, e.g. '复议纠错率>20' (repeatable: all must hold).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report (JSON Lines); as --format jsonl.")
@click.option("--why", is_flag=True, help="Show the clause and rule behind each figure, and every number skipped "
                                          "with the reason (report files only).")
@time_limit_option
@output_options
def indicators(paths: tuple[str, ...], index_dir, region, year, where, as_json, why, time_limit, fmt, output,
               force) -> None:
    """The figures reports state: 行政复议 received, accepted, concluded, corrected (纠错率), settled;
    行政诉讼 cases and losses (败诉率); heads in court (出庭应诉率).

    From report files (PATHS), or from the index (extracted when it was written). A table with a row
    per report and a column per indicator; ↑ ↓ → against the same body's year before; ! where the
    stated rate fits none of its counts or contradicts another figure. Exit code 0: reports shown;
    1: none matched; 2: error; 3: shown, but some files could not be read.

    \b
    Example:
      reportsearch indicators corpus/
      reportsearch indicators --region 临汾 --year 2019-2023
      reportsearch indicators --where '复议纠错率>20' -o figures.xlsx
      reportsearch indicators corpus/linfen-2021.txt --why
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..facts import indicators as run_indicators
    from ..read import budget, display_path

    if paths and index_dir:
        raise click.UsageError("give report files or --index, not both")
    fmt = json_format(as_json, fmt)
    chosen = output_format(output, fmt, force)
    err = console(stderr=True)
    if paths:
        with budget.per_file(time_limit), Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(),
                                                   console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("read", total=None)
            result = run_indicators(list(paths), region=region, year=year, where=where, why=why,
                                    progress=lambda done, total: bar.update(task, completed=done, total=total))
        if not result.read:
            for path, reason in result.failed:
                say(f"warning: {path}: {reason}")
            raise ReportSearchError("no report could be read — check the paths and file formats "
                                    "(.txt .md .html .pdf .docx .doc .ofd)")
    else:
        result = run_indicators(index_dir=index_dir, region=region, year=year, where=where)
    for path, reason in result.failed:  # messages: stderr, also beside the terminal table
        say(f"warning: {path}: {reason}")
    for r in result.reports:  # what reading repaired or guessed (a scan read by OCR): in every format
        for warning in r.warnings:
            say(f"warning: {display_path(r.path)}: {warning}")
    emit_facts(result, chosen, output, force, lambda con: con.print(render.indicator_table(result, why=why)), why)
    if result.failed:
        sys.exit(Exit.WARNINGS)
    sys.exit(Exit.OK if result.reports else Exit.NO_HITS)


@main.command(context_settings={"ignore_unknown_options": True})
@query_options
@click.option("--rows", type=click.Choice(["region", "issuer", "level"]), default="region", show_default=True,
              help="One row per region, per issuing body, or per administrative level.")
@click.option("--cols", type=click.Choice(["year"]), default="year", show_default=True, help="One column per year.")
@click.option("--quotes", is_flag=True, help="Also the best sentence of each cell (in every format; XLSX always).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cell (JSON Lines); as --format jsonl.")
@output_options
def compare(query, index_dir, sections, region, year, rows, cols, quotes, as_json, fmt, output, force) -> None:
    """Compare places and years: the blocks a query matches, per place (row) and year (column).

    Each cell: the matching blocks, the reports with a match, and the place's reports that year (the
    share that mention it); totals by row and column add up to `search --by block`'s count. Reports
    without a region or year have an (unknown) row or column. Exit code 0: hits; 1: none; 2: error.

    \b
    Example:
      reportsearch compare 府院联动 --year 2019-2023
      reportsearch compare '执法 人员 素质' -s 存在问题 --rows level --quotes
      reportsearch compare 行政复议 -o compare.xlsx
    """
    from ..facts import compare as run_compare
    from ..output import Format

    no_unknown_long_options(query)
    chosen = output_format(output, json_format(as_json, fmt), force)
    result = run_compare(" ".join(query), index_dir=index_dir, sections=sections, region=region, year=year,
                         rows=rows, cols=cols, quotes=quotes or chosen == Format.XLSX)
    emit_facts(result, chosen, output, force, lambda con: con.print(render.compare_table(result, quotes=quotes)))
    sys.exit(Exit.OK if result.total else Exit.NO_HITS)


@main.command()
@index_option
@click.option("-s", "--section", "sections", multiple=True,
              help="The section whose statements are compared (default: 存在问题; repeatable).")
@region_option
@year_option
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="How alike two statements must be (character-bigram Jaccard of their core wording; "
                   "default 0.35).")
@click.option("--lookback", type=click.IntRange(1), default=None,
              help="Compare with the latest N earlier years only (default: every earlier year).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pair (JSON Lines); as --format jsonl.")
@output_options
def recurring(index_dir, sections, region, year, threshold, lookback, as_json, fmt, output, force) -> None:
    """Problems that come back: statements of a body's later report that restate an earlier report's.

    A body is a region and a genre (a 法治政府 report's issuer is its own body). Statements are the
    clauses and 一是… items of the section (存在问题 by default), without the lead-in and the closing
    every report writes. Files that hold the same report twice are named once and left out.
    Exit code 0: pairs found; 1: none; 2: error.

    \b
    Example:
      reportsearch recurring --region 广州
      reportsearch recurring --year 2019-2023 --lookback 1 -o recurring.xlsx
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..facts import recurring as run_recurring
    from ..searcher import printable_path

    chosen = output_format(output, json_format(as_json, fmt), force)
    err = console(stderr=True)
    with Progress(TextColumn("comparing bodies"), BarColumn(), MofNCompleteColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("recurring", total=None)
        result = run_recurring(index_dir=index_dir, sections=sections or ("存在问题",), region=region, year=year,
                               threshold=threshold, lookback=lookback,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
    for d in result.duplicates:  # messages: stderr, also beside the terminal listing
        say(f"note: {printable_path(d.dropped)} holds the same report as {printable_path(d.kept)}"
            + ("; it is left out" if d.same_body else ""))
    emit_facts(result, chosen, output, force, lambda con: con.print(render.recurring_listing(result)))
    sys.exit(Exit.OK if result.pairs else Exit.NO_HITS)
