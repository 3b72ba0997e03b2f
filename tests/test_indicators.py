"""Indicators: the 行政复议/行政诉讼 figures drawn from report text, the skipped candidates, the checks.

The samples must give exactly their hand-read figures (tests/labels/indicators-samples.tsv); the
dev pages in ../shared are scored when present. The other cases are sentences written for these
tests from the general forms such sentences take (who + verb + number + unit), with their traps.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, shared_or_skip
from reportsearch.report import outline
from reportsearch.report.figures import clauses as C
from reportsearch.report.figures.checks import check, choose, fits
from reportsearch.report.figures.indicators import INDICATORS, explain, explain_blocks, explain_path, extract
from reportsearch.report.figures.numbers import cn_number, fold, mentions
from reportsearch.report.figures.reading import PrefixScan

LABELS = ROOT / "tests" / "labels" / "indicators-samples.tsv"


def _labels() -> dict[str, list[dict]]:
    with open(LABELS, encoding="utf-8") as f:
        rows = list(csv.DictReader((x for x in f if not x.startswith("#")), delimiter="\t"))
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["file"], []).append(row)
    return out


def _got(blocks, year=2022, region=None) -> set[tuple[str, float, str]]:
    return {(f.indicator, f.value, f.unit) for f in explain_blocks(blocks, year, region).figures}


# -- the samples ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_give_exactly_their_figures(path):
    report = outline(str(path))
    figures = extract(report)
    want = _labels()[path.name]
    assert sorted((f.indicator, float(f.value), f.unit) for f in figures) == \
        sorted((w["indicator"], float(w["value"]), w["unit"]) for w in want)
    for f in figures:
        assert report.blocks[f.block].text[f.start:f.end] == f.quote
        label = next(w for w in want if w["indicator"] == f.indicator and float(w["value"]) == f.value)
        assert label["quote"] in f.quote or f.quote in label["quote"]
        assert f.year == report.meta.year


def _score(tmp_path, paths, gold) -> tuple[float, float, str]:
    scorer = shared_or_skip("eval", "score_indicators.py")
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for p in paths:
            report, ex = explain_path(p)
            fh.write(json.dumps({"path": str(p), "indicators": [f.to_json() for f in ex.figures]},
                                ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(scorer), str(out), "--gold", str(gold), "-v"],
                         capture_output=True, text=True, check=True)
    m = re.search(r"precision ([\d.]+) recall ([\d.]+)", res.stdout)
    return float(m.group(1)), float(m.group(2)), res.stdout


def test_dev_pages_meet_the_bar(tmp_path):
    gold = shared_or_skip("eval", "indicators")
    precision, recall, report = _score(tmp_path, sorted((gold / "pages").glob("*.txt")), gold)
    assert precision >= 0.95 and recall >= 0.90, report
    assert re.search(r"distractors taken 0/", report), report
    assert re.search(r"without figures 0\b", report), report


def test_samples_score_against_the_shared_labels(tmp_path):
    gold = shared_or_skip("eval", "indicators", "samples")
    precision, recall, report = _score(tmp_path, SAMPLES, gold)
    assert precision == 1.0 and recall == 1.0, report


# -- numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("二十三", 23), ("一百零五", 105), ("十二", 12), ("两千三百", 2300), ("三百零六", 306), ("三万二千", 32000),
    ("九十五点五", 95.5), ("二〇二三", 2023)])
def test_chinese_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text, value, unit", [
    ("受理１２３件", 123, "件"), ("新收2.35万件", 23500, "件"), ("受理3.1万件", 31000, "件"),
    ("应诉率达到百分之百", 100, "%"), ("纠错率为百分之九十五点五", 95.5, "%"), ("审结1,024件", 1024, "件"),
    ("审结１，０２４件", 1024, "件"), ("审结2 315件", 2315, "件"), ("审结2\n315件", 2315, "件"),
    ("负责人出庭应诉86人次", 86, "次"), ("共有40名负责人", 40, "人"), ("下降3.2个百分点", 3.2, "pp")])
def test_numbers_as_written(text, value, unit):
    (m,) = mentions(fold(text).text)
    assert (m.value, m.unit) == (value, unit) and not m.malformed


def test_approximate_and_malformed_numbers_are_marked():
    (a,) = mentions(fold("办理200余件").text)
    (b,) = mentions(fold("受理1.2.3件").text)
    (c,) = mentions(fold("两三件").text)
    assert a.approximate and c.approximate and b.malformed


def test_folding_keeps_offsets_of_the_original():
    text = "全年共審結(jié)行政復議案件1 205件，其中"
    folded = fold(text)
    assert "审结行政复议案件1205件" in folded.text
    i = folded.text.index("1205件")
    s, e = folded.span(i, i + len("1205件"))
    assert text[s:e] == "1 205件"


# -- sentences of the general kinds -----------------------------------------------------------------

CASES = [
    # several verbs in one sentence, the subject given once
    (["2022年，全县行政复议机构共接收复议申请212件，依法受理197件，审结185件。"],
     {("复议收案", 212, "件"), ("复议受理", 197, "件"), ("复议审结", 185, "件")}),
    # kinds of correction listed one by one add up to the figure
    (["县政府本级作为复议机关新收案件64件，经审理撤销原行政行为5件、确认违法3件、责令履行法定职责2件。"],
     {("复议收案", 64, "件"), ("复议纠错", 10, "件")}),
    # a stated total: its parts are not added again
    (["全区复议机关直接纠错31件，纠错率为11.5%。其中撤销20件，确认违法11件。"],
     {("复议纠错", 31, "件"), ("复议纠错率", 11.5, "%")}),
    # 直接 and 综合 rates side by side
    (["行政复议直接纠错率为9.6%，综合纠错率为27.3%。"], {("复议纠错率", 9.6, "%"), ("复议纠错率", 27.3, "%")}),
    # Chinese numerals throughout
    (["全年行政诉讼一审收案三百零六件，行政机关败诉二十一件，败诉率百分之六点九。"],
     {("诉讼案件", 306, "件"), ("诉讼败诉", 21, "件"), ("诉讼败诉率", 6.9, "%")}),
    # 万, and a change after it
    (["全省行政复议机关新收申请2.35万件，同比增长12.4%。"], {("复议收案", 23500, "件")}),
    # 繁体
    (["全市行政機關負責人出庭應訴率達到百分之百，行政機關負責人出庭應訴412人次。"],
     {("出庭应诉率", 100, "%"), ("出庭应诉次数", 412, "次")}),
    # a change in percentage points is no rate
    (["行政机关败诉率为4.8%，较上年下降2.1个百分点。"], {("诉讼败诉率", 4.8, "%")}),
    # the previous year's figure in brackets; a concluded count without its noun
    (["全年新收行政诉讼案件598件（上年为541件），审结570件。"], {("诉讼案件", 598, "件")}),
    # approximate amounts
    (["各级复议机关办理复议案件近九百件，其中纠错案件百余件。"], set()),
    (["全年办理行政应诉案件400多件，行政复议申请突破两千件。"], set()),
    # a list of places is no one's total
    (["分地区看，云溪区收到复议申请86件，石门县收到复议申请54件，河口镇收到复议申请12件。"], set()),
    # another place than the report's
    (["其中，云溪区受理行政复议案件37件。"], set()),
    # the cases against one respondent, a group of sub-units, a category
    (["全年行政诉讼案件中，以县政府为被告的一审行政案件41件。"], set()),
    (["全市12个县区共收到行政复议申请960件。"], set()),
    (["行政复议案件中，其中涉及土地征收类案件48件。"], set()),
    # a target is no result
    (["下一步，力争行政机关负责人出庭应诉率保持在100%。"], set()),
    # a withdrawal is no 调解; mediation is
    (["申请人撤回复议申请15件，复议机关组织调解结案22件。"], {("复议调解和解", 22, "件")}),
    # other rates
    (["行政诉讼胜诉率为91.2%，复议决定履行率达到100%。"], set()),
    # the head count stated before its verb
    (["全年共有97名行政机关负责人出庭应诉。"], {("出庭应诉次数", 97, "人")}),
    # the agency in court is not its head
    (["从应诉主体看，县级部门出庭应诉65件，乡镇出庭应诉12件。"], set()),
    # 分别
    (["全市受理、审结行政复议案件分别为320件、301件。"], {("复议受理", 320, "件"), ("复议审结", 301, "件")}),
    # a span of years
    (["2021年至2023年，全区共办理行政复议案件1,560件。"], {("复议收案", 1560, "件")}),
    # mixed kinds of cases
    (["受理行政复议和国家赔偿案件共150件。"], set()),
    # means: mediation alone is 调解和解; correction with mediation is neither
    (["行政复议直接纠错42件，通过调解、和解方式化解37件。"], {("复议纠错", 42, "件"), ("复议调解和解", 37, "件")}),
    (["以纠正、调解、和解等方式化解行政争议500件。"], set()),
    # counts of something else in a paragraph about 复议
    (["一年来，全市各级行政复议机关办理人大代表建议215件、政协提案318件。"], set()),
    (["市政府法制机构统筹行政复议工作。全年受理群众来电4.2万件，办结人大代表建议88件。"], set()),
    # a share after a count is that count's rate
    (["审结行政复议案件400件，其中依法纠正违法或不当行政行为52件，占13%。"],
     {("复议审结", 400, "件"), ("复议纠错", 52, "件"), ("复议纠错率", 13, "%")}),
    # the rate restated approximately is the same figure
    (["复议纠错率为18.6%。", "总体看，纠错率约为19%。"], {("复议纠错率", 18.6, "%"), ("复议纠错率", 19, "%")}),
    # a rate from a baseline to its value; a share given as 占…的比例
    (["行政复议纠错率由15.2%降至12.3%。"], {("复议纠错率", 12.3, "%")}),
    (["行政复议纠错案件占审结案件的比例为12%。"], {("复议纠错率", 12, "%")}),
    # correcting in law enforcement is not a 复议 correction
    (["执法监督中纠正违法行为32起，行政复议纠错22件。"], {("复议纠错", 22, "件")}),
    # 分别: rates paired with their words, or with the years listed before them
    (["行政复议直接纠错率和综合纠错率分别为9.6%、27.3%。"], {("复议纠错率", 9.6, "%"), ("复议纠错率", 27.3, "%")}),
    # the cases against every agency are the whole; against one body, a part
    (["县人民法院受理以我县行政机关为被告的一审行政案件58件，以县政府为被告的一审行政案件18件。"],
     {("诉讼案件", 58, "件")}),
    (["全年行政诉讼案件中，县人民法院受理以县政府为被告的一审行政案件18件。"], set()),
    # a bracket or a span of years between the rate word and its number
    (["行政复议纠错率（含直接纠错和间接纠错）为25%。"], {("复议纠错率", 25, "%")}),
    (["行政机关负责人出庭应诉率连续三年保持100%。"], {("出庭应诉率", 100, "%")}),
    # the mediation rate of disputes at large is not the 复议 one
    (["全年受理行政复议案件30件。认真做好矛盾纠纷排查化解工作，调解率100%。"], {("复议受理", 30, "件")}),
    # a bare count continues the sentence before, not one further back
    (["全年审结行政复议案件120件。", "全市各级监察机关查处违纪案件300件，已结案280件。"], {("复议审结", 120, "件")}),
]


@pytest.mark.parametrize("blocks, want", CASES, ids=[c[0][0][:14] for c in CASES])
def test_general_cases(blocks, want):
    assert _got(blocks) == want


def test_sub_units_use_the_reports_region():
    text = ["全市共受理行政复议案件520件，其中东湖区受理行政复议案件130件。"]
    assert _got(text, region="临川市") == {("复议受理", 520, "件")}


def test_rates_listed_by_year_keep_their_years():
    ex = explain_blocks(["2021年、2022年、2023年，全市行政机关败诉率分别为8.1%、7.2%、6.5%。"], 2023, "临川市")
    assert [(f.indicator, f.value, f.year) for f in ex.figures] == [
        ("诉讼败诉率", 8.1, 2021), ("诉讼败诉率", 7.2, 2022), ("诉讼败诉率", 6.5, 2023)]
    assert check(ex.figures) == []  # one rate per year: no contradiction


def _years(blocks, year=2022, region="临川市") -> set[tuple[str, float, object]]:
    return {(f.indicator, f.value, f.year) for f in explain_blocks(blocks, year, region).figures}


def test_a_heading_of_five_years_makes_totals_over_them_unless_it_names_one_year():
    from reportsearch.model import Block
    five = Block("全省办结行政复议案件7985件。", ["一、过去五年和2022年工作回顾"])
    only_five = Block("全省办结行政复议案件40522件。", ["一、过去五年工作回顾"])
    term = Block("全市办理行政复议案件3,150件、行政应诉案件1,020件。", ["一、本届政府工作回顾", "（六）政府效能不断优化"])
    assert _years([five, only_five, term], 2022, "安徽省") == {
        ("复议审结", 7985, 2022), ("复议审结", 40522, "2018-2022"),
        ("复议收案", 3150, "2018-2022"), ("诉讼案件", 1020, "2018-2022")}


@pytest.mark.parametrize("text, want", [
    # the number of years stated in the sentence, counted back from the year reported on
    ("依法行政深入推进，5年配合市人大审议法规草案26项，受理行政复议案件9,840宗。", {("复议受理", 9840, "2018-2022")}),
    ("三年间，全县共办理行政复议案件1,200件。", {("复议收案", 1200, "2020-2022")}),
    ("近3年累计审结行政复议案件960件。", {("复议审结", 960, "2020-2022")}),
    ("“十三五”时期，全市受理行政复议案件6,300件。", {("复议受理", 6300, "2016-2020")}),
    # a span stated by its years
    ("2018年至2022年，全市受理行政复议案件7,700件。", {("复议受理", 7700, "2018-2022")}),
    # a total whose span is not stated is no figure
    ("全市累计办理行政复议案件3,000件。", set()),
    ("机构改革以来，全市受理行政复议案件2,400件。", set()),
    # 连续三年 says how long a rate has held, not a total
    ("行政机关负责人出庭应诉率连续三年保持100%。", {("出庭应诉率", 100, 2022)}),
], ids=["5年", "三年间", "近3年累计", "十三五时期", "2018年至2022年", "累计", "以来", "连续三年"])
def test_a_total_over_years_the_sentence_states(text, want):
    assert _years([text]) == want


def test_a_total_over_stated_years_needs_the_reports_year():
    ex = explain_blocks(["五年来，全市共受理行政复议案件8,460件。"], None, "临川市")
    assert ex.figures == [] and any("report's year" in s.reason for s in ex.skipped)


def test_the_head_of_a_paragraph_makes_its_figures_totals_over_years():
    """过去五年 / 五年来 / 本届政府 opening a paragraph: its figures are totals over those years, unless
    their sentence names one year; a rate stated as reached (降至) is the value at the span's end."""
    from reportsearch.model import Block
    head = ["一、过去五年和2022年工作回顾", "（七）政府自身建设全面加强"]
    para = Block("过去五年，政府建设不断加强，治理能力持续提升。我们提请审议法规议案40件，全省办理行政复议案件2.1万件，"
                 "行政机关负责人出庭应诉率达到95%，行政机关败诉率降至4.2%。2022年，全省办结行政复议案件5,200件。", head)
    assert _years([para], 2022, "临川省") == {
        ("复议收案", 21000, "2018-2022"), ("出庭应诉率", 95, "2018-2022"), ("诉讼败诉率", 4.2, 2022),
        ("复议审结", 5200, 2022)}
    lead = Block("五年来，我们坚持依法行政。", head, kind="lead")
    item = Block("一是加强行政复议，全省受理行政复议案件9,300件。", head, kind="item")
    later = Block("全年全省受理行政复议案件2,100件。", head)
    assert _years([lead, item, later], 2022, "临川省") == {("复议受理", 9300, "2018-2022"), ("复议受理", 2100, 2022)}


