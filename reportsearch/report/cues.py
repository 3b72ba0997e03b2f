"""Wording that marks the problems part and the plans part of a report.

These follow how Chinese government reports are written in general (SECTIONS.md and the
政府工作报告 conventions), not phrases of particular reports.
"""
from __future__ import annotations

import re

# A heading that opens the problems part: 存在的问题, 问题和不足, 差距和不足, 短板弱项 …
PROBLEM_HEADING = re.compile(
    r"存在(的)?(主要)?(问题|不足|困难)|(问题|困难)(和|与|及)(不足|差距|挑战|短板)|不足(和|与|及)|不足之处|差距(和|与)不足|"
    r"短板(和|与)?弱项|薄弱环节|主要问题|问题(及|和)(其)?原因|^[^，,]{0,12}(问题|不足)$"
)

# A heading that opens the plans part: 下一步, 工作计划/思路/打算/安排, 20XX年工作 …
PLAN_HEADING = re.compile(
    r"下一步|下阶段|下一阶段|今后|明年|工作(计划|思路|打算|安排|设想|重点|举措|目标|部署)|努力方向|"
    r"(总体要求|目标任务|主要任务|重点任务|主要目标|重点工作)|政府自身建设|展望"
)
_YEAR = re.compile(r"(\d{4})\s*年")

# A sentence that opens the problems part inside a paragraph.
_AMID_SUCCESS = r"(在|看到|肯定|取得|梳理|总结|回顾|报告|盘点)[^，,。；！？]{0,8}?(成绩|成效|成就|进步|进展)的同时"
PROBLEM_OPEN = re.compile(
    _AMID_SUCCESS + r"|清醒(地|的)?(看到|认识到|意识到)|"
    r"(存在|面临)(着)?(的)?(一些|一定的?|不少|诸多|许多|较多)?(突出)?(问题|不足|差距|短板|困难|薄弱环节)|"
    r"还(有|存在)(一些|不少|诸多|一定的?)?(差距|不足|短板|问题)|短板弱项|问题和不足|不足之处|困难和问题|"
    r"问题和挑战|差距和不足|矛盾和问题|问题(主要)?表现在|不足(主要)?表现在|"
    r"困难和挑战|风险和挑战|安不忘危|居安思危|忧患意识|^当前[^。；]{0,30}(正处于|仍处于|处在)"
)
# The strongest openers: enough to open the problems inside a plans part (政府自身建设).
# … or a sentence that plainly says so wherever it stands (…让我们更加清醒认识到，我市…还存在不少短板不足).
PROBLEM_OPEN_STRONG = re.compile(
    r"^[^。]{0,12}(清醒(地|的)?(看到|认识到|意识到)|" + _AMID_SUCCESS + r")|"
    r"(清醒|深刻)(地|的)?(看到|认识到|意识到)[^。]{0,40}?(还|仍|依然|仍然)(存在|有|面临)|"
    # 仍然存在一些短板弱项, 还存在较大差距和不足, 还面临一些突出的矛盾和问题, 也暴露出了一些不足
    r"(还|仍|仍然|依然|也)(存在|有|面临|暴露出?)(着|了)?[^，,。；]{0,8}?(问题|不足|差距|短板|弱项|薄弱环节)")
# Clauses that mention problems while reporting work done on them, or that faced them (面对…困难和挑战,
# 沉着应对…风险和挑战), not admitting them.
PROBLEM_NEGATORS = re.compile(r"围绕|针对|整改|解决|研究|分析|纠正|处理了|补齐|弥补|查摆|查找|聚焦|对照|排查|化解|破解|梳理(?!.*表现)|防范|督促|"
                              r"面对|应对|战胜|克服|经受|顶住|抵御|迎接|(的|之)(情况|形势|背景|冲击|影响)下")

# A sentence that opens the plans part: 下一步，… / 2022年，我市将… / 接下来 / 今后
PLAN_OPEN = re.compile(
    r"^(下一步|下阶段|下一阶段|接下来|今后|明年|未来|新的一年|展望|\d{4}年[，,]?(是|我们?|全[市区县省]|我[市区县省局委])?)"
)
PLAN_WILL = re.compile(r"(我们|我[市区县省局委办厅]|全[市区县省]|[市区县省]政府|本[市区县])?(将|要|计划|拟|继续|力争)")

