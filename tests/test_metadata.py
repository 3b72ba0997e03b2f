"""Metadata and page furniture: one small page per rule, then the scores on the real pages and a
hand-labelled sample of the bulk 政府工作报告."""
from __future__ import annotations

import json
import subprocess
import sys
import tarfile

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES, shared_or_skip
from reportsearch import outline
from reportsearch.cli import main
from reportsearch.model import RawDocument
from reportsearch.report.clean import clean, is_furniture, template_fields
from reportsearch.report.metadata import extract, find_date
from reportsearch.report.regions import chain_at, normalise

BODY = [
    "2023年，我们坚持以习近平法治思想为指导，扎实推进法治政府建设。现将有关情况报告如下：",
    "一、主要举措和成效",
    "（一）加强组织领导。主要负责人切实履行推进法治建设第一责任人职责，全年召开专题会议3次。",
    "二、存在的不足和原因",
    "执法人员素质有待提高，个别领域执法不够规范。",
]


def _doc(lines: list[str], path: str = "page.txt"):
    return clean(RawDocument(path, lines))


def _meta(lines: list[str], path: str = "page.txt"):
    return extract(_doc(lines, path))


def _body_text(lines: list[str]) -> str:
    return "\n".join(_doc(lines).body)


# --- the 政府信息公开 table -------------------------------------------------------------------

TABLE = [
    "- 索 引 号: 000000000/2024-00001",
    "- 主题分类: 综合政务",
    "- 体裁分类: 报告",
    "- 发文机关: 某某县司法局",
    "- 成文日期: 2024-01-20",
    "- 文 号: 某司〔2024〕1号",
    "- 发布日期: 2024-01-25",
    "- 公开方式: 主动公开",
]


def test_template_table_is_not_body_and_gives_issuer_and_date():
    lines = TABLE + ["某某县司法局2023年法治政府建设年度报告"] + BODY
    m = _meta(lines)
    assert m.issuer == "某某县司法局" and m.region == "某某县"
    assert m.published == "2024-01-25"  # 发布日期 wins over 成文日期
    text = _body_text(lines)
    assert not any(w in text for w in ("索引号", "索 引 号", "主题分类", "体裁分类", "公开方式", "〔2024〕1号"))


def test_template_table_with_only_the_written_date():
    lines = [x for x in TABLE if "发布日期" not in x] + BODY
    assert _meta(lines).published == "2024-01-20"


def test_published_date_wins_even_when_written_date_comes_first():
    lines = ["某某市人民政府关于2023年度法治政府建设情况的报告", "成文日期：2024年03月01日 发布日期：2024年03月05日"] + BODY
    assert _meta(lines).published == "2024-03-05"


def test_spaced_labels_several_to_a_row():
    assert template_fields("索 引 号 000014349/2021-00123 分    类 司法") == [
        ("索引号", "000014349/2021-00123"), ("分类", "司法")]
    assert template_fields("发布机构 某某省人民政府 发文日期 2020-03-26") == [
        ("发布机构", "某某省人民政府"), ("发文日期", "2020-03-26")]
    assert template_fields("| 索引号 | 123 | 发布机构 | 某市司法局 |") == [("索引号", "123"), ("发布机构", "某市司法局")]
    lines = ["发布机构 某某省人民政府 发文日期 2020-03-26", "文    号 有 效 性 有效"] + BODY
    m = _meta(lines)
    assert m.issuer == "某某省人民政府" and m.published == "2020-03-26"


def test_table_row_inside_the_body_is_dropped():
    lines = BODY[:2] + ["索引号：11330000/2024-0001 发布机构：某某市司法局", "- 主题分类：通知公告"] + BODY[2:]
    text = _body_text(lines)
    assert "索引号" not in text and "主题分类" not in text and "全年召开专题会议3次" in text


