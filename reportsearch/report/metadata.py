"""Metadata: title, region, issuer, year reported on and publication date of a report."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import CleanDocument, Metadata
from . import cues, regions
from .clean import DATE_LABELS, SITE_SENTENCE, is_furniture, template_fields

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_ORG_SUFFIX = r"(?:人民政府办公室|人民政府办公厅|人民政府|街道办事处|办事处|政府|司法局|司法厅|[^\s、，,：:]{1,12}?(?:局|厅|委员会|办公室|部|委))"
_ISSUER_IN_TITLE = re.compile(r"^((?:中共)?[\u4e00-\u9fff]{2,30}?" + _ORG_SUFFIX + r")(?:关于|\d{4}年)")
_LEADER = r"代?(?:常务副)?(?:省长|市长|区长|县长|州长|主席|盟长|旗长|镇长|乡长)"
_ISSUER_LINE = re.compile(
    r"^((?:中共[\u4e00-\u9fff]{2,20}?委(?:员会)?\s*)?[\u4e00-\u9fff]{2,24}?" + _ORG_SUFFIX + r")"
    r"(?:" + _LEADER + r"\S{0,4})?$"
)
_SOURCE = re.compile(r"(?:信息|文章)?来源[:：]\s*([\u4e00-\u9fff]{2,30}?" + _ORG_SUFFIX + r")")
# 在兰州市第十五届人民代表大会第三次会议上, 省八届人大二次会议, 北京市第十二届人大第二次会议
_NPC = re.compile(r"(?:^|[在日—─\-（(\s*])在?((?:(?!在)[\u4e00-\u9fff]){1,24}?)\s*第?[一二三四五六七八九十\d]+\s*届\s*"
                  r"(?:人民\s*代表\s*大会|人大)")
_NPC_LINE = re.compile(r"人民代表大会|届人大")
_SPEAKER = re.compile(r"^([\u4e00-\u9fff]{2,30}?)(?:人民政府)?" + _LEADER + r"\s*[\u4e00-\u9fff·]{2,12}$")
_ON_BEHALF = re.compile(r"我代表([\u4e00-\u9fff]{2,30}?)(?:人民政府|政府|革命委员会|人民委员会)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_DMY = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?![\d.])")  # 25.02.2016
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_DATE_LABEL = re.compile(r"发布|来源|日期|时间|撰写|更新|印发|成文|发文")
_WRITTEN_LABEL = re.compile(r"(成文|发文|印发|生成|签发)(日期|时间)")
_CLOCK = re.compile(r"今天是|星期|礼拜|周[一二三四五六日]")
_TITLE_WORDS = re.compile(r"报告|工作情况|建设情况|总结|年度")
_TITLE_END = re.compile(r"(报告|情况|总结|打算|要点)\s*([（(][^（()）]{0,20}[）)])?$")
_COLUMN_TAG = re.compile(r"^(【[^】]{1,20}】|\[[^\]]{1,20}\])\s*")


def _cn_number(s: str) -> int:
    if len(s) == 4:  # 二〇二三: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if s.endswith("十"):
        return _CN_DIGITS[s[0]] * 10
    if "十" in s:
        return _CN_DIGITS[s[0]] * 10 + _CN_DIGITS[s[2]]
    return _CN_DIGITS[s]


def _valid(y: int, m: int, d: int) -> str | None:
    if 1949 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def find_date(line: str) -> str | None:
    """The first calendar date in a line, as YYYY-MM-DD: 2022-02-14, 2022年2月14日, 二〇二二年二月十四日,
    and day-first 14.02.2022."""
    found = []
    for pattern, order in ((_DATE, (1, 2, 3)), (_DATE_DMY, (3, 2, 1))):
        m = pattern.search(line)
        if m:
            y, mo, d = (int(m.group(k)) for k in order)
            found.append((m.start(), _valid(y, mo, d)))
    m = _CN_DATE.search(line)
    if m:
        try:
            y, mo, d = (_cn_number(m.group(k)) for k in (1, 2, 3))
            found.append((m.start(), _valid(y, mo, d)))
        except (KeyError, IndexError):
            pass
    found = [f for f in found if f[1]]
    return min(found)[1] if found else None


def region_of(name: str | None) -> str | None:
    """The place at the start of a title or a body's name: 临汾市, 开封市禹王台区, 郑州市 (of
    郑州市人力资源和社会保障局); None if none."""
    if not name:
        return None
    parts = name.split()
    if len(parts) > 1 and all(re.search(r"(政府|委|委员会|局|厅|办公室)$", x) for x in parts):
        parts.reverse()  # "中共禹王台区委 禹王台区人民政府": the government names the place
    else:
        parts = [name]
    for part in parts:
        place = regions.place_before_org(part)
        if place:
            return place
    return None


def _fields(doc: CleanDocument) -> list[tuple[str, str]]:
    """The 政府信息公开 table rows above, inside or below the report: [(label, value), …]."""
    return doc.fields or [f for line in doc.header + doc.trailer for f in template_fields(line)]


_LETTER_SPACED = re.compile(r"(?:[\u4e00-\u9fff\d]\s+){3,}[\u4e00-\u9fff\d]")


def close_up(title: str) -> str:
    """A letter-spaced title closed up: 2 0 2 1 年 政府工作报告 → 2021年政府工作报告. Spaces in a title
    that is not letter-spaced separate words (…工作报告 （2014年1月6日 张三）) and stay."""
    if not _LETTER_SPACED.search(title):
        return title
    return re.sub(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])", "", title)


# A template label after a title on its line: …年度报告 体裁分类：报告
_TITLE_LABEL = re.compile(r"\s*[【\[]?(?:索\s*引\s*号|主题分类|体裁分类|组配分类|服务对象分类|信息分类|发布机构|发文机关|发文单位|"
                          r"成文日期|发布日期|发布时间|公开方式|文\s*号|来\s*源)\s*[:：】\]]")


def _clean_title(line: str) -> str:
    title = close_up(_COLUMN_TAG.sub("", line).strip())
    m = _TITLE_LABEL.search(title)
    return title[:m.start()].rstrip(" |│-—") if m and m.start() >= 5 else title


def _title_candidates(doc: CleanDocument) -> list[str]:
    values = {v for _, v in doc.fields}  # 发布机构 / 深圳市司法局 on two lines: the value is no title
    lines = [x for x in doc.header if not is_furniture(x) and not _CLOCK.search(x) and x not in values]
    out = []
    for i, line in enumerate(lines):
        dated = find_date(line) and len(line) < 30 and "报告" not in line
        if dated or line.endswith((":", "：")) or len(line) < 4 or len(line) > 80:
            continue
        if sum("\u4e00" <= c <= "\u9fff" for c in line) < len(line) * 0.5 or re.search(r"[A-Za-z]{3}", line):
            continue  # a URL, a code, a line of Latin script
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # A title split over two lines: 石桥乡人民政府 / 关于法治政府建设的情况报告
        if nxt and not _TITLE_END.search(line) and _TITLE_END.search(nxt) and len(line) + len(nxt) <= 80 \
                and (re.search(r"(政府|局|厅|委|委员会|办公室|办事处|部|关于|的)$", line)
                     or re.match(r"^(关于|\d{4}年|《)", nxt)) and not find_date(nxt[:12]):
            out.append(_clean_title(line + nxt))
        out.append(_clean_title(line))
    return out


def _title(doc: CleanDocument, fields: list[tuple[str, str]]) -> str | None:
    fm = doc.front_matter.get("title")
    if fm:
        return close_up(fm)
    for label, value in fields:
        if label in ("标题", "名称") and len(value) >= 5:
            return _clean_title(value)
    for line in doc.header + doc.body[:1]:
        m = SITE_SENTENCE.match(line)
        if m:
            return m.group(1).strip()
    candidates = _title_candidates(doc)
    for line in candidates:
        if "报告" in line:
            return line
    for line in candidates:
        if _TITLE_WORDS.search(line):
            return line
    fallback = doc.front_matter.get("html_title")
    if fallback:
        return re.split(r"[_|－—-]{1,2}", fallback)[0].strip() or None
    return candidates[0] if candidates else None


def _issuer(doc: CleanDocument, title: str | None, fields: list[tuple[str, str]]) -> str | None:
    fm = doc.front_matter.get("issuer") or doc.front_matter.get("author")
    if fm:
        return fm
    for label, value in fields:
        if label in ("发布机构", "发文机关", "发文单位", "发布单位", "制发机关") and len(value) >= 2:
            return value.split()[0]
    if title:
        m = _ISSUER_IN_TITLE.match(title)
        if m:
            return m.group(1)
    for line in list(doc.header) + list(reversed(doc.trailer)):
        if is_furniture(line) and not _SOURCE.search(line):
            continue
        m = _ISSUER_LINE.match(line)
        if m and not line.endswith((":", "：")) and "报告" not in line:
            return re.sub(_LEADER + r"\S{0,4}$", "", m.group(1)).strip()
    for line in doc.header:
        m = _SOURCE.search(line)
        if m:
            return m.group(1)
    return None


def _npc_date(line: str, title: str | None) -> str | None:
    """The date on a work report's 在…人民代表大会…会议上 line; a month and day alone take the year
    the report is named for (a report for 2022 may be delivered in December 2021)."""
    d = find_date(line)
    if d:
        return d
    m = _MONTH_DAY.search(line)
    if m and title and find_date(title):  # 酒泉市政府工作报告（2015年12月22日 都伟）
        return find_date(title)
    named = re.search(r"(\d{4})\s*年", title or "")
    if m and named:
        year = int(named.group(1)) - (1 if int(m.group(1)) >= 11 else 0)
        return _valid(year, int(m.group(1)), int(m.group(2)))
    return None


def _delivered(doc: CleanDocument, title: str | None) -> str | None:
    """A work report's delivery date: "——2023年1月15日在…人民代表大会…上" at the top of the body."""
    opening = doc.header[-8:] + doc.body[:3]
    for k, line in enumerate(opening):
        if len(line) < 100 and (_NPC_LINE.search(line) or k + 1 < len(opening)
                                and _NPC_LINE.search(line + opening[k + 1]) and len(opening[k + 1]) < 40):
            d = _npc_date(line, title)
            if d:
                return d
    return None


