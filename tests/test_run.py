"""Saved query files and export: validation with line numbers, each format read back, safety."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import ROOT
from reportsearch import load_queries, tally
from reportsearch.cli import main
from reportsearch.errors import BadQueryFile
from reportsearch.indexer import build
from reportsearch.output import Format, export
from reportsearch.queryfile import loads
from reportsearch.searcher import search

QUERIES = """\
#!/usr/bin/env -S reportsearch run
[defaults]
limit = 5

[[query]]
name = "执法人员素质"
query = "执法 人员 素质"
section = "存在问题"

[[query]]
name = "复议"
query = '"行政复议" -应诉'
year = "2019-2023"
by = "block"
"""


@pytest.fixture
def qfile(tmp_path):
    p = tmp_path / "q.toml"
    p.write_text(QUERIES, encoding="utf-8")
    return p


def _run(args, ix):
    return CliRunner().invoke(main, [*args, "--index", ix])


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("text, line, words", [
    ('[[query]]\nname = "a"\nquery = "复议"\nsectoin = "存在问题"\n', 4, ["unknown key 'sectoin'", "did you mean 'section'"]),
    ('[[query]]\nname = "a"\nquery = "复议"\nlimit = "ten"\n', 4, ["'limit' must be a whole number", "str"]),
    ('[[query]]\nname = "a"\nquery = "复议"\nlimit = 0\n', 4, ["'limit'"]),
    ('[[query]]\nname = "a"\n\nquery = "(复议"\n', 4, ["query 'a'", "unbalanced ("]),
    ('[[query]]\nname = "a"\nquery = "复议"\nsection = "问题们"\n', 4, ["unknown section '问题们'"]),
    ('[[query]]\nname = "a"\nquery = "复议"\nyear = "2023-2019"\n', 4, ["runs backwards"]),
    ('[[query]]\nname = "a"\nquery = "复议"\nby = "city"\n', 4, ["'by' must be"]),
    ('[defaults]\nlimt = 3\n[[query]]\nname = "a"\nquery = "复议"\n', 2, ["[defaults]", "did you mean 'limit'"]),
    ('[[query]]\nname = "a"\nquery = "复议"\n[[query]]\nname = "a"\nquery = "应诉"\n', 4, ["used twice"]),
    ('[[query]]\nname = "a"\nquery = 复议\n', 3, ["q.toml:3:"]),  # TOML syntax: the decoder's line
    ('title = "x"\n[[query]]\nname = "a"\nquery = "复议"\n', 1, ["unknown top-level key 'title'"]),
    ('[defaults]\nlimit = 3\n', 1, ["no queries"]),
])
def test_validation_names_file_query_and_line(text, line, words):
    with pytest.raises(BadQueryFile) as e:
        loads(text, "q.toml")
    msg = str(e.value)
    assert msg.startswith(f"q.toml:{line}:"), msg
    for w in words:
        assert w in msg


def test_every_problem_is_reported_before_anything_runs(tmp_path, ix):
    p = tmp_path / "bad.toml"
    p.write_text('[[query]]\nname = "ok"\nquery = "复议"\n\n[[query]]\nname = "x"\nquery = "复议"\n'
                 'limit = true\nfoo = 1\n', encoding="utf-8")
    res = _run(["run", str(p)], ix)
    assert res.exit_code == 2
    errors = [ln for ln in res.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2 and all(f"{p}:" in ln and "query 'x'" in ln for ln in errors), res.output
    assert "Traceback" not in res.output and "执法" not in res.output


def test_defaults_apply_and_queries_override():
    qf = loads('[defaults]\nsection = ["存在问题", "plans"]\nlimit = 3\nyear = 2021\n'
               '[[query]]\nname = "a"\nquery = "复议"\n[[query]]\nquery = "应诉"\nlimit = 7\n')
    a, b = qf.queries
    assert (a.sections, a.limit, a.year, a.line) == (("存在问题", "plans"), 3, "2021", 5)
    assert (b.name, b.limit, b.year) == ("应诉", 7, "2021")


# ------------------------------------------------------------------ running


def test_run_matches_search_and_summarises_every_matching_block(qfile, ix):
    qf = load_queries(str(qfile))
    results = list(qf.run(ix))
    assert [q.name for q, _ in results] == ["执法人员素质", "复议"]
    q0, r0 = results[0]
    direct = search("执法 人员 素质", index_dir=ix, sections=("存在问题",), limit=5)
    assert [h.block_id for h in r0.hits()] == [h.block_id for h in direct.hits()]
    assert r0.hits() and all("存在问题" in h.labels for h in r0.hits())
    t = tally("执法 人员", index_dir=ix)
    every = search("执法 人员", index_dir=ix, limit=1000, by="block")
    assert t.blocks == every.total == len(every.blocks)
    for label in ("行政执法", "存在问题"):
        assert t.sections[label] == sum(label in h.labels for h in every.blocks)
    assert sum(t.region_blocks.values()) == t.blocks  # blocks, not labels (a block may have two)
    assert set(t.regions) == {h.region or "" for h in every.blocks}


def test_run_cli_prints_answers_then_both_summaries(qfile, ix):
    res = _run(["run", str(qfile)], ix)
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.index("执法人员素质") < out.index("复议") < out.index("matching blocks by section")
    assert "matching blocks by region and section" in out and "临汾市" in out


def test_run_with_no_hits_exits_1(tmp_path, ix):
    p = tmp_path / "none.toml"
    p.write_text('[[query]]\nname = "none"\nquery = "量子计算机"\n', encoding="utf-8")
    assert _run(["run", str(p)], ix).exit_code == 1


def test_index_key_is_relative_to_the_query_file(tmp_path, ix):
    shutil.copytree(ix, tmp_path / "idx")
    sub = tmp_path / "queries"
    sub.mkdir()
    (sub / "q.toml").write_text('index = "../idx"\n[[query]]\nname = "a"\nquery = "复议"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(sub / "q.toml")])  # no --index: the file's own
    assert res.exit_code == 0, res.output


def test_shebang_query_file_runs_by_itself(qfile, ix, tmp_path):
    qfile.chmod(qfile.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
               REPORTSEARCH_INDEX=ix)
    if not shutil.which("reportsearch", path=env["PATH"]):
        pytest.skip("the reportsearch command is not installed (pip install -e .)")
    out = tmp_path / "out.md"
    p = subprocess.run([str(qfile), "-o", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert out.read_text(encoding="utf-8").startswith("## 执法人员素质")


def test_bundled_examples_are_valid():
    qf = load_queries(str(ROOT / "examples" / "enforcement.toml"))
    assert len(qf.queries) >= 3
    assert os.access(ROOT / "examples" / "enforcement.toml", os.X_OK)
    compile(open(ROOT / "examples" / "enforcement.py", encoding="utf-8").read(), "enforcement.py", "exec")


def test_python_example_runs(ix):
    env = dict(os.environ, REPORTSEARCH_INDEX=ix)
    p = subprocess.run([sys.executable, str(ROOT / "examples" / "enforcement.py")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "== 执法人员素质（问题）" in p.stdout and "【" in p.stdout


# ------------------------------------------------------------------ export formats


def _results(ix, qfile):
    qf = load_queries(str(qfile))
    results = [(q.name, r) for q, r in qf.run(ix)]
    tallies = [(q.name, q.tally(ix)) for q in qf.queries]
    return results, tallies


def test_xlsx_has_a_sheet_per_query_rich_matches_and_a_summary(qfile, ix, tmp_path):
    out = tmp_path / "a.xlsx"
    assert _run(["run", str(qfile), "-o", str(out)], ix).exit_code == 0
    wb = openpyxl.load_workbook(out, rich_text=True)
    assert wb.sheetnames == ["summary", "执法人员素质", "复议"]
    ws = wb["执法人员素质"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["query", "rank", "score", "title"] and ws.freeze_panes == "A2"
    snippet = ws.cell(row=2, column=header.index("snippet") + 1).value
    bold = [b for b in snippet if not isinstance(b, str) and b.font.b]
    assert bold and all(str(b).startswith("【") for b in bold)
    assert ws.column_dimensions["K"].width > ws.column_dimensions["B"].width  # snippet wider than rank
    results, _ = _results(ix, qfile)
    assert ws.max_row - 1 == sum(len(h.snippets) for h in results[0][1].hits())
    summary = [[c.value for c in row] for row in wb["summary"].iter_rows()]
    assert summary[0][:3] == ["query", "reports", "blocks"]
    assert summary[1][0] == "执法人员素质" and summary[1][2] >= 1
    assert ["query", "region", "blocks"] == summary[4][:3]


def test_csv_has_a_bom_and_reads_back(qfile, ix, tmp_path):
    out = tmp_path / "a.csv"
    assert _run(["run", str(qfile), "-o", str(out)], ix).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["query"] for r in rows} == {"执法人员素质", "复议"}
    assert all("【" in r["snippet"] for r in rows)


def test_json_carries_offsets_and_the_summary(qfile, ix, tmp_path):
    out = tmp_path / "a.json"
    assert _run(["run", str(qfile), "-o", str(out)], ix).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [q["name"] for q in doc["queries"]] == ["执法人员素质", "复议"]
    hit = doc["queries"][1]["blocks"][0]
    assert all(hit["text"][a:b] == "行政复议" for a, b in hit["matches"])
    assert doc["summary"]["sections"][1]["query"] == "复议"


def test_markdown_groups_by_query_and_ends_with_the_summary(qfile, ix, tmp_path):
    out = tmp_path / "a.md"
    assert _run(["run", str(qfile), "-o", str(out)], ix).exit_code == 0
    md = out.read_text(encoding="utf-8")
    assert md.index("## 执法人员素质") < md.index("## 复议") < md.index("## Summary")
    assert "**行政复议**" in md and "| query | reports | blocks |" in md


def test_same_input_same_output(qfile, ix, tmp_path):
    for ext in ("csv", "json", "jsonl", "md"):
        a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
        _run(["run", str(qfile), "-o", str(a)], ix)
        _run(["run", str(qfile), "-o", str(b)], ix)
        assert a.read_bytes() == b.read_bytes(), ext
    _run(["run", str(qfile), "-o", str(tmp_path / "a.xlsx")], ix)
    _run(["run", str(qfile), "-o", str(tmp_path / "b.xlsx")], ix)
    cells = [[[c.value for c in r] for ws in openpyxl.load_workbook(tmp_path / f"{n}.xlsx") for r in ws.iter_rows()]
             for n in "ab"]
    assert cells[0] == cells[1]


# ------------------------------------------------------------------ safety


def test_formulas_are_neutralised_in_csv_and_xlsx(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(
        "=HYPERLINK(\"http://x\",\"点我\")关于某市2021年度法治政府建设情况的报告\n\n"
        "一、存在问题\n=1+1 行政执法人员素质有待提高。\n@SUM(A1) 行政执法人员数量不足。\n", encoding="utf-8")
    build([str(corpus)], str(tmp_path / "i"), jobs=1)
    res = search("执法人员", index_dir=str(tmp_path / "i"), by="block")
    assert res.total
    export([("=cmd", res)], str(tmp_path / "h.csv"))
    export([("=cmd", res)], str(tmp_path / "h.xlsx"))
    text = (tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), row
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", c.value
                assert not (isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))), c.value


def test_existing_output_is_kept_without_force(qfile, ix, tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("precious", encoding="utf-8")
    res = _run(["run", str(qfile), "-o", str(out)], ix)
    assert res.exit_code == 2 and "--force" in res.output
    assert out.read_text(encoding="utf-8") == "precious"
    assert _run(["run", str(qfile), "-o", str(out), "--force"], ix).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_xlsx_to_stdout_is_a_workbook_when_piped(ix):
    """Not a terminal (a pipe, a file): the workbook's bytes. On a terminal, a clear error
    (tests/test_correct.py, test_item11_binary_formats_go_to_a_pipe_but_never_to_a_terminal)."""
    res = _run(["search", "复议", "--format", "xlsx"], ix)
    assert res.exit_code == 0 and res.stdout_bytes.startswith(b"PK")
    assert openpyxl.load_workbook(io.BytesIO(res.stdout_bytes)).sheetnames[0] == "summary"


def test_format_from_extension():
    assert Format.from_path("x.XLSX") == Format.XLSX
    assert Format.from_path("x.markdown") == Format.MD