def test_labels_and_values_on_separate_lines():
    lines = ["索引号：", "11440300007542653X/2021-00123", "分类：", "综合政务", "发布机构：", "某某市司法局",
             "成文日期：", "2021-03-01", "发布日期：", "2021-03-05",
             "某某市司法局2020年法治政府建设年度报告"] + BODY
    m = _meta(lines)
    assert m.issuer == "某某市司法局" and m.published == "2021-03-05" and m.region == "某某市"
    assert m.title == "某某市司法局2020年法治政府建设年度报告"
    inside = BODY[:2] + ["发布机构：", "某某市司法局", "文号：", "某司〔2021〕3号"] + BODY[2:]
    text = _body_text(inside)
    assert "发布机构" not in text and "〔2021〕3号" not in text and "某某市司法局" not in text


def test_generic_words_open_a_row_only_with_a_colon():
    assert not template_fields("时间紧、任务重，我们坚持依法行政。")
    assert not is_furniture("分类施策，精准推进综合行政执法改革，全年办理案件120件。")
    assert template_fields("时间：2024-01-25") == [("时间", "2024-01-25")]


# --- page furniture and titles ---------------------------------------------------------------

def test_location_trails_are_furniture():
    for line in ("您所在的位置:首页 > 政务公开 > 法治政府建设", "您当前的位置：首页 > 信息公开", "当前位置 : 首页",
                 "> 陇西动态 > 政务公告", "信息公开元数据", "||||||||||", "朗读", "【打印】 【关闭】",
                 "微信 微博 QQ空间", "审核：张三", "编辑：李四"):
        assert is_furniture(line), line
    lines = ["您所在的位置:首页 > 政务公开", "某某区2023年法治政府建设年度报告"] + BODY
    assert "您所在的位置" not in _body_text(lines)


def test_title_split_over_two_lines():
    m = _meta(["栗子乡人民政府", "关于2023年法治政府建设情况的报告"] + BODY)
    assert m.title == "栗子乡人民政府关于2023年法治政府建设情况的报告"
    assert m.region == "栗子乡" and m.year == 2023


def test_title_only_inside_a_site_sentence():
    lines = ["《某某市人民政府2018年度法治政府建设工作报告》是2019年某某市人民政府发布的通知。"] + BODY
    m = _meta(lines)
    assert m.title == "某某市人民政府2018年度法治政府建设工作报告" and m.region == "某某市" and m.year == 2018
    assert "发布的通知" not in _body_text(lines)


def test_title_row_of_the_table():
    lines = ["- 标 题:下洋镇2025年度法治政府建设情况报告", "- 发布机构:下洋镇"] + BODY
    m = _meta(lines)
    assert m.title == "下洋镇2025年度法治政府建设情况报告" and m.region == "下洋镇" and m.issuer == "下洋镇"


def test_column_tag_is_not_part_of_title_or_region():
    m = _meta(["【法治建设报告】广东省司法厅关于2023年度法治政府建设情况的报告"] + BODY)
    assert m.title == "广东省司法厅关于2023年度法治政府建设情况的报告" and m.region == "广东省"


def test_a_title_with_commas_is_not_body():
    lines = ["某某市人民政府关于2021年度推进依法行政，加快建设法治政府工作情况的报告"] + BODY
    doc = _doc(lines)
    assert doc.header == lines[:1] and doc.body[0] == BODY[0]