# Words that keep a problems part going across paragraphs.
PROBLEM_WORDS = re.compile(r"有待|不足|不够|不高|不强|不到位|薄弱|欠缺|短板|差距|滞后|不平衡|不充分|不规范|缺乏|匮乏|问题|困难|压力")

# What a shortcoming is said to be: words that judge (不够强, 有待提高, 尚未, 任重道远) …
_DEFICIENT = re.compile(
    r"有待|[尚仍还]?待(提升|加强|提高|改善|完善|巩固|加大|解决|破解|优化|转换|培育)|不足|不够|不高|不强|不优|不大|不快|不宽|不多|"
    r"不实|不稳|不牢|不到位|不完善|不合理|不理想|不适应|不尽|不平衡|不充分|不规范|不协调|不明显|不畅|不健全|不均衡|不匹配|"
    r"[还仍尚]不|薄弱|较弱|偏弱|脆弱|欠缺|欠账|欠帐|滞后|缺乏|匮乏|短缺|难度|难以|艰巨|繁重|严峻|紧迫|任重道远|尚未|仍未|未能|"
    r"未达|没有(完成|达到|实现|根本)|[仍还尚亟急]需|亟待|需要进一步|需进一步|放缓|回落|下滑|下降|减缓|缓慢|较慢|偏[低高少弱慢小重旧]|"
    r"较[低少弱慢重小差]|过[大高低重快]|粗放|乏力|困境|萎缩|淡薄|不容忽视|(日益|较为|比较|相当|十分|仍然|依然|尤为|更加)突出|"
    r"需要[^。，,；]{0,4}(提高|增强|加强|强化|深化|破解|优化|加大|拓展|提升|改善)|还要|[仍还]有较大|提升空间|不能满足|偏差|减弱|"
    r"时有发生|易发")
# … and what it is called (问题, 风险, 短板), which a review also names as the object of its work
# (解决…问题, 补短板, 防风险): counted only in a clause that does no such work.
_SHORTCOMING = re.compile(r"问题|困难|压力|矛盾|风险|隐患|挑战|瓶颈|制约|约束|短板|弱项|差距|考验|严重")
_WORK_ON = re.compile(PROBLEM_NEGATORS.pattern + r"|补|防|帮扶|扭住|直面|攻坚|面对|应对|战胜|克服|经受|顶住|抵御|迎接|"
                      r"着力|推动|推进|加快|加强|强化|坚持|实施|开展|完成|取得|保障|突出[^。，；]{0,4}(位置|地位)")


def states_problems(text: str) -> bool:
    """True if a text (an item's first sentence: 一是经济实力还不够强) states a shortcoming rather than
    reporting work (一是经济运行稳中向好; 三是着力解决群众的急难愁盼问题)."""
    if _DEFICIENT.search(text):
        return True
    return any(not _WORK_ON.search(clause_of(text, m.start())) for m in _SHORTCOMING.finditer(text))


def clause_of(text: str, pos: int) -> str:
    """The clause (between ，。；：) around position pos."""
    start = max(text.rfind(c, 0, pos) for c in "，,。；;：:！？") + 1
    ends = [i for i in (text.find(c, pos) for c in "，,。；;：:！？") if i != -1]
    return text[start:min(ends) if ends else len(text)]


def admits_problems(text: str) -> bool:
    """True if the text opens an admission of problems (not work done on problems, not difficulties
    faced). 在…成绩的同时 opens one only where its sentence goes on to name shortcomings (在取得巨大
    成就的同时，积累了宝贵经验 does not)."""
    for m in PROBLEM_OPEN.finditer(text):
        if m.group(0).endswith("的同时"):  # 在梳理成绩的同时: its own words are no work on problems
            end = text.find("。", m.end())
            rest = text[m.end():end if end != -1 else len(text)]
            if _DEFICIENT.search(rest) or _SHORTCOMING.search(rest):
                return True
        elif not PROBLEM_NEGATORS.search(clause_of(text, m.start())):
            return True
    return False


