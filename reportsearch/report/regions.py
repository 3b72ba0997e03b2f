"""Place names: the chain of administrative units that names the body a report is about.

Chinese administrative divisions are named `<name><unit>` and chained from the top down:
广东省 / 福州市鼓楼区 / 杭州市西湖区北山街道 / 和田地区于田县. A government body is named by
its place followed by the body: 郑州市人力资源和社会保障局, 广东省司法厅, 石门镇政府. This module
parses such chains with general rules (unit suffixes, the 34 province-level names) and knows no
list of cities, counties or towns.
"""
from __future__ import annotations

import re

# The 34 province-level divisions, full names (short forms are derived below).
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
    "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)
PROVINCE_SHORT = {re.sub(r"(壮族|回族|维吾尔)?(自治区|特别行政区)$|[省市]$", "", p): p for p in PROVINCES}

# Unit suffixes, longest first, and how long the name before each may be.
_UNITS = (
    ("特别行政区", 4), ("自治区", 8), ("自治州", 14), ("自治县", 14), ("自治旗", 14),
    ("地区", 7), ("新区", 7), ("街道", 7), ("苏木", 7), ("林区", 7),
    ("省", 4), ("市", 7), ("州", 7), ("盟", 6), ("县", 7), ("旗", 9), ("区", 8), ("镇", 6), ("乡", 7),
)
# A unit character followed by one of these is part of another word: 市场, 市长, 县城, 区域, 省级.
_NOT_AFTER = {
    "市": "场长直属辖级内外容貌值区县", "区": "域划间位分级直属内外县长", "县": "城域级直属长区市",
    "省": "级直属内外份长市会", "州": "长", "镇": "长区", "乡": "长村镇亲土", "旗": "帜舰下", "盟": "友员",
}
_UNIT_CHARS = "省市县区州乡镇旗盟"
_NOT_BARE_END = "省市县区乡镇旗盟院部委局厅办会署"  # a bare name (长春, 兰州) ends in none of these
# Characters that cannot be part of a place name: function words, dates, self-reference.
_STOP = set("在的了是我该此这每届")
# A one-character name is rare (房县, 沛县) and many one-character words end in a unit character
# (全市, 城市, 上市, 社区); these never start a one-character name.
_NOT_ONE = set("城都超门股夜集闹同上下内外原新老副分多两一二三四五六七八九十社辖地小大山片校景园以按据使让经也全本各该")
# Verbs and function words that open a clause, never a place name: 按照市委…, 并请市政协…, 认真执行省….
_NOT_NAME_START = ("按照", "根据", "围绕", "贯彻", "落实", "执行", "认真", "并请", "经过", "通过", "服从", "支持",
                   "接受", "配合", "自觉", "坚决", "全面", "胜利", "完成", "召开", "预计", "实现", "推动", "推进",
                   "加快", "加强", "建设", "打造", "实施", "开展", "深化", "提升", "促进", "坚持", "政府", "人民",
                   "党委", "以及", "及其", "人均", "农村", "城乡", "城市", "中心", "地区", "各级", "所有", "成为",
                   "按", "据", "把", "被", "对", "请", "并", "即", "又", "也", "还", "就", "而", "但", "则", "且",
                   "各", "每", "其", "与", "及", "或", "为")
# Words that follow a place and cannot start the next unit of its chain.
_NOT_NEXT = ("委", "党", "政府", "政协", "人民", "人大", "关于", "的", "与", "及", "在", "是", "各", "全", "所")
_HANZI = re.compile(r"[\u4e00-\u9fff]")

def _unit_ends(s: str, i: int, first: bool = True) -> list[int]:
    """Where a unit starting at s[i] may end: 鼓楼区 → [i+3]; 池州市 → [i+3] (not 池州)."""
    ends = []
    if i >= len(s) or not _HANZI.match(s[i]) or s[i] in _STOP or s[i] in "省市县区州旗盟":
        return ends
    if s.startswith(("自治", "特别", "行政", "中共", "中国共产党") + _NOT_NAME_START, i):
        return ends  # a bare level word (自治区, 特别行政区) names no place; 中共 is the party's
    if not first and s.startswith(_NOT_NEXT, i):
        return ends  # the chain has ended: 贵阳市委关于…, 郑州市人民政府
    for n in range(1, 15):
        j = i + n
        if j > len(s) or not _HANZI.match(s[j - 1]) or s[j - 1] in _STOP:
            break
        for unit, longest in _UNITS:
            if n > longest or not s.startswith(unit, j) or unit == s[j - 1]:
                continue  # 中卫市市政府: a doubled unit character is a typo, not a unit
            if n == 1 and (s[i] in _NOT_ONE or unit not in ("县", "市")):
                continue  # one-character names: 房县, 沛县; 某市 as a stand-in
            end = j + len(unit)
            after = s[end:end + 1]
            if after and after in _NOT_AFTER.get(unit[-1], ""):
                continue
            ends.append(end)
    return sorted(set(ends))


