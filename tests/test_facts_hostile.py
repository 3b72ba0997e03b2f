"""What a hostile-user pass found in the commands that draw facts across reports (indicators, compare,
recurring) and in writing their output; each test failed before its fix."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

import reportsearch
from conftest import CORPUS
from reportsearch.cli import main
from reportsearch.indexer import build
from reportsearch.output import safe


def _markup_report(tmp_path):
    """A report whose front matter carries rich markup: a link and blinking text."""
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    path = tmp_path / "fm.md"
    path.write_text('---\ntitle: "[link=https://evil.example/x]报告[/link]"\nregion: "[blink]某地[/blink]"\n---\n' + text,
                    encoding="utf-8")
    return path


def test_report_text_in_the_indicator_table_is_never_markup(tmp_path):
    res = CliRunner().invoke(main, ["--color", "always", "indicators", str(_markup_report(tmp_path))])
    assert res.exit_code == 0, res.output
    assert "\x1b[5m" not in res.stdout and "\x1b]8;" not in res.stdout  # no blink, no hyperlink
    assert "[blink]某地[/blink]" in res.stdout


@pytest.mark.parametrize("kind", ["fifo", "symlink to a fifo"])
def test_force_writes_into_a_fifo_and_never_replaces_it(ix, tmp_path, kind):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = fifo
    if kind != "fifo":
        target = tmp_path / "link"
        target.symlink_to(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    res = CliRunner().invoke(main, ["indicators", "--index", ix, "-o", str(target), "--format", "csv", "--force"])
    got = reader.communicate(timeout=60)[0]
    assert res.exit_code == 0, res.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a fifo: the data went into it
    assert "复议纠错率" in got.decode("utf-8-sig")


def test_recurring_workbooks_take_file_names_that_are_not_utf8(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    later = text.replace("2021年度", "2022年度")
    os.makedirs(os.fsencode(d), exist_ok=True)
    with open(os.path.join(os.fsencode(d), b"bad\xff2021.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(os.fsencode(d), b"x\x1b[31m2022.txt"), "w", encoding="utf-8") as f:
        f.write(later + "\n另外一段不同的文字。" * 50)
    ix = str(tmp_path / "ix")
    build([str(d)], ix, jobs=1)
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(main, ["recurring", "--index", ix, "-o", str(out)])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in (0, 1) and "unexpected" not in res.stderr, res.stderr
    assert out.exists()
    wb = openpyxl.load_workbook(out)
    cells = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any("\\xff" in c for c in cells) and not any("\x1b" in c for c in cells)
    # the text formats too: the duplicate line names the files as people read them, never raw bytes
    for args in (["-o", str(tmp_path / "r.md")], ["--format", "md"], ["--format", "csv"], ["--format", "text"]):
        res = CliRunner().invoke(main, ["recurring", "--index", ix, *args])
        assert res.exception is None or isinstance(res.exception, SystemExit), (args, repr(res.exception))
        assert res.exit_code in (0, 1) and "unexpected" not in res.stderr, (args, res.stderr)
        written = (tmp_path / "r.md").read_text(encoding="utf-8") if args[0] == "-o" else res.stdout
        assert "\x1b" not in written and "\udcff" not in written, (args, written)


def test_table_names_with_control_characters_make_a_workbook(ix, tmp_path):
    qf = tmp_path / "q.toml"
    qf.write_text('[[indicators]]\nname = "\\u001b[31mx"\n\n[[compare]]\nname = "a\\u0007b"\nquery = "复议"\n',
                  encoding="utf-8")
    out = tmp_path / "q.xlsx"
    res = CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    names = openpyxl.load_workbook(out).sheetnames
    assert not any(ch in n for n in names for ch in "\x1b\x07")


def test_long_and_wide_table_names_keep_their_sheets_apart(ix, tmp_path):
    qf = tmp_path / "q.toml"
    qf.write_text('[[indicators]]\nname = "二〇二一年至二〇二三年各地法治政府建设年度报告中的复议数字"\n'
                  '[[compare]]\nname = "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"\nquery = "复议"\n', encoding="utf-8")
    out = tmp_path / "q.xlsx"
    assert CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", str(out)]).exit_code == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 for n in names)  # Excel counts UTF-16 units
    assert any(n.endswith("复议纠错率") for n in names) and any(n.endswith("table") for n in names)
    assert any(n.endswith("cells") for n in names)


def test_text_output_guards_formula_cells(tmp_path):
    d = tmp_path / "f"
    d.mkdir()
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    (d / "f.md").write_text('---\ntitle: "=HYPERLINK(\\"http://evil\\",\\"x\\")"\n---\n' + text, encoding="utf-8")
    res = CliRunner().invoke(main, ["indicators", str(d), "--format", "text"])
    assert "HYPERLINK" in res.stdout
    assert res.exit_code == 0
    for line in res.stdout.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split("\t")), line


def test_warnings_go_to_stderr_in_the_terminal_view_too(tmp_path):
    res = CliRunner().invoke(main, ["indicators", str(tmp_path / "missing.txt"), str(CORPUS / "linfen-2021.txt")])
    assert res.exit_code == 3
    assert "missing.txt" in res.stderr and "missing.txt" not in res.stdout


def test_a_duplicate_file_note_goes_to_stderr(tmp_path):
    d = tmp_path / "c"
    shutil.copytree(CORPUS, d)
    shutil.copy(CORPUS / "ruian-2019.txt", d / "ruian-copy.txt")
    ix = str(tmp_path / "ix")
    build([str(d)], ix, jobs=1)
    res = CliRunner().invoke(main, ["recurring", "--index", ix])
    assert "holds the same report" in res.stderr and "holds the same report" not in res.stdout


@pytest.mark.parametrize("name, shown", [(os.fsdecode(b"bad\xff\x9b2J.txt"), "bad\\xff\\x9b2J.txt"),
                                         ("a\u202etxt.exe", "a\\u202etxt.exe")])
def test_names_never_reach_the_terminal_raw(name, shown):
    assert safe.name(name) == shown


def test_markdown_rates_have_no_stray_backslash(ix):
    md = CliRunner().invoke(main, ["indicators", "--index", ix, "--format", "md", "-o", "-"]).stdout
    assert "25.4%" in md and "\\25.4" not in md


def test_full_disk_on_stdout_is_one_line_not_a_bug_report(ix):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        res = subprocess.run([sys.executable, "-m", "reportsearch", "indicators", "--index", ix, "--json"],
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "unexpected" not in res.stderr and "full" in res.stderr, res.stderr


def test_compare_markdown_without_hits_is_no_broken_table(ix):
    res = CliRunner().invoke(main, ["compare", "不存在的词语组合", "--index", ix, "--format", "md", "-o", "-"])
    assert res.exit_code == 1 and "No matches" in res.stdout and "|---|---:|" not in res.stdout


@pytest.mark.parametrize("cmd", [["search", "复议"], ["compare", "复议"], ["indicators"], ["recurring"]])
def test_an_empty_region_is_an_error_not_every_region(ix, cmd):
    res = CliRunner().invoke(main, [*cmd, "--index", ix, "--region", ""])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "region" in res.stderr
    assert "region:临汾" not in res.stderr  # the option's message, not the query syntax's


def test_a_query_file_reports_a_comparisons_bad_query_beside_its_other_mistakes():
    with pytest.raises(reportsearch.BadQueryFile) as e:
        reportsearch.queryfile.loads('[[compare]]\nname = "c"\nquery = "(复议"\nrows = "county"\nquotes = 1\n',
                                     "q.toml")
    msg = str(e.value)
    assert "'rows'" in msg and "'quotes'" in msg and "unbalanced (" in msg


def test_compare_json_and_csv_name_unknown_places_and_their_rows(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    (d / "plain.txt").write_text("一、工作情况\n\n全年行政复议工作稳步推进。办理行政复议案件若干。\n\n二、存在问题\n\n"
                                 "行政复议队伍建设仍有不足。\n", encoding="utf-8")
    ix = str(tmp_path / "ix")
    build([str(d)], ix, jobs=1)
    cells = [json.loads(x) for x in CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--json"]).stdout
             .splitlines()]
    assert cells and all(c["region"] is None for c in cells)
    csv_text = CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--rows", "issuer", "--format", "csv",
                                         "-o", "-"]).stdout
    assert csv_text.lstrip("\ufeff").startswith("issuer,year,")


def test_reports_of_one_place_and_year_are_told_apart_in_the_table(tmp_path):
    d = tmp_path / "c"
    d.mkdir()
    for name in ("linfen-a.txt", "linfen-b.txt"):
        shutil.copy(CORPUS / "linfen-2021.txt", d / name)
    res = CliRunner().invoke(main, ["indicators", str(d)])
    assert res.exit_code == 0 and "linfen-a.txt" in res.stdout and "linfen-b.txt" in res.stdout
