"""Labelling blocks with the five sections of SECTIONS.md.

Two kinds of label:
- parts (存在问题, 下一步计划): where in the report a block stands. Set by headings
  (二、存在的问题, 三、下一步工作计划) and by paragraphs that open a part (在取得成绩的同时…
  存在…不足; 下一步，我区将…; 2022年，我市将…).
- topics (领导机制, 行政执法, 复议应诉): what a block is about. Scored from weighted cue
  words in the block's own text and, more weakly, its headings. A heading's topic is not
  inherited by a block whose own text is clearly about something else, so a block under a
  lost heading does not take the previous heading's label.
"""
from __future__ import annotations

import math
import re

from . import cues
from .blocks import Unit
from .model import Block, Section

LEAD, ENF, REV, OTHER = "lead", "enf", "rev", "other"
TOPIC_SECTION = {LEAD: Section.LEADERSHIP, ENF: Section.ENFORCEMENT, REV: Section.REVIEW}

# Cue words and weights. Longest match wins at each position (行政复议 counts once, not as 复议 too).
_LEXICON: dict[str, dict[str, float]] = {
    LEAD: {
        "党的领导": 2, "党的全面领导": 2, "第一责任人": 3, "党政主要负责人": 1.5, "主要负责人": 1, "一把手": 1.5,
        "依法治市委员会": 3, "依法治省委员会": 3, "依法治区委员会": 3, "依法治县委员会": 3, "依法治国委员会": 3,
        "依法治市办": 2, "依法治区办": 2, "依法治县办": 2, "依法治省办": 2, "依法治国办": 1,
        "领导小组": 1.5, "述法": 3, "述职述法": 3, "学法": 2, "学法用法": 3, "中心组": 2, "理论学习": 1.5,
        "集体学习": 1.5, "法治督察": 3, "督察": 1.5, "督考": 2, "考核": 1, "考评": 0.7, "示范创建": 2,
        "法治机构": 2, "组织领导": 2.5, "统筹推进": 1, "推进机制": 1.5, "领导机制": 3, "常委会": 1.5,
        "常务会议": 0.7, "专题研究": 1, "研究部署": 1, "听取": 1, "汇报": 0.7, "高位推动": 2, "高位推进": 2,
        "亲自": 1.5, "责任清单": 1, "履职": 1, "法治思想": 1, "任前法律知识": 1.5, "法治建设责任": 2,
        "高度重视": 1, "挂帅": 1.5, "工作要点": 0.7, "法治建设": 0.5,
    },
    ENF: {
        "行政执法": 3, "执法": 1.5, "综合执法": 3, "综合行政执法": 3.5, "三项制度": 3, "执法公示": 3,
        "全过程记录": 3, "法制审核": 2.5, "执法监督": 2.5, "执法人员": 2, "执法证": 2, "执法队伍": 2,
        "柔性执法": 2.5, "不罚": 1.5, "轻罚": 1.5, "行政处罚": 2, "裁量": 1.5, "执法责任制": 3, "案卷评查": 2.5,
        "执法检查": 1.5, "执法体制": 3, "执法力度": 2, "执法领域": 2, "执法机构": 2, "持证": 1.5,
        "执法记录仪": 2, "专项整治": 0.5, "行政检查": 2, "包容审慎监管": 1,
    },
    REV: {
        "行政复议": 3, "复议": 2, "行政应诉": 3, "应诉": 2, "出庭": 2, "出庭应诉": 3, "行政诉讼": 3, "败诉": 2.5,
        "败诉率": 2.5, "行政争议": 2.5, "府院联动": 3, "行政案件": 2.5, "复议应诉": 3, "行政审判": 2.5,
        "司法建议": 1, "纠错": 1.5, "复议机关": 2, "行政机关负责人出庭": 3, "诉源治理": 1,
    },
    OTHER: {
        "放管服": 3, "审批": 1.5, "政务服务": 2, "营商环境": 2.5, "证照分离": 2, "一网通办": 2, "跨省通办": 2,
        "权责清单": 2, "监管": 1, "双随机": 2, "信用": 1.5, "决策": 1.5, "重大行政决策": 3, "合法性审查": 1.5,
        "合法性审核": 1.5, "法律顾问": 2, "公职律师": 2, "立法": 2, "地方性法规": 2, "规章": 1, "规范性文件": 2,
        "备案审查": 1.5, "普法": 2.5, "法治宣传": 2, "法律服务": 1.5, "人民调解": 2, "调解": 1, "信访": 2,
        "矛盾纠纷": 1.5, "应急": 2, "突发事件": 2.5, "防汛": 2, "疫情": 2, "安全生产": 2, "政务公开": 2.5,
        "信息公开": 2, "数字政府": 3, "政务信息": 2, "数据": 1, "人大": 1, "政协": 1.5, "审计": 2, "监察": 1,
        "统计": 1.5, "生态环境": 1, "污染": 1.5, "财政": 1.5, "经济": 0.5, "产业": 1, "企业": 0.7,
        "非诉": 1.5, "公共法律服务": 2, "热线": 1.5, "政务诚信": 2, "督查": 1.5, "民法典": 1.5,
        "法治社会": 1, "法治宣传教育": 2, "救灾": 2, "防控": 1, "医疗": 1, "教育": 0.5, "就业": 1,
    },
}