def heading_is_problems(heading: str) -> bool:
    return bool(PROBLEM_HEADING.search(heading)) and not PROBLEM_NEGATORS.search(heading)


def heading_is_plans(heading: str, report_year: int | None, work_report: bool) -> bool:
    """A plans heading: 下一步…, 工作计划, or a later year than the one reported on."""
    if heading_is_problems(heading):
        return False
    m = _YEAR.search(heading)
    if m and report_year and int(m.group(1)) > report_year:
        return True
    if m and report_year and int(m.group(1)) <= report_year:
        return bool(re.search(r"下一步|下阶段|今后|计划|思路|打算|安排", heading))
    if work_report and re.search(r"今年|本年度", heading):
        return True
    if re.search(r"情况|成效|成绩|回顾|完成|做法|进展|经验", heading):
        return bool(re.search(r"下一步|下阶段|今后|计划|思路|打算", heading))
    return bool(PLAN_HEADING.search(heading))


def opens_plans(sentence: str, report_year: int | None) -> bool:
    """True if a sentence starts the plans part (下一步, 今后, or next year … 将)."""
    m = PLAN_OPEN.match(sentence)
    if not m:
        return False
    y = _YEAR.match(m.group(0))
    if y:
        if not report_year or int(y.group(1)) <= report_year:
            return False
        return bool(PLAN_WILL.search(sentence)) or "是" in m.group(0)
    return True


def admits_problems_strongly(text: str) -> bool:
    """True if a paragraph opens with a plain admission (我们也清醒地认识到…)."""
    return bool(PROBLEM_OPEN_STRONG.search(text)) and admits_problems(text)


# ---- 政府工作报告 conventions ----------------------------------------------------------------

_TOP_REVIEW = re.compile(r"回顾|过去|以来|成就|总结|工作情况")
_TOP_PLANS = re.compile(r"目标|任务|安排|计划|思路|打算|部署|重点|今年|今后|未来|展望|政府自身建设")
GLOSSARY = re.compile(
    r"^[*\s]*(附[:：]?|附件\d*[:：]?\s*\d*[.．、]?)?(《政府工作报告》)?(有关|相关)?(内容)?(名词|词语|附)?"
    r"(解释|注解|注释|注)(和说明|及说明)?[*\s]*[:：]?[*\s]*$")
# A paragraph that reviews the past year or term (inside 政府自身建设, for example).
REVIEW_OPEN = re.compile(r"^(各位代表[！!，,]\s*)?(过去(的)?(一|五)年|(一|五)年来|回顾过去|刚刚过去的)")
# A paragraph that opens this year's work inside a work report.
PLAN_OPEN_WORK = re.compile(r"^(各位代表[！!，,]\s*)?(新的一年|今年|下一步|今后|\d{4}年[，,]?我们将|我们将)")


def work_report_top(heading: str, report_year: int | None) -> str | None:
    """What a top-level heading of a 政府工作报告 announces: review, plans, appendix or None."""
    h = re.sub(r"[*#\s]", "", heading)
    if GLOSSARY.search(h):
        return "appendix"
    review = bool(_TOP_REVIEW.search(h))
    plans = bool(_TOP_PLANS.search(h))
    if review and not (plans and re.search(r"今后|未来|展望|目标任务|主要任务", h)):
        return "review"
    years = [int(y) for y in re.findall(r"(\d{4})\s*年", h)]
    if plans:
        return "plans"
    if years and report_year:
        return "plans" if max(years) > report_year else "review"
    return None


def closes_work_report(text: str, after_lone_address: bool) -> bool:
    """The closing appeal of a work report: 各位代表！…让我们…奋斗！"""
    # The appeal opens a sentence (让我们更加紧密地团结…); 让我们最难忘的是… is not one.
    if re.match(r"^\W*让我们", text):
        return True
    # 各位代表，…新的一年，让我们…: after the address the appeal may open any clause.
    return bool((after_lone_address or re.match(r"^\W*各位代表", text)) and re.search(r"[，,。！？!?]\s*让我们", text))
