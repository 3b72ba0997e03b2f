"""`reportsearch indicators` and `reportsearch.indicators()`: figures from files and from the index,
filters, trends, checks, every output format, saved query files, and bad input."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

import reportsearch
from conftest import CORPUS, SAMPLES
from reportsearch.cli import main
from reportsearch.indexer import build
from reportsearch.queryfile import loads

SAMPLE_FIGURES = 16  # the five samples' labelled figures (tests/labels/indicators-samples.tsv)


def _later_year(tmp_path):
    """A corpus with a second Linfen report a year later: other figures, so trends show."""
    d = tmp_path / "two-years"
    shutil.copytree(CORPUS, d)
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    assert "2021年度" in text and "282件" in text and "25.4%" in text
    later = text.replace("2021年度", "2022年度").replace("2021年", "2022年").replace("282件", "300件")
    later = later.replace("25.4%", "20.1%")
    (d / "linfen-2022.txt").write_text(later, encoding="utf-8")
    return d


def _lines(output: str) -> list[dict]:
    return [json.loads(x) for x in output.splitlines() if x.strip()]


def test_files_give_every_sample_figure_with_exact_quotes():
    res = CliRunner().invoke(main, ["indicators", *map(str, SAMPLES), "--json"])
    assert res.exit_code == 0, res.output
    reports = _lines(res.stdout)
    assert len(reports) == len(SAMPLES)
    assert sum(len(r["indicators"]) for r in reports) == SAMPLE_FIGURES
    outlines = {str(p): reportsearch.outline(str(p)) for p in SAMPLES}
    for r in reports:
        assert set(r) >= {"path", "title", "region", "year", "indicators"}
        blocks = outlines[r["path"]].blocks
        for f in r["indicators"]:
            assert f["indicator"] in reportsearch.report.INDICATORS and f["unit"] in ("件", "%", "次", "人")
            assert f["quote"] in blocks[f["block"]].text


def test_the_index_answers_as_the_files_do(ix):
    from_files = reportsearch.indicators([str(CORPUS)])
    from_index = reportsearch.indicators(index_dir=ix)

    def key(result):
        return sorted((r.region, f.indicator, f.value, f.quote, f.block) for r in result.reports for f in r.figures)
    assert key(from_index) == key(from_files) and len(key(from_index)) == SAMPLE_FIGURES
    assert [c.message for r in from_index.reports for c in r.checks] == \
        [c.message for r in from_files.reports for c in r.checks]


def test_filters_by_region_year_and_value(ix):
    assert [r.region for r in reportsearch.indicators(index_dir=ix, region="临汾").reports] == ["临汾市"]
    assert {r.year for r in reportsearch.indicators(index_dir=ix, year="2021").reports} == {2021}
    assert not reportsearch.indicators(index_dir=ix, year=">=2030").reports
    high = reportsearch.indicators(index_dir=ix, where=["复议纠错率>20"])
    assert [r.region for r in high.reports] == ["临汾市"]
    both = reportsearch.indicators(index_dir=ix, where=["诉讼案件>=500", "诉讼败诉率<9"])
    assert [r.region for r in both.reports] == ["瑞安市"]
    res = CliRunner().invoke(main, ["indicators", "--index", ix, "-r", "瑞安", "-y", "2019", "--json"])
    assert res.exit_code == 0 and [r["region"] for r in _lines(res.stdout)] == ["瑞安市"]


def test_no_matching_report_is_exit_1(ix):
    res = CliRunner().invoke(main, ["indicators", "--index", ix, "--where", "复议纠错率>99"])
    assert res.exit_code == 1 and "0 reports" in res.stdout


@pytest.mark.parametrize("args, words", [
    (["--where", "纠错率>20"], "unknown indicator"),
    (["--where", "复议纠错率 is high"], "cannot read --where"),
    (["--year", "2023-2019"], "backwards"),
    (["corpus"], "not both"),
    (["--json", "--format", "csv"], "--json"),
])
def test_bad_input_is_one_line_and_exit_2(ix, args, words):
    res = CliRunner().invoke(main, ["indicators", "--index", ix, *args])
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and words in res.stderr
    assert "Traceback" not in res.stderr


def test_unreadable_files_are_named_and_the_others_read(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    res = CliRunner().invoke(main, ["indicators", str(bad), str(SAMPLES[0]), "--json"])
    assert res.exit_code == 3 and len(_lines(res.stdout)) == 1
    assert "bad.txt" in res.stderr and "warning:" in res.stderr
    res = CliRunner().invoke(main, ["indicators", str(bad), str(tmp_path / "missing.txt")])
    assert res.exit_code == 2 and "no report could be read" in res.stderr and "Traceback" not in res.stderr


def test_a_report_without_figures_is_an_empty_list(tmp_path, sample_text):
    text = "\n".join(x for x in sample_text("zhaoqing-2023.txt").splitlines() if not any(c.isdigit() for c in x)
                     or len(x) < 40)
    path = tmp_path / "no-figures.txt"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["indicators", str(path), "--json"])
    assert res.exit_code == 0, res.output
    (report,) = _lines(res.stdout)
    assert report["indicators"] == [] and report["title"]


def test_trends_mark_a_body_across_years(tmp_path):
    result = reportsearch.indicators([str(_later_year(tmp_path))], region="临汾")
    assert [r.year for r in result.reports] == [2021, 2022]
    first, later = result.reports
    assert first.trend == {}
    assert later.trend["复议收案"] == "↑" and later.trend["复议纠错"] == "→" and later.trend["复议纠错率"] == "↓"
    res = CliRunner().invoke(main, ["indicators", str(tmp_path / "two-years"), "-r", "临汾"])
    assert res.exit_code == 0 and "300件↑" in res.stdout


def test_checks_compare_stated_rates_with_counts(ix):
    (ruian,) = reportsearch.indicators(index_dir=ix, region="瑞安").reports
    assert any(c.kind == "denominator" and "诉讼败诉 50 ÷ 诉讼案件 573" in c.message for c in ruian.checks)
    (linfen,) = reportsearch.indicators(index_dir=ix, region="临汾").reports
    assert any(c.kind == "mismatch" for c in linfen.checks)
    rate = linfen.chosen()["复议纠错率"]
    assert any(f.startswith("mismatch") for f in rate.flags)
    res = CliRunner().invoke(main, ["indicators", "--index", ix, "-r", "临汾"])
    assert "25.4%!" in res.stdout and "mismatch" in res.stdout


def test_why_shows_clauses_rules_and_skipped_numbers():
    res = CliRunner().invoke(main, ["indicators", str(CORPUS / "linfen-2021.txt"), "--why"])
    assert res.exit_code == 0
    assert "全年共办理行政复议案件282件" in res.stdout and "[count:" in res.stdout and "skipped" in res.stdout
    (report,) = _lines(CliRunner().invoke(main, ["indicators", str(CORPUS / "linfen-2021.txt"), "--json",
                                                 "--why"]).stdout)
    assert all({"start", "end", "rule"} <= set(f) for f in report["indicators"]) and report["skipped"]
    assert all(f["reason"] for f in report["skipped"])


def test_csv_markdown_json_and_text(ix, tmp_path):
    out = tmp_path / "f.csv"
    assert CliRunner().invoke(main, ["indicators", "--index", ix, "-o", str(out)]).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == SAMPLE_FIGURES and {r["indicator"] for r in rows} >= {"复议纠错率", "诉讼败诉率"}
    again = CliRunner().invoke(main, ["indicators", "--index", ix, "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    md = CliRunner().invoke(main, ["indicators", "--index", ix, "-o", "-", "--format", "md"]).stdout
    assert md.startswith("## Indicators") and "| 临汾市 | 2021 |" in md and "282件" in md
    doc = json.loads(CliRunner().invoke(main, ["indicators", "--index", ix, "-o", "-", "--format", "json"]).stdout)
    assert len(doc["reports"]) == len(SAMPLES)
    text = CliRunner().invoke(main, ["indicators", "--index", ix, "-o", "-", "--format", "text"]).stdout
    assert text.splitlines()[0].split("\t")[:3] == ["path", "title", "region"]
    assert len(text.splitlines()) == SAMPLE_FIGURES + 1


def test_markdown_and_csv_are_safe_against_hostile_report_text(tmp_path, sample_text):
    text = sample_text("linfen-2021.txt").replace(
        "全年共办理行政复议案件282件", "全年共办理行政复议案件282件<img src=x onerror=alert(1)>[官网](javascript:alert(1))")
    (tmp_path / "h.txt").write_text(text, encoding="utf-8")
    md = CliRunner().invoke(main, ["indicators", str(tmp_path / "h.txt"), "-o", "-", "--format", "md"]).stdout
    assert "<img" not in md and "](javascript" not in md


def test_xlsx_has_the_figures_and_a_region_by_year_sheet_with_a_chart_per_indicator(tmp_path):
    out = tmp_path / "f.xlsx"
    res = CliRunner().invoke(main, ["indicators", str(_later_year(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "figures" and "复议收案" in wb.sheetnames and "复议纠错率" in wb.sheetnames
    figures = list(wb["figures"].iter_rows(values_only=True))
    assert figures[0][:3] == ("path", "title", "region") and len(figures) == SAMPLE_FIGURES + 4 + 1
    sheet = wb["复议收案"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("复议收案 (件)", 2021, 2022) and ("临汾市", 282, 300) in rows
    assert len(sheet._charts) == 1
    piped = CliRunner().invoke(main, ["indicators", str(CORPUS), "--format", "xlsx"])  # not a terminal: bytes
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK")


def test_saved_query_files_run_indicator_tables(ix, tmp_path):
    qf = tmp_path / "q.toml"
    qf.write_text('[[query]]\nquery = "复议"\n\n[[indicators]]\nname = "纠错"\nwhere = ["复议纠错率>20"]\n\n'
                  '[[indicators]]\nname = "瑞安"\nregion = "瑞安"\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(qf), "--index", ix])
    assert res.exit_code == 0 and "纠错" in res.stdout and "25.4%" in res.stdout and "573件" in res.stdout
    doc = json.loads(CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", "-", "--format", "json"]).stdout)
    assert [t["name"] for t in doc["indicators"]] == ["纠错", "瑞安"] and doc["queries"]
    assert [r["region"] for r in doc["indicators"][0]["reports"]] == ["临汾市"]
    out = tmp_path / "q.xlsx"
    assert CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", str(out)]).exit_code == 0
    assert {"纠错 figures", "瑞安 figures", "瑞安 诉讼败诉率"} <= set(openpyxl.load_workbook(out).sheetnames)
    bad = CliRunner().invoke(main, ["run", str(qf), "--index", ix, "-o", str(tmp_path / "q.csv")])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and ".xlsx" in bad.stderr


@pytest.mark.parametrize("toml, words", [
    ('[[indicators]]\nregon = "临汾"\n', "did you mean 'region'"),
    ('[[indicators]]\nwhere = "纠错>1"\n', "unknown indicator"),
    ('[[indicators]]\nwhere = 3\n', "'where' must be"),
    ('[[indicators]]\nname = "a"\n[[query]]\nname = "a"\nquery = "复议"\n', "used twice"),
])
def test_bad_indicator_tables_in_query_files_say_where(toml, words):
    with pytest.raises(reportsearch.BadQueryFile) as e:
        loads(toml, "q.toml")
    assert words in str(e.value) and "q.toml:" in str(e.value)


def test_the_python_api_checks_its_arguments(ix):
    with pytest.raises(reportsearch.BadArgument):
        reportsearch.indicators([3], index_dir=ix)
    with pytest.raises(reportsearch.BadQuery):
        reportsearch.indicators(index_dir=ix, where="复议纠错率>>2")


def _slow_figures_for(target: str, seconds: float = 3.0):
    """The figure rules, but on the target report first spinning for `seconds` of processor time."""
    import time

    from reportsearch.report.figures import indicators as rules
    real = rules.explain

    def explain(report):
        if os.path.basename(report.path) == target:
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass
        return real(report)
    return explain


def test_finding_figures_runs_within_the_files_time_budget(tmp_path, monkeypatch):
    """Reading a file and finding its figures share the file's time budget: a file whose figures take
    too long is one warning, in `indicators PATHS` and in `index`, and the other files go on."""
    from reportsearch.indexer import reports
    from reportsearch.report.figures import indicators as rules
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setattr(rules, "explain", _slow_figures_for("linfen-2021.txt"))
    warning = f"warning: {corpus / 'linfen-2021.txt'}: took over 0.5 s of processor time"
    res = CliRunner().invoke(main, ["indicators", str(corpus), "--json"],
                             env={"REPORTSEARCH_FILE_TIME_LIMIT": "0.5"})
    assert res.exit_code == 3, res.output
    assert [x for x in res.stderr.splitlines() if x.startswith("warning:")] == [
        x for x in res.stderr.splitlines() if x.startswith(warning)] and warning in res.stderr
    others = sorted(p.name for p in SAMPLES if p.name != "linfen-2021.txt")
    assert sorted(os.path.basename(r["path"]) for r in _lines(res.stdout)) == others
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(corpus), "--index", ix, "--jobs", "1", "--file-time-limit", "0.5"])
    assert res.exit_code == 3, res.output
    assert [x for x in res.stderr.splitlines() if x.startswith("warning:")] == [
        x for x in res.stderr.splitlines() if x.startswith(warning)] and warning in res.stderr
    assert sorted(os.path.basename(r["path"]) for r in reports(ix)) == others


def _strict_json(line: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(line, parse_constant=refuse)


def test_absurdly_large_numbers_are_malformed_not_figures(tmp_path, sample_text):
    """A 400-digit count (inf as a float), 99999999999999999999999万件 (1e27) and a 30-digit rate are
    malformed numbers, skipped with the reason: never a figure, never `Infinity` in the JSON."""
    text = sample_text("linfen-2021.txt")
    for old, new in [("办理行政复议案件282件", "办理行政复议案件" + "9" * 400 + "件"),
                     ("办理行政应诉案件241件", "办理行政应诉案件99999999999999999999999万件"),
                     ("纠错率为25.4%", "纠错率为" + "1" * 30 + "%")]:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "huge").mkdir()
    path = tmp_path / "huge" / "linfen-2021.txt"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["indicators", str(path), "--json", "--why"])
    assert res.exit_code == 0, res.output
    (report,) = [_strict_json(x) for x in res.stdout.splitlines()]
    assert [(f["indicator"], f["value"]) for f in report["indicators"]] == [("复议纠错", 50)]
    too_large = [s for s in report["skipped"] if "malformed" in s["reason"] and "too large" in s["reason"]]
    assert len(too_large) == 3 and all(abs(s["value"]) < 1e12 for s in report["skipped"])
    ix = str(tmp_path / "ix")
    build([str(tmp_path / "huge")], ix, jobs=1)
    (stored,) = reportsearch.indicators(index_dir=ix).reports
    assert [(f.indicator, f.value) for f in stored.figures] == [("复议纠错", 50)]



def test_figures_are_shown_in_plain_digits_and_without_a_missing_year(tmp_path, sample_text):
    """--why and Markdown: a figure without a year shows its scope alone (not `None`), and every
    number in plain digits (4373220, not 4.37322e+06), as the table does."""
    clause = "全年共办理行政复议案件282件"
    assert clause in sample_text("linfen-2021.txt")
    page = tmp_path / "page.txt"  # a web page without a report body: no year, no region
    page.write_text("首页 > 新闻\n" + clause.replace("282件", "4373220件，较上年增加1500000件") + "\n",
                    encoding="utf-8")
    why = CliRunner().invoke(main, ["indicators", str(page), "--why"])
    assert why.exit_code == 0, why.output
    assert "复议收案 4373220件 (未注明) 全年共办理行政复议案件4373220件" in why.stdout
    assert "skipped 1500000件: a change" in why.stdout
    md = CliRunner().invoke(main, ["indicators", str(page), "-o", "-", "--format", "md"]).stdout
    assert "| 4373220件 |" in md and "**复议收案 4373220件** (未注明):" in md
    for out in (why.stdout, md):
        assert "None" not in out and "e+0" not in out


@pytest.mark.parametrize("where", ["复议收案>20%", "诉讼败诉 >= 1 %", "出庭应诉次数<5%"])
def test_a_percent_on_a_count_is_a_one_line_error(ix, where):
    res = CliRunner().invoke(main, ["indicators", "--index", ix, "--where", where])
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "%" in res.stderr
    assert where.split(">")[0].split("<")[0].strip() in res.stderr and "Traceback" not in res.stderr
    with pytest.raises(reportsearch.BadQuery):
        reportsearch.indicators(index_dir=ix, where=where)


def test_a_rate_compares_with_or_without_its_percent(ix):
    with_percent = reportsearch.indicators(index_dir=ix, where=["复议纠错率>20%"])
    assert [r.region for r in with_percent.reports] == ["临汾市"]
    assert [r.region for r in reportsearch.indicators(index_dir=ix, where=["复议纠错率>20"]).reports] == ["临汾市"]


@pytest.mark.parametrize("fmt", [[], ["--json"], ["-o", "-", "--format", "md"], ["-o", "-", "--format", "csv"],
                                 ["--why"], ["-o", "figures.xlsx"]], ids=["terminal", "json", "md", "csv", "why", "xlsx"])
def test_reading_warnings_are_printed_for_each_file(tmp_path, sample_text, fmt, monkeypatch):
    """What reading had to repair or guess (a scan read by OCR, bytes that are not UTF-8) is a
    `warning: PATH: …` line on stderr, whatever the format; the report is still shown."""
    data = sample_text("linfen-2021.txt").encode("utf-8")
    at = data.index("全年共办理行政复议案件".encode("utf-8"))
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["indicators", str(path), str(SAMPLES[1]), *fmt])
    assert res.exit_code == 0, res.output
    warnings = [x for x in res.stderr.splitlines() if x.startswith("warning:")]
    assert warnings == [f"warning: {path}: 1 byte not UTF-8, replaced with \ufffd"]
    (damaged,) = [r for r in reportsearch.indicators([str(path), str(SAMPLES[1])]).reports if r.path == str(path)]
    assert damaged.warnings == ["1 byte not UTF-8, replaced with \ufffd"] and damaged.figures