def _published(doc: CleanDocument, title: str | None, fields: list[tuple[str, str]]) -> str | None:
    """The page's publication date first (发布日期/发布时间, a date line); then a work report's delivery
    date; then the document's own date (成文日期/发文日期); then a closing date."""
    for key in ("date", "published", "publish_date", "pubdate"):
        if doc.front_matter.get(key):
            d = find_date(doc.front_matter[key])
            if d:
                return d
    page, written, other = [], [], []
    for label, value in fields:
        d = find_date(value)
        if d and DATE_LABELS.search(label):
            (written if _WRITTEN_LABEL.search(label) else page).append(d)
    values = {v for _, v in fields}
    for line in doc.header:
        if _CLOCK.search(line) or template_fields(line) or line in values:
            continue  # a page clock is not the report's date; table rows are read above
        d = find_date(line)
        if not d:
            continue
        label = _DATE_LABEL.search(line)
        if _NPC_LINE.search(line):
            continue
        if label and _WRITTEN_LABEL.search(line):
            written.append(d)
        elif label or re.match(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})", line):
            page.append(d)
        elif len(line) < 30:
            other.append(d)
    if page:
        return page[0]
    d = _delivered(doc, title)
    if d:
        return d
    if title and "政府工作报告" in title:
        d = find_date(title)
        if d:
            return d
    if written:
        return written[0]
    for line in reversed(doc.trailer):
        if _CLOCK.search(line) or len(line) > 20 and not (_NPC_LINE.search(line) and len(line) < 60):
            continue  # a closing date, or （2018年1月30日省第十三届人大第一次会议审议通过）
        d = find_date(line)
        if d:
            return d
    return other[0] if other else None


