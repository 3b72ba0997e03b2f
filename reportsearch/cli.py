"""The command line: a thin layer that parses options, calls the library and renders results."""
from __future__ import annotations

import enum
import json
import os
import sys

import click
from rich.console import Console

from . import render
from .errors import ExportError, ReportSearchError, UnreadableReport


class Exit(enum.IntEnum):
    """Stable exit codes (grep-like for search)."""

    OK = 0
    NO_HITS = 1
    ERROR = 2
    WARNINGS = 3  # the job was done, but some input files could not be read


def _console(stderr: bool = False) -> Console:
    no_color = bool(os.environ.get("NO_COLOR"))
    # stderr lines are messages: never wrap them; stdout wraps to the terminal.
    return Console(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=stderr)


class _Group(click.Group):
    """Turns the project's errors into one line and a stable exit code; --debug shows tracebacks."""

    def main(self, args=None, prog_name=None, **kwargs):
        # click prints usage errors as a usage block; ours are one line that names the option.
        try:
            rv = super().main(args, prog_name, standalone_mode=False, **kwargs)
        except click.UsageError as e:
            hint = f" — see `{e.ctx.command_path} --help`" if e.ctx else ""
            _console(stderr=True).print(f"error: {e.format_message()}{hint}", markup=False, highlight=False)
            sys.exit(Exit.ERROR)
        except click.exceptions.Abort:
            _console(stderr=True).print("interrupted", markup=False)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else Exit.OK)  # ctx.exit(n) comes back as a return value here

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReportSearchError as e:
            if ctx.params.get("debug"):
                raise
            err = _console(stderr=True)
            for line in str(e).splitlines() or [type(e).__name__]:
                err.print("[bold red]error:[/] " + line.replace("[", "\\["), markup=True, highlight=False)
            ctx.exit(Exit.ERROR)
        except KeyboardInterrupt:
            _console(stderr=True).print("interrupted")
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="reportsearch")
def main(debug: bool) -> None:
    """Search Chinese government reports by section.

    \b
    Example:
      reportsearch index corpus/
      reportsearch search 'section:存在问题 执法 人员'
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report (JSON Lines).")
def outline(paths: tuple[str, ...], as_json: bool) -> None:
    """Show reports as outlines: metadata, headings, section-labelled blocks.

    \b
    Example:
      reportsearch outline corpus/linfen-2021.txt
      reportsearch outline corpus/*.txt --json > outline.jsonl
    """
    from .outline import outline as outline_report
    from .read import display_path, expand_paths

    out, err = _console(), _console(stderr=True)
    files, missing = expand_paths(list(paths))
    read = 0
    for path, reason in missing:
        err.print(f"warning: {display_path(path)}: {reason}", markup=False)
    for path in files:
        try:
            report = outline_report(path)
        except UnreadableReport as e:
            err.print(f"warning: {display_path(e.path)}: {e.reason}", markup=False)
            continue
        read += 1
        if as_json:
            click.echo(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            out.print(render.outline_tree(report))
    if not read:
        err.print("error: no report could be read — check the paths and file formats (.txt .md .html)",
                  markup=False)
        sys.exit(Exit.ERROR)


def _index_option(f):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None,
                        help="Index directory (default: $REPORTSEARCH_INDEX or ./index).")(f)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_index_option
@click.option("--rebuild", is_flag=True, help="Start the index afresh instead of updating it.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--wait", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds to wait for another index run to release the lock.")
@click.option("--commit-every", type=click.IntRange(1), default=500, show_default=True,
              help="Commit after this many files (an interrupted run keeps what it committed).")
def index(paths: tuple[str, ...], index_dir: str | None, rebuild: bool, jobs: int | None, wait: float,
          commit_every: int) -> None:
    """Index report files and directories (default: corpus/), incrementally.

    Unchanged files are skipped, changed ones replaced, vanished ones removed.
    Exit code 3 means done, but some files could not be read (listed with the reason).

    \b
    Example:
      reportsearch index corpus/
      reportsearch index ~/reports --index ~/reports-index --jobs 2
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .indexing import build, default_index_dir

    err = _console(stderr=True)
    index_dir = index_dir or default_index_dir()
    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("index", total=None)
        summary = build(list(paths) or ["corpus"], index_dir, rebuild=rebuild, jobs=jobs, wait=wait,
                        batch=commit_every, progress=lambda done, total: bar.update(task, completed=done, total=total))
    err.print(f"index at {index_dir}:", markup=False)
    err.print(render.index_summary(summary), soft_wrap=True)
    if summary.failed:
        sys.exit(Exit.WARNINGS)


_FORMATS = click.Choice(["text", "json", "jsonl", "csv", "md", "xlsx"])


def _emit(results, fmt: str | None, output: str | None, force: bool, pretty, tallies=None) -> None:
    """Results to stdout (rich, or a text format) or to a file (-o)."""
    if output or fmt:
        from .export import Format, export, to_text
    if output:
        written = export(results, output, Format(fmt) if fmt else None, force, tallies)
        _console(stderr=True).print(f"wrote {output} ({written.value})", markup=False)
    elif fmt:
        click.echo(to_text(results, Format(fmt), tallies), nl=False)
    else:
        pretty(_console())


def _output_options(f):
    f = click.option("--force", is_flag=True, help="Overwrite an existing output file.")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                     help="Write the results to a file (.csv .xlsx .json .jsonl .md .txt).")(f)
    return click.option("--format", "fmt", type=_FORMATS, default=None,
                        help="Output format (default: from the -o extension, else the terminal view).")(f)


@main.command()
@click.argument("query", nargs=-1)
@_index_option
@click.option("-s", "--section", "sections", multiple=True, help="Only blocks in this section (repeatable).")
@click.option("--region", default=None, help="Only reports from this place (part of the name: 临汾).")
@click.option("--year", default=None, help="Year reported on: 2021, 2019-2022, >=2021.")
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="Reports (or blocks, with --by block) to show.")
@click.option("--by", type=click.Choice(["report", "block"]), default="report", show_default=True,
              help="One entry per report with its best snippets, or one per block.")
@_output_options
def search(query: tuple[str, ...], index_dir, sections, region, year, limit, by, fmt, output, force) -> None:
    """Search the index: ranked reports with highlighted, section-tagged snippets.

    Words are all required; OR, NOT or -word, (parentheses), "exact phrases",
    section:存在问题 (or problems), region:临汾, year:2021, year:2019-2022, year:>=2021.
    Exit code 0: hits; 1: no hits; 2: error.

    \b
    Example:
      reportsearch search 'section:存在问题 执法 人员'
      reportsearch search '"行政复议" year:2021-2023' --format json
      reportsearch search 复议 -应诉 -o answers.csv
    """
    from .search import search as run_search

    q = " ".join(query)
    result = run_search(q, index_dir=index_dir, sections=sections, region=region, year=year,
                        limit=limit, by=by)
    _emit([("", result)], fmt, output, force, lambda con: con.print(render.search_results(result)))
    sys.exit(Exit.OK if result.total else Exit.NO_HITS)


@main.command()
@click.argument("query_file", type=click.Path(dir_okay=False))
@_index_option
@_output_options
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
    from .export import XLSX_TO_FILE, Format, refuse_overwrite
    from .queryfile import load

    qf = load(query_file)
    if output:
        refuse_overwrite(output, force)  # say so before running every query
    elif fmt == Format.XLSX.value:
        raise ExportError(XLSX_TO_FILE)
    ix = index_dir or qf.index_dir
    results, tallies = [], []
    for q, result in qf.run(ix):
        results.append((q.name, result))
        tallies.append((q.name, q.tally(ix)))

    def pretty(con) -> None:
        for name, result in results:
            con.rule(render.query_rule(name, result.query))
            con.print(render.search_results(result))
        con.print(render.summary_tables(tallies))

    _emit(results, fmt, output, force, pretty, tallies)
    sys.exit(Exit.OK if any(r.total for _, r in results) else Exit.NO_HITS)


@main.command()
@click.argument("report")
@_index_option
@click.option("-s", "--section", default=None, help="Only this section's blocks.")
def show(report: str, index_dir, section) -> None:
    """Print a report (or one section of it) from the index, with its structure.

    REPORT is a path, a report id, or a unique part of a path or title.

    \b
    Example:
      reportsearch show corpus/linfen-2021.txt --section 存在问题
    """
    from .search import report_blocks

    _console().print(render.report_view(report_blocks(report, index_dir, section)))


@main.command()
@_index_option
def stats(index_dir) -> None:
    """What the index holds: reports by year and region, blocks by section.

    \b
    Example:
      reportsearch stats
    """
    from .search import index_stats

    _console().print(render.stats_tables(index_stats(index_dir)))