def test_why_names_the_years_a_total_is_over():
    ex = explain_blocks(["五年来，全市共受理行政复议案件8,460件。"], 2022, "临川市")
    assert [f.year for f in ex.figures] == ["2018-2022"] and "五年来" in ex.figures[0].rule


_AIMS = "深化行政复议体制改革，全市行政机关负责人出庭应诉率达到100%，行政机关败诉率控制在5%。"


@pytest.mark.parametrize("heading, labels", [
    (["（五）建设法治政府"], ["下一步计划"]),  # labelled as the plans part by the report stage
    (["三、2023年工作安排", "（五）建设法治政府"], []),  # under a heading that announces the plans
    (["四、下一步工作计划"], []),
    (["三、2023年重点任务"], []),  # a heading naming a year after the one reported on
], ids=["labelled", "year-ahead-heading", "next-step-heading", "later-year-heading"])
def test_figures_in_the_plans_part_are_targets(heading, labels):
    """The same words state a result in the review and a target in the plans: there, no figure,
    and --why says so."""
    from reportsearch.model import Block, Section
    review = explain_blocks([Block(_AIMS, ["一、2022年工作回顾"])], 2022, "临川市")
    assert {(f.indicator, f.value) for f in review.figures} == {("出庭应诉率", 100), ("诉讼败诉率", 5)}
    ex = explain_blocks([Block(_AIMS, heading, [Section(x) for x in labels])], 2022, "临川市")
    assert ex.figures == []
    assert {s.indicator for s in ex.skipped if "plans" in s.reason} == {"出庭应诉率", "诉讼败诉率"}