def is_work_report(title: str | None, doc: CleanDocument) -> bool:
    """A 政府工作报告 (delivered to a people's congress), as opposed to a yearly work report."""
    if title and "政府工作报告" in title:
        return True
    return any(_NPC_LINE.search(x) and len(x) < 80 for x in doc.header[-6:] + doc.body[:3])


def _year(doc: CleanDocument, title: str | None, published: str | None) -> int | None:
    fm = doc.front_matter.get("year")
    if fm and re.fullmatch(r"\d{4}", fm.strip()):
        return int(fm)
    work_report = is_work_report(title, doc)
    delivered = _delivered(doc, title) if work_report else None
    if delivered:  # a 政府工作报告 reports on the year before it is delivered (on that year if in Nov/Dec)
        y, mo = int(delivered[:4]), int(delivered[5:7])
        return y if mo >= 11 else y - 1
    if title:
        m = re.search(r"(\d{4})\s*年度", title) or re.search(r"(\d{4})\s*年", title)
        if m:
            y = int(m.group(1))
            if not work_report or "年度" in m.group(0):
                return y
            # A 政府工作报告 is named for the year it is delivered and reports on the year before;
            # one delivered in November or December (its title dated so) reports on that year.
            late = re.match(r"\d{4}\s*年\s*(\d{1,2})\s*月", title[m.start():])
            return y if late and int(late.group(1)) >= 11 else y - 1
    if work_report and published:
        y, mo = int(published[:4]), int(published[5:7])
        return y if mo >= 11 else y - 1
    if work_report:  # 一、2014年工作回顾; 二、2023年工作总体要求和主要目标
        reviewed, planned = _part_years(doc.body)
        if reviewed or planned:
            return reviewed or planned - 1
    for line in doc.body[:2]:
        m = re.match(r"^(\d{4})年(?:度|以来)?[，,是]", line) or \
            re.search(r"现将[^。]{0,20}?(\d{4})\s*年度?[^。]{0,30}?报告如下", line)
        if m:
            return int(m.group(1))
    return None