_PATTERNS = {
    topic: re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    for topic, words in _LEXICON.items()
}
_PATTERN_ALL = re.compile("|".join(
    re.escape(w) for w in sorted({w for ws in _LEXICON.values() for w in ws}, key=len, reverse=True)))
_TOPIC_OF = {}
for _t, _ws in _LEXICON.items():
    for _w in _ws:
        _TOPIC_OF.setdefault(_w, _t)
_PARTY_LEAD = re.compile(r"党(委|组)?对[^，。；]{0,16}(的)?(领导|统一领导)")

TOPIC_MIN = 3.5       # least evidence for a topic label
TOPIC_DENSITY = 2.0   # … per 100 characters of the block (one passing mention in a long block is not enough)
HEADING_TOPIC_MIN = 2.5  # for heading-sized blocks
TOPIC_SHARE = 0.55    # and at least this share of the strongest topic (other topics included)
PART_TOPIC_MIN = 6.0  # in the problems/plans parts a topic needs stronger evidence
PART_TOPIC_DENSITY = 6.0  # … and this much per 100 characters
HEADING_WEIGHT = 0.8


# Standard national formulas that name every field at once; they say nothing about a block's topic.
_SLOGANS = re.compile(
    r"科学立法[、，,]\s*严格执法[、，,]\s*公正司法[、，,]\s*全民守法|"
    r"职能科学[、，,]\s*权责法定[、，,]\s*执法严明[、，,]\s*公开公正[、，,]\s*(智能高效|廉洁高效)[、，,]\s*(廉洁诚信|守法诚信)")


def topic_scores(text: str) -> dict[str, float]:
    """Evidence for each topic in a text: cue weights, diminishing for repeats."""
    counts: dict[str, int] = {}
    for m in _PATTERN_ALL.finditer(_SLOGANS.sub("", text)):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    scores = {LEAD: 0.0, ENF: 0.0, REV: 0.0, OTHER: 0.0}
    for word, n in counts.items():
        topic = _TOPIC_OF[word]
        scores[topic] += _LEXICON[topic][word] * (1 + math.log(n))
    scores[LEAD] += 2 * len(_PARTY_LEAD.findall(text))
    return scores


def _heading_scores(heading: list[tuple[float, str]], own_text: str) -> dict[str, float]:
    """Topic evidence from the headings above a block, nearest first, fading with distance."""
    total = {LEAD: 0.0, ENF: 0.0, REV: 0.0, OTHER: 0.0}
    weight = HEADING_WEIGHT
    for _, h in reversed(heading):
        if h and h in own_text:
            continue  # an inline heading is already in the block's own text
        s = topic_scores(h)
        for k in total:
            total[k] += weight * s[k]
        weight *= 0.6
    return total