def test_a_result_the_plans_part_recalls_with_its_year_is_kept():
    """A plans part may open with the year just reported on as background (2022年…达到96.5%): a result,
    not a target. A year after the report's is a target."""
    from reportsearch.model import Block, Section
    text = "2022年，全市行政机关负责人出庭应诉率达到96.5%。2023年，全市行政机关负责人出庭应诉率达到100%。"
    ex = explain_blocks([Block(text, ["三、2023年工作打算"], [Section.PLANS])], 2022, "临川市")
    assert [(f.indicator, f.value, f.year) for f in ex.figures] == [("出庭应诉率", 96.5, 2022)]
    assert [s.value for s in ex.skipped if "plans" in s.reason] == [100]


def test_a_phrase_ending_in_a_unit_character_is_no_place():
    assert _got(["大力推进依法治市，办理行政复议案件432件。"], region="临川市") == {("复议收案", 432, "件")}


def test_a_place_above_the_report_names_its_own():
    assert _got(["山西省临汾市全年受理行政复议案件300件。"], region="临汾市") == {("复议受理", 300, "件")}


def test_skipped_candidates_say_why():
    ex = explain_blocks(["2023年，全县收到行政复议申请1.2.3件，较上年增加20件，审结近百件，另有申请人撤回申请8件。"])
    reasons = " / ".join(s.reason for s in ex.skipped)
    assert not ex.figures
    for word in ("malformed", "change", "approximate", "withdrawal"):
        assert word in reasons