def _part_headings(body: list[str]) -> Iterator[str]:
    """The part headings of a work report: 一、… lines and unnumbered part titles (short, no sentence)."""
    for line in body:
        h = re.sub(r"^[#*\s]+|[*\s]+$", "", line)
        if len(h) > 40 or re.search(r"[。；;！？!?]", h):
            continue
        if re.match(r"^(第[一二三四五六七八九十]{1,3}部分|[一二三四五六七八九十]{1,2}[、.．])", h) or not re.search(r"[，,：:]", h):
            yield h


def _part_years(body: list[str]) -> tuple[int | None, int | None]:
    """(the year a work report reviews, the year it plans) as its part headings state them:
    一、2020年工作及“十三五”时期发展回顾 → 2020; 二、2023年工作总体要求和主要目标 → 2023."""
    reviewed = planned = None
    for h in _part_headings(body):
        years = [int(y) for y in re.findall(r"(\d{4})\s*年", h)]
        if not years:
            continue
        kind = cues.work_report_top(h, None)
        if kind == "review" and reviewed is None:
            reviewed = max(years)
        elif kind == "plans" and planned is None:
            planned = min(years)
        if reviewed and planned:
            break
    return reviewed, planned


def _report_year(doc: CleanDocument, title: str | None, published: str | None, year: int | None,
                 work_report: bool) -> int | None:
    """The year a report was delivered or published: its publication or delivery date; for a work
    report without one, the year it is named for (2015年政府工作报告), the year its plans part is for,
    or the year after the year it reviews (it is delivered to the next year's congress)."""
    if published:
        return int(published[:4])
    if not work_report:
        return None  # a yearly report may come out in its own December or the next spring
    m = re.search(r"(\d{4})\s*年(?!度)", title or "")
    if m:
        return int(m.group(1))
    _, planned = _part_years(doc.body)
    if planned:
        return planned
    return year + 1 if year else None


# Where a body names its superior: 在市委、市政府的坚强领导下 — not the body itself.
_SUPERIOR = re.compile(r"在[^，,。；;]{0,60}?(?:领导|指导|关心|支持|监督|帮助|部署)下"
                       r"(?:[，,][^，,。；;]{0,30}?(?:领导|指导|关心|支持|监督|帮助|部署)下)*")
# What follows a body's name as the subject of its report's first sentence: its organ, or a verb.
_AFTER_SUBJECT = re.compile(
    r"(?:人民政府|政府|党委|党工委|党组|委|人大|" + _ORG_SUFFIX[3:-1] + r"|[^，,。；;]{0,14}?(?:局|厅|委员会|办|部|中心|站|所|队)"
    r"|始终|坚持|深入|认真|紧紧|全面|聚焦|围绕|积极|扎实|持续|立足|着力|按照|牢牢|高度|不断|严格|切实|大力|进一步|"
    r"全力|主动|突出|锚定|紧扣|法治|依法|以|在|把|将|各级|上下|各项)"
)
_SELF = re.compile(r"(?:我|本|全)(省|市|县|区|州|盟|旗|镇|乡|街道)")


def _subject(text: str) -> str | None:
    """The place of the body an opening sentence is about: 2021年，嘉兴市司法局坚持… → 嘉兴市;
    2020年，在市委、市政府的坚强领导下，宾阳县深入贯彻… → 宾阳县."""
    text = _SUPERIOR.sub("，", text)
    m = re.match(r"^(?:(?:\d{4}\s*年度?|一年来|近年来|今年|过去一年)(?:以来|来)?(?:是[^，,。]{0,60})?\s*[，,]?\s*"
                 r"|[，,]\s*)+", text)
    place = regions.chain_at(text, m.end() if m else 0)
    if place and _AFTER_SUBJECT.match(text, (m.end() if m else 0) + len(place)):
        return place
    return None


