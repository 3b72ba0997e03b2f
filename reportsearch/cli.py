"""The command line: a thin layer that parses options, calls the library and renders results."""
from __future__ import annotations

import enum
import json
import os
import sys
import traceback

import click
from rich.console import Console

from .errors import ReportSearchError, UnreadableReport
from .output import render, safe


class Exit(enum.IntEnum):
    """Stable exit codes (grep-like for search)."""

    OK = 0
    NO_HITS = 1
    ERROR = 2  # also an unexpected failure (a bug): one line, `--debug` for the traceback
    WARNINGS = 3  # the job was done, but some input files could not be read
    INTERRUPTED = 130  # Ctrl-C


COLOR_MODES = ("auto", "always", "never")
_color = "auto"  # --color, wherever it was given


PIPE_WIDTH = 100_000  # wider than any line of a report


class _Console(Console):
    """rich's console, except that a closed pipe is left to main (exit 0, the reader has all it
    wanted): rich's own handling ends the process with exit 1, which means no hits."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def _console(stderr: bool = False) -> Console:
    """A console for results (stdout) or messages (stderr). Styles only on a terminal, or with
    --color always; none at all (not even bold) with --color never or NO_COLOR. Lines wrap only on a
    terminal: piped output keeps each line whole, for grep."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    # Piped results are never cut to a terminal's width either (an outline tree's lines were cropped).
    width = PIPE_WIDTH if not (tty or stderr) else None
    if _color == "always":
        return _Console(stderr=stderr, force_terminal=True, highlight=False, soft_wrap=stderr or not tty, width=width)
    plain = _color == "never" or bool(os.environ.get("NO_COLOR"))
    return _Console(stderr=stderr, highlight=False, soft_wrap=stderr or not tty, width=width,
                   color_system=None if plain else "auto", force_terminal=False if plain else None)


def _say(line: str) -> None:
    """One message line on stderr, with any control character from a path or report escaped."""
    _console(stderr=True).print(safe.name(line), markup=False, highlight=False)


def _global_options(args: list[str]) -> tuple[list[str], bool, str]:
    """--debug and --color MODE are accepted anywhere before `--` (also after the subcommand)."""
    out, debug, color, i = [], False, "auto", 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out += args[i:]
            break
        if a == "--debug":
            debug = True
        elif a == "--color" or a.startswith("--color="):
            value = a.split("=", 1)[1] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            i += 0 if "=" in a else 1
            if value not in COLOR_MODES:
                what = f"{value!r} is not one of" if value else "needs one of"
                raise click.BadParameter(f"{what} {', '.join(COLOR_MODES)}", param_hint="'--color'")
            color = value
        else:
            out.append(a)
        i += 1
    return out, debug, color


class _ReaderGone(Exception):
    """stdout's reader has gone (a closed pipe). Not an OSError: click's main would exit 1 on it."""


class _Group(click.Group):
    """Turns errors into one line and a stable exit code; --debug shows tracebacks."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError as e:
            raise _ReaderGone() from e

    def main(self, args=None, prog_name=None, **kwargs):
        global _color
        args = list(sys.argv[1:] if args is None else args)
        debug = False
        try:
            args, debug, _color = _global_options(args)
            if not args:  # a bare `reportsearch`: the help, not an error
                with self.make_context(prog_name or "reportsearch", ["--help"]):
                    pass  # --help prints and exits
            rv = super().main(args, prog_name, standalone_mode=False, **kwargs)
        except click.UsageError as e:
            hint = f" — see `{e.ctx.command_path} --help`" if e.ctx else ""
            _say(f"error: {e.format_message()}{hint}")
            sys.exit(Exit.ERROR)
        except (click.exceptions.Abort, KeyboardInterrupt):
            _say("interrupted")
            sys.exit(Exit.INTERRUPTED)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except (BrokenPipeError, _ReaderGone):  # `reportsearch … | head`: the reader has all it wanted
            _quiet_stdout()
            sys.exit(Exit.OK)
        except ReportSearchError as e:
            if debug:
                traceback.print_exc()
            for line in str(e).splitlines() or [type(e).__name__]:
                _say(f"error: {line}")
            sys.exit(Exit.ERROR)
        except Exception as e:  # a bug: one line for the user, the traceback on request
            if debug:
                traceback.print_exc()
                sys.exit(Exit.ERROR)
            what = " ".join(str(e).split()) or "no details"
            _say(f"error: unexpected {type(e).__name__}: {what} — run the command again with --debug "
                 f"to see where, and report it")
            sys.exit(Exit.ERROR)
        sys.exit(rv if isinstance(rv, int) else Exit.OK)  # ctx.exit(n) comes back as a return value here


def _quiet_stdout() -> None:
    """After a closed pipe, stop Python from complaining again when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors (also after the command).")