def test_a_report_without_figures_gives_an_empty_list():
    assert explain_blocks(["全面推进依法行政，加强行政复议规范化建设。", "下一步，我们将继续努力。"]).figures == []


def test_years_scopes_and_notes():
    ex = explain_blocks(["2021年，市政府本级收到行政复议申请88件。全市各级复议机关直接纠错率为12.1%。",
                         "2021年至2022年，全市共审结行政复议案件640件。"], 2022, "临川市")
    by = {f.indicator: f for f in ex.figures}
    assert (by["复议收案"].year, by["复议收案"].scope) == (2021, "市政府本级")
    assert by["复议纠错率"].year == 2021 and by["复议纠错率"].note == "直接纠错率"
    assert by["复议审结"].year == "2021-2022"


def test_traditional_report_quotes_its_own_characters(tmp_path):
    path = tmp_path / "trad.txt"
    path.write_text("雲溪縣人民政府關於2022年度法治政府建設情況的報告\n\n"
                    "一、行政復議和行政應訴工作\n\n"
                    "全年全縣行政復議機關共收到行政復議申請一百二十六件，依法受理118件，審結112件，"
                    "其中直接糾錯15件，直接糾錯率為13.4%。全縣行政機關負責人出庭應訴率達到百分之百。\n", encoding="utf-8")
    report = outline(str(path))
    figures = extract(report)
    assert {(f.indicator, f.value) for f in figures} == {
        ("复议收案", 126), ("复议受理", 118), ("复议审结", 112), ("复议纠错", 15), ("复议纠错率", 13.4), ("出庭应诉率", 100)}
    for f in figures:
        assert report.blocks[f.block].text[f.start:f.end] == f.quote
    assert any("糾錯" in f.quote for f in figures)


