"""Commands that read reports and the index itself: outline, index, show, stats."""
from __future__ import annotations

import json
import sys

import click

from ..errors import UnreadableReport
from ..output import render
from .app import Exit, OcrBar, cluster_option, console, index_option, main, say, time_limit_option


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per report (JSON Lines).")
@click.option("--why", is_flag=True,
              help="Show for each block its part of the report and the cues behind its labels.")
@time_limit_option
def outline(paths: tuple[str, ...], as_json: bool, why: bool, time_limit: float) -> None:
    """Show reports as outlines: metadata, headings, section-labelled blocks.

    \b
    Example:
      reportsearch outline corpus/linfen-2021.txt
      reportsearch outline corpus/linfen-2021.txt --why
      reportsearch outline corpus/*.txt --json > outline.jsonl
    """
    from ..read import budget, display_path, expand_paths, ocr_reporting
    from ..report import outline as outline_report

    out, err = console(), console(stderr=True)
    files, missing = expand_paths(list(paths))
    read = 0
    for path, reason in missing:
        say(f"warning: {display_path(path)}: {reason}")
    for path in files:
        bar = OcrBar(err)
        try:
            with ocr_reporting(bar), budget.per_file(time_limit):
                report = outline_report(path)
        except UnreadableReport as e:
            say(f"warning: {display_path(e.path)}: {e.reason}")
            continue
        finally:
            bar.close()
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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Start the index afresh instead of updating it.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--wait", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds to wait for another index run to release the lock.")
@click.option("--commit-every", type=click.IntRange(1), default=500, show_default=True,
              help="Commit after this many files (an interrupted run keeps what it committed).")
@click.option("--shards", type=click.IntRange(1, 999), default=None, help="Write a sharded index of N shards.")
@cluster_option
@time_limit_option
def index(paths: tuple[str, ...], index_dir: str | None, rebuild: bool, jobs: int | None, wait: float,
          commit_every: int, shards: int | None, cluster: str | None, time_limit: float) -> None:
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

    from ..indexer import build, default_index_dir
    from ..read import budget, ocr_reporting

    err = console(stderr=True)
    index_dir = index_dir or default_index_dir()
    with budget.per_file(time_limit), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("indexing", total=None)
        pages = bar.add_task("OCR, pages", total=None, visible=False)  # a scan read in this process

        def ocr_pages(done: int, total: int) -> None:
            bar.update(pages, completed=done, total=total, visible=done < total)
        with ocr_reporting(ocr_pages):
            summary = build(list(paths) or ["corpus"], index_dir, rebuild=rebuild, jobs=jobs, wait=wait,
                            shards=shards, cluster=cluster, batch=commit_every,
                            progress=lambda done, total: bar.update(task, completed=done, total=total))
    console().print(render.index_summary(summary, index_dir), soft_wrap=True)  # the result: stdout
    err.print(render.index_warnings(summary), soft_wrap=True)
    if summary.failed:
        sys.exit(Exit.WARNINGS)


@main.command()
@click.argument("report")
@index_option
@click.option("-s", "--section", default=None, help="Only this section's blocks.")
def show(report: str, index_dir, section) -> None:
    """Print a report (or one section of it) from the index, with its structure.

    REPORT is a path, a report id, or a unique part of a path or title.

    \b
    Example:
      reportsearch show corpus/linfen-2021.txt --section 存在问题
    """
    from ..searcher import report_blocks

    console().print(render.report_view(report_blocks(report, index_dir, section)))


@main.command()
@index_option
def stats(index_dir) -> None:
    """What the index holds: reports by year and region, blocks by section.

    \b
    Example:
      reportsearch stats
    """
    from ..searcher import index_stats

    console().print(render.stats_tables(index_stats(index_dir)))
