"""Issue 10: the tool tried as a hostile new user would. One test (or more) per item, named after it.

Each of these failed on the main the issue was filed against. They run the library and the
command line as a user does (files on disk, subprocesses, a pseudo-terminal, pipes), not the
search engine's internals.
"""
from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

import reportsearch
from conftest import CORPUS, ROOT, SAMPLES, on_terminal
from reportsearch.cli import main
from reportsearch.indexer import build, reports
from reportsearch.output import Format, export, to_text
from reportsearch.output.render import search_results
from reportsearch.searcher import Hit, ReportHit, SearchResult, search, tally
from reportsearch.searcher.snippets import Snippet

# C0 and C1 control characters, DEL; tab and newline are allowed in text output
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x1b[2J\x1b]8;;https://evil.example/\x07点我\x1b]8;;\x07\x9b31m\x07\r"


def _cli(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    e = dict(os.environ, NO_COLOR="1")
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "reportsearch", *args], capture_output=True, text=True,
                          timeout=timeout, env=e, **kw)


def _in_terminal(args: list[str], env: dict | None = None, columns: int = 60) -> str:
    """Run the command with stdout on a pseudo-terminal of the given width (colour allowed); its output."""
    _, out, _ = on_terminal(args, columns, {"NO_COLOR": None, **(env or {})})
    return out.decode("utf-8").replace("\r\n", "\n")


def _state(ix_dir: str) -> dict:
    return sorted((r["id"], r["hash"]) for r in reports(ix_dir))


# ------------------------------------------------------------------ 1. terminal control sequences


def _hostile_result() -> SearchResult:
    """A result as an index built from hostile text holds it: control characters in every string."""
    text = f"一是加强{HOSTILE}行政复议工作。二是{HOSTILE}做好行政应诉。"
    spans = [(m.start(), m.end()) for m in re.finditer("行政复议|行政应诉", text)]
    first_end = text.index("。") + 1
    sn = [Snippet(text[:first_end], 0, [s for s in spans if s[1] <= first_end])]
    hit = Hit(rank=1, score=1.0, report_id="r1", block_id="r1:0", path=f"/tmp/evil{HOSTILE}.txt",
              title=f"报告{HOSTILE}标题", region=f"临汾{HOSTILE}", issuer=f"政府{HOSTILE}", year=2021,
              published="2022-01-01", labels=["复议应诉"], heading=[f"一、{HOSTILE}复议"], text=text,
              matches=spans, snippets=sn, terms=["行政复议"])
    block = SearchResult(query=f"复议{HOSTILE}", by="block", total=1, blocks=[hit])
    report = SearchResult(query=f"复议{HOSTILE}", by="report", total=1,
                          reports=[ReportHit(rank=1, score=1.0, hits=[hit])])
    return block, report


