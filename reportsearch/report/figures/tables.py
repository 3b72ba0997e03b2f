"""Figures in tables: a header row of indicator names over a row of numbers.

Readers keep a table row on one line, its cells separated by spaces (收案数  受理数  审结数 over
282  270  260, or 行政复议  282  270  260 under 项目  收案数  受理数  审结数). A value row is read
when its numbers pair one for one with the header's cells, and its label (if any) names the body's
own total (合计, 全市, 行政复议 …): a row per district or per category is a part, not a figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import clauses as C
from .figure import Figure, Skipped, default_scope
from .numbers import as_number, fold, too_large

_SENTENCE = re.compile(r"[。，,；;：:！？!?、]")
_VALUE = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)(%|件|宗|人次|次|人)?$")
_TOTAL = re.compile(r"^(?:合计|总计|总数|全年|全市|全省|全区|全县|全州|全旗|全盟|本级|[省市区县]本级|[省市区县]政府本级|"
                    r"(?:行政)?复议(?:案件)?|(?:行政)?诉讼(?:案件)?|(?:行政)?应诉(?:案件)?|(?:19|20)\d{2}年度?)$")
_LABEL_COLUMN = re.compile(r"^(?:项目|类别|类型|单位|地区|区域|名称|年度|年份|指标|事项|部门|机关)$")


@dataclass
class Header:
    """A table header row: per cell, the indicator it names (or '') and its unit."""

    cells: list[str]
    indicators: list[str]
    units: list[str]
    block: int


def looks_like_row(text: str) -> bool:
    """A line of short cells separated by spaces, with no sentence punctuation."""
    if " " not in text or len(text) > 240 or _SENTENCE.search(text) or "\n" in text.strip():
        return False
    cells = text.split()
    return len(cells) >= 2 and all(len(c) <= 16 for c in cells)


def _cell_indicator(cell: str, domain: str | None) -> tuple[str, str]:
    """The indicator a header cell names, with its unit; ('', '') for none."""
    c = fold(cell).text
    own = _cell_domain(c) or domain
    rate = None
    for rate in C.RATE_CUE.finditer(c):
        pass
    if rate is not None and c.endswith("率", rate.start()):
        return C.RATE_CUES[rate.group(0)][0], "%"
    if "率" in c:
        return "", ""
    cue = None
    for cue in C.COUNT_CUE.finditer(c):
        pass
    kind = C.COUNT_CUES[cue.group(0)][0] if cue else ("noun" if re.search(r"案件(?:数|量)?$", c) else "")
    unit = "次" if "人次" in c or c.endswith("次") else ("人" if c.endswith("人数") else "件")
    if kind in (C.CORRECT, C.PART):
        return "复议纠错", "件"
    if kind == C.MEDIATE:
        return "复议调解和解", "件"
    if kind == C.LOST:
        return "诉讼败诉", "件"
    if kind == C.APPEAR and re.search(r"负责人|首长", c):
        return "出庭应诉次数", unit
    if kind in (C.RECV, C.ACCEPT, C.CLOSE, C.HANDLE, "noun", C.RESPOND):
        if own == C.L or kind == C.RESPOND:
            return ("诉讼案件", "件") if kind != C.CLOSE else ("", "")
        if own == C.R:
            return {C.RECV: "复议收案", C.HANDLE: "复议收案", "noun": "复议收案", C.ACCEPT: "复议受理",
                    C.CLOSE: "复议审结"}[kind], "件"
    return "", ""


def _cell_domain(text: str) -> str | None:
    found = {C.DOMAIN_WORDS[m.group(0)] for m in C.DOMAIN.finditer(text)} & {C.R, C.L}
    return found.pop() if len(found) == 1 else None


def read_row(text: str, index: int, heading: list[str], ctx) -> tuple[list, list] | None:
    """Figures of one table row (a header row is remembered for the rows under it); None when the
    line is not a table row after all and should be read as text."""
    cells = text.split()
    values = [_VALUE.match(fold(c).text) for c in cells]
    if not any(values):
        domain = _cell_domain(fold(" ".join(heading) + text).text) or ctx.domain
        names = [_cell_indicator(c, domain) for c in cells]
        if sum(1 for n, _ in names if n) >= 2:
            ctx.header = Header(cells, [n for n, _ in names], [u for _, u in names], index)
            ctx.row_block = index
            return [], []
        return None
    header = ctx.header
    if header is None or ctx.row_block != index - 1:
        return None
    ctx.row_block = index
    labels = [c for c, v in zip(cells, values) if not v]
    numbers = [(c, v) for c, v in zip(cells, values) if v]
    if labels and cells[0] != labels[0] or any(values[:len(labels)]):
        return [], []  # labels between numbers: not a row this reader can pair
    hcells, hind, hunits = header.cells, header.indicators, header.units
    if len(numbers) == len(hcells) - 1 and _LABEL_COLUMN.match(fold(hcells[0]).text):
        hcells, hind, hunits = hcells[1:], hind[1:], hunits[1:]
    figures: list = []
    skipped: list = []
    offset = 0
    positions = []
    for c in cells:
        at = text.index(c, offset)
        positions.append((at, at + len(c)))
        offset = at + len(c)
    first_value = len(labels)
    label = fold("".join(labels)).text
    if len(numbers) != len(hcells):
        s, e = positions[0][0], positions[-1][1]
        why = "a table row that does not pair with its header"
        skipped.append(Skipped(0, "", text[s:e], index, s, e, why))
        return figures, skipped
    year = ctx.year
    ym = re.match(r"^((?:19|20)\d{2})年", label)
    if ym:
        year = int(ym.group(1))
    own = not label or _TOTAL.match(label)
    row_domain = _cell_domain(label)
    for k, ((cell, v), name, unit) in enumerate(zip(numbers, hind, hunits)):
        s, e = positions[0][0], positions[first_value + k][1]
        value = as_number(float(v.group(1).replace(",", "")))
        if not name and row_domain:
            name, unit = _cell_indicator(hcells[k], row_domain)
        if not name:
            continue
        large = too_large(value, unit, cell)
        if large:
            skipped.append(Skipped(0, unit, text[s:e], index, s, e, f"a malformed number: {large}", name))
            continue
        if not own:
            why = f"a table row for a part ({label})"
            skipped.append(Skipped(value, unit, text[s:e], index, s, e, why, name))
            continue
        if unit == "%" and value > 100:
            why = "a malformed number: a rate over 100%"
            skipped.append(Skipped(value, unit, text[s:e], index, s, e, why, name))
            continue
        scope = label if label and not ym and C.SCOPE.fullmatch(label) else default_scope(ctx.region)
        head = fold(hcells[k]).text
        note = next((w + ("纠错率" if unit == "%" else "纠错") for w in ("直接", "综合")
                     if w in head and "纠错" in head), "")
        rule = f"table: header {hcells[k]!r} over the row's value"
        scope = f"{scope}({note})" if note else scope
        figures.append(Figure(name, value, unit, year, scope, text[s:e], index, s, e, rule, note=note))
    return figures, skipped
