"""Labelling blocks with the five sections of SECTIONS.md.

Two kinds of label:
- parts (存在问题, 下一步计划): where in the report a block stands, decided from the report's
  whole outline by `structure.parts` before any block is labelled.
- topics (领导机制, 行政执法, 复议应诉): what a block is about. Scored from weighted cue words
  (from the areas of 《法治政府建设实施纲要（2021—2025年）》 and the duties of 《法治政府建设与
  责任落实督察工作规定》) in the block's own text, weakly reinforced by its headings. A heading
  that announces a topic hands it to the blocks under it unless a block's own words are clearly
  about another topic; a heading the page lost hands nothing on (blocks.py clears the path when
  numbering restarts). Every label keeps the reason it was given (`Block.why`).
"""
from __future__ import annotations

import math
import re
from typing import Iterable

from ..model import Block, Section
from . import structure
from .blocks import Unit
from .structure import Part

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
        # The leadership duties of 《法治政府建设与责任落实督察工作规定》 and the last area of
        # 《法治政府建设实施纲要（2021—2025年）》 (党的领导, 推进机制, 督察考核), as reports word them.
        "第一责任": 3, "习近平法治思想": 2, "学习贯彻": 1, "重要思想": 1, "党的政治建设": 1.5, "政治引领": 2,
        "党组": 1, "组织保障": 2.5, "高位统筹": 2.5, "高位统领": 2.5, "统筹": 1, "谋划部署": 2, "谋划": 1,
        "推进法治政府建设": 1, "推进法治建设": 1, "工作机制": 1, "议事协调": 2, "压实": 1, "主体责任": 1,
        "责任落实": 1, "年度工作计划": 1, "法治政府建设规划": 2, "实施方案": 0.7, "带头": 1, "领导干部": 1.5,
        "法治素养": 1, "集中统一领导": 2, "法治政府示范": 2.5, "法治政府建设示范": 2.5, "法治示范": 2,
        # Leading the work as a whole, the duty to lead it, and leading it by theory (督察规定 第二章).
        "领导责任": 3, "思想引领": 2, "理论武装": 2, "理论学习中心组": 2.5,
    },
    ENF: {
        "行政执法": 3, "执法": 1.5, "综合执法": 3, "综合行政执法": 3.5, "三项制度": 3, "执法公示": 3,
        "全过程记录": 3, "法制审核": 2.5, "执法监督": 2.5, "执法人员": 2, "执法证": 2, "执法队伍": 2,
        "柔性执法": 2.5, "不罚": 1.5, "轻罚": 1.5, "行政处罚": 2, "裁量": 1.5, "执法责任制": 3, "案卷评查": 2.5,
        "执法检查": 1.5, "执法体制": 3, "执法力度": 2, "执法领域": 2, "执法机构": 2, "持证": 1.5,
        "执法记录仪": 2, "专项整治": 0.5, "行政检查": 2, "包容审慎监管": 1,
        "执法行为": 2.5, "规范执法": 2.5, "公正文明执法": 3, "执法规范化": 3, "执法能力": 2, "执法水平": 2,
        "执法质量": 2, "执法程序": 2, "执法活动": 2, "执法工作": 2,
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
        # the congress's standing committee, not the party's (常委会 is a leadership cue)
        "人大常委会": 1, "及其常委会": 1, "政协常委会": 1,
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
# Cues that span a few words: 党对…的领导, 压实…责任, 学习贯彻…全会精神 (leading by theory, SECTIONS.md).
_SPAN_CUES: dict[str, tuple[re.Pattern, float]] = {
    "党对…的领导": (_PARTY_LEAD, 2.0),
    "统筹推进…法治": (re.compile(r"统筹推进[^，。；]{0,4}?(法治|依法治|各项工作)"), 2.0),
    # 加强领导 but not 加强领导干部…, 强化领导 but not 强化领导班子…
    "加强领导": (re.compile(r"(加强|强化)(组织)?领导(?!干部|班子|小组|职务|岗位|责任)"), 2.5),
    # the duty to lead the rule-of-law work, not 压实安全生产责任
    "压实…责任": (re.compile(r"压实[^，。；]{0,10}?(法治|依法|第一|领导)[^，。；]{0,6}?责任"), 2.0),
    "学习贯彻…精神": (re.compile(r"学习(贯彻|宣传)[^，。；]{0,14}?(大会|全会|会议|代会)精神"), 1.5),
}

TOPIC_MIN = 3.5       # least evidence for a topic label
TOPIC_DENSITY = 2.0   # … per 100 characters of the block (one passing mention in a long block is not enough)
HEADING_TOPIC_MIN = 2.5  # for heading-sized blocks
TOPIC_SHARE = 0.55    # and at least this share of the strongest topic (other topics included)
PART_TOPIC_MIN = 6.0  # in the problems/plans parts a topic needs stronger evidence
PART_TOPIC_DENSITY = 6.0  # … and this much per 100 characters
PART_TOPIC_COVERAGE = 0.4  # … in at least this share of its clauses
HEADING_WEIGHT = 0.8  # a heading's cue weight, counted for the blocks under it
CLEAR_OTHER = 8.0     # a block under a topical heading is about the unlabelled rest when its cues
                      # weigh this much
OWN_SHARE = 0.5       # … and the heading's topic has less than this share of it in the block


# Standard national formulas that name every field at once; they say nothing about a block's topic.
_SLOGANS = re.compile(
    r"科学立法[、，,]\s*严格执法[、，,]\s*公正司法[、，,]\s*全民守法|"
    r"职能科学[、，,]\s*权责法定[、，,]\s*执法严明[、，,]\s*公开公正[、，,]\s*(智能高效|廉洁高效)[、，,]\s*(廉洁诚信|守法诚信)")


# Boilerplate that names leadership without being about it: 在市委、市政府的坚强领导下.
_BOILERPLATE = re.compile(r"在[^，,。；]{0,40}?(坚强|正确|有力|统一|亲切)?(领导|指导|关怀)(和[^，,。；]{0,20}?(指导|支持|监督))?下")


def _cue_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in _PATTERN_ALL.finditer(_BOILERPLATE.sub("", _SLOGANS.sub("", text))):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    plain = _BOILERPLATE.sub("", text)
    for name, (rx, _) in _SPAN_CUES.items():
        n = sum(1 for _ in rx.finditer(plain))
        if n:
            counts[name] = n
    return counts


def topic_scores(text: str) -> dict[str, float]:
    """Evidence for each topic in a text: cue weights, diminishing for repeats."""
    scores = {LEAD: 0.0, ENF: 0.0, REV: 0.0, OTHER: 0.0}
    for word, n in _cue_counts(text).items():
        if word in _SPAN_CUES:
            scores[LEAD] += _SPAN_CUES[word][1] * n
            continue
        topic = _TOPIC_OF[word]
        scores[topic] += _LEXICON[topic][word] * (1 + math.log(n))
    return scores


def cue_words(text: str, topic: str) -> list[str]:
    """The cue words of a topic found in a text, strongest first (for `outline --why`)."""
    counts = _cue_counts(text)
    found = [w for w in counts if (w in _SPAN_CUES and topic == LEAD) or _TOPIC_OF.get(w) == topic]
    return sorted(found, key=lambda w: -(_SPAN_CUES[w][1] if w in _SPAN_CUES else _LEXICON[topic][w]))


def heading_topic(heading: str) -> str | None:
    """The topic a heading announces, if one clearly leads (other topics included)."""
    s = topic_scores(heading)
    best = max(s, key=lambda t: s[t])
    rest = max(v for t, v in s.items() if t != best)
    if s[best] >= HEADING_TOPIC_MIN - 0.5 and s[best] >= 1.5 * rest:
        return best
    return None


def _coverage(text: str, topic: str) -> float:
    """The share of a text's clauses that hold a cue of the topic: a plan that names the topic in
    one clause of many is a general plan, not a plan about that topic."""
    clauses = [c for c in re.split(r"[，,；;。！？!?]", text) if len(c.strip()) >= 4]
    if not clauses:
        return 0.0
    return sum(1 for c in clauses if topic_scores(c)[topic] > 0) / len(clauses)


def _announcing_heading(unit: Unit) -> tuple[str, str] | None:
    """(topic, heading) of the nearest heading above a block that announces a topic."""
    for _, h in reversed(unit.heading):
        if h and unit.text.startswith(h) and unit.kind != "heading":
            continue  # an inline heading is the block's own text
        if unit.kind == "heading" and h == unit.heading[-1][1]:
            continue  # a heading's own line is its own text
        t = heading_topic(h)
        if t is not None:
            return t, h
    return None


def _heading_support(unit: Unit) -> dict[str, float]:
    """Topic evidence from the headings above a block, nearest first, fading with distance."""
    total = {LEAD: 0.0, ENF: 0.0, REV: 0.0, OTHER: 0.0}
    weight = HEADING_WEIGHT
    for _, h in reversed(unit.heading):
        if h and h in unit.text:
            continue  # an inline heading is already in the block's own text
        for k, v in topic_scores(h).items():
            total[k] += weight * v
        weight *= 0.6
    return total


def _own_topics(text: str, in_part: bool, boost: dict[str, float] | None = None,
                support: dict[str, float] | None = None) -> list[str]:
    if len(text) <= 40 and not in_part:
        t = heading_topic(text)  # a heading, or a lead that is only its inline heading
        return [t] if t in (LEAD, ENF, REV) else []
    own = topic_scores(text)
    # Headings weakly reinforce a topic the block names itself.
    own = {t: v + ((support or {}).get(t, 0.0) if v > 0 else 0.0) for t, v in own.items()}
    best = max([*own.values(), *((own[t] + b) for t, b in (boost or {}).items())])
    if in_part:
        density = {k: v * 100 / max(len(text), 60) for k, v in own.items()}
        return [t for t in (LEAD, ENF, REV)
                if own[t] >= PART_TOPIC_MIN and density[t] >= PART_TOPIC_DENSITY and own[t] >= 0.7 * best
                and _coverage(text, t) >= PART_TOPIC_COVERAGE]
    size = max(len(text), 60) / 100
    least = HEADING_TOPIC_MIN if len(text) <= 40 else TOPIC_MIN
    return [t for t in (LEAD, ENF, REV) if own[t] >= least and own[t] >= TOPIC_SHARE * best
            and own[t] / size >= TOPIC_DENSITY]


def _topics(unit: Unit, in_part: bool) -> tuple[list[str], list[str]]:
    """The topics of a block and why: its own cue words, or the topic of the heading it stands under
    (SECTIONS.md: a heading's topic applies to its items unless an item is clearly about another)."""
    why: list[str] = []
    found = None if in_part else _announcing_heading(unit)
    # A heading's topic counts as evidence for the block when other topics compete for it.
    boost = {found[0]: HEADING_WEIGHT * topic_scores(found[1])[found[0]]} if found else {}
    support = None if in_part else _heading_support(unit)
    own_topics = _own_topics(unit.text, in_part, boost, support)
    for t in own_topics:
        helped = " (and its headings' words)" if support and support[t] > 0 and len(unit.text) > 40 else ""
        why.append(f"{TOPIC_SECTION[t].value}: own words {'、'.join(cue_words(unit.text, t)[:4])}{helped}")
    if found is None:
        return own_topics, why
    t, h = found
    if t == OTHER or t in own_topics:
        return own_topics, why
    own = topic_scores(unit.text)
    # Clearly another topic: one of the labelled topics by its own words, or the unlabelled
    # rest (放管服, 决策, 普法 …) by far more words than the heading's topic has in the block.
    if any(u != t for u in own_topics) or (own[OTHER] >= CLEAR_OTHER and own[t] < OWN_SHARE * own[OTHER]):
        why.append(f"not {TOPIC_SECTION[t].value} of heading 「{h[:24]}」: own words are about another topic")
        return own_topics, why
    why.append(f"{TOPIC_SECTION[t].value}: under heading 「{h[:24]}」 ({'、'.join(cue_words(h, t)[:3])})")
    return sorted(own_topics + [t], key=[LEAD, ENF, REV].index), why


def label(units: list[Unit], report_year: int | None = None, work_report: bool = False) -> list[Block]:
    """Blocks with section labels for the units of one report: its parts first, then topics."""
    blocks: list[Block] = []
    for i, (u, place) in enumerate(zip(units, structure.parts(units, report_year, work_report))):
        if (place.part is Part.BODY and structure.introduces_subparts(units, i)
                and _announcing_heading(u) is None):
            place = structure.Place(Part.OPENING, "overview of a part, before its first sub-heading")
        labels: list[Section] = []
        why = [f"part: {place.part.value}" + (f" — {place.why}" if place.why else "")]
        if place.part is Part.PROBLEMS:
            labels.append(Section.PROBLEMS)
        elif place.part is Part.PLANS:
            labels.append(Section.PLANS)
        if place.part not in (Part.APPENDIX, Part.OPENING):
            topics, topic_why = _topics(u, place.part in (Part.PROBLEMS, Part.PLANS))
            labels.extend(TOPIC_SECTION[t] for t in topics)
            why.extend(topic_why)
        labels.sort(key=list(Section).index)
        heading = u.heading if place.depth is None else u.heading[: place.depth]
        blocks.append(Block(text=u.text, heading=[h for _, h in heading], labels=labels, kind=u.kind,
                            why=why))
    return blocks


PARTS = (Section.PROBLEMS, Section.PLANS)


def missing_parts(labels: Iterable[Iterable[Section | str]]) -> list[Section]:
    """The parts (存在问题, 下一步计划) no block of a report carries, given each block's labels as
    Sections or their names. Every yearly report and work report has both, so a missing one is
    usually a reading failure worth showing a user (`stats`)."""
    seen: set[Section] = set()
    for block in labels:
        for label in block:
            seen.add(label if isinstance(label, Section) else Section.parse(label))
    return [p for p in PARTS if p not in seen]