def _only_its_own_words(text: str) -> str:
    """Linfen's 复议 paragraph cut to the sentence of its count: 复议 is then its only topic word."""
    line = next(x for x in text.splitlines() if "282件" in x)
    return text.replace(line, line[:line.index("282件") + 4] + "。")


@pytest.mark.parametrize("name", [p.name for p in SAMPLES] + ["linfen-2021.txt, cut"])
def test_a_report_converted_to_traditional_characters_gives_the_same_figures(tmp_path, sample_text, name):
    """OpenCC's s2t writes the standard 繁体 forms (行政複議, 訴訟, 審結): the same figures as the original."""
    import opencc
    text = sample_text(name.split(",")[0])
    if name.endswith("cut"):
        text = _only_its_own_words(text)
    (tmp_path / "s.txt").write_text(text, encoding="utf-8")
    (tmp_path / "t.txt").write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    simplified, traditional = (extract(outline(str(tmp_path / f"{n}.txt"))) for n in "st")
    assert [(f.indicator, f.value, f.year, f.scope) for f in traditional] == \
        [(f.indicator, f.value, f.year, f.scope) for f in simplified]
    want = {(w["indicator"], float(w["value"])) for w in _labels()[name.split(",")[0]]}
    if name.endswith("cut"):
        want = {("复议收案", 282), ("诉讼案件", 241)}
    assert {(f.indicator, f.value) for f in simplified} == want