@pytest.mark.parametrize("by", ["block", "report"])
def test_item1_control_characters_never_reach_any_output(by, tmp_path):
    from rich.console import Console
    result = dict(zip(("block", "report"), _hostile_result()))[by]
    for color in (False, True):
        buf = io.StringIO()
        Console(file=buf, width=200, force_terminal=color, color_system="standard" if color else None) \
            .print(search_results(result))
        out = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())  # the tool's own colours
        assert not UNSAFE.search(out), repr(out)
        assert "点我" in out and "行政复议" in out  # the text is kept, only the controls go
    for fmt in (Format.TEXT, Format.CSV, Format.MD, Format.JSONL, Format.JSON):
        out = to_text([("", result)], fmt)
        assert not UNSAFE.search(out.replace("\r\n", "\n")), (fmt, out)
    doc = json.loads(to_text([("", result)], Format.JSON))
    hits = doc["blocks"] if by == "block" else doc["reports"][0]["hits"]
    for h in hits:  # the offsets still point at the matches in the cleaned text
        assert [h["text"][a:b] for a, b in h["matches"]] == ["行政复议", "行政应诉"]
        for s in h["snippets"]:
            assert [s["text"][a:b] for a, b in s["matches"]] == ["行政复议"]
            assert h["text"][s["start"]:s["start"] + len(s["text"])] == s["text"]
    path = tmp_path / "out.xlsx"
    export([("", result)], str(path))
    wb = openpyxl.load_workbook(path, rich_text=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not UNSAFE.search(str(c.value or "")), (ws.title, c.value)


def test_item1_control_characters_in_file_names_are_shown_escaped(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLES[0], src / "good.txt")
    (src / "evil\x1b[2J\x07.txt").write_bytes(b"")  # an empty file: named in a warning
    res = _cli("index", str(src), "--index", str(tmp_path / "ix"), "-j", "1")
    assert res.returncode == 3, res.stderr
    assert not UNSAFE.search(res.stderr), repr(res.stderr)
    assert "evil\\x1b[2J\\x07.txt: empty" in res.stderr
    out = _cli("outline", str(src / "evil\x1b[2J\x07.txt"))
    assert out.returncode == 2 and not UNSAFE.search(out.stderr) and "evil\\x1b[2J\\x07.txt" in out.stderr
    missing = _cli("search", "复议", "--index", str(tmp_path / "no\x1b]8;;x\x07where"))
    assert missing.returncode == 2 and not UNSAFE.search(missing.stderr), repr(missing.stderr)


def test_item1_control_characters_in_an_index_never_reach_the_terminal(tmp_path, monkeypatch):
    """An index built before the reader stripped control characters: output is safe on its own."""
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    text = text.replace("行政复议", f"行政复议{HOSTILE}", 3).replace("临汾市人民政府关于", f"临汾市{HOSTILE}人民政府关于", 1)
    src = tmp_path / "src"
    src.mkdir()
    (src / "linfen.txt").write_text(text, encoding="utf-8")
    ixd = str(tmp_path / "ix")
    build([str(src)], ixd, jobs=1)
    for args in (["search", "行政复议"], ["search", "行政复议", "--by", "block"], ["show", "linfen"], ["stats"],
                 ["search", "行政复议", "--format", "md"], ["search", "行政复议", "--format", "text"],
                 ["search", "行政复议", "--format", "csv"], ["search", "行政复议", "--format", "jsonl"]):
        res = _cli(*args, "--index", ixd)
        assert res.returncode == 0, (args, res.stderr)
        assert not UNSAFE.search(res.stdout.replace("\r\n", "\n")), (args, repr(res.stdout[:2000]))
    term = _in_terminal(["search", "行政复议", "--index", ixd], columns=100)
    assert not UNSAFE.search(re.sub(r"\x1b\[[0-9;]*m", "", term)), repr(term[:2000])


# ------------------------------------------------------------------ 2. a missing root path


def test_item2_missing_root_path_is_an_error_and_changes_nothing(tmp_path):
    src = tmp_path / "reports"
    shutil.copytree(CORPUS, src)
    ixd = str(tmp_path / "ix")
    build([str(src)], ixd, jobs=1)
    before = _state(ixd)
    for paths in ([str(tmp_path / "reprots")], [str(src), str(tmp_path / "reprots")]):
        res = CliRunner().invoke(main, ["index", *paths, "--index", ixd])
        assert res.exit_code == 2, res.output
        assert res.output.count("\n") == 1 and res.output.startswith("error: ") and "reprots" in res.output
        assert _state(ixd) == before
    assert search("复议", index_dir=ixd).total
    with pytest.raises(reportsearch.ReportSearchError):
        build([str(tmp_path / "reprots")], ixd, jobs=1)
    assert _state(ixd) == before


def test_item2_suggested_commands_are_whole(tmp_path):
    ixd = tmp_path / "my ix"
    build([str(CORPUS)], str(ixd), jobs=1)
    (ixd / "reportsearch.json").write_text('{"schema": 99}', encoding="utf-8")
    res = CliRunner().invoke(main, ["search", "复议", "--index", str(ixd)])
    assert res.exit_code == 2
    cmd = re.search(r"`(reportsearch index [^`]*)`", res.output).group(1)
    assert f"--index '{ixd}'" in cmd and "--rebuild" in cmd, res.output
    res = CliRunner().invoke(main, ["search", "复议", "--index", str(tmp_path / "none")])
    cmd = re.search(r"`(reportsearch index [^`]*)`", res.output).group(1)
    assert f"--index {tmp_path / 'none'}" in cmd, res.output


def test_item2_a_directory_of_other_files_is_not_offered_for_a_rebuild(tmp_path):
    """--index pointing at a folder of the user's own files: the message must not suggest a rebuild
    there, since `index` refuses to write into such a folder (the suggestion led nowhere)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("hi", encoding="utf-8")
    for args in (["search", "复议"], ["stats"], ["show", "linfen"], ["indicators"]):
        res = CliRunner().invoke(main, [*args, "--index", str(folder)])
        assert res.exit_code == 2 and res.output.count("\n") == 1, (args, res.output)
        assert "--rebuild" not in res.output and "todo.txt" in res.output, (args, res.output)
        assert "choose another --index" in res.output, (args, res.output)
    assert sorted(os.listdir(folder)) == ["todo.txt"]
    # an index whose schema file alone is gone is still offered its rebuild, which then works
    ixd = tmp_path / "ix"
    build([str(CORPUS)], str(ixd), jobs=1)
    os.remove(ixd / "reportsearch.json")
    res = CliRunner().invoke(main, ["search", "复议", "--index", str(ixd)])
    assert res.exit_code == 2 and "--rebuild" in res.output, res.output
    assert CliRunner().invoke(main, ["index", str(CORPUS), "--rebuild", "--index", str(ixd)]).exit_code == 0


# ------------------------------------------------------------------ 5. deep nesting


@pytest.mark.parametrize("depth", [250, 900])
def test_item5_deep_nesting_is_the_same_query(ix, depth):
    q = "(" * depth + "复议 -应诉" + ")" * depth
    plain = search("复议 -应诉", index_dir=ix, by="block", limit=1000)
    deep = search(q, index_dir=ix, by="block", limit=1000)
    assert [h.block_id for h in deep.blocks] == [h.block_id for h in plain.blocks] and plain.total
    res = CliRunner().invoke(main, ["search", "--index", ix, "--", q])
    assert res.exit_code == 0 and res.exception is None, res.output
    nested = "(复议 OR " * 30 + "应诉" + ")" * 30  # deep, and every level means something
    assert search(nested, index_dir=ix).total == search("复议 OR 应诉", index_dir=ix).total


# ------------------------------------------------------------------ 7. unexpected exceptions


def test_item7_unexpected_exception_is_one_line_exit_2(ix, monkeypatch):
    search_module = importlib.import_module("reportsearch.searcher")

    def broken(*a, **k):
        raise RuntimeError("something no one foresaw")
    monkeypatch.setattr(search_module, "search", broken)
    res = CliRunner().invoke(main, ["search", "复议", "--index", ix])
    assert res.exit_code == 2 and isinstance(res.exception, SystemExit)
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "--debug" in res.stderr
    assert "something no one foresaw" in res.stderr and "Traceback" not in res.stderr
    for args in (["--debug", "search", "复议"], ["search", "复议", "--debug"], ["search", "--debug", "复议"]):
        res = CliRunner().invoke(main, [*args, "--index", ix])
        assert res.exit_code == 2 and "Traceback" in res.stderr and "something no one foresaw" in res.stderr, args


# ------------------------------------------------------------------ 8. another user's jieba cache


def test_item8_jieba_cache_of_another_user_is_not_a_problem(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / "jieba.cache").mkdir()  # cannot be replaced (like a file another user owns in /tmp)
    home = tmp_path / "home"
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLES[0], src / "a.txt")
    env = {"TMPDIR": str(tmp), "HOME": str(home), "XDG_CACHE_HOME": ""}
    res = _cli("index", str(src), "--index", str(tmp_path / "ix"), "-j", "1", env=env)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "cache file" not in res.stderr.lower(), res.stderr
    assert os.listdir(tmp) == ["jieba.cache"], os.listdir(tmp)  # no 9 MB temporary file left
    cached = [os.path.join(d, f) for d, _, fs in os.walk(home) for f in fs]
    assert cached and all(os.path.getsize(f) > 1_000_000 for f in cached), cached  # ours, in ~/.cache
    (home / ".cache").chmod(0o500)  # not writable either: still quiet
    shutil.rmtree(home / ".cache" / "reportsearch", ignore_errors=True)
    (src / "a.txt").write_text((src / "a.txt").read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8")
    res = _cli("index", str(src), "--index", str(tmp_path / "ix"), "-j", "1", env=env)
    (home / ".cache").chmod(0o700)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert os.listdir(tmp) == ["jieba.cache"], os.listdir(tmp)


# ------------------------------------------------------------------ 9. export permissions and symlinks


def test_item9_exports_honour_the_umask(ix, tmp_path):
    for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(umask)
        try:
            out = tmp_path / f"a{umask:o}.csv"
            res = CliRunner().invoke(main, ["search", "复议", "--index", ix, "-o", str(out)])
        finally:
            os.umask(old)
        assert res.exit_code == 0, res.output
        assert out.stat().st_mode & 0o777 == mode, (oct(umask), oct(out.stat().st_mode))


def test_item9_force_on_a_symlink_replaces_the_file_it_points_to(ix, tmp_path):
    target = tmp_path / "shared" / "answers.csv"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "answers.csv"
    link.symlink_to(target)
    res = CliRunner().invoke(main, ["search", "复议", "--index", ix, "-o", str(link), "--force"])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8-sig").startswith("query,rank")
    assert target.stat().st_mode & 0o777 == 0o640  # an overwritten file keeps its mode
    assert sorted(os.listdir(target.parent)) == ["answers.csv"]


# ------------------------------------------------------------------ 10. --by report


@pytest.mark.parametrize("q", ["法治", "政府", "执法", "复议 OR 应诉", "section:存在问题"])
@pytest.mark.parametrize("n", [1, 3, 10])
def test_item10_by_report_shows_min_n_and_matching_reports(ix, q, n):
    every = search(q, index_dir=ix, by="block", limit=10000)
    order: list[str] = []
    for h in every.blocks:  # reports in the order of their best block
        if h.report_id not in order:
            order.append(h.report_id)
    res = search(q, index_dir=ix, limit=n)
    assert [r.report_id for r in res.reports] == order[:n]
    assert len(res.reports) == min(n, len(order))
    scores = [r.score for r in res.reports]
    assert scores == sorted(scores, reverse=True)
    best = {}
    for h in every.blocks:
        best.setdefault(h.report_id, []).append(h.block_id)
    for r in res.reports:
        assert 1 <= len(r.hits) <= 3
        assert [h.block_id for h in r.hits] == best[r.report_id][:3]


# ------------------------------------------------------------------ 11. summary tables add up


@pytest.mark.parametrize("q", ["执法人员", "复议", "执法 人员", "存在问题"])
def test_item11_every_summary_table_adds_up_to_its_block_total(ix, q, tmp_path):
    t = tally(q, index_dir=ix)
    every = search(q, index_dir=ix, by="block", limit=10000)
    assert t.blocks == every.total == len(every.blocks)
    per_region = {}
    for h in every.blocks:
        per_region[h.region or ""] = per_region.get(h.region or "", 0) + 1
    tallies = [(q, t)]
    doc = json.loads(to_text([(q, every)], Format.JSON, tallies))
    total = doc["summary"]["sections"][0]["blocks"]
    assert total == t.blocks == sum(r["blocks"] for r in doc["summary"]["regions"])
    md = to_text([(q, every)], Format.MD, tallies)
    region_rows = [ln for ln in md.split("## Summary: matching blocks by region")[1].splitlines()
                   if ln.startswith("| ") and not ln.startswith("| query")]
    assert sum(int(ln.split("|")[3]) for ln in region_rows) == t.blocks
    path = tmp_path / "s.xlsx"
    export([(q, every)], str(path), tallies=tallies)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["summary"].iter_rows()]
    region_start = next(i for i, r in enumerate(rows) if r[:2] == ["query", "region"])
    assert sum(r[2] for r in rows[region_start + 1:]) == rows[1][2] == t.blocks
    assert dict(t.region_blocks) == per_region and sum(t.region_blocks.values()) == t.blocks
    from rich.console import Console

    from reportsearch.output.render import summary_tables
    buf = io.StringIO()
    Console(file=buf, width=200).print(summary_tables(tallies))
    lines = buf.getvalue().split("matching blocks by region")[1].splitlines()
    k = len(q.split()) + 1  # the blocks column, after the query's words and the region
    counts = [int(ln.split()[k]) for ln in lines if ln.strip().startswith(q) and len(ln.split()) > k]
    assert sum(counts) == t.blocks, buf.getvalue()


# ------------------------------------------------------------------ 14. wrapping


def test_item14_piped_output_is_never_wrapped(ix):
    res = _cli("search", "执法", "-n", "10", "--index", ix, env={"COLUMNS": "40"})
    assert res.returncode == 0
    every = search("执法", index_dir=ix, limit=10)
    for h in every.hits():
        for sn in h.snippets:
            assert any(sn.marked("", "") in line for line in res.stdout.splitlines()), sn.text
    assert not [ln for ln in res.stdout.splitlines() if ln.lstrip()[:1] in tuple("。，、；：）》”")]


def test_item14_piped_outline_and_stats_lines_are_whole(ix):
    """An outline tree piped to a file kept its lines cut at the terminal's width ("45 bl")."""
    res = _cli("outline", str(CORPUS / "linfen-2021.txt"), env={"COLUMNS": "40"})
    assert res.returncode == 0
    report = reportsearch.outline(str(CORPUS / "linfen-2021.txt"))
    assert f"· {len(report.blocks)} blocks" in res.stdout
    assert report.meta.title in res.stdout.splitlines()[0]
    res = _cli("stats", "--index", ix, env={"COLUMNS": "40"})
    assert res.returncode == 0 and "…" not in res.stdout


CLOSING = tuple("。，、；：！？）》」』】〕”’…")
OPENING = tuple("（《「『【〔“‘")


def test_item14_terminal_wraps_by_cjk_rules(ix):
    out = _in_terminal(["search", "执法", "-n", "10", "--index", ix], columns=41)
    out = re.sub(r"\x1b\[[0-9;]*m", "", out)  # styles are not what this test is about
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) > 20, out
    from rich.cells import cell_len
    for ln in lines:
        assert cell_len(ln) <= 41, ln
        assert not ln.lstrip().startswith(CLOSING), ln
        assert not ln.rstrip().endswith(OPENING), ln


