"""Outline markers at the start of a line (一、 （一） 1. （1） ① 第一部分): what a reader's layout step
and the report stage's block splitter both recognise, so it lives here, below both."""
from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
_CN_NUM = {c: i + 1 for i, c in enumerate(_CN)}

# (level, regex) — the marker's number is group "n".
_MARKERS = [
    (0, re.compile(r"^第(?P<n>[一二三四五六七八九十]{1,3})(部分|章|篇)")),
    (1, re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})[、.．]")),
    (2, re.compile(r"^[（(](?P<n>[一二三四五六七八九十]{1,3})[）)]")),
    (3, re.compile(r"^(?P<n>\d{1,2})[.、．](?!\d)")),
    (4, re.compile(r"^[（(](?P<n>\d{1,2})[）)]")),
    (5, re.compile(r"^(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
]


def marker_number(s: str) -> int:
    """The value of a marker's or item's number: 3, 十二, ⑤ (0 for what is not one)."""
    if s.isdecimal():  # not isdigit(): ① is a digit that int() refuses
        return int(s)
    if s in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(s) + 1
    if len(s) == 1:
        return _CN_NUM.get(s, 0)
    if s[0] == "十":
        return 10 + _CN_NUM.get(s[1], 0)
    return _CN_NUM.get(s[0], 0) * 10 + (_CN_NUM.get(s[2], 0) if len(s) > 2 else 0)


def marker(line: str) -> tuple[float, int] | None:
    """(level, number) of an outline marker at the start of a line, or None."""
    for level, rx in _MARKERS:
        m = rx.match(line)
        if m:
            return float(level), marker_number(m.group("n"))
    return None
