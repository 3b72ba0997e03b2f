"""Metadata: title, region, issuer, year reported on and publication date of a report."""
from __future__ import annotations

import re

from .clean import is_furniture
from .model import CleanDocument, Metadata

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# A chain of administrative units at the start of a name: 开封市禹王台区, 内蒙古自治区, 瑞安市.
_REGION = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,9}?(?:自治区|特别行政区|自治州|自治县|自治旗|省|市|地区|盟|州|新区|区|县|旗)"
    r"(?![场长直属辖级内外]))+"
)
_ORG_SUFFIX = r"(?:人民政府办公室|人民政府办公厅|人民政府|政府|司法局|司法厅|[^\s、，,：:]{1,12}?(?:局|厅|委员会|办公室|部|委))"
_ISSUER_IN_TITLE = re.compile(r"^((?:中共)?[\u4e00-\u9fff]{2,30}?" + _ORG_SUFFIX + r")(?:关于|\d{4}年)")
_ISSUER_LINE = re.compile(
    r"^((?:中共[\u4e00-\u9fff]{2,20}?委(?:员会)?\s*)?[\u4e00-\u9fff]{2,24}?" + _ORG_SUFFIX + r")"
    r"(?:代?(?:省长|市长|区长|县长|州长|主席|盟长|旗长)\S{0,4})?$"
)
_SOURCE = re.compile(r"(?:信息)?来源[:：]\s*([\u4e00-\u9fff]{2,30}?" + _ORG_SUFFIX + r")")
_NPC_LINE = re.compile(r"在([\u4e00-\u9fff]{2,20}?)第[一二三四五六七八九十\d]+届人民代表大会")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_DATE_LABEL = re.compile(r"发布|来源|日期|时间|撰写|更新|印发|成文|发文")
_CLOCK = re.compile(r"今天是|星期|礼拜|周[一二三四五六日]")
_TITLE_WORDS = re.compile(r"报告|工作情况|建设情况|总结|年度")


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
    """The first calendar date in a line, as YYYY-MM-DD (Arabic or Chinese numerals)."""
    m = _DATE.search(line)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_DATE.search(line)
    if m:
        try:
            return _valid(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
        except (KeyError, IndexError):
            return None
    return None


def region_of(name: str | None) -> str | None:
    """The place at the start of a title or issuer: 临汾市, 开封市禹王台区; None if none."""
    if not name:
        return None
    for part in reversed(name.split()):  # "中共禹王台区委 禹王台区人民政府": the government names the place
        s = re.sub(r"^(关于|中共|中国共产党|\d{4}年度?|[“\"《])+", "", part)
        m = _REGION.match(s)
        if m and len(m.group(0)) >= 2:
            return m.group(0)
    return None


def _title(doc: CleanDocument) -> str | None:
    fm = doc.front_matter.get("title")
    if fm:
        return fm
    candidates = []
    for line in doc.header:
        if is_furniture(line) or _CLOCK.search(line) or find_date(line) and len(line) < 30:
            continue
        if line.endswith((":", "：")) or len(line) < 5 or len(line) > 80:
            continue
        if sum("\u4e00" <= c <= "\u9fff" for c in line) < len(line) * 0.6:
            continue
        candidates.append(line)
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


def _issuer(doc: CleanDocument, title: str | None) -> str | None:
    fm = doc.front_matter.get("issuer") or doc.front_matter.get("author")
    if fm:
        return fm
    if title:
        m = _ISSUER_IN_TITLE.match(title)
        if m:
            return m.group(1)
    for line in list(doc.header) + list(reversed(doc.trailer)):
        if is_furniture(line) and not _SOURCE.search(line):
            continue
        m = _ISSUER_LINE.match(line.replace(" ", " "))
        if m and not line.endswith((":", "：")) and "报告" not in line:
            return re.sub(r"代?(省长|市长|区长|县长|州长|主席|盟长|旗长)\S{0,4}$", "", m.group(1)).strip()
    for line in doc.header:
        m = _SOURCE.search(line)
        if m:
            return m.group(1)
    return None


def _published(doc: CleanDocument) -> str | None:
    for key in ("date", "published", "publish_date", "pubdate"):
        if doc.front_matter.get(key):
            d = find_date(doc.front_matter[key])
            if d:
                return d
    labelled = None
    for line in doc.header:
        if _CLOCK.search(line):
            continue  # a page clock, not the report's date
        d = find_date(line)
        if d and (_DATE_LABEL.search(line) or re.match(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", line)):
            return d
        if d and line.startswith(("——", "—", "-")) and "人民代表大会" in line:
            labelled = labelled or d
    if labelled:
        return labelled
    # Gov work reports put "——2023年1月15日在…人民代表大会…上" at the top of the body.
    for line in doc.body[:3]:
        if "人民代表大会" in line and len(line) < 80:
            d = find_date(line)
            if d:
                return d
    for line in reversed(doc.trailer):
        if _CLOCK.search(line) or len(line) > 20:
            continue
        d = find_date(line)
        if d:
            return d
    for line in doc.header:
        if not _CLOCK.search(line) and len(line) < 30:
            d = find_date(line)
            if d:
                return d
    return None


def is_work_report(title: str | None, doc: CleanDocument) -> bool:
    """A 政府工作报告 (delivered to a people's congress), as opposed to a yearly work report."""
    if title and "政府工作报告" in title:
        return True
    return any("人民代表大会" in x and len(x) < 80 for x in doc.header[-6:] + doc.body[:3])


def _year(doc: CleanDocument, title: str | None, published: str | None) -> int | None:
    fm = doc.front_matter.get("year")
    if fm and re.fullmatch(r"\d{4}", fm.strip()):
        return int(fm)
    work_report = is_work_report(title, doc)
    if title:
        m = re.search(r"(\d{4})\s*年度", title) or re.search(r"(\d{4})\s*年", title)
        if m:
            y = int(m.group(1))
            # A 政府工作报告 is named for the year it is delivered and reports on the year before.
            return y - 1 if work_report and "年度" not in m.group(0) else y
    if work_report and published:
        return int(published[:4]) - 1
    for line in doc.body[:2]:
        m = re.match(r"^(\d{4})年(?:度|以来)?[，,是]", line)
        if m:
            return int(m.group(1))
    return None


def extract(doc: CleanDocument) -> Metadata:
    """Metadata from the front matter first, then from the header, body opening and trailer."""
    title = _title(doc)
    issuer = _issuer(doc, title)
    published = _published(doc)
    region = doc.front_matter.get("region") or region_of(title) or region_of(issuer)
    if not region:
        for line in doc.header[-6:] + doc.body[:3]:
            m = _NPC_LINE.search(line)
            if m:
                region = region_of(m.group(1)) or m.group(1)
                break
    if not region:
        for line in doc.header + doc.trailer:
            if not is_furniture(line) and len(line) < 40:
                m = _ISSUER_LINE.match(line)
                if m:
                    region = region_of(m.group(1))
                    if region:
                        break
    return Metadata(title=title, region=region, issuer=issuer,
                    year=_year(doc, title, published), published=published)