# --- region ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,place", [
    ("郑州市人力资源和社会保障局2023年法治政府建设年度报告", "郑州市"),
    ("广东省司法厅2023年法治政府建设年度报告", "广东省"),
    ("新疆维吾尔自治区2023年政府工作报告", "新疆维吾尔自治区"),
    ("房县2023年法治政府建设情况报告", "房县"),
    ("岳阳县人民政府关于2023年度法治政府建设情况的报告", "岳阳县"),
    ("下洋镇2023年法治政府建设工作报告", "下洋镇"),
    ("留下街道办事处2023年法治政府建设年度报告", "留下街道"),
    ("栗子乡人民政府2023年法治政府建设年度报告", "栗子乡"),
    ("厦门市海沧区政府2015年推进依法行政工作情况", "厦门市海沧区"),
    ("长沙市天心区坡子街街道办事处2022年法治政府建设年度报告", "长沙市天心区坡子街街道"),
    ("喀什地区叶城县2023年度法治政府建设工作报告", "喀什地区叶城县"),
    ("永州市2023年法治政府建设年度报告", "永州市"),
    ("兰州市人民政府工作报告（2009）", "兰州市"),
    ("池州市政府工作报告 （2016年1月6日 某某）", "池州市"),
    ("武汉市市场监管局2022年法治政府建设年度报告", "武汉市"),
    ("内蒙古自治区卫生健康委2022年法治政府建设工作报告", "内蒙古自治区"),
    ("黔西南布依族苗族自治州2023年法治政府建设年度报告", "黔西南布依族苗族自治州"),
    ("关于瑞安市2019年度法治政府建设工作情况的报告", "瑞安市"),
    ("2010年东莞市政府工作报告", "东莞市"),
    ("福建省龙岩市永定区下洋镇人民政府2022年法治政府建设情况报告", "龙岩市永定区下洋镇"),  # province dropped
    ("湖北省房县2022年法治政府建设情况报告", "房县"),
    ("重庆市渝中区2022年法治政府建设情况报告", "重庆市渝中区"),  # a municipality stays as the city
    ("国家税务总局宁波市税务局2022年法治政府建设年度报告", "宁波市"),
    ("锡林郭勒盟正蓝旗2022年法治政府建设年度报告", "锡林郭勒盟正蓝旗"),
    ("天津市和平区2022年法治政府建设情况报告", "天津市和平区"),
    ("自然资源部2022年法治政府建设年度报告", None),
])
def test_region_of_every_kind_of_body(name, place):
    assert _meta([name] + BODY).region == place


def test_autonomous_region_short_forms_take_the_full_name():
    assert normalise("新疆自治区") == "新疆维吾尔自治区"
    assert normalise("广西自治区") == "广西壮族自治区"
    assert _meta(["新疆自治区2006年政府工作报告"] + BODY).region == "新疆维吾尔自治区"


def test_region_never_carries_words_around_the_place():
    title = "2000年1月22日某某省省长张三 在广东省第九届人民代表大会第三次会议上作政府工作报告"
    assert _meta([title] + BODY).region == "广东省"
    title = "张三市长在上海市第十二届人民代表大会第二次会议上的政府工作报告（2004年）"
    assert _meta([title] + BODY).region == "上海市"
    assert chain_at("全市上下") is None and chain_at("城市管理局") is None and chain_at("市场监管局") is None
    assert chain_at("按照市委部署") is None and chain_at("并请市政协委员") is None


def test_region_from_the_opening_sentence_past_the_superiors():
    lines = ["2021年，在市委、市政府的坚强领导下，省农业农村厅的正确指导下，某某市农业农村局全面落实法治政府建设各项要求。",
             "一、主要举措和成效", "（一）加强组织领导。局党组全年专题研究法治建设3次。"]
    assert _meta(lines).region == "某某市"
    lines = ["2020年，在市委、市政府的坚强领导下，横县深入贯彻党的十九大精神，扎实推进法治政府建设。"] + BODY[1:]
    assert _meta(lines).region == "横县"


def test_region_from_the_source_when_the_title_names_no_place():
    lines = ["市司法局2023年法治政府建设年度报告", "发布时间：2024-01-25 来源：某某市司法局"] + BODY
    m = _meta(lines)
    assert m.region == "某某市" and m.published == "2024-01-25"
    lines = ["一年来，某某县司法局在县委、县政府的正确领导下，扎实推进法治政府建设。"] + BODY[1:]
    assert _meta(lines).region == "某某县"