# ------------------------------------------------------------------ 15. -word after the query


def test_item15_minus_word_is_not_term(ix):
    want = search("复议 -应诉", index_dir=ix, limit=100)
    assert want.total and want.total < search("复议", index_dir=ix).total
    for args in (["复议", "-应诉"], ["-应诉", "复议"], ["复议", "-应诉", "-n", "100"], ["复议", "-n", "100", "-应诉"]):
        res = CliRunner().invoke(main, ["search", *args, "--index", ix, "--format", "json"])
        assert res.exit_code == 0, (args, res.output)
        assert json.loads(res.stdout)["total_blocks"] == want.total, args
    bad = CliRunner().invoke(main, ["search", "复议", "--limt", "5", "--index", ix])
    assert bad.exit_code == 2 and "--limt" in bad.output and bad.output.count("\n") == 1, bad.output
    helptext = CliRunner().invoke(main, ["search", "--help"]).output
    assert "复议 -应诉" in helptext


# ------------------------------------------------------------------ 16. Python API


def test_item16_python_api_validates_arguments(ix):
    one = search("执法", index_dir=ix, sections="存在问题", limit=100, by="block")
    assert one.total and one.total == search("执法", index_dir=ix, sections=("存在问题",), limit=100).total
    assert all("存在问题" in h.labels for h in one.hits())
    assert {h.year for h in search("复议", index_dir=ix, year=2021).hits()} == {2021}
    assert tally("复议", index_dir=ix, sections="存在问题", year=2021).blocks == \
        search("复议", index_dir=ix, sections=["存在问题"], year="2021").total
    for kwargs in ({"by": "blocks"}, {"limit": "5"}, {"limit": 0}, {"limit": 2.5}, {"sections": 5},
                   {"year": 20.21}, {"region": 3}, {"by": None}):
        with pytest.raises(reportsearch.BadArgument) as e:
            search("复议", index_dir=ix, **kwargs)
        assert isinstance(e.value, reportsearch.ReportSearchError) and str(e.value)
    with pytest.raises(reportsearch.BadArgument):
        tally("复议", index_dir=ix, year=[2021])
    for name in ("ReportSearchError", "BadQuery", "BadQueryFile", "IndexMissing", "IndexLocked",
                 "IndexIncompatible", "ExportError", "UnreadableReport", "BadArgument"):
        assert issubclass(getattr(reportsearch, name), Exception) and name in reportsearch.__all__
    with pytest.raises(reportsearch.IndexMissing):
        search("复议", index_dir=str(ROOT / "no-such-index"))