_SPEAKS_AS = re.compile(r"代表(自治区|自治州|省|市|县|区|州|盟|旗|镇|乡)人民政府|^(省|市|县|区|州|盟|旗|镇|乡)长\s*\S{2,4}$", re.M)
_LEVEL_OF = {"自治区": "省", "自治州": "州", "自治县": "县", "自治旗": "旗"}


def _self_level(text: str) -> str | None:
    """The level a report speaks of itself at (我市, 全县, 本区 …), the most frequent one; 我代表市人民政府
    or a speaker line 市长 某某 settle it."""
    counts: dict[str, int] = {}
    for m in _SPEAKS_AS.finditer(text):
        level = _LEVEL_OF.get(m.group(1) or "", m.group(1) or m.group(2))
        counts[level] = counts.get(level, 0) + 10
    for m in _SELF.finditer(text):
        weight = 1 if m.group(0)[0] == "全" else 3
        counts[m.group(1)] = counts.get(m.group(1), 0) + weight
    return max(counts, key=counts.get) if counts else None


def _place_at_level(text: str, level: str) -> str | None:
    """The first place of that level that the text names as a body or in a document's name:
    全市 … 《宜宾市党政主要负责人…》 → 宜宾市; 全省 … 中共浙江省委 → 浙江省."""
    if level == "省":  # the province it names most often, in full or short (浙江省, 浙江)
        counts = {p: text.count(short) for short, p in regions.PROVINCE_SHORT.items() if p[-1] != "市"}
        best = max(counts, key=counts.get)
        return best if counts[best] else None
    for i in range(len(text)):
        if i and text[i - 1] not in _BOUNDARY | set("《") and text[max(0, i - 2):i] != "中共":
            continue
        place = regions.chain_at(text, i)
        if not place or regions.levels(place) != level:
            continue
        if text[i - 1:i] == "《" or re.match(r"(?:人民政府|政府|党委|委)", text[i + len(place):]):
            return place
    return _named_most(text, level)


# The thanks of a work report name its place bare: 向关心支持宁波发展的…表示衷心感谢.
_THANKS_PLACE = re.compile(r"(?:关心|支持|关注|参与|热爱)(?:和|、)?(?:关心|支持|参与)?([\u4e00-\u9fff]{2,4}?)"
                           r"(?:改革|发展|建设|现代化)[^。]{0,60}?(?:感谢|敬意)")
NAMED_OFTEN = 5  # mentions of a bare name that make it the report's place


_DEPARTMENT = re.compile(r"[\u4e00-\u9fff]{0,14}?(?:局|厅|委员会|办公室|支队|大队|中心)")


def _named_most(text: str, level: str) -> str | None:
    """The place of that level whose name the text repeats most, written in full at least once (长沙市
    once, 长沙 24 times) or named in the thanks of a work report; else one the text names as a body's
    (某某市交通运输综合行政执法支队); None if none."""
    counts: dict[str, int] = {}
    bodies: set[str] = set()
    for m in re.finditer(re.escape(level), text):
        found = []
        for n in (2, 3, 4):
            start = m.start() - n
            if start < 0:
                continue
            name = text[start:m.start()]
            if (regions.chain_at(text, start) or "").startswith(name + level):
                found.append(name)
                counts.setdefault(name, text.count(name))
        if found and _DEPARTMENT.match(text, m.end()):
            # where the name may start is unclear (指导某某市…): the most used, then the shortest
            bodies.add(max(found, key=lambda x: (counts[x], -len(x))))
    for m in _THANKS_PLACE.finditer(text):
        name = m.group(1)
        if not regions.is_bare(name) or name[0] in "我全本各该" or name[-1] in "国家" or name in counts:
            continue
        counts[name] = text.count(name)
    if counts:
        best = max(counts, key=counts.get)
        if counts[best] >= NAMED_OFTEN:
            return best + level
    if len(bodies) == 1:
        return bodies.pop() + level
    return None


_BOUNDARY = set("，,、。；;：:（(“\"\u3000 \n")


def _npc_place(text: str) -> str | None:
    """The place of a congress: 在上海市第十二届人民代表大会第二次会议上 → 上海市."""
    for m in _NPC.finditer(text):
        place = regions.chain_at(m.group(1))
        if place and len(place) == len(m.group(1)):
            return place
    return None