def _topics(unit: Unit, in_part: bool) -> list[str]:
    own = topic_scores(unit.text)
    if in_part:
        density = {k: v * 100 / max(len(unit.text), 60) for k, v in own.items()}
        best = max(own.values())
        return [t for t in (LEAD, ENF, REV)
                if own[t] >= PART_TOPIC_MIN and density[t] >= PART_TOPIC_DENSITY and own[t] >= 0.7 * best]
    head = _heading_scores(unit.heading, unit.text)
    combined = {}
    own_best = max(own.values())
    for t in own:
        h = head[t]
        # Inherit a heading's topic only when the block's own text does not point elsewhere.
        if own[t] == 0 and own_best >= TOPIC_MIN:
            h = 0.0
        combined[t] = own[t] + h
    best = max(combined.values())
    size = max(len(unit.text), 60) / 100
    # A heading, or a lead that is only its inline heading, names its topic in few words.
    least = HEADING_TOPIC_MIN if len(unit.text) <= 40 else TOPIC_MIN
    return [t for t in (LEAD, ENF, REV) if combined[t] >= least and combined[t] >= TOPIC_SHARE * best
            and combined[t] / size >= TOPIC_DENSITY]


def _heading_part(unit: Unit, report_year: int | None, work_report: bool) -> str | None:
    for _, h in reversed(unit.heading):
        if cues.heading_is_problems(h):
            return "problems"
        if cues.heading_is_plans(h, report_year, work_report):
            return "plans"
    return None


def _first_sentences(text: str, n: int = 3) -> str:
    from .blocks import sentences
    return "".join(sentences(text)[:n])


def label(units: list[Unit], report_year: int | None = None, work_report: bool = False) -> list[Block]:
    """Blocks with section labels for the units of one report."""
    blocks: list[Block] = []
    para_part: str | None = None
    para_scope: list[tuple[float, str]] = []
    last_para = -1
    levels_before: set[float] = set()
    for i, u in enumerate(units):
        in_scope = para_part is not None and u.heading[: len(para_scope)] == para_scope and not any(
            lv in levels_before for lv, _ in u.heading[len(para_scope):])
        if not in_scope:
            para_part = None
        opening = _first_sentences(u.text) if u.kind != "item" else ""
        new_para = u.para != last_para
        if u.kind != "heading":
            if cues.opens_plans(u.text.strip(), report_year) or (
                    para_part == "problems" and new_para and re.match(r"^(对此|为此|针对)", u.text)):
                para_part, para_scope = "plans", _scope(u)
                levels_before = _levels_under(units[:i], para_scope)
            elif u.kind != "item" and cues.admits_problems(opening) and para_part != "plans":
                para_part, para_scope = "problems", _scope(u)
                levels_before = _levels_under(units[:i], para_scope)
            elif para_part == "problems" and new_para and u.kind in ("paragraph", "lead"):
                # A problems part opened by a paragraph goes on only while the paragraphs list problems.
                starts_item = re.match(r"^[一二三四五六七八九十]{1,2}是|^[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]", u.text)
                if not (starts_item or cues.PROBLEM_WORDS.search(_first_sentences(u.text, 1))):
                    para_part = None
        last_para = u.para
        part = para_part or _heading_part(u, report_year, work_report)
        labels: list[Section] = []
        if part == "problems":
            labels.append(Section.PROBLEMS)
        elif part == "plans":
            labels.append(Section.PLANS)
        labels.extend(TOPIC_SECTION[t] for t in _topics(u, part is not None))
        labels.sort(key=list(Section).index)
        blocks.append(Block(text=u.text, heading=[h for _, h in u.heading], labels=labels, kind=u.kind))
    return blocks


def _levels_under(previous: list[Unit], scope: list[tuple[float, str]]) -> set[float]:
    """Heading levels already used under a scope: a later heading at one of them is a sibling
    of what came before the part opened (二、 after 一、), so it ends the part; a new level
    ((一) under 三、 after "2022年，我市将…") is the part's own outline."""
    levels: set[float] = set()
    for p in previous:
        if p.heading[: len(scope)] == scope:
            levels.update(lv for lv, _ in p.heading[len(scope):])
    return levels


def _scope(u: Unit) -> list[tuple[float, str]]:
    """The heading path a paragraph-opened part belongs to: the block's enclosing heading."""
    path = list(u.heading)
    # An inline heading of the opening paragraph itself is inside the part, not its scope.
    if path and u.text.startswith(path[-1][1]):
        path = path[:-1]
    return path