def test_region_of_a_department_or_place_named_only_in_the_template_or_the_body():
    """A city department whose title says only 市交通运输局 names its city in the body (某某市交通运输
    综合行政执法支队); a township or district may be named only by the page's template."""
    lines = ["市交通运输局2023年法治政府建设年度报告", "发布时间：2024-01-25",
             "2023年，市交通运输局坚持以习近平法治思想为指导，扎实推进法治政府部门建设。现将有关情况报告如下：",
             "一、主要举措和成效",
             "（一）加强组织领导。局党组专题研究法治工作3次，指导某某市交通运输综合行政执法支队规范执法。",
             "（二）提升依法行政能力。举办全市交通运输系统法治培训2期。"]
    assert _meta(lines).region == "某某市"
    assert _meta(["关于2023年度法治政府建设情况的报告", "信息来源：某某镇", "发布时间：2024-02-01"] + BODY).region == "某某镇"
    assert _meta(["关于2023年度法治政府建设情况的报告", "所属机构：某某区市场监督管理局"] + BODY).region == "某某区"
    # a source that names no place still gives none
    assert _meta(["关于2025年法治政府建设情况的报告", "信息来源：区司法局"] + BODY).region is None


def test_template_labels_stay_out_of_the_title_and_its_dates_are_read_wherever_they_stand():
    m = _meta(["某某县2023年法治政府建设年度报告 体裁分类：报告"] + BODY)
    assert m.title == "某某县2023年法治政府建设年度报告"
    m = _meta(["某某县2023年法治政府建设年度报告体裁分类：工作报告 发布机构：某某县人民政府"] + BODY)
    assert m.title == "某某县2023年法治政府建设年度报告"
    # a bracketed 发布时间 inside the body or below it
    lines = ["某某县2023年法治政府建设年度报告"] + BODY[:2] + ["【发布时间：2024-02-01】【来源：某某县司法局】"] + BODY[2:]
    assert _meta(lines).published == "2024-02-01"
    assert "发布时间" not in _body_text(lines)
    lines = ["某某县2023年法治政府建设年度报告"] + BODY + ["【发布时间：2024-02-01 09:30】 来源：某某县司法局 浏览次数：120"]
    assert _meta(lines).published == "2024-02-01"


def test_region_from_the_level_a_report_speaks_at():
    lines = ["现将我局2023年法治政府建设工作情况报告如下。",
             "一、强化法治政府部门建设。全面落实《乐山市党政主要负责人履行推进法治建设第一责任人职责实施办法》。",
             "二、提升依法行政能力。举办全市交通运输系统法治培训，全市业务骨干170人参加。"]
    m = _meta(lines)
    assert m.region == "乐山市" and m.year == 2023
    lines = ["国务院：", "2018年，全面落实《河南省法治政府建设实施方案》各项任务，为全省经济发展提供法治保障。",
             "一、完善工作机制", "（一）省委、省政府高度重视法治政府建设，全省各级政府认真落实。"]
    assert _meta(lines).region == "河南省"


def test_work_report_region_from_congress_speaker_or_delegation():
    lines = ["政府工作报告", "（2月22日在某某市第十一届人民代表大会第四次会议上）", "各位代表：",
             "现在，我代表市人民政府向大会报告工作，请予审议。", "一、2000年工作回顾", "过去一年，全市经济增长8%。"]
    assert _meta(lines).region == "某某市"
    lines = ["政府工作报告", "宁海市市长 张三", "各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议。",
             "一、2000年工作回顾", "过去一年，全市经济增长8%。"]
    assert _meta(lines).region == "宁海市"
    lines = ["各位代表：", "现在，我代表某某省人民政府向大会报告工作，请予审议。", "一、2013年工作回顾", "全省经济增长7%。"]
    assert _meta(lines).region == "某某省"


def test_a_name_without_its_unit_takes_the_one_the_report_uses():
    lines = ["长春政府工作报告 （2011年12月26日 某某）", "各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议。",
             "一、2011年工作回顾", "过去一年，全市上下共同努力，经济增长10%。"]
    assert _meta(lines).region == "长春市"
    lines = ["兰州政府工作报告", "各位代表：", "现在，我代表兰州市人民政府向大会报告工作，请予审议。", "一、2011年工作回顾"]
    assert _meta(lines).region == "兰州市"


