"""The grammar of a figure's sentence: sentences, clauses, brackets and the words that name what a
number counts.

A figure is stated as who (scope) + what (a verb or a rate word, with its object) + number + unit:
全市各级行政复议机关 / 共收到行政复议申请 / 469件; 行政机关负责人出庭应诉率 / 达 / 100%. These are
the word lists and patterns for each part; `indicators` puts them together.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# What a number after a verb counts. Longest words first, so 不予受理 wins over 受理.
RECV, ACCEPT, CLOSE, HANDLE, OCCUR, RESPOND = "收案", "受理", "审结", "办理", "发生", "应诉"
CORRECT, PART, MEDIATE, LOST, APPEAR, OTHER = "纠错", "纠错部分", "调解和解", "败诉", "出庭", "其他"
COUNT_CUES: dict[str, tuple[str, str]] = {
    "新收": (RECV, ""), "收到": (RECV, ""), "收案": (RECV, ""), "接收": (RECV, ""),
    "受理": (ACCEPT, ""),
    "审结": (CLOSE, ""), "办结": (CLOSE, ""), "结案": (CLOSE, ""), "已结": (CLOSE, ""), "审理终结": (CLOSE, ""),
    "办理": (HANDLE, ""), "承办": (HANDLE, ""), "发生": (OCCUR, ""), "应诉": (RESPOND, ""),
    "纠错": (CORRECT, ""), "纠正": (CORRECT, ""), "直接纠错": (CORRECT, "直接纠错"), "直接纠正": (CORRECT, "直接纠错"),
    "综合纠错": (CORRECT, "综合纠错"),
    "撤销": (PART, ""), "变更": (PART, ""), "确认违法": (PART, ""), "确认无效": (PART, ""), "责令履行": (PART, ""),
    "责令履职": (PART, ""), "责令重做": (PART, ""), "责令重新作出": (PART, ""),
    "调解": (MEDIATE, ""), "和解": (MEDIATE, ""), "调解终止": (MEDIATE, ""), "和解终止": (MEDIATE, ""),
    "调解结案": (MEDIATE, ""), "和解结案": (MEDIATE, ""), "达成和解": (MEDIATE, ""),
    "败诉": (LOST, ""),
    "出庭应诉": (APPEAR, ""), "出庭": (APPEAR, ""),
    # outcomes and counts that are none of the indicators
    "驳回": (OTHER, "another outcome (驳回)"), "维持": (OTHER, "another outcome (维持)"),
    "终止": (OTHER, "another outcome (终止)"), "中止": (OTHER, "another outcome (中止)"),
    "撤回": (OTHER, "a withdrawal, not 调解/和解 unless the report says so"),
    "撤诉": (OTHER, "a withdrawal, not 调解/和解 unless the report says so"),
    "调撤": (OTHER, "mediation and withdrawal together"),
    "胜诉": (OTHER, "cases won"), "间接纠错": (OTHER, "indirect correction, not 撤销/变更/确认违法/责令履行"),
    "化解": (OTHER, "disputes resolved by several means together"),
    "不予受理": (OTHER, "applications not accepted"), "受理前": (OTHER, "settled before acceptance"),
    "移送": (OTHER, "cases passed on"), "转送": (OTHER, "cases passed on"),
    "告知": (OTHER, "applicants redirected"),
    "补正": (OTHER, "applications sent back for correction"), "申请人": (OTHER, "applicants, not cases"),
    "结转": (OTHER, "cases carried over"), "听证": (OTHER, "hearings"),
    "涉及": (OTHER, "what the cases involve"), "调卷": (OTHER, "files requested"),
}
# Rate words: the indicator and the note its prefix gives.
RATE_CUES: dict[str, tuple[str, str]] = {
    "直接纠错率": ("复议纠错率", "直接纠错率"), "综合纠错率": ("复议纠错率", "综合纠错率"), "纠错率": ("复议纠错率", ""),
    "败诉率": ("诉讼败诉率", ""), "出庭应诉率": ("出庭应诉率", ""), "出庭率": ("出庭应诉率", ""),
    "调解率": ("复议调解和解", "调解率"), "调解成功率": ("复议调解和解", "调解成功率"), "和解率": ("复议调解和解", "和解率"),
    "调解和解率": ("复议调解和解", "调解和解率"),
}
# The rate a count's share is (纠错 46件, 占比1.78% is a 纠错率).
RATE_OF = {CORRECT: "复议纠错率", PART: "复议纠错率", LOST: "诉讼败诉率", MEDIATE: "复议调解和解", APPEAR: "出庭应诉率"}


def _alternation(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


COUNT_CUE = re.compile(_alternation(COUNT_CUES))
RATE_CUE = re.compile(_alternation(RATE_CUES))
OTHER_RATE = re.compile(r"[\u4e00-\u9fff]{1,4}?率|增幅|降幅|增速|比重|比值")
SHARE = re.compile(r"占(?:比|比为|比达|到)?$|占[^,;。]{0,16}?的(?:比例|比重)?(?:为|是|达|达到)?$")
# Between a rate word and its number: 纠错率为, 出庭应诉率保持在, 败诉率降至.
RATE_LINK = re.compile(r"(?:为|是|达|达到|达到了|已达|高达|保持|保持在|稳定在|维持在|约为|约|仅为|仅|控制在|实现|继续|持续|"
                       r"连续|均|仍|已|首次|[一二三四五六七八九十两\d]+年|"
                       r"(?:下降|降低|降|提升|提高|上升|增长|增|升)(?:至|到|为)|至|到|了|:)*$")
# Domains: 复议 (R), 诉讼 (L), and case kinds that are neither.
R, L, MIXED = "复议", "诉讼", "混合"
DOMAIN_WORDS = {"复议": R, "诉讼": L, "应诉": L, "行政案件": L, "一审": L, "行政审判": L, "败诉": L, "法院": L,
                "判决": L, "诉前": L,
                "非诉讼": "非诉", "非诉": "非诉", "国家赔偿": "国家赔偿", "司法救助": "司法救助",
                "信息公开": "信息公开", "信访": "信访", "民事": "民事", "刑事": "刑事", "执行案件": "执行",
                "仲裁": "仲裁", "违纪": "纪检", "违法违纪": "纪检", "监察": "纪检", "法律援助": "法律援助",
                "人民调解": "人民调解", "热线": "热线"}
DOMAIN = re.compile(_alternation(DOMAIN_WORDS))
# Scopes: whose figure. A place before 政府本级/本级 is kept with it.
SCOPE = re.compile(
    r"(?:全(?:省|市|区|县|州)(?:两级|三级|各级)?(?:人民)?法院|(?:省市县|市县乡|省市|市县|县乡|市区)(?:两|三)级|(?:两|三|各)级(?:人民)?法院|中级人民法院|中院|"
    r"全(?:省|市|区|县|州|盟|旗)各级|(?:我|本)(?:省|市|区|县|州)各级|(?:[省市区县州]|[省市区县州]?政府)本级|"
    r"全(?:省|市|区|县|州|盟|旗|国)|(?:我|本)(?:省|市|区|县|州|盟|旗)|[省市区县]直(?:各)?部门|"
    r"(?:省|市|区|县|州)政府|(?:省|市|区|县)?司法(?:局|厅)|各级(?:行政复议机关|行政机关)?)")
OWN_SCOPE_RANK = re.compile(r"^(?:全|我|本)(?:省|市|区|县|州|盟|旗|国)|各级")
# A subject that makes a figure someone else's or a part: a group of N places, the cases against one
# respondent, a named category, another body's cases.
GROUP = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)个(?:[\u4e00-\u9fff]{0,4}?)"
                   r"(?:市州|县区|区县|县市区|市|县|区|州|乡镇|街道|部门|单位|政府|镇|乡|机关)")
RESPONDENT = re.compile(r"以([^,;。]{1,15}?)为(?:被申请人|被告|复议机关)|(?:被告|被申请人)(?:为|是)([^,;。]{1,15}?)的")
# …unless the respondent is every agency of the body (以全县行政机关为被告的): that is the whole.
ALL_RESPONDENTS = re.compile(r"行政机关|各级|全(?:省|市|区|县)|各部门")
CATEGORY = re.compile(r"(?<![各该此这两分门种几全大人])类(?![别型似])")
HELPER = re.compile(r"协助|代为|配合[\u4e00-\u9fff]{1,8}?办理")
APPROX_BEFORE = re.compile(r"(?:近|将近|接近|约|大约|超过|超|逾|突破|上|不足|不到|少于|多于|高于|低于|不低于|"
                           r"不少于|不超过|最高|最多|最少)$")
APPROX_AFTER = re.compile(r"^(?:以上|以下|以内|左右|上下|有余|多|余)")
GOAL = re.compile(r"力争|确保|争取|目标|预计|计划|不低于|不少于|要求[\u4e00-\u9fff]{0,6}(?:达到|保持)")
# A number after 较2022年, 比上年, 同比 or 由…的 is a baseline; after 增加/下降 a change.
BASELINE = re.compile(r"(?:较|比|与|同比|相比|对比|由|从)(?:上年|去年|上一?年度?|前一?年|同期|\d{4}年度?)(?:同期)?"
                      r"(?:的|为|是)?$|(?:\d{4}年度?|上年|去年|上一年度?)(?:同期)?(?:为|是)$")
CHANGE = re.compile(r"(?:增加|减少|上升|下降|增长|提高|降低|提升|回落|上涨|下滑|减|增|升|降|多|少)了?(?:约|近)?$|"
                    r"(?:增幅|降幅|增速|增长率)(?:为|达|达到)?$")
YEAR = re.compile(r"(?<![\d较比与由从至到和、])\d?((?:19|20)\d{2})年(?:度)?"
                  r"(?:(?:至|到|—|-|~)((?:19|20)\d{2})年(?:度)?)?")
# A sentence or heading about several years (过去五年, 累计, 以来) gives totals over them.
SEVERAL_YEARS = re.compile(r"累计|以来|历年|(?<![\d.])(?:[2-9]|[二三四五六七八九十两])年(?:来|间|中|里|内|配合|累计|共)|"
                           r"(?:过去|近|这)(?:[2-9]|[二三四五六七八九十两])年")
# …and those whose number of years is stated, which give their span counted back from the year
# reported on: 过去五年, 五年来, 这5年, 近三年, 三年间, 5年配合; 本届政府 (a government's term, five
# years); “十三五”时期 (the years of a five-year plan: 十一五 is 2006-2010).
_YEARS_COUNT = r"([2-9]|[二三四五六七八九两十])"
STATED_YEARS = re.compile(rf"(?:过去|近|这|最近)的?{_YEARS_COUNT}年|"
                          rf"(?<![\d.第一二三四五六七八九十]){_YEARS_COUNT}年(?:来|间|中|里|内|配合|累计|共)|"
                          r"(本届政府)|十([一二三四])五[”\"']?(?:时期|期间|以来)")
_CN_COUNT = {c: i for i, c in enumerate("〇一二三四五六七八九十", 0)} | {"两": 2}
# A rate stated as reached (降至4.2%): the value at the end of a span, not over it.
REACHED = re.compile(r"(?:下降|降低|降|提升|提高|上升|增长|增|升)(?:至|到)$")
ONE_YEAR = re.compile(r"全年|本年|今年|当年|年内|(?:19|20)\d{2}年(?!至|到|—|-|~)")
YEAR_SPAN = re.compile(r"(?:19|20)\d{2}年?(?:至|到|—|-|~)(?:19|20)\d{2}年")
# A heading that announces the plans part (下一步工作计划, 2025年工作安排), unless it also reviews.
PLANS_HEADING = re.compile(r"下一步|下阶段|下一阶段|今后|明年|(?:工作|年)(?:计划|打算|安排|思路|设想)|努力方向|展望")
REVIEW_HEADING = re.compile(r"回顾|情况|成效|成绩|成就|完成|总结|进展|做法|经验|过去|以来")
# 受理、审结…分别为120件、118件: numbers paired with the words before them by their places.
RESPECTIVELY = re.compile(r"分别(?:为|是|达|有|达到)?$")
RELATIVE_YEAR = re.compile(r"^(?:去年|上年|上一年)")
SENTENCE_END = "。;!?\n"
CLAUSE_END = ", :"


def stated_years(text: str, year: int | None) -> tuple[str, str] | None:
    """The span of the last phrase of several years in a text that states how many (("2018-2022",
    "过去五年") in a report on 2022); ("", the words) when the year reported on is unknown; None
    without such a phrase, or for a five-year plan that starts after the year reported on."""
    found = None
    for found in STATED_YEARS.finditer(text):
        pass
    return years_stated_by(found, year)


def years_stated_by(found: re.Match | None, year: int | None) -> tuple[str, str] | None:
    """stated_years() of a text whose last STATED_YEARS match is `found`."""
    if found is None:
        return None
    words = re.sub(r"(?:配合|累计|共)$", "", found.group(0))
    if year is None:
        return "", words
    if found.group(4):
        start = 2001 + 5 * _CN_COUNT[found.group(4)]
        return (f"{start}-{min(year, start + 4)}", words) if start < year else None
    count = found.group(1) or found.group(2)
    n = 5 if found.group(3) else int(count) if count.isdigit() else _CN_COUNT[count]
    return f"{year - n + 1}-{year}", words


def plans_heading(heading: str, year: int | None) -> bool:
    """Whether a heading opens the plans part: its words (下一步, 工作安排), or a year after the one
    reported on (三、2023年重点任务 in a report on 2022); a heading that also reviews does not."""
    if REVIEW_HEADING.search(heading):
        return False
    if PLANS_HEADING.search(heading):
        return True
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", heading)]
    return bool(year and years and min(years) > year)


@dataclass
class Segments:
    """Sentences and clauses of a folded text, and the spans inside brackets."""

    text: str
    brackets: list[tuple[int, int]]  # spans of bracketed text, brackets included, outermost only
    masked: str  # the text with bracketed characters replaced by a filler
    sentences: list[tuple[int, int]]
    clause_starts: list[int]  # sorted starts of clauses

    def inside(self, i: int) -> bool:
        """Whether position i stands inside brackets."""
        k = bisect.bisect_right(self.brackets, (i, len(self.text) + 1)) - 1
        return k >= 0 and self.brackets[k][0] <= i < self.brackets[k][1]

    def sentence_of(self, i: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.sentences, (i, len(self.text) + 1)) - 1
        return self.sentences[k] if k >= 0 else (0, len(self.text))

    def clause_start(self, i: int) -> int:
        k = bisect.bisect_right(self.clause_starts, i) - 1
        return self.clause_starts[k] if k >= 0 else 0


_OPEN, _CLOSE = "(【〔[<《", ")】〕]>》"
_BRACKET = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
_BOUNDARY = re.compile("[" + re.escape(SENTENCE_END + CLAUSE_END) + "]")
FILLER = "\u25a1"


def segment(text: str) -> Segments:
    """Cut a folded text into sentences and clauses; brackets never split."""
    spans: list[tuple[int, int]] = []
    level, opened = 0, 0
    for m in _BRACKET.finditer(text):
        if m.group(0) in _OPEN:
            if not level:
                opened = m.start()
            level += 1
        elif level:
            level -= 1
            if not level:
                spans.append((opened, m.end()))
    if level:
        spans.append((opened, len(text)))  # an unclosed bracket runs to the end
    masked = text
    if spans:
        pieces, last = [], 0
        for s, e in spans:
            pieces += [text[last:s], FILLER * (e - s)]
            last = e
        pieces.append(text[last:])
        masked = "".join(pieces)
    sentences, clause_starts = [], [0]
    start = 0
    for m in _BOUNDARY.finditer(masked):
        i = m.start()
        clause_starts.append(i + 1)
        if m.group(0) in SENTENCE_END or m.group(0) == "\n":
            sentences.append((start, i + 1))
            start = i + 1
    if start < len(text):
        sentences.append((start, len(text)))
    return Segments(text, spans, masked, sentences, clause_starts)