# ------------------------------------------------------------------ rough edges


def test_rough_edges_plurals(ix, tmp_path):
    one = search('"府院联动" region:肇庆', index_dir=ix, limit=1)
    from rich.console import Console
    buf = io.StringIO()
    Console(file=buf, width=200).print(search_results(one))
    last = buf.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"1 report shown, \d+ matching blocks?", last) and "1 reports" not in last, last
    if one.total == 1:
        assert last.endswith("1 matching block")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLES[0], src / "a.txt")
    (src / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "i"), "-j", "1"])
    assert "1 file could not be read" in res.stderr and "1 files" not in res.stderr, res.stderr


def test_rough_edges_bare_command_prints_help():
    res = _cli()
    assert res.returncode == 0, res.stderr
    assert "Commands:" in res.stdout and "search" in res.stdout and not res.stderr.startswith("error")
    assert len(res.stdout.splitlines()) > 10


@pytest.mark.parametrize("short, full", [("问题", "存在问题"), ("计划", "下一步计划"), ("领导", "领导机制"),
                                         ("执法", "行政执法"), ("复议", "复议应诉")])
def test_rough_edges_short_section_names(ix, short, full):
    a = search("政府", index_dir=ix, sections=(short,), by="block", limit=1000)
    b = search("政府", index_dir=ix, sections=(full,), by="block", limit=1000)
    assert a.total and [h.block_id for h in a.blocks] == [h.block_id for h in b.blocks]
    assert search(f"政府 section:{short}", index_dir=ix).total == b.total
    assert CliRunner().invoke(main, ["search", "政府", "-s", short, "--index", ix]).exit_code == 0