@click.option("--color", type=click.Choice(COLOR_MODES), default="auto", show_default=True,
              help="Colours and bold: on a terminal (auto; NO_COLOR turns them off), always, never.")
@click.version_option(package_name="reportsearch")
def main(debug: bool, color: str) -> None:
    """Search Chinese government reports by section.

    \b
    Example:
      reportsearch index corpus/
      reportsearch search 'section:存在问题 执法 人员'

    Exit codes: 0 done (search: hits), 1 no hits, 2 error, 3 indexed with unreadable files,
    130 interrupted.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report (JSON Lines).")
@click.option("--why", is_flag=True,
              help="Show for each block its part of the report and the cues behind its labels.")
def outline(paths: tuple[str, ...], as_json: bool, why: bool) -> None:
    """Show reports as outlines: metadata, headings, section-labelled blocks.

    \b
    Example:
      reportsearch outline corpus/linfen-2021.txt
      reportsearch outline corpus/linfen-2021.txt --why
      reportsearch outline corpus/*.txt --json > outline.jsonl
    """
    from .read import display_path, expand_paths
    from .report import outline as outline_report

    out, err = _console(), _console(stderr=True)
    files, missing = expand_paths(list(paths))
    read = 0
    for path, reason in missing:
        _say(f"warning: {display_path(path)}: {reason}")
    for path in files:
        try:
            report = outline_report(path)
        except UnreadableReport as e:
            _say(f"warning: {display_path(e.path)}: {e.reason}")
            continue
        for warning in report.warnings:
            err.print(f"warning: {display_path(path)}: {warning}", markup=False)
        read += 1
        if as_json:
            click.echo(json.dumps(report.to_json(why=why), ensure_ascii=False))
        else:
            out.print(render.outline_tree(report, why=why))
    if not read:
        err.print("error: no report could be read — check the paths and file formats "
                  "(.txt .md .html .pdf .docx .doc .ofd)",
                  markup=False)
        sys.exit(Exit.ERROR)


def _index_option(f):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None,
                        help="Index directory (default: $REPORTSEARCH_INDEX or ./index).")(f)


_cluster_option = click.option("--cluster", metavar="tcp://HOST:PORT", default=None,
                               help="Run on this Dask scheduler's workers (default: $REPORTSEARCH_CLUSTER, else here).")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_index_option
@click.option("--rebuild", is_flag=True, help="Start the index afresh instead of updating it.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--wait", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds to wait for another index run to release the lock.")
@click.option("--commit-every", type=click.IntRange(1), default=500, show_default=True,
              help="Commit after this many files (an interrupted run keeps what it committed).")
@click.option("--shards", type=click.IntRange(1, 999), default=None, help="Write a sharded index of N shards.")
@_cluster_option
def index(paths: tuple[str, ...], index_dir: str | None, rebuild: bool, jobs: int | None, wait: float,
          commit_every: int, shards: int | None, cluster: str | None) -> None:
    """Index report files and directories (default: corpus/), incrementally.

    Unchanged files are skipped, changed ones replaced, vanished ones removed.
    Exit code 3 means done, but some files could not be read (listed with the reason).

    \b
    Example:
      reportsearch index corpus/
      reportsearch index ~/reports --index ~/reports-index --jobs 2
      reportsearch index /shared/reports --index /shared/ix --shards 8 --cluster tcp://10.0.0.5:8786
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .indexer import build, default_index_dir

    err = _console(stderr=True)
    index_dir = index_dir or default_index_dir()
    with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("index", total=None)
        summary = build(list(paths) or ["corpus"], index_dir, rebuild=rebuild, jobs=jobs, wait=wait, shards=shards,
                        cluster=cluster, batch=commit_every,
                        progress=lambda done, total: bar.update(task, completed=done, total=total))
    _say(f"index at {index_dir}:")
    err.print(render.index_summary(summary), soft_wrap=True)
    if summary.failed:
        sys.exit(Exit.WARNINGS)


def _region_option(f):
    return click.option("-r", "--region", default=None, help="Only reports from this place (part of the name: 临汾).")(f)


def _year_option(f):
    return click.option("-y", "--year", default=None, help="Year reported on: 2021, 2019-2022, >=2021.")(f)


_FORMATS = click.Choice(["text", "json", "jsonl", "csv", "md", "xlsx"])


def _output_format(output: str | None, fmt: str | None, force: bool):
    """Check -o/--format before any query runs: the format to write, or None for the terminal view."""
    from .output import output_format
    return output_format(output, fmt, force)


def _emit(results, fmt, output: str | None, force: bool, pretty, tallies=None, tables=None) -> None:
    """Results to stdout (rich, or a text format) or to a file (-o FILE; -o - is stdout)."""
    from .output import Format, cleaned, export, run_text

    if output and output != "-":
        written = export(results, output, fmt, force, tallies, tables)
        _say(f"wrote {output} ({written.value})")
    elif fmt == Format.XLSX:
        from .output import workbook_bytes
        sys.stdout.buffer.write(workbook_bytes(cleaned(results), tallies, tables))
        sys.stdout.flush()
    elif fmt:
        click.echo(run_text(results, fmt, tallies, tables), nl=False)
    else:
        pretty(_console())


def _emit_facts(result, fmt, output: str | None, force: bool, pretty, why: bool = False) -> None:
    """An indicator table, a comparison or recurring problems to stdout or a file, as _emit does results."""
    from .output import Format, export_indicators, facts_text, facts_workbook

    if output and output != "-":
        written = export_indicators(result, output, fmt, force, why)
        _say(f"wrote {output} ({written.value})")
    elif fmt == Format.XLSX:
        sys.stdout.buffer.write(facts_workbook(result))
        sys.stdout.flush()
    elif fmt:
        click.echo(facts_text(result, fmt, why), nl=False)
    else:
        pretty(_console())


def _json_format(as_json: bool, fmt: str | None) -> str | None:
    """--json is --format jsonl; with another --format it is a usage error."""
    if not as_json:
        return fmt
    if fmt and fmt not in ("jsonl", "json"):
        raise click.UsageError(f"--json writes JSON Lines; it cannot be combined with --format {fmt}")
    return fmt or "jsonl"


def _output_options(f):
    f = click.option("--force", is_flag=True, help="Overwrite an existing output file.")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                     help="Write the results to a file (.csv .xlsx .json .jsonl .md .txt); - for stdout.")(f)
    return click.option("--format", "fmt", type=_FORMATS, default=None,
                        help="Output format (default: from the -o extension, else the terminal view).")(f)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@_index_option
@click.option("-s", "--section", "sections", multiple=True, help="Only blocks in this section (repeatable).")
@_region_option
@_year_option
@click.option("-n", "--limit", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="Reports (or blocks, with --by block) to show.")
@click.option("--by", type=click.Choice(["report", "block"]), default="report", show_default=True,
              help="One entry per report with its best snippets, or one per block.")
@_output_options
@_cluster_option
@click.option("--partial", is_flag=True, help="With --cluster: the other shards' results when a worker is lost.")
def search(query: tuple[str, ...], index_dir, sections, region, year, limit, by, fmt, output, force, cluster,
           partial) -> None:
    """Search the index: ranked reports with highlighted, section-tagged snippets.

    Words are all required; OR, NOT, -word (a word after a minus sign: 复议 -应诉), (parentheses),
    "exact phrases", section:存在问题 (or problems, 问题), region:临汾, year:2021, year:2019-2022,
    year:>=2021. OR, AND and NOT work in any case (or, and, not); quote them to search for them.
    Exit code 0: hits; 1: no hits; 2: error.

    \b
    Example:
      reportsearch search 'section:存在问题 执法 人员'
      reportsearch search '"行政复议" year:2021-2023' --format json
      reportsearch search 复议 -应诉 -o answers.csv
    """
    from .searcher import search as run_search

    for word in query:  # unknown options are query words (-应诉); but --limt is a typo, not a word
        if word.startswith("--") and len(word) > 2:
            raise click.NoSuchOption(word.split("=", 1)[0], ctx=click.get_current_context())
    chosen = _output_format(output, fmt, force)
    q = " ".join(query)
    result = run_search(q, index_dir=index_dir, sections=sections, region=region, year=year,
                        limit=limit, by=by, cluster=cluster, partial=partial)
    if result.missing:
        _say(f"warning: incomplete: shards {', '.join(result.missing)} were lost with their worker and not searched")
    _emit([("", result)], chosen, output, force, lambda con: con.print(render.search_results(result)))
    sys.exit(Exit.OK if result.total else Exit.NO_HITS)


def _rule(con, title) -> None:
    """A heading rule across a terminal; piped, the title alone on its line (a rule as wide as a pipe's
    100,000 columns would be a line of 100,000 characters)."""
    if con.is_terminal:
        con.rule(title)
    else:
        con.print(title)


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
    from .queryfile import load

    qf = load(query_file)
    chosen = _output_format(output, fmt, force)  # a bad -o says so before every query runs
    ix = index_dir or qf.index_dir
    results, tallies = [], []
    for q, result in qf.run(ix):
        results.append((q.name, result))
        tallies.append((q.name, q.tally(ix)))
    tables = [(t.name, result) for t, result in qf.run_tables(ix)]

    def pretty(con) -> None:
        for name, result in results:
            _rule(con, render.query_rule(name, result.query))
            con.print(render.search_results(result))
        if tallies:
            con.print(render.summary_tables(tallies))
        for name, table in tables:
            if hasattr(table, "rows_by"):  # a comparison
                _rule(con, render.query_rule(name, f"compare {table.query}"))
                con.print(render.compare_table(table, quotes=True))
            else:
                _rule(con, render.query_rule(name, "indicators"))
                con.print(render.indicator_table(table))

    _emit(results, chosen, output, force, pretty, tallies, tables)
    found = any(r.total for _, r in results) or any(getattr(t, "total", None) or getattr(t, "reports", None)
                                                    for _, t in tables)
    sys.exit(Exit.OK if found else Exit.NO_HITS)


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
    from .searcher import report_blocks

    _console().print(render.report_view(report_blocks(report, index_dir, section)))


@main.command()
@_index_option
def stats(index_dir) -> None:
    """What the index holds: reports by year and region, blocks by section.

    \b
    Example:
      reportsearch stats
    """
    from .searcher import index_stats

    _console().print(render.stats_tables(index_stats(index_dir)))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@_index_option
@_region_option
@_year_option
@click.option("--where", multiple=True, metavar="EXPR",
              help="Only reports whose figure passes, e.g. '复议纠错率>20' (repeatable: all must hold).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report (JSON Lines); as --format jsonl.")
@click.option("--why", is_flag=True, help="Show the clause and rule behind each figure, and every number skipped "
                                          "with the reason (report files only).")
@_output_options
def indicators(paths: tuple[str, ...], index_dir, region, year, where, as_json, why, fmt, output, force) -> None:
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

    from .facts import indicators as run_indicators

    if paths and index_dir:
        raise click.UsageError("give report files or --index, not both")
    fmt = _json_format(as_json, fmt)
    chosen = _output_format(output, fmt, force)
    err = _console(stderr=True)
    if paths:
        with Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), console=err, transient=True,
                      disable=not err.is_terminal) as bar:
            task = bar.add_task("read", total=None)
            result = run_indicators(list(paths), region=region, year=year, where=where, why=why,
                                    progress=lambda done, total: bar.update(task, completed=done, total=total))
        if not result.read:
            for path, reason in result.failed:
                _say(f"warning: {path}: {reason}")
            raise ReportSearchError("no report could be read — check the paths and file formats "
                                    "(.txt .md .html .pdf .docx .doc .ofd)")
    else:
        result = run_indicators(index_dir=index_dir, region=region, year=year, where=where)
    for path, reason in result.failed if chosen is not None else ():
        _say(f"warning: {path}: {reason}")
    _emit_facts(result, chosen, output, force, lambda con: con.print(render.indicator_table(result, why=why)), why)
    if result.failed:
        sys.exit(Exit.WARNINGS)
    sys.exit(Exit.OK if result.reports else Exit.NO_HITS)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@_index_option
@click.option("-s", "--section", "sections", multiple=True, help="Only blocks in this section (repeatable).")
@_region_option
@_year_option
@click.option("--rows", type=click.Choice(["region", "issuer", "level"]), default="region", show_default=True,
              help="One row per region, per issuing body, or per administrative level.")
@click.option("--cols", type=click.Choice(["year"]), default="year", show_default=True, help="One column per year.")
@click.option("--quotes", is_flag=True, help="Also the best sentence of each cell.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per cell (JSON Lines); as --format jsonl.")
@_output_options
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
    from .facts import compare as run_compare

    for word in query:
        if word.startswith("--") and len(word) > 2:
            raise click.NoSuchOption(word.split("=", 1)[0], ctx=click.get_current_context())
    chosen = _output_format(output, _json_format(as_json, fmt), force)
    result = run_compare(" ".join(query), index_dir=index_dir, sections=sections, region=region, year=year,
                         rows=rows, cols=cols, quotes=quotes or chosen is not None)
    _emit_facts(result, chosen, output, force, lambda con: con.print(render.compare_table(result, quotes=quotes)))
    sys.exit(Exit.OK if result.total else Exit.NO_HITS)


@main.command()
@_index_option
@click.option("-s", "--section", "sections", multiple=True,
              help="The section whose statements are compared (default: 存在问题; repeatable).")
@_region_option
@_year_option
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="How alike two statements must be (character-bigram Jaccard of their core wording; "
                   "default 0.35).")
@click.option("--lookback", type=click.IntRange(1), default=None,
              help="Compare with the latest N earlier years only (default: every earlier year).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pair (JSON Lines); as --format jsonl.")
@_output_options
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

    from .facts import recurring as run_recurring

    chosen = _output_format(output, _json_format(as_json, fmt), force)
    err = _console(stderr=True)
    with Progress(TextColumn("comparing bodies"), BarColumn(), MofNCompleteColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("recurring", total=None)
        result = run_recurring(index_dir=index_dir, sections=sections or ("存在问题",), region=region, year=year,
                               threshold=threshold, lookback=lookback,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
    if chosen is not None:
        for d in result.duplicates:
            _say(f"note: {d.dropped} holds the same report as {d.kept}" + ("; it is left out" if d.same_body else ""))
    _emit_facts(result, chosen, output, force, lambda con: con.print(render.recurring_listing(result)))
    sys.exit(Exit.OK if result.pairs else Exit.NO_HITS)