def test_national_reports_and_places_never_said_stay_null(tmp_path):
    lines = ["政府工作报告", "——2024年3月5日在第十四届全国人民代表大会第二次会议上", "国务院总理 某某", "各位代表：",
             "现在，我代表国务院，向大会报告政府工作，请予审议。", "一、2023年工作回顾", "过去一年，经济增长5.2%。"]
    m = _meta(lines)
    assert m.region is None and m.year == 2023 and m.published == "2024-03-05"
    lines = ["关于2025年法治政府建设情况的报告", "来源:区司法局"] + BODY
    m = _meta(lines)
    assert m.region is None and m.published is None
    # the file name names a place and a date: neither is taken from it
    path = tmp_path / "临汾市-2022-02-14.txt"
    path.write_text("\n".join(BODY), encoding="utf-8")
    r = outline(str(path))
    assert r.meta.region is None and r.meta.published is None and r.meta.title is None


# --- dates -------------------------------------------------------------------------------------

def test_date_formats():
    assert find_date("25.02.2016  10:00") == "2016-02-25"
    assert find_date("发布时间：2021年2月5日") == "2021-02-05"
    assert find_date("二〇二一年一月三十日在某市第十五届人民代表大会第四次会议上") == "2021-01-30"
    assert find_date("2.5.2016") == "2016-05-02"  # day first
    assert find_date("第13.2.1条") is None
    assert _meta(["某某区2015年推进依法行政工作情况", "25.02.2016  10:00"] + BODY).published == "2016-02-25"


def test_work_report_dates_and_year():
    base = ["各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议。", "一、2021年工作回顾", "过去一年，全市经济增长6%。"]
    # the date on its ——…日在…会议上 line
    m = _meta(["政府工作报告", "——2022年1月10日在某某市第十五届人民代表大会第一次会议上"] + base)
    assert (m.published, m.year, m.region) == ("2022-01-10", 2021, "某某市")
    # the line split in two
    m = _meta(["——2002年3月26日在某某市第十一届人民", "代表大会第一次会议上"] + base)
    assert (m.published, m.region) == ("2002-03-26", "某某市")
    # a month and day only: the year the report is named for
    m = _meta(["2001年政府工作报告", "（2月22日在市第十一届人民代表大会第四次会议上）"] + base)
    assert (m.published, m.year) == ("2001-02-22", 2000)
    # only in the title
    m = _meta(["某某市政府工作报告（2021年1月12日 某某）"] + base)
    assert (m.published, m.year) == ("2021-01-12", 2020)
    # delivered in December: it reports on that year
    m = _meta(["某某州政府工作报告（2021年12月29日 某某）", "——2021年12月29日在某某州第十五届人民代表大会第一次会议上"] + base)
    assert (m.published, m.year) == ("2021-12-29", 2021)
    # only the approval note at the end
    m = _meta(["2018年某某省政府工作报告"] + base + ["（2018年1月30日省第十三届人大第一次会议审议通过）"])
    assert (m.published, m.year) == ("2018-01-30", 2017)
    # no date, no year in the title: the review's heading names the year
    m = _meta(["政府工作报告"] + base)
    assert m.year == 2021 and m.published is None


# --- work reports: issuer, the year reported on, the year delivered ----------------------------

WORK_OPENING = ["各位代表：", "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和列席人员提出意见。"]