def test_rough_edges_other_section(ix):
    other = search("政府", index_dir=ix, sections=("其他",), by="block", limit=1000)
    assert other.total and all(h.labels == [] for h in other.blocks)
    every = search("政府", index_dir=ix, by="block", limit=1000)
    assert other.total == sum(1 for h in every.blocks if not h.labels)
    assert tally("政府", index_dir=ix).sections["其他"] == other.total


def test_rough_edges_color_option_and_no_color(ix):
    piped = _cli("search", "复议", "--index", ix, "--color", "always")
    assert piped.returncode == 0 and "\x1b[" in piped.stdout
    assert "\x1b[" not in _cli("search", "复议", "--index", ix, "--color", "auto").stdout
    assert "\x1b[" not in _cli("--color", "never", "search", "复议", "--index", ix).stdout
    term = _in_terminal(["search", "复议", "--index", ix])
    assert "\x1b[" in term
    for env, args in (({"NO_COLOR": "1"}, []), ({}, ["--color", "never"])):
        term = _in_terminal(["search", "复议", "--index", ix, *args], env=env)
        assert "行政复议" in term and "\x1b[" not in term, (env, args, repr(term[:300]))  # no bold, no dim either
    bad = CliRunner().invoke(main, ["search", "复议", "--index", ix, "--color", "sometimes"])
    assert bad.exit_code == 2 and "--color" in bad.output