def _regions(doc: CleanDocument, title: str | None, issuer: str | None) -> Iterator[str | None]:
    """Candidate places, most trusted first: the congress a work report is delivered to, the title,
    the issuer, a speaker line, the opening sentence's subject, the level the report speaks at."""
    opening = doc.header[-8:] + doc.body[:3]
    yield _npc_place(title or "")
    yield region_of(title)
    yield region_of(issuer)
    for label, value in _fields(doc):  # 信息来源：某某镇, 所属机构：某某区市场监督管理局
        if label in _BODY_LABELS:
            yield region_of(value.split()[0] if value.split() else value)
    for line in doc.header:  # 来源：某某市司法局, when the title names only 市司法局
        m = _SOURCE.search(line)
        if m:
            yield region_of(m.group(1))
    yield _npc_place("".join(opening))
    for line in doc.header + doc.body[:2]:
        m = _SPEAKER.match(line) or _ON_BEHALF.search(line)
        if m:
            yield regions.chain_at(m.group(1))
    for line in doc.body[:2]:
        yield _subject(line)
    text = "\n".join(doc.body[:40])[:20000]
    level = _self_level("\n".join(doc.header[-8:]) + "\n" + text[:3000])
    if level:
        yield _place_at_level(text, level)
    for line in doc.header + doc.trailer:
        if not is_furniture(line) and len(line) < 40:
            m = _ISSUER_LINE.match(line)
            if m:
                yield region_of(m.group(1))


_BODY_LABELS = {"发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "所属机构", "来源单位", "责任部门", "信息来源",
                "文章来源", "来源"}


def _region(doc: CleanDocument, title: str | None, issuer: str | None) -> str | None:
    text = "\n".join(doc.header + doc.body[:40])
    if re.search(r"我代表国务院", "\n".join(doc.header[-8:] + doc.body[:8])):
        return None  # the national government's report: no place
    for place in _regions(doc, title, issuer):
        found = regions.normalise(place, text)
        if not found and place and regions.is_bare(place):
            # 长春政府工作报告 from a report that speaks as 市 (我代表市人民政府, 全市): 长春市
            level = _self_level("\n".join(doc.header[-8:] + doc.body[:3]) + "\n" + text[:3000])
            if level == place[-1]:
                found = place  # 克州 in a report that speaks as 州: the short form is the name
            elif level and len(level) == 1:
                found = regions.normalise(place + level, text)
        if found:
            return found
    return None


def extract(doc: CleanDocument) -> Metadata:
    """Metadata from the front matter first, then from the page template, the header, the body's
    opening and the trailer."""
    fields = _fields(doc)
    title = _title(doc, fields)
    issuer = _issuer(doc, title, fields)
    published = _published(doc, title, fields)
    region = doc.front_matter.get("region") or _region(doc, title, issuer)
    work_report = is_work_report(title, doc)
    if work_report and not (doc.front_matter.get("issuer") or doc.front_matter.get("author")):
        issuer = _government(doc, region) or issuer
    year = _year(doc, title, published)
    return Metadata(title=title, region=region, issuer=issuer, year=year, published=published,
                    report_year=_report_year(doc, title, published, year, work_report))


_ON_BEHALF_OF = re.compile(r"我代表([\u4e00-\u9fff]{0,30}?)(人民政府|革命委员会|人民委员会|国务院|政府)")
_LEVEL_WORDS = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "县", "区", "州", "盟", "旗", "镇", "乡")


def _government(doc: CleanDocument, region: str | None) -> str | None:
    """The body a 政府工作报告 speaks for: 我代表省人民政府 → the region's people's government
    (广东省人民政府); 我代表锦州市人民政府 → 锦州市人民政府; 我代表国务院 → 国务院. A work report that
    does not say is still its region's government's report."""
    text = "\n".join(doc.header[-8:] + doc.body[:8])
    m = _ON_BEHALF_OF.search(text)
    if m and m.group(2) == "国务院":
        return "国务院"
    body = "人民政府" if not m or m.group(2) == "政府" else m.group(2)
    who = m.group(1) if m else ""
    if not who or who in _LEVEL_WORDS:
        if not region:
            return None
        level = _LEVEL_OF.get(who, who)
        fits = not who or regions.levels(region) == level or (level == "市" and region in regions.PROVINCES)
        return region + body if fits else None
    place = regions.chain_at(who)
    if place == who:
        return (regions.normalise(place, text) or place) + body
    return region + body if region else None