def test_a_work_report_is_issued_by_the_government_it_speaks_for():
    """我代表省人民政府 names the issuer: the people's government of the report's region."""
    m = _meta(["政府工作报告", "——2021年1月24日在广东省第十三届人民代表大会第四次会议上", "广东省省长 某某"]
              + WORK_OPENING + ["一、2020年工作回顾", "过去一年，全省经济增长2.3%。"])
    assert (m.region, m.issuer) == ("广东省", "广东省人民政府")
    m = _meta(["2023年政府工作报告", "各位代表：", "现在，我代表自治区人民政府，向大会报告政府工作，请予审议。",
               "一、2022年和过去五年工作回顾", "刚刚过去的2022年，全区各族人民牢记嘱托。广西经济增长3%左右。",
               "广西工业投资增长30%。向关心支持广西发展的各界人士表示衷心感谢！"])
    assert (m.region, m.issuer) == ("广西壮族自治区", "广西壮族自治区人民政府")
    m = _meta(["政府工作报告", "——2024年3月5日在第十四届全国人民代表大会第二次会议上", "各位代表：",
               "现在，我代表国务院，向大会报告政府工作，请予审议。", "一、2023年工作回顾", "过去一年，经济增长5.2%。"])
    assert (m.region, m.issuer) == (None, "国务院")
    # a city whose name the report gives only once in full: the issuer is still its government
    lines = ["政府工作报告", "——2020年1月8日在某某市第十五届人民代表大会第三次会议上", "各位代表：",
             "现在，我代表市人民政府向大会报告工作，请予审议。", "一、2019年工作回顾", "过去一年，全市经济增长6%。"]
    assert _meta(lines).issuer == "某某市人民政府"


def _city_report(name: str, full_once: bool) -> list[str]:
    """A work report that names its city bare (宁波) many times, and in full at most once."""
    return ["2015年政府工作报告", "各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员提出意见。",
            "一、2014年工作回顾",
            f"2014年是实施“十二五”规划的关键一年。一年来，{name}经济扩总量、促增量、提质量取得新进展。",
            f"（一）抓项目、强支撑。中意{name}生态园设立，{name}杭州湾新区建设加快，铁路{name}站综合枢纽投用。",
            f"（二）抓改革、建机制。推进法治{name}建设，{name}都市区建设取得进展，“质优{name}”建设全面实施。"
            + (f"举办{name}市第六届运动会。" if full_once else ""),
            f"各位代表！这些成绩的取得，是全市人民共同奋斗的结果。向关心支持{name}发展的各界人士表示衷心感谢！",
            "二、2015年工作安排", f"新的一年，我们将加快建设{name}都市区，推进{name}—舟山港一体化。"]


def test_a_work_report_region_named_bare_many_times():
    assert _meta(_city_report("宁波", full_once=True)).region == "宁波市"
    assert _meta(_city_report("宁波", full_once=False)).region == "宁波市"
    m = _meta(_city_report("宁波", full_once=False))
    assert m.issuer == "宁波市人民政府" and m.year == 2014 and m.report_year == 2015


def test_a_work_report_year_from_its_review_or_plans_heading():
    m = _meta(["政府工作报告"] + WORK_OPENING + ["一、2020年工作及“十三五”时期发展回顾", "一年来，我们主要做了以下几个方面的工作。"])
    assert (m.year, m.report_year) == (2020, 2021)
    m = _meta(["政府工作报告"] + WORK_OPENING + ["一、过去五年工作回顾", "过去的五年极不寻常。",
                                               "二、2023年工作总体要求和主要目标", "今年经济社会发展的主要预期目标是。"])
    assert (m.year, m.report_year) == (2022, 2023)


def test_report_year_is_the_year_delivered_or_published(tmp_path):
    base = ["各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议。", "一、2021年工作回顾", "过去一年，全市经济增长6%。"]
    m = _meta(["政府工作报告", "——2022年1月10日在某某市第十五届人民代表大会第一次会议上"] + base)
    assert (m.year, m.report_year) == (2021, 2022)
    m = _meta(["某某州政府工作报告（2021年12月29日 某某）", "——2021年12月29日在某某州第十五届人民代表大会第一次会议上"] + base)
    assert (m.year, m.report_year) == (2021, 2021)
    m = _meta(["2015年政府工作报告"] + base)  # no date: the year it is named for
    assert (m.year, m.report_year) == (2014, 2015)
    m = _meta(TABLE + ["某某县司法局2023年法治政府建设年度报告"] + BODY)
    assert (m.year, m.report_year) == (2023, 2024)
    m = _meta(["某某县司法局2023年法治政府建设年度报告"] + BODY)  # never said
    assert (m.year, m.report_year) == (2023, None)
    path = tmp_path / "r.txt"
    path.write_text("\n".join(TABLE + ["某某县司法局2023年法治政府建设年度报告"] + BODY), encoding="utf-8")
    res = CliRunner().invoke(main, ["outline", str(path), "--json"])
    obj = json.loads(res.output)
    assert (obj["year"], obj["report_year"]) == (2023, 2024)


