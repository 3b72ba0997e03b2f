"""`reportsearch compare` and `reportsearch recurring`: tables of places × years that add up to the
search, recurring problems of a body across years, duplicate files, formats and bad input."""
from __future__ import annotations

import csv
import io
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

import reportsearch
from conftest import CORPUS
from reportsearch.cli import main
from reportsearch.indexer import build


@pytest.fixture(scope="module")
def years_ix(tmp_path_factory):
    """The samples, Linfen's report again a year later (its problems restated in other words here and
    there), and a copy of Ruian's report under another name (one report in two files)."""
    d = tmp_path_factory.mktemp("years")
    corpus = d / "corpus"
    shutil.copytree(CORPUS, corpus)
    lines = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, x in enumerate(lines) if x.strip().startswith("一、"))
    problems = next(i for i, x in enumerate(lines) if "在取得成绩的同时" in x)
    other = (CORPUS / "zaozhuang-2021.txt").read_text(encoding="utf-8").splitlines()
    other_start = next(i for i, x in enumerate(other) if x.strip().startswith("一、"))
    other_end = next(i for i, x in enumerate(other) if x.strip().startswith("三、"))
    # a year later: new work to report (another body's words, with this body's name), the same problems
    body = [x.replace("枣庄", "临汾") for x in other[other_start:other_end]]
    later = lines[:start] + body + [lines[problems].replace("有待进一步压实", "仍需进一步压实")] + lines[problems + 1:]
    later = [x.replace("2021年度", "2022年度").replace("2022-02-14", "2023-02-10") for x in later]
    (corpus / "linfen-2022.txt").write_text("\n".join(later), encoding="utf-8")
    shutil.copy(CORPUS / "ruian-2019.txt", corpus / "ruian-2019-copy.txt")
    build([str(corpus)], str(d / "ix"), jobs=1)
    return str(d / "ix")


def _lines(output: str) -> list[dict]:
    return [json.loads(x) for x in output.splitlines() if x.strip()]


@pytest.mark.parametrize("q, kwargs", [("复议", {}), ("执法", {"sections": ("存在问题",)}), ("法治", {"year": "2021"}),
                                       ("复议 OR 应诉", {"region": "临汾"})])
@pytest.mark.parametrize("rows", ["region", "issuer", "level"])
def test_cells_add_up_to_the_search_count(ix, q, kwargs, rows):
    result = reportsearch.compare(q, index_dir=ix, rows=rows, **kwargs)
    total = reportsearch.search(q, index_dir=ix, by="block", **kwargs).total
    assert result.total == total == sum(c.blocks for c in result.cells.values())
    assert sum(t.blocks for t in result.row_totals.values()) == total
    assert sum(t.blocks for t in result.col_totals.values()) == total
    reports = {h.report_id for h in reportsearch.search(q, index_dir=ix, by="block", limit=10000, **kwargs).hits()}
    assert result.reports == len(reports)