# -- tables ---------------------------------------------------------------------------------------------

def test_a_table_row_under_its_header():
    rows = ["行政复议案件办理情况如下。", "项目  收案数  受理数  审结数  直接纠错数  纠错率",
            "合计  305  288  276  35  12.7%", "石门镇  80  75  70  9  12.9%"]
    ex = explain_blocks(rows, 2022, "云溪县")
    assert {(f.indicator, f.value) for f in ex.figures} == {
        ("复议收案", 305), ("复议受理", 288), ("复议审结", 276), ("复议纠错", 35), ("复议纠错率", 12.7)}
    assert any("石门镇" in s.reason for s in ex.skipped)
    assert all(rows[f.block][f.start:f.end] == f.quote for f in ex.figures)


def test_an_absurdly_large_table_value_is_malformed():
    rows = ["行政复议案件办理情况如下。", "项目  收案数  受理数", "合计  " + "9" * 16 + "  288"]
    ex = explain_blocks(rows, 2022, "云溪县")
    assert [(f.indicator, f.value) for f in ex.figures] == [("复议受理", 288)]
    assert [s.value for s in ex.skipped if "malformed" in s.reason and "too large" in s.reason] == [0]

def test_a_row_that_does_not_pair_is_skipped():
    ex = explain_blocks(["行政复议", "收案数  受理数  审结数", "305  288"])
    assert not ex.figures and "does not pair" in ex.skipped[0].reason