def test_a_letter_spaced_title_is_closed_up(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("---\ntitle: 2 0 2 1 年 政府工作报告\n---\n\n" + "\n\n".join(WORK_OPENING + [
        "一、2020年工作回顾", "过去一年，全市经济增长6%。"]) + "\n", encoding="utf-8")
    assert outline(str(path)).meta.title == "2021年政府工作报告"
    m = _meta(["政 府 工 作 报 告", "——2021年1月24日在某某市第十五届人民代表大会第四次会议上"] + WORK_OPENING)
    assert m.title == "政府工作报告"
    # spaces that separate words stay: a date and a name
    m = _meta(["某某市政府工作报告 （2014年1月6日 张三）"] + WORK_OPENING)
    assert m.title == "某某市政府工作报告 （2014年1月6日 张三）"


# --- scores on real pages ------------------------------------------------------------------------

def _score(tmp_path, paths, *args) -> list[str]:
    scorer = shared_or_skip("eval", "score_sections.py")
    out = tmp_path / "o.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for p in paths:
            f.write(json.dumps(outline(str(p)).to_json(), ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(scorer), str(out), *args], capture_output=True, text=True, check=True)
    return res.stdout.strip().splitlines()


def _figures(line: str) -> tuple[int, int, int, int]:
    leaked, furniture = line.split("furniture leaked ")[1].split(",")[0].split("/")
    ok, total = line.split("metadata ")[1].split("/")
    return int(leaked), int(furniture), int(ok), int(total)


def test_metadata_and_furniture_on_the_real_pages(tmp_path):
    pages = sorted(shared_or_skip("eval", "pages").glob("*.txt"))
    eval_dir = shared_or_skip("eval")
    last = _score(tmp_path, pages, "--sections", str(eval_dir / "sections-pages.tsv"),
                  "--meta", str(eval_dir / "meta-pages.tsv"))
    leaked, furniture, ok, total = _figures(last[-2])
    assert furniture >= 70 and leaked == 0, last
    assert total >= 100 and ok / total >= 0.95, last


def test_metadata_and_furniture_on_the_samples(tmp_path):
    last = _score(tmp_path, SAMPLES)
    assert _figures(last[-2]) == (0, 11, 20, 20), last


BULK_LABELS = ROOT / "tests" / "bulk-meta.tsv"


@pytest.mark.bulk
@pytest.mark.slow
def test_hand_labelled_bulk_work_reports(tmp_path):
    tar = shared_or_skip("bulk", "gov-work-reports.tar.xz")
    rows = [line.rstrip("\n").split("\t") for line in BULK_LABELS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    wanted = {r[0] for r in rows}
    with tarfile.open(tar) as t:
        t.extractall(tmp_path, members=[m for m in t.getmembers() if m.name in wanted], filter="data")
    wrong = []
    for name, title, region, year, published, issuer, report_year in rows:
        m = outline(str(tmp_path / name)).meta
        got = {"title": title in (m.title or ""),
               "region": (m.region or "-") in region.split("|"),
               "year": str(m.year if m.year is not None else "-") == year,
               "published": (m.published or "-") == published,
               "issuer": (m.issuer or "-") in issuer.split("|"),
               "report_year": str(m.report_year if m.report_year is not None else "-") == report_year}
        wrong += [f"{name}: {k} want {v!r}, got {getattr(m, k)!r}"
                  for k, v in (("title", title), ("region", region), ("year", year), ("published", published),
                               ("issuer", issuer), ("report_year", report_year))
                  if not got[k]]
    assert len(rows) >= 55
    assert not wrong, "\n".join(wrong)