def test_rough_edges_output_dash_is_stdout(ix, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["search", "复议", "--index", ix, "-o", "-", "--format", "csv"])
    assert res.exit_code == 0 and res.stdout.startswith("query,rank")
    assert not os.path.exists(tmp_path / "-")
    res = CliRunner().invoke(main, ["search", "复议", "--index", ix, "-o", "-"])
    assert res.exit_code == 2 and "--format" in res.output  # no extension to go by


def test_rough_edges_run_checks_the_output_extension_first(ix, tmp_path, monkeypatch):
    qf_module = importlib.import_module("reportsearch.queryfile")  # loaded lazily: maybe not yet
    q = tmp_path / "q.toml"
    q.write_text('[[query]]\nname = "a"\nquery = "复议"\n', encoding="utf-8")

    def no_queries(*a, **k):
        raise AssertionError("a query ran")
    monkeypatch.setattr(qf_module, "search", no_queries)
    monkeypatch.setattr(qf_module, "tally", no_queries)
    res = CliRunner().invoke(main, ["run", str(q), "--index", ix, "-o", str(tmp_path / "x.xyz")])
    assert res.exit_code == 2 and "cannot tell the format" in res.output, res.output
    assert not (tmp_path / "x.xyz").exists()


def test_rough_edges_lowercase_and_or(ix):
    assert search("复议 or 应诉", index_dir=ix).total == search("复议 OR 应诉", index_dir=ix).total
    assert search("复议 and 应诉", index_dir=ix).total == search("复议 应诉", index_dir=ix).total
    assert search("复议 not 应诉", index_dir=ix).total == search("复议 -应诉", index_dir=ix).total