def test_json_lines_one_object_per_cell_with_its_best_sentence(ix):
    res = CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--json", "--quotes"])
    assert res.exit_code == 0, res.output
    cells = _lines(res.stdout)
    assert cells and all(set(c) >= {"region", "year", "blocks", "reports", "quotes"} for c in cells)
    assert sum(c["blocks"] for c in cells) == reportsearch.search("复议", index_dir=ix, by="block").total
    assert all("复议" in c["quotes"][0]["text"] for c in cells)
    issuers = _lines(CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--rows", "issuer", "--json"]).stdout)
    assert all("issuer" in c for c in issuers)


def test_the_terminal_table_has_totals_and_quotes(ix):
    res = CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--quotes"])
    assert res.exit_code == 0
    assert "total" in res.stdout and "临汾市 2021:" in res.stdout and "3·1/1" in res.stdout


def test_shares_count_the_places_reports_that_year(years_ix):
    result = reportsearch.compare("法治政府", index_dir=years_ix, region="临汾")
    assert {col: (c.reports, c.of) for (row, col), c in result.cells.items()} == {2021: (1, 1), 2022: (1, 1)}
    narrow = reportsearch.compare("临汾市行政复议体制改革实施方案", index_dir=years_ix)
    assert all(c.share == 1.0 for c in narrow.cells.values())


def test_csv_markdown_and_xlsx(ix, tmp_path):
    out = tmp_path / "c.csv"
    assert CliRunner().invoke(main, ["compare", "复议", "--index", ix, "-o", str(out), "--quotes"]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert sum(int(r["blocks"]) for r in rows) == 9 and all(r["quote"] for r in rows)
    md = CliRunner().invoke(main, ["compare", "复议", "--index", ix, "-o", "-", "--format", "md", "--quotes"]).stdout
    assert "| total |" in md and "Best sentence" in md
    plain = CliRunner().invoke(main, ["compare", "复议", "--index", ix, "--json"]).stdout
    assert all(json.loads(x)["quotes"] == [] for x in plain.splitlines())  # quotes cost a read each: asked for
    book = tmp_path / "c.xlsx"
    assert CliRunner().invoke(main, ["compare", "复议", "--index", ix, "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["table", "cells"]
    table = wb["table"]
    assert [c.value for c in table[1]][0] == "region" and [c.value for c in table[table.max_row]][0] == "total"
    assert table.conditional_formatting and len(table._charts) == 1


@pytest.mark.parametrize("args, code, words", [
    (["复议", "--rows", "county"], 2, "--rows"),
    (["复议", "--year", "2023-2019"], 2, "backwards"),
    (["不存在的词语组合"], 1, "0 matching blocks"),
])
def test_bad_input_and_no_hits(ix, args, code, words):
    res = CliRunner().invoke(main, ["compare", *args, "--index", ix])
    assert res.exit_code == code
    assert words in (res.stderr if code == 2 else res.stdout)
    if code == 2:
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_an_empty_or_missing_index_is_one_line(tmp_path):
    for cmd in (["compare", "复议"], ["recurring"]):
        res = CliRunner().invoke(main, [*cmd, "--index", str(tmp_path / "none")])
        assert res.exit_code == 2 and res.stderr.startswith("error: no index") and res.stderr.count("\n") == 1


def test_recurring_pairs_a_later_reports_problems_with_the_earlier_ones(years_ix):
    found = reportsearch.recurring(index_dir=years_ix, region="临汾")
    assert found.pairs and {(p.earlier.year, p.later.year) for p in found.pairs} == {(2021, 2022)}
    problems = {b.text for b in reportsearch.outline(str(CORPUS / "linfen-2021.txt")).blocks
                if "存在问题" in [s.value for s in b.labels]}
    assert all(any(p.earlier.quote in t for t in problems) for p in found.pairs)
    (summary,) = [s for s in found.summaries if s.year == 2022]
    assert summary.in_previous == summary.problems > 0
    assert f"{summary.problems} of {summary.problems} problems admitted in 2022" in summary.text()


def test_recurring_json_lines_and_the_duplicate_said_once(years_ix):
    res = CliRunner().invoke(main, ["recurring", "--index", years_ix, "--json"])
    assert res.exit_code == 0, res.output
    pairs = _lines(res.stdout)
    assert pairs and all(set(p) >= {"region", "issuer", "similarity", "earlier", "later"} for p in pairs)
    assert all(set(p["earlier"]) >= {"year", "path", "block", "quote"} for p in pairs)
    assert all(":" in p["later"]["block"] for p in pairs)  # report id:block, as search names blocks
    assert not any("ruian" in p["later"]["path"] for p in pairs)  # the copy is no recurrence
    assert res.stderr.count("holds the same report") == 1 and "ruian-2019" in res.stderr
    terminal = CliRunner().invoke(main, ["recurring", "--index", years_ix])
    assert "were already admitted in 2021" in terminal.stdout and terminal.stderr.count("holds the same report") == 1


def test_recurring_formats_and_no_pairs(years_ix, ix, tmp_path):
    book = tmp_path / "r.xlsx"
    assert CliRunner().invoke(main, ["recurring", "--index", years_ix, "-o", str(book)]).exit_code == 0
    assert openpyxl.load_workbook(book).sheetnames == ["pairs", "summaries", "duplicates"]
    doc = json.loads(CliRunner().invoke(main, ["recurring", "--index", years_ix, "-o", "-", "--format", "json"]).stdout)
    assert doc["pairs"] and doc["summaries"] and len(doc["duplicates"]) == 1
    none = CliRunner().invoke(main, ["recurring", "--index", ix])
    assert none.exit_code == 1 and "0 recurring statements" in none.stdout
    bad = CliRunner().invoke(main, ["recurring", "--index", ix, "-s", "其他"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_saved_query_files_run_comparisons(ix, tmp_path):
    qf = tmp_path / "q.toml"
    qf.write_text('[[compare]]\nname = "复议"\nquery = "复议"\nyear = "2021"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(qf), "--index", ix])
    assert res.exit_code == 0 and "total" in res.stdout
    doc = json.loads(CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", "-", "--format", "json"]).stdout)
    assert doc["compare"][0]["name"] == "复议" and doc["compare"][0]["blocks"] == 4
    bad = tmp_path / "bad.toml"
    bad.write_text('[[compare]]\nname = "x"\nrows = "county"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(bad), "--index", ix])
    assert res.exit_code == 2 and "'rows' must be one of" in res.stderr and "needs a query" in res.stderr