def chain_at(s: str, i: int = 0) -> str | None:
    """The chain of units starting at s[i], as long as it goes: 杭州市西湖区北山街道办事处 →
    杭州市西湖区北山街道. None if no unit starts there."""
    best = None
    frontier = {i}
    seen = set()
    while frontier:
        pos = frontier.pop()
        if pos in seen:
            continue
        seen.add(pos)
        for end in _unit_ends(s, pos, pos == i):
            if best is None or end > best:
                best = end
            frontier.add(end)
    if best is None:
        return None
    return s[i:best]


def normalise(place: str | None, text: str = "") -> str | None:
    """A place name in its standard form: 新疆自治区 → 新疆维吾尔自治区, 河南 → 河南省; a short
    form the report also spells in full takes that form (兰州 → 兰州市, 恩施州 → 恩施土家族苗族自治州)."""
    if not place:
        return None
    for p in PROVINCES:  # 福建省龙岩市永定区下洋镇 → 龙岩市永定区下洋镇: a province before a lower place adds nothing
        if p[-1] != "市" and place.startswith(p) and len(place) > len(p) and chain_at(place, len(p)):
            place = place[len(p):]
            break
    head = re.match(r"^(.+?)(自治区|省)(.*)$", place)
    if head and head.group(1) in PROVINCE_SHORT and head.group(1) + head.group(2) not in PROVINCES:
        return PROVINCE_SHORT[head.group(1)] + head.group(3)  # 新疆自治区 → 新疆维吾尔自治区
    if place in PROVINCE_SHORT:
        return PROVINCE_SHORT[place]
    if text:
        m = re.fullmatch(r"(.{2,})州", place)  # 恩施州: an autonomous prefecture's short form
        if m:
            full = re.search(re.escape(m.group(1)) + r"[\u4e00-\u9fff]{0,10}?自治州", text)
            if full:
                return full.group(0)
        if is_bare(place):  # 兰州, 长春: a name without its unit; the report spells it with one somewhere
            for unit in ("市", "县", "区", "省"):
                if re.search(re.escape(place) + unit + "(?![" + _NOT_AFTER[unit] + "])", text):
                    return place + unit
    if is_bare(place):
        return None  # 国务院, 中央, or a name whose unit the report never gives
    return place


def is_bare(place: str) -> bool:
    """A name without its unit: 长春, 兰州 (州 after one character is part of a city's name)."""
    return not place.endswith(tuple(u for u, _ in _UNITS)) or bool(re.fullmatch(r"[\u4e00-\u9fff]州", place))


def place_before_org(s: str) -> str | None:
    """The place at the start of a title or a body's name, after 关于/中共/a year or date/《:
    郑州市人力资源和社会保障局 → 郑州市; 2010年佛山市政府工作报告 → 佛山市; 【栏目】广东省司法厅… → 广东省."""
    if not s:
        return None
    s = re.sub(r"^(【[^】]{0,20}】|\[[^\]]{0,20}\]|[“\"《「\s]|关于|中共|中国共产党|国家[\u4e00-\u9fff]{2,8}?总局|"
               r"\d{4}\s*年(\d{1,2}月(\d{1,2}日)?)?度?|[〇○零一二三四五六七八九]{4}年)+", "", s)
    place = chain_at(s)
    if place:
        return place
    # A name without its unit right before the body: 长春政府工作报告, 河南省政府 (handled above)
    m = re.match(r"^([\u4e00-\u9fff]{2,4}?)(?:人民政府|政府工作报告)", s)
    if not m or any(c in _STOP for c in m.group(1)) or m.group(1)[-1] in _NOT_BARE_END:
        return None  # 国务院 is a body, not a place
    return None if m.group(1).startswith(("自治", "特别", "行政")) else m.group(1)


def levels(place: str) -> str:
    """The unit character of a place's lowest unit: 杭州市西湖区 → 区; 内蒙古自治区 → 省 (province level)."""
    if place in PROVINCES or place.endswith(("自治区", "特别行政区")):
        return "省"
    for unit, _ in _UNITS:
        if place.endswith(unit):
            return {"地区": "市", "自治州": "州", "自治县": "县", "自治旗": "旗", "新区": "区",
                    "林区": "区", "街道": "街道", "苏木": "乡"}.get(unit, unit)
    return ""
