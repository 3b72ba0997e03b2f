"""The command group: one-line errors and stable exit codes, the consoles (results on stdout, messages on
stderr), and the options the commands share."""
from __future__ import annotations

import enum
import errno
import os
import sys
import traceback

import click
from rich.console import Console

from ..errors import BadQueryFile, ExportError, ReportSearchError
from ..output import safe


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


def console(stderr: bool = False) -> Console:
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


class OcrBar:
    """A progress bar for the pages of each scanned PDF read by OCR (read/ocr.py), on a terminal
    only; transient, and shown only while a scan is being read."""

    def __init__(self, err: Console) -> None:
        self.err, self.bar = err, None

    def __call__(self, done: int, total: int) -> None:
        if not self.err.is_terminal:
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            self.bar = Progress(TextColumn("OCR, pages"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=self.err, transient=True,
                                redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task("ocr", total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def say(line: str) -> None:
    """One message line on stderr, with any control character from a path or report escaped."""
    console(stderr=True).print(safe.name(line), markup=False, highlight=False)


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
            say(f"error: {e.format_message()}{hint}")
            sys.exit(Exit.ERROR)
        except (click.exceptions.Abort, KeyboardInterrupt):
            say("interrupted")
            sys.exit(Exit.INTERRUPTED)
        except click.exceptions.Exit as e:
            sys.exit(e.exit_code)
        except (BrokenPipeError, _ReaderGone):  # `reportsearch … | head`: the reader has all it wanted
            _quiet_stdout()
            sys.exit(Exit.OK)
        except ReportSearchError as e:
            if debug:
                traceback.print_exc()
            # one line, whatever typed value the message quotes (say shows a line break in it as \n);
            # a query file's problems are a line each, on purpose
            lines = str(e).splitlines() if isinstance(e, BadQueryFile) else [str(e)]
            for line in [x for x in lines if x] or [type(e).__name__]:
                say(f"error: {line}")
            sys.exit(Exit.ERROR)
        except Exception as e:  # a bug: one line for the user, the traceback on request
            if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):  # writing the results
                _quiet_stdout()  # nor complain again when Python flushes stdout at exit
                say("error: could not write the results: the disk is full — free some space, or write them "
                    "elsewhere with -o FILE")
                sys.exit(Exit.ERROR)
            if debug:
                traceback.print_exc()
                sys.exit(Exit.ERROR)
            what = " ".join(str(e).split()) or "no details"
            say(f"error: unexpected {type(e).__name__}: {what} — run the command again with --debug "
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


def time_limit_option(f):
    return click.option("--file-time-limit", "time_limit", type=click.FloatRange(0), default=60.0,
                        show_default=True, envvar="REPORTSEARCH_FILE_TIME_LIMIT",
                        help="Seconds of processor time one file may take to read; past it, the file is "
                             "skipped with a warning (0: no limit; env: REPORTSEARCH_FILE_TIME_LIMIT).")(f)


def index_option(f):
    return click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None,
                        help="Index directory (default: $REPORTSEARCH_INDEX or ./index).")(f)


def cluster_option(f):
    return click.option("--cluster", metavar="tcp://HOST:PORT", default=None,
                        help="Run on this Dask scheduler's workers (default: $REPORTSEARCH_CLUSTER, else here).")(f)


def region_option(f):
    return click.option("-r", "--region", default=None,
                        help="Only reports from this place and the places under it (广东: also 广州's); =广东: the "
                             "place alone.")(f)


def year_option(f):
    return click.option("-y", "--year", default=None, help="Year reported on: 2021, 2019-2022, >=2021.")(f)


_FORMATS = click.Choice(["text", "json", "jsonl", "csv", "md", "xlsx"])


def output_format(output: str | None, fmt: str | None, force: bool):
    """Check -o/--format before any query runs: the format to write, or None for the terminal view."""
    from ..output import XLSX_TO_FILE, Format, refuse_overwrite

    if output == "":
        raise ExportError("-o needs a file name, or - for stdout — e.g. -o answers.csv")
    if output and output != "-":
        chosen = Format(fmt) if fmt else Format.from_path(output)
        refuse_overwrite(output, force)
        return chosen
    if output == "-" and not fmt:
        raise ExportError("-o - writes to stdout and has no extension to tell the format — add "
                          "--format csv (or json, jsonl, md, text, xlsx)")
    chosen = Format(fmt) if fmt else None
    if chosen is not None and chosen.binary and sys.stdout.isatty():  # as curl does: not on a terminal
        raise ExportError(XLSX_TO_FILE)
    return chosen


def emit(results, fmt, output: str | None, force: bool, pretty, tallies=None, tables=None) -> None:
    """Results to stdout (rich, or a text format) or to a file (-o FILE; -o - is stdout)."""
    from ..output import Format, cleaned, export, run_text

    if output and output != "-":
        written = export(results, output, fmt, force, tallies, tables)
        say(f"wrote {output} ({written.value})")
    elif fmt == Format.XLSX:
        from ..output import workbook_bytes
        sys.stdout.buffer.write(workbook_bytes(cleaned(results), tallies, tables))
        sys.stdout.flush()
    elif fmt:
        click.echo(run_text(results, fmt, tallies, tables), nl=False)
    else:
        pretty(console())


def emit_facts(result, fmt, output: str | None, force: bool, pretty, why: bool = False) -> None:
    """An indicator table, a comparison or recurring problems to stdout or a file, as emit does results."""
    from ..output import Format, export_indicators, facts_text, facts_workbook

    if output and output != "-":
        written = export_indicators(result, output, fmt, force, why)
        say(f"wrote {output} ({written.value})")
    elif fmt == Format.XLSX:
        sys.stdout.buffer.write(facts_workbook(result))
        sys.stdout.flush()
    elif fmt:
        click.echo(facts_text(result, fmt, why), nl=False)
    else:
        pretty(console())


def json_format(as_json: bool, fmt: str | None) -> str | None:
    """--json is --format jsonl; with another --format it is a usage error."""
    if not as_json:
        return fmt
    if fmt and fmt not in ("jsonl", "json"):
        raise click.UsageError(f"--json writes JSON Lines; it cannot be combined with --format {fmt}")
    return fmt or "jsonl"


def query_options(f):
    """QUERY and the usual filters: --index, -s/--section, -r/--region, -y/--year."""
    for option in (year_option, region_option,
                   click.option("-s", "--section", "sections", multiple=True,
                                help="Only blocks in this section (repeatable)."),
                   index_option, click.argument("query", nargs=-1)):
        f = option(f)
    return f


def no_unknown_long_options(query: tuple[str, ...]) -> None:
    """Unknown options are query words (-应诉, a NOT term); but --limt is a typo, not a word."""
    for word in query:
        if word.startswith("--") and len(word) > 2:
            raise click.NoSuchOption(word.split("=", 1)[0], ctx=click.get_current_context())


def output_options(f):
    f = click.option("--force", is_flag=True, help="Overwrite an existing output file.")(f)
    f = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                     help="Write the results to a file (.csv .xlsx .json .jsonl .md .txt); - for stdout.")(f)
    return click.option("--format", "fmt", type=_FORMATS, default=None,
                        help="Output format (default: from the -o extension, else the terminal view).")(f)


