"""Numbers as reports write them, and the text they are read from.

`fold` turns a block's text into a matching copy: traditional characters simplified, full-width
digits and punctuation made ASCII, pinyin notes that some sites put after rare characters
(審結(jié)) dropped, and single spaces or line breaks inside words and numbers removed (PDF and
web text breaks lines anywhere). Runs of two or more spaces stay, as one space: they separate
table cells. Every character of the copy remembers its offset in the original, so a quote is
always cut from the original text.

`mentions` finds the numbers with a unit that a figure can be: 282件, 3.1万件, 二十三件,
百分之九十五点五, 12,195件, 25.4%, 3.2个百分点, 近3倍.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .. import variants

_CN_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_FULL = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "（": "(", "）": ")",
                       "，": ",", "：": ":", "；": ";", "．": ".", "﹪": "%", "！": "!", "？": "?"})
# A pinyin note after a character: (jié), (guān). A tone mark is required, so English words in
# brackets are not taken for one.
_PINYIN = r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)"
_SPACE_OR_NOTE = re.compile(_PINYIN + r"|\s+")
_NEEDS_MAP = re.compile(r"\s|\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


class _Simplified(dict):
    """str.translate table: each character to its simplified form, computed once per character."""

    def __missing__(self, code: int) -> str:
        out = self[code] = variants.simplified_char(chr(code))
        return out


_SIMPLE = _Simplified()


@dataclass
class Folded:
    """A block's text folded for matching, with the original offset of each character."""

    text: str
    original: str
    offsets: list[int] | None  # None when the folded text has the original's offsets

    def at(self, i: int) -> int:
        """The original offset of folded position i (i may be len(text))."""
        if self.offsets is None:
            return i
        return self.offsets[i] if i < len(self.offsets) else len(self.original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span [start, end)."""
        if self.offsets is None:
            return start, end
        if end <= start:
            return self.at(start), self.at(start)
        return self.at(start), self.at(end - 1) + 1


def fold(text: str) -> Folded:
    """The matching copy of a text (see the module docstring)."""
    simple = text.translate(_FULL).translate(_SIMPLE)
    if not _NEEDS_MAP.search(simple):
        return Folded(simple, text, None)
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for m in _SPACE_OR_NOTE.finditer(simple):
        out.append(simple[last:m.start()])
        offsets.extend(range(last, m.start()))
        last = m.end()
        piece = m.group(0)
        if piece.startswith("("):
            continue  # a pinyin note
        before = simple[m.start() - 1] if m.start() else ""
        after = simple[m.end()] if m.end() < len(simple) else ""
        words = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
        if len(piece) == 1 and before and after and not words:
            continue  # a line broken inside a word or a number
        if before and after:
            out.append(" ")  # a cell boundary, or a space between words
            offsets.append(m.start())
    out.append(simple[last:])
    offsets.extend(range(last, len(simple)))
    return Folded("".join(out), text, offsets)


def cn_int(s: str) -> int | None:
    """A Chinese numeral without 万 (二十三, 一百零五, 十二, 两千三百, 二〇二三) as an int, or None."""
    if not s:
        return None
    if all(ch in _CN_DIGIT for ch in s):  # digit by digit: 二〇二三
        if len(s) == 1:
            return _CN_DIGIT[s]
        return int("".join(str(_CN_DIGIT[ch]) for ch in s))
    total, num, last_unit = 0, None, 10_000
    for ch in s:
        if ch in "零〇○":
            if num is not None:
                return None  # 三零: a zero only stands between units (三百零六)
            continue
        if ch in _CN_DIGIT:
            if num is not None:
                return None  # two digits in a row inside a positional numeral: 二三百
            num = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None  # 百千: units must fall
            total += (num if num is not None else 1) * unit
            num, last_unit = None, unit
        else:
            return None
    return total + (num or 0)


def cn_number(s: str) -> float | None:
    """A Chinese numeral with an optional 万 and 点 decimals (三万二千, 九十五点五) or None."""
    if "万" in s:
        head, _, tail = s.partition("万")
        h = cn_int(head) if head else 1
        t = cn_int(tail) if tail else 0
        if h is None or t is None or (tail and t >= 10_000):
            return None
        return h * 10_000 + t
    whole, dot, frac = s.partition("点")
    w = cn_int(whole) if whole else None
    if w is None:
        return None
    if not dot:
        return w
    if not frac or any(ch not in _CN_DIGIT for ch in frac):
        return None
    return float(f"{w}.{''.join(str(_CN_DIGIT[ch]) for ch in frac)}")


# Units a figure can have; the others are read so that their numbers are reported as skipped.
UNITS = {"件": "件", "宗": "件", "起": "件", "人次": "次", "次": "次", "人": "人", "名": "人", "位": "人", "%": "%",
         "个百分点": "pp",
         "百分点": "pp", "倍": "times", "个案件": "件"}
_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇○一二两三四五六七八九十百千]+(?:点[零〇○一二三四五六七八九]+)?"
MENTION = re.compile(
    r"百分之(?P<pct>" + _ARABIC + "|" + _CN + r")"
    r"|(?P<num>" + _ARABIC + "|" + _CN + r")(?P<wan>万)?(?P<more>余|多)?(?P<unit>个百分点|百分点|个案件|人次|[件宗起次人名位%倍])"
)


@dataclass
class Mention:
    """A number with its unit in folded text."""

    start: int
    end: int
    value: float
    unit: str  # 件, 次, 人, %, pp (percentage points) or times
    raw: str
    approximate: bool = False  # 200余件, 200多件
    malformed: str = ""  # why the number cannot be read, if it cannot
    chinese: bool = False


# Past these, a number is no figure but a malformed one (a run of digits, a float's inf): no
# report counts a trillion cases, and a rate, even a growth rate, stays well under 1000%.
MAX_COUNT = 1e12
MAX_PERCENT = 1000.0


def too_large(value: float, unit: str, raw: str = "") -> str:
    """Why a value is too large to be a figure with its unit (as written: raw), or ''."""
    rate = unit in ("%", "pp")
    if math.isfinite(value) and abs(value) <= (MAX_PERCENT if rate else MAX_COUNT):
        return ""
    shown = re.sub(r"\d{17,}", lambda d: f"{d.group(0)[:8]}…({len(d.group(0))} digits)", raw[:2000])
    return f"{shown or value} is too large for {'a rate' if rate else 'a count'}"


def _arabic(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def mentions(text: str) -> list[Mention]:
    """The numbers with a unit in a folded text, in order."""
    out = []
    for m in MENTION.finditer(text):
        start = m.start()
        if m.group("pct") is not None:
            raw = m.group("pct")
            chinese = not raw[0].isdigit()
            value = cn_number(raw) if chinese else _arabic(raw)
            if chinese and raw == "百":
                value = 100.0
            mention = Mention(start, m.end(), 0.0 if value is None else value, "%", m.group(0),
                              chinese=chinese)
            if value is None:
                mention.malformed = f"百分之{raw} is not a number"
            elif too_large(value, "%"):
                mention.value, mention.malformed = 0.0, too_large(value, "%", m.group(0))
            out.append(mention)
            continue
        raw, unit = m.group("num"), m.group("unit")
        chinese = not raw[0].isdigit()
        if chinese and start and text[start - 1] in "第每":
            continue  # 第一次, 每一件: an ordinal or a rate, not an amount
        if unit == "起" and text[m.end():m.end() + 1] in ("诉", "草", "点", "步", "来", "到", "止"):
            continue  # 起诉, 起草: 起 is a verb here
        if unit == "人" and text[m.end():m.end() + 1] in ("民", "员", "大", "社", "数"):
            continue  # 人民, 人员
        if unit == "次" and text[m.end():m.end() + 1] in ("会", "全", "常", "党", "代"):
            continue  # 第N次会议
        value = cn_number(raw) if chinese else _arabic(raw)
        mention = Mention(start, m.end(), 0.0, UNITS[unit], m.group(0), approximate=bool(m.group("more")),
                          chinese=chinese)
        if value is None:
            mention.malformed = f"{raw} is not a number"
        elif chinese and 1 < len(raw) < 4 and all(ch in _CN_DIGIT and _CN_DIGIT[ch] for ch in raw):
            mention.approximate = True  # 两三件, 三五起: a few
        if value is not None:
            mention.value = round(value * 10_000, 6) if m.group("wan") else value
            if too_large(mention.value, mention.unit):
                mention.value, mention.malformed = 0.0, too_large(mention.value, mention.unit, m.group(0))
        if not chinese:
            prev = text[start - 1] if start else ""
            if prev.isdigit() or (prev and prev in ".," and text[start - 2:start - 1].isdigit()):
                mention.malformed = f"{text[max(0, start - 4):m.end()]} runs into another number"
            elif "," in raw and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
                mention.malformed = f"{raw}: thousands separators in the wrong places"
        out.append(mention)
    return out


def as_number(value: float) -> int | float:
    """An int when the value is whole, else the float rounded to 4 places."""
    return int(value) if float(value).is_integer() else round(value, 4)