def _readme_commands(heading: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split(heading, 1)[1].split("\n## ", 1)[0]
    block = part.split("```sh\n", 1)[1].split("```", 1)[0]
    return [ln.split("  #")[0].strip() for ln in block.splitlines() if ln.startswith("reportsearch search")]


def test_rough_edges_readme_search_examples_find_something(ix, tmp_path):
    import shlex
    cmds = _readme_commands("## Searching")
    assert len(cmds) >= 5 and any("region:" in c for c in cmds)
    for c in cmds:
        args = shlex.split(c)[1:]
        if "-o" in args:
            args[args.index("-o") + 1] = str(tmp_path / os.path.basename(args[args.index("-o") + 1]))
        res = CliRunner().invoke(main, [*args, "--index", ix])
        assert res.exit_code == 0, (c, res.output)


def test_api_functions_are_not_shadowed_by_their_modules():
    """`reportsearch.search` and `reportsearch.outline` are the documented functions, also after
    something imported the submodules of the same name (the package loads them lazily)."""
    code = ("import reportsearch.searcher.engine, reportsearch.report.pipeline, reportsearch.indexer.sync, reportsearch\n"
            "from reportsearch.searcher import tally\n"
            "print(callable(reportsearch.search), callable(reportsearch.outline), callable(reportsearch.tally), callable(reportsearch.index))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["True", "True", "True", "True"]


def test_item14_a_closed_pipe_is_a_quiet_exit_0_in_every_format(ix, tmp_path):
    """`reportsearch … | head` where head has already gone: rich's console ended the run with
    exit 1 ("no hits") on its own, which a script reads as an empty answer."""
    q = tmp_path / "q.toml"
    q.write_text('[[query]]\nname = "a"\nquery = "改革"\n[[query]]\nname = "b"\nquery = "执法 人员"\n',
                 encoding="utf-8")
    sample = str(CORPUS / "linfen-2021.txt")
    got = {}
    for args in (["search", "改革", "-n", "50"], ["search", "改革", "--format", "jsonl"], ["stats"],
                 ["show", "linfen"], ["run", str(q)], ["outline", sample]):
        if args[0] != "outline":
            args = [*args, "--index", ix]
        r, w = os.pipe()
        os.close(r)  # the reader is gone before the first line is written
        proc = subprocess.run([sys.executable, "-m", "reportsearch", *args], stdout=w, stderr=subprocess.PIPE,
                              text=True, timeout=120, env=dict(os.environ, NO_COLOR="1"))
        os.close(w)
        got[" ".join(args[:3])] = (proc.returncode, proc.stderr)
    assert got == {k: (0, "") for k in got}


@pytest.mark.parametrize("how", ["python -m reportsearch", "the reportsearch command"])
def test_item7_ctrl_c_while_the_cli_imports_is_one_line_exit_130(how):
    """Ctrl-C in the first fifth of a second, while click, rich and Whoosh import, printed a
    traceback: the imports ran before main's handler. A hook stands in for the keypress: the
    import of click raises KeyboardInterrupt, as the signal would."""
    start = ("runpy.run_module('reportsearch', run_name='__main__', alter_sys=True)" if how.startswith("python")
             else "from importlib.metadata import entry_points\n"
                  "entry_points(group='console_scripts', name='reportsearch')['reportsearch'].load()()")
    code = ("import builtins, runpy, sys\n"
            "real = builtins.__import__\n"
            "def interrupted(name, *a, **k):\n"
            "    if name == 'click':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = interrupted\n"
            "sys.argv = ['reportsearch', 'stats']\n" + start + "\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (res.returncode, res.stderr) == (130, "interrupted\n")
