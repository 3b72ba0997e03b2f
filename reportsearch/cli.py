"""The command line: a thin layer that parses options, calls the library and renders results."""
from __future__ import annotations

import enum
import json
import os
import sys

import click
from rich.console import Console

from . import render
from .errors import ReportSearchError, UnreadableReport
from .outline import outline as outline_report
from .read import expand_paths


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

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReportSearchError as e:
            if ctx.params.get("debug"):
                raise
            _console(stderr=True).print(f"[bold red]error:[/] {e}", markup=True, highlight=False)
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
    out, err = _console(), _console(stderr=True)
    files, missing = expand_paths(list(paths))
    read = 0
    for path, reason in missing:
        err.print(f"warning: {path}: {reason}", markup=False)
    for path in files:
        try:
            report = outline_report(path)
        except UnreadableReport as e:
            err.print(f"warning: {e.path}: {e.reason}", markup=False)
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
