"""The parts of a report and the topics of its blocks: one small built report per general rule,
and `outline --why`."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from reportsearch import outline
from reportsearch.cli import main
from reportsearch.model import Section

LEAD, ENF, REV = Section.LEADERSHIP, Section.ENFORCEMENT, Section.REVIEW
P, PLAN = Section.PROBLEMS, Section.PLANS

WORK_HEAD = ["政府工作报告", "——2024年1月20日在某市第十届人民代表大会第三次会议上", "某市人民政府市长 张三",
             "各位代表：", "现在，我代表市人民政府，向大会报告工作，请予审议。"]
LAW_HEAD = ["某县人民政府关于2023年度法治政府建设情况的报告", "发布日期：2024-02-01"]


def _report(tmp_path, lines: list[str], name: str = "r.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return outline(str(path))


def _labels(report, needle: str) -> set[Section]:
    found = [b for b in report.blocks if needle in b.text]
    assert found, needle
    return set(found[0].labels)


# ---- 政府工作报告: a sequence of parts -----------------------------------------------------

def test_work_report_reads_as_review_problems_plans_closing(tmp_path):
    r = _report(tmp_path, WORK_HEAD + [
        "一、2023年工作回顾",
        "一年来，我们坚持稳中求进工作总基调，全市地区生产总值增长5.5%。",
        "（一）产业发展加快。新建项目120个，工业增加值增长8%。",
        "（二）政府自身建设不断加强。自觉接受人大监督，办理人大代表建议300件、政协提案260件。",
        "安不忘危，我们也要看到，全市发展还面临不少困难和挑战：产业结构不优，创新能力不强。"
        "对此，我们将采取有力措施，认真加以解决。",
        "二、2024年主要任务",
        "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右。",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
        "三、着力建设人民满意政府",
        "坚持依法办事，自觉接受人大监督和政协民主监督。",
        "各位代表！",
        "让我们更加紧密地团结在以习近平同志为核心的党中央周围，为建设美好家园而努力奋斗！",
        "名词解释",
        "1.三项制度：行政执法公示、执法全过程记录、重大执法决定法制审核制度。",
    ])
    assert _labels(r, "一年来，我们坚持") == set()
    # the review's own 政府自身建设 is not a plan
    assert _labels(r, "（二）政府自身建设不断加强") == set()
    # problems, also when the next sentence turns to 对此，我们将…
    assert _labels(r, "安不忘危") == {P}
    assert _labels(r, "今年经济社会发展") == {PLAN}
    # a later part whose heading names no year still belongs to the plans
    assert _labels(r, "三、着力建设人民满意政府") == {PLAN}
    assert _labels(r, "坚持依法办事") == {PLAN}
    # the closing appeal and a glossary are neither
    assert _labels(r, "让我们更加紧密地团结") == set()
    assert _labels(r, "三项制度：行政执法公示") == set()


def test_a_review_that_names_difficulties_or_work_on_problems_is_not_an_admission(tmp_path):
    r = _report(tmp_path, WORK_HEAD + [
        "2023年工作回顾",
        "刚刚过去的2023年，是经济形势错综复杂、困难和挑战较多的一年。全市生产总值增长6%。",
        "一、经济发展稳中向好。",
        "一是纠正处理了38个存在问题的项目。二是加快补齐短板弱项，新建学校20所。",
        "二、政府自身建设加强。各级政府自觉接受人大及其常委会的监督，定期向人大常委会报告工作，"
        "高度重视建议提案办理。",
        "在肯定成绩的同时，我们也清醒地认识到，全市发展还面临不少困难和问题。",
        "2024年工作安排",
        "（一）扩大有效投资。全年实施重点项目200个。",
    ])
    assert _labels(r, "刚刚过去的2023年") == set()
    assert _labels(r, "一是纠正处理了") == set() and _labels(r, "二是加快补齐短板弱项") == set()
    assert _labels(r, "自觉接受人大及其常委会") == set()  # the congress's 常委会, not the party's
    assert _labels(r, "在肯定成绩的同时") == {P}


def test_work_report_part_switches_inside_its_government_part(tmp_path):
    """Unnumbered part titles with years; 政府自身建设 that reviews, admits, then plans; a
    review that says 让我们 without appealing; problems opened by 当前…正处于."""
    r = _report(tmp_path, WORK_HEAD + [
        "2023年工作回顾",
        "过去的一年，让我们最难忘的是，全市人民团结一心战胜了特大洪灾。",
        "当前，我市发展正处于爬坡过坎的关键阶段，产业转型任务艰巨，财政收支矛盾突出。",
        "2024年工作安排",
        "（一）扩大有效投资。全年实施重点项目200个。",
        "加强政府自身建设",
        "五年来，我们坚持依法行政，制定政府规章20件，政府效能不断提高。",
        "我们也清醒地认识到，政府工作还存在不少差距，一些干部依法行政意识不强。",
        "新的一年，我们将进一步加强政府自身建设，建设人民满意的服务型政府。",
    ])
    assert _labels(r, "过去的一年，让我们最难忘的是") == set()
    assert _labels(r, "当前，我市发展正处于") == {P}
    assert _labels(r, "2024年工作安排") == {PLAN}
    assert _labels(r, "（一）扩大有效投资") == {PLAN}
    assert _labels(r, "五年来，我们坚持依法行政") == set()
    assert _labels(r, "我们也清醒地认识到") == {P}
    assert _labels(r, "新的一年，我们将") == {PLAN}


def test_work_report_parts_titled_without_numbers_and_a_paragraph_that_turns_to_problems(tmp_path):
    r = _report(tmp_path, WORK_HEAD + [
        "“十二五”——创新创业、稳中求进的五年",
        "五年来，经济实力大为增强，地区生产总值年均增长10%。",
        "各位代表！过去五年，我市的变化有目共睹。这些成绩的取得，是全市人民共同奋斗的结果。"
        "在此，我代表市人民政府，表示崇高的敬意和衷心的感谢！我们也清醒地看到，当前我市仍处于爬坡过坎的阶段，"
        "经济社会发展还面临不少困难和挑战。",
        "各位代表，思危方能居安，知忧才能克难。我们清醒地认识到，前进道路上仍面临不少问题和挑战。",
        "“十三五”——全面小康、决战决胜的五年",
        "今后五年，是全面建成小康社会的决胜阶段。",
        "2016——抢抓先机、扎实开局的一年",
        "1、着力推进新型工业化",
        "夯实园区平台。加强园区基础建设。",
        "各位代表！展望“十三五”，前景十分广阔，目标催人奋进。我们坚信，宏伟目标一定能够实现！",
        "各位代表，转型发展任重而道远，我们肩上的责任重于泰山。新的一年，让我们在市委的坚强领导下，"
        "坚定信心，攻坚克难，为全面建成小康社会而努力奋斗！",
    ])
    assert _labels(r, "“十二五”——创新创业") == set()
    # a passage of thanks, then problems: two blocks
    assert _labels(r, "表示崇高的敬意") == set()
    assert _labels(r, "我们也清醒地看到，当前我市") == {P}
    # a one-sentence lead-in stays with the problems it opens
    assert _labels(r, "思危方能居安") == {P}
    assert _labels(r, "“十三五”——全面小康、决战决胜的五年") == {PLAN}
    assert _labels(r, "2016——抢抓先机") == {PLAN}
    assert _labels(r, "夯实园区平台") == {PLAN}
    assert any(b.text.startswith("各位代表！展望") for b in r.blocks)  # the address is not cut off
    assert _labels(r, "新的一年，让我们") == set()


def test_an_admission_inside_a_review_subsection_stays_in_it(tmp_path):
    """One admitting sentence inside a review subsection is a problem; the next subsection is review."""
    r = _report(tmp_path, WORK_HEAD + [
        "一、2023年工作回顾",
        "一年来，我们主要做了以下工作。",
        "（一）坚决打好疫情防控大仗硬仗。面对严峻复杂的疫情，我们坚决落实各项防控措施，全市核酸检测能力提升到每日300万管。"
        "我们也清醒看到，我市作为口岸城市，疫情防控压力仍然巨大。我们要深刻认识疫情防控的复杂性、艰巨性、反复性。",
        "（二）坚定不移深化改革开放。坚持改革不停顿、开放不止步，综合改革试点取得重要进展，新设外资企业1200家。",
        "（三）深入实施创新驱动发展战略。全社会研发投入增长12%，新增国家高新技术企业800家。",
        "二、2024年主要任务",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
    ])
    assert _labels(r, "疫情防控压力仍然巨大") == {P}
    assert _labels(r, "（二）坚定不移深化改革开放") == set()
    assert _labels(r, "（三）深入实施创新驱动") == set()


def test_a_review_that_faced_difficulties_is_not_a_problems_list(tmp_path):
    """面对…困难和挑战 and 应对…风险和挑战 lead a review, not an admission."""
    r = _report(tmp_path, WORK_HEAD + [
        "一、过去五年和2023年工作回顾",
        "市十五届人大一次会议以来的五年，是我市现代化建设取得显著成就的五年。五年来，我们紧紧围绕建设现代化城市要求，"
        "沉着应对前进中的各种风险和挑战，全市经济社会发展实现重大跨越。",
        "（一）综合经济实力大幅提升。地区生产总值年均增长8.9%，人均地区生产总值超过10万元。",
        "（二）城市面貌发生显著变化。建成区面积由150平方公里扩展到230平方公里。",
        "2023年是本届政府履职的最后一年。面对经济下行、疫情防控、能耗双控等困难和挑战，我们坚持稳中求进工作总基调，"
        "经济社会发展呈现良好态势。",
        "一是经济运行稳中向好。面对超出预期的多重困难和挑战，全力做好“六稳”“六保”工作，地区生产总值增长6%。",
        "二是民生福祉持续增进。城镇新增就业5万人，新建学校20所。",
        "（三）经济运行稳中向好。在困难和挑战较多、经济下行压力加大的情况下，多措并举激发市场主体活力。",
        "（四）城乡区域发展协调性增强。城镇化率达到64.1%，实施新一轮农村实事工程。",
        "（五）防治并举保安全。强化底线思维、增强忧患意识，科学统筹发展与安全。",
        "（六）人民生活进一步改善。全省公共财政支出75%以上用于保障改善民生。",
        "在肯定成绩的同时，我们也清醒地认识到，我市经济社会发展还存在不少问题。",
        "一是整体经济实力还不够强，工业短板尚未补齐。",
        "二是城乡发展不协调的问题还没有得到根本解决，农村基础设施欠账较多。",
        "二、2024年主要任务",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
    ])
    for needle in ("五年来，我们紧紧围绕", "（一）综合经济实力大幅提升", "（二）城市面貌发生显著变化",
                   "2023年是本届政府履职", "一是经济运行稳中向好", "二是民生福祉持续增进", "（三）经济运行稳中向好",
                   "（四）城乡区域发展协调性增强", "（五）防治并举保安全", "（六）人民生活进一步改善"):
        assert _labels(r, needle) == set(), needle
    for needle in ("在肯定成绩的同时", "一是整体经济实力还不够强", "二是城乡发展不协调"):
        assert _labels(r, needle) == {P}, needle


def test_admissions_under_a_review_heading_are_problems(tmp_path):
    r = _report(tmp_path, WORK_HEAD + [
        "一、2023年和今年以来工作回顾",
        "过去一年，全市地区生产总值增长6.8%，城镇新增就业30万人。",
        "各位代表！这些成绩的取得，是全市人民团结奋斗的结果。向关心支持我市发展的各界人士表示衷心感谢！",
        "过去一年尤其是这场疫情防控的大战大考，让我们更加清醒认识到，我市经济社会发展还存在不少短板不足。"
        "一是经济发展内生动力不够强。产业基础能力不够高，新旧动能转换不够快。二是城市治理水平有待提高。",
        "在梳理成绩的同时，我们也冷静分析了工作中存在的问题，主要有三个方面：一是，产业升级还没有取得根本性突破。"
        "二是，城乡区域发展不平衡。三是，公共服务供给不足。",
        "二、2024年主要任务",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
    ])
    assert _labels(r, "过去一年，全市地区生产总值") == set()
    assert _labels(r, "让我们更加清醒认识到") == {P}
    assert _labels(r, "一是经济发展内生动力不够强") == {P}
    assert _labels(r, "二是城市治理水平有待提高") == {P}
    assert _labels(r, "在梳理成绩的同时") == {P}
    assert _labels(r, "二是，城乡区域发展不平衡") == {P}


def test_plain_admissions_in_paragraphs_that_review(tmp_path):
    """A paragraph that opens like a review (五年来…, 各位代表！过去五年…) and plainly says what is still
    lacking (仍然存在一些短板弱项, 还存在较大差距和不足) admits problems."""
    r = _report(tmp_path, WORK_HEAD + [
        "一、过去五年和2023年工作回顾",
        "五年来，全市地区生产总值年均增长7%，城乡居民收入稳步提高。",
        "五年来，对标高质量发展要求，全市经济社会发展和政府工作仍然存在一些短板弱项。",
        "一是引领发展的动能亟待增强。经济总量小，产业基础薄弱。",
        "各位代表！过去五年的发展成就令人鼓舞，但与全市人民的期待相比，我市经济社会发展还存在较大差距和不足，"
        "主要是：城乡发展不平衡，公共服务供给不足。",
        "“十四五”时期，我们在取得进步的同时，也暴露出了一些不足，一些规划指标未达到预期目标。",
        "二、2024年主要任务",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
    ])
    assert _labels(r, "五年来，全市地区生产总值年均增长") == set()
    for needle in ("仍然存在一些短板弱项", "一是引领发展的动能亟待增强", "还存在较大差距和不足", "在取得进步的同时"):
        assert _labels(r, needle) == {P}, needle


def test_problem_items_and_glossary_entries_carry_their_own_part_heading(tmp_path):
    r = _report(tmp_path, WORK_HEAD + [
        "一、2023年工作回顾",
        "（一）产业发展加快。新建项目120个，工业增加值增长8%。",
        "（二）政府自身建设不断加强。自觉接受人大监督，办理人大代表建议300件。",
        "在肯定成绩的同时，我们也清醒地认识到，我市发展还存在不少困难和问题。",
        "一是经济总量偏小，产业结构不优。",
        "二是政府自身建设有待加强。",
        "二、2024年主要任务",
        "（一）大力发展现代产业。加快建设先进制造业集群。",
        "名词解释：",
        "1、“四化两型”：“四化”即新型工业化、农业现代化、新型城镇化、信息化；“两型”即资源节约型、环境友好型。",
        "2、“三量齐升”：经济总量、人均均量和运行质量的同步提升",
        "3、“一区两片”：“一区”即中心城区；“两片”即东部片区和西部片区。",
        "三项制度：行政执法公示、执法全过程记录、重大执法决定法制审核制度。",
    ])
    for needle in ("在肯定成绩的同时", "一是经济总量偏小", "二是政府自身建设有待加强"):
        block = next(b for b in r.blocks if needle in b.text)
        assert block.heading == ["一、2023年工作回顾"] and block.labels == [P], (needle, block.heading)
    for needle in ("1、“四化两型”", "2、“三量齐升”", "3、“一区两片”", "三项制度：行政执法公示"):
        block = next(b for b in r.blocks if needle in b.text)
        assert block.heading == ["名词解释"] and block.labels == [], (needle, block.heading)


# ---- 法治政府建设年度报告: leadership parts and topics --------------------------------------

def test_a_leadership_heading_labels_its_items_unless_they_are_clearly_another_topic(tmp_path):
    r = _report(tmp_path, LAW_HEAD + [
        "2023年，在县委的坚强领导下，我县深入学习贯彻习近平法治思想，严格规范公正文明执法，全面推进法治政府建设。",
        "一、强化组织保障，夯实法治建设根基",
        "（一）健全工作机制。成立由县长任组长的法治政府建设领导小组。",
        "（二）提升干部素养。组织业务培训5期，培训干部300人次。",
        "（三）规范复议工作。全年办理行政复议案件56件，纠错率12%，行政机关负责人出庭应诉率100%。",
        "二、深化放管服改革",
        "一是推进政务服务标准化，全年办理审批事项3万件。",
    ])
    # the opening overview carries no topic, whatever it names
    assert _labels(r, "2023年，在县委的坚强领导下") == set()
    assert _labels(r, "一、强化组织保障") == {LEAD}
    assert _labels(r, "（二）提升干部素养") == {LEAD}  # no leadership word of its own
    assert _labels(r, "（三）规范复议工作") == {REV}  # clearly another topic
    assert _labels(r, "一是推进政务服务标准化") == set()
    why = next(b for b in r.blocks if "（二）提升干部素养" in b.text).why
    assert any("under heading 「一、强化组织保障" in w for w in why), why


def test_leadership_is_written_in_many_ways(tmp_path):
    """督察规定 and 纲要 wording: 党的领导, 第一责任, 高位统筹, 政治引领, 学习贯彻习近平法治思想."""
    r = _report(tmp_path, LAW_HEAD + [
        "一、主要举措和成效",
        "（一）坚持党的领导，把牢法治政府建设正确方向",
        "（二）压实第一责任，全面推进法治建设",
        "（三）聚焦高位统筹，推动法治建设",
        "（四）坚持政治引领，筑牢思想根基",
        "（五）全面深入学习贯彻习近平法治思想",
        "（六）规范执法行为，提升依法行政水平",
        "（七）优化政务服务，提升办事效率",
    ])
    for h in ("（一）坚持党的领导", "（二）压实第一责任", "（三）聚焦高位统筹", "（四）坚持政治引领", "（五）全面深入学习贯彻"):
        assert _labels(r, h) == {LEAD}, h
    assert _labels(r, "（六）规范执法行为") == {ENF}
    assert _labels(r, "（七）优化政务服务") == set()


def test_leadership_parts_named_by_their_duty_to_lead(tmp_path):
    """Headings that announce the leadership of the work by what leading it means: leading it as a
    whole (统筹推进…法治), the duty to lead (领导责任, 加强领导, 压实…责任), leading by theory
    (思想引领, 理论武装, studying a party congress's or plenum's spirit); not 统筹协调发展 or
    加强领导干部廉洁自律."""
    r = _report(tmp_path, LAW_HEAD + [
        "一、主要举措和成效",
        "（一）统筹推进法治建设各项工作",
        "（二）强化领导责任",
        "全年召开专题会议4次，印发年度工作要点。",
        "（三）加强领导，进一步健全依法行政体制机制",
        "（四）坚持思想引领，压实各部门法治建设责任",
        "（五）认真学习贯彻党的二十届三中全会精神",
        "（六）坚持理论武装，筑牢法治根基",
        "（七）坚持统筹协调发展，城乡面貌深刻变化",
        "（八）健全依法决策机制",
        "（九）加强领导干部廉洁自律，开展廉政教育",
        "二、深化放管服改革",
        "一是统筹推进审批制度改革，全年办理审批事项3万件，压缩办理时限40%，新增网上可办事项200项。",
    ])
    for h in ("（一）统筹推进法治建设", "（二）强化领导责任", "全年召开专题会议4次", "（三）加强领导", "（四）坚持思想引领",
              "（五）认真学习贯彻", "（六）坚持理论武装"):
        assert _labels(r, h) == {LEAD}, h
    assert _labels(r, "（七）坚持统筹协调发展") == set()
    assert _labels(r, "（九）加强领导干部廉洁自律") == set()
    assert _labels(r, "（八）健全依法决策机制") == set()
    assert _labels(r, "一是统筹推进审批制度改革") == set()


def test_a_part_overview_and_boilerplate_leadership_carry_no_topic(tmp_path):
    r = _report(tmp_path, LAW_HEAD + [
        "一、主要举措和成效",
        "2023年，我局以习近平法治思想为指导，严格规范公正文明执法，全面提升依法行政水平。",
        "（一）服务发展大局",
        "在县委依法治县委员会和县委依法治县办的坚强领导下，我局全年办理审批事项3万件，服务企业200家。",
    ])
    assert _labels(r, "2023年，我局以习近平法治思想为指导") == set()  # the part's overview
    assert _labels(r, "在县委依法治县委员会") == set()  # 在…的坚强领导下 says nothing of the block


def test_a_heading_whose_numeral_was_lost_is_still_a_heading(tmp_path):
    r = _report(tmp_path, LAW_HEAD + [
        "2023年，我市全面推进法治政府建设，取得明显成效。",
        "、坚持党的全面领导，确保法治政府建设正确方向",
        "市政府始终将法治政府建设摆在突出位置，纳入年度工作计划，与经济社会发展同部署、同推进。",
    ])
    block = next(b for b in r.blocks if b.text.startswith("市政府始终将"))
    assert block.heading == ["、坚持党的全面领导，确保法治政府建设正确方向"]
    assert set(block.labels) == {LEAD}


def test_studying_problems_is_not_admitting_them(tmp_path):
    r = _report(tmp_path, LAW_HEAD + [
        "一、主要举措和成效",
        "（一）加强组织领导",
        "县政府定期召开常务会议研究法治建设存在问题，部署年度重点任务。",
    ])
    assert P not in _labels(r, "研究法治建设存在问题")


def test_a_plan_names_a_topic_in_most_of_its_clauses_to_carry_it(tmp_path):
    r = _report(tmp_path, LAW_HEAD + [
        "一、主要举措和成效",
        "（一）深化放管服改革。全年办理审批事项3万件。",
        "二、2024年工作计划",
        "（一）全面提升依法行政水平。压实党政主要负责人履行推进法治建设第一责任人职责，完善规范性文件备案审查制度，"
        "加强基层法治力量，依法全面履行政府职能，优化法治化营商环境，提升政务服务效能。",
        "（二）深化行政执法改革。深化综合行政执法体制改革，全面落实行政执法三项制度，加强执法监督，提升执法人员素质。",
    ])
    assert _labels(r, "（一）全面提升依法行政水平") == {PLAN}
    assert _labels(r, "（二）深化行政执法改革") == {PLAN, ENF}


# ---- the end of a report: closing matter, never a paragraph -------------------------------

def _write(tmp_path, lines: list[str], suffix: str):
    path = tmp_path / f"r{suffix}"
    if suffix == ".docx":
        import makedocs
        path.write_bytes(makedocs.docx("\n".join(lines), auto_numbering=False))
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return outline(str(path))


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_a_short_final_paragraph_is_body_and_only_closing_matter_is_dropped(tmp_path, suffix):
    body = LAW_HEAD + [
        "2023年，我县全面推进法治政府建设，现将有关情况报告如下。",
        "一、主要举措和成效",
        "（一）加强组织领导。县政府常务会议专题研究法治建设3次。",
        "二、存在的问题",
        "行政执法人员素质有待提高。",
        "三、下一步计划",
    ]
    r = _write(tmp_path, body + ["推进府院联动机制建设。"], suffix)
    assert PLAN in _labels(r, "推进府院联动机制建设")
    # without its full stop, under its heading, it is still a paragraph
    r = _write(tmp_path, body + ["推进府院联动机制建设"], suffix)
    assert PLAN in _labels(r, "推进府院联动机制建设")
    # a signature, a date and 特此报告 are closing matter: no blocks
    r = _write(tmp_path, body + ["推进府院联动机制建设。", "特此报告。", "某县人民政府", "2024年1月20日"], suffix)
    assert PLAN in _labels(r, "推进府院联动机制建设")
    assert r.blocks[-1].text == "推进府院联动机制建设。"
    # a work report's short last glossary entry
    r = _write(tmp_path, WORK_HEAD + [
        "一、2023年工作回顾", "一年来，全市地区生产总值增长5.5%。", "二、2024年主要任务", "（一）大力发展现代产业。",
        "名词解释", "一岗双责：一个领导干部既要对所在岗位应当承担的具体业务工作负责，又要对所在岗位应当承担的党风廉政建设负责。",
        "两癌：指宫颈癌和乳腺癌。"], suffix)
    assert _labels(r, "两癌：指宫颈癌和乳腺癌") == set()


# ---- outline --why ---------------------------------------------------------------------------

def test_outline_why_shows_the_part_and_cues_of_every_block():
    path = str(CORPUS / "linfen-2021.txt")
    res = CliRunner().invoke(main, ["outline", path, "--why"])
    assert res.exit_code == 0, res.output
    assert "part: opening — opening overview" in res.output
    assert "领导机制: own words 第一责任人、一把手" in res.output  # the heading's own cue words
    assert "part: problems" in res.output and "part: plans" in res.output
    res = CliRunner().invoke(main, ["outline", path, "--why", "--json"])
    obj = json.loads(res.output)
    assert all(b["why"] and b["why"][0].startswith("part: ") for b in obj["blocks"])
    lead = [b for b in obj["blocks"] if "领导机制" in b["labels"]]
    assert lead and all(any(w.startswith("领导机制: ") for w in b["why"]) for b in lead)
    plain = json.loads(CliRunner().invoke(main, ["outline", path, "--json"]).output)
    assert set(plain["blocks"][0]) == {"labels", "heading", "text"}  # the scoring contract is unchanged