def test_a_docx_table_end_to_end(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("云溪县2022年度法治政府建设情况报告")
    d.add_paragraph("一、行政复议和行政应诉")
    d.add_paragraph("2022年，全县行政复议和行政应诉工作情况见下表。")
    t = d.add_table(rows=2, cols=4)
    for i, row in enumerate([["行政诉讼案件数", "败诉数", "败诉率", "负责人出庭应诉率"], ["142", "9", "6.3%", "100%"]]):
        for j, cell in enumerate(row):
            t.cell(i, j).text = cell
    d.add_paragraph("二、存在的问题")  # a table at the very end of a file is cut off as its trailer by cleaning
    d.add_paragraph("行政执法规范化水平有待进一步提高。")
    d.save(tmp_path / "t.docx")
    figures = extract(outline(str(tmp_path / "t.docx")))
    assert {(f.indicator, f.value, f.unit) for f in figures} == {
        ("诉讼案件", 142, "件"), ("诉讼败诉", 9, "件"), ("诉讼败诉率", 6.3, "%"), ("出庭应诉率", 100, "%")}


# -- never raises ---------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("0123456789０１２一二十百千万两零点.,，。；;（）()【】%％ \n件宗起人次名余多近约较同比上年增下降率")
                            + ["复议", "復議", "诉讼", "应诉", "受理", "审结", "收到", "纠错", "败诉", "出庭应诉率",
                               "纠错率", "其中", "分别为", "撤销", "调解", "以", "方式", "2023年", "个百分点",
                               "全市", "区政府", "本级", "占比", "(jié)", "  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_ALPHABET, max_size=60).map("".join), max_size=6),
       st.none() | st.integers(1990, 2030))
def test_extract_never_raises_and_quotes_are_exact(blocks, year):
    ex = explain_blocks(blocks, year, None)
    for f in ex.figures:
        assert f.indicator in INDICATORS and f.unit in ("件", "%", "次", "人")
        assert blocks[f.block][f.start:f.end] == f.quote
        assert isinstance(f.value, (int, float))
    for s in ex.skipped:
        assert blocks[s.block][s.start:s.end] == s.quote and s.reason
    check(ex.figures)


# -- checks -----------------------------------------------------------------------------------------------

def test_the_denominator_that_fits_is_named():
    figures = extract_from("全年受理行政复议案件200件，审结190件，直接纠错19件，纠错率为10%。")
    found = check(figures)
    rate = next(f for f in figures if f.indicator == "复议纠错率")
    assert "denominator: 复议审结" in rate.flags
    assert any(c.kind == "denominator" and "复议审结 190" in c.message for c in found)


def test_a_rate_that_fits_no_count_is_flagged():
    figures = extract_from("全年行政诉讼一审案件共300件，行政机关败诉24件，败诉率为9.5%。")
    found = check(figures)
    assert any(c.kind == "mismatch" for c in found)
    assert any("mismatch" in flag for f in figures for flag in f.flags)


def test_a_contradiction_is_flagged_but_a_rounded_restatement_is_not():
    figures = explain_blocks(["全年审结行政复议案件300件，纠错率为24.2%。", "全年审结行政复议案件310件，纠错率约为24%。"],
                             2022).figures
    found = check(figures)
    assert [c.kind for c in found if c.kind == "contradiction"] == ["contradiction"]
    assert "300" in next(c.message for c in found if c.kind == "contradiction")


def test_a_rate_without_its_count_is_not_checked():
    assert check(extract_from("全年审结行政复议案件90件，调解率为20%。")) == []


def test_a_part_larger_than_its_whole_is_flagged():
    found = check(extract_from("全年收到行政复议申请90件，受理120件。"))
    assert any(c.kind == "exceeds" for c in found)


def test_rounding_rules():
    assert fits(25.4, 25.38) and fits(8.73, 8.7260) and not fits(25.4, 17.73)
    assert fits(24, 24.2, approximate=True) and not fits(24, 25.2, approximate=True)


def test_choose_prefers_the_bodys_total_and_the_direct_rate():
    figures = explain_blocks(["2022年，全市各级复议机关收到行政复议申请1200件，市政府本级收到行政复议申请300件。",
                              "全市直接纠错率为10.2%，综合纠错率为30.1%。"], 2022, "临川市").figures
    table = choose(figures)
    assert table["复议收案"].value == 1200 and table["复议纠错率"].value == 10.2


def extract_from(text: str):
    return explain_blocks([text], 2022, None).figures


def test_a_file_without_a_report_body_is_read_line_by_line(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("首页 > 新闻\n全年全县受理行政复议案件42件\n", encoding="utf-8")  # no sentence: no body
    report, ex = explain_path(path)
    assert report is None and [(f.indicator, f.value) for f in ex.figures] == [("复议受理", 42)]


def test_explain_on_an_outlined_report_keeps_skips(sample_text):
    report = outline(str(SAMPLES[1]))  # 瑞安: a withdrawal among the 复议 outcomes
    ex = explain(report)
    assert any("withdrawal" in s.reason for s in ex.skipped)


# -- the sentence so far, scanned once --------------------------------------------------------------------

_SCANNED = [C.YEAR, C.GOAL, C.ONE_YEAR, C.YEAR_SPAN, C.SEVERAL_YEARS, C.STATED_YEARS, C.DOMAIN, C.CATEGORY]
_PIECES = st.sampled_from(["2021年", "2022年度", "至", "到", "-", "年", "全年", "过去", "五年", "5年来", "累计", "以来",
                           "力争", "要求", "达到", "复议", "诉讼", "应诉", "类", "各类", "十三五", "时期", "本届政府",
                           "较", "和", "受理", "1", "2", "件", ",", "。", "纠错率为1%"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join), st.lists(st.tuples(st.integers(0, 200), st.booleans()),
                                                             max_size=12))
def test_scanning_the_sentence_so_far_finds_what_a_fresh_search_finds(text, asks):
    """PrefixScan (each number's sentence so far, read on from where the last number's was) answers
    as pattern.search / finditer over the whole text up to each number would."""
    scan = PrefixScan()
    ends = sorted(min(n, len(text)) for n, _ in asks)
    for end, (_, last) in zip(ends, asks):
        for rx in _SCANNED:
            got = scan.last(rx, text[:end], 0) if last else scan.search(rx, text[:end], 0)
            want = ([None] + list(rx.finditer(text[:end])))[-1] if last else rx.search(text[:end])
            assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))
