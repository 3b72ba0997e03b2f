"""Checks a careful reader makes on a report's figures, and the one figure per indicator a table shows.

`check`: a stated rate against the rate its counts give (纠错 ÷ 审结, ÷ 受理 or ÷ 收案; 败诉 ÷ 诉讼案件),
saying which denominator fits; two different values of one indicator for the same scope and year;
a part larger than its whole (受理 > 收案, 纠错 > 审结, 败诉 > 诉讼案件).
`choose`: the figure of each indicator for a region × year table — the body's own total, the 直接 rate.
"""
from __future__ import annotations

import re
from collections import Counter

from ...model import Check, Figure

# rate → (its count, the counts that can be its denominator, in the order reports use them)
RATES = {
    "复议纠错率": ("复议纠错", ("复议审结", "复议受理", "复议收案")),
    "诉讼败诉率": ("诉讼败诉", ("诉讼案件",)),
    "复议调解和解": ("复议调解和解", ("复议审结", "复议受理", "复议收案")),
    "出庭应诉率": ("出庭应诉次数", ("诉讼案件",)),
}
# part ≤ whole
BOUNDS = (("复议受理", "复议收案"), ("复议纠错", "复议审结"), ("诉讼败诉", "诉讼案件"), ("复议调解和解", "复议审结"))


def _base(scope: str) -> str:
    return re.sub(r"\(.*?\)$", "", scope)


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def fits(stated: float, computed: float, approximate: bool = False) -> bool:
    """Whether a computed rate rounds (or truncates) to the stated one."""
    if approximate:
        return abs(computed - stated) < 1.0
    step = 10.0 ** -_decimals(stated)
    return abs(computed - stated) <= step / 2 + 1e-9 or stated <= computed < stated + step


def _same(a: Figure, b: Figure) -> bool:
    """Two values that state the same figure: equal, or one a rounding of the other."""
    if a.value == b.value:
        return True
    if a.unit != "%" and not (a.approximate or b.approximate):
        return False
    coarse, fine = (a, b) if _decimals(a.value) <= _decimals(b.value) else (b, a)
    loose = coarse.approximate
    return fits(coarse.value, fine.value, loose) or fits(fine.value, coarse.value, loose)


def _counts(figures: list[Figure], name: str, like: Figure) -> list[int]:
    """Indexes of the counts `name` that go with a figure: same year and scope, or the year's only value."""
    same_year = [i for i, f in enumerate(figures)
                 if f.indicator == name and f.unit != "%" and f.year == like.year]  # 调解和解 is both
    scoped = [i for i in same_year if _base(figures[i].scope) == _base(like.scope)]
    if scoped:
        return scoped
    return same_year if len({figures[i].value for i in same_year}) == 1 else []


def check(figures: list[Figure]) -> list[Check]:
    """Compare a report's figures with each other; each finding is also added to the flags of the
    figures it concerns."""
    out: list[Check] = []
    for i, f in enumerate(figures):
        if f.indicator not in RATES or f.unit != "%":
            continue
        count, denominators = RATES[f.indicator]
        nums = _counts(figures, count, f)
        if not nums:
            continue
        n = figures[nums[0]]
        tried = []
        for name in denominators:
            for j in _counts(figures, name, f):
                d = figures[j]
                if not d.value:
                    continue
                computed = 100.0 * n.value / d.value
                tried.append((name, d, j, computed))
                if fits(f.value, computed, f.approximate):
                    msg = f"{f.indicator} {f.value}% = {count} {n.value} ÷ {name} {d.value} ({computed:.2f}%)"
                    out.append(Check("denominator", msg, [i, nums[0], j]))
                    f.flags.append(f"denominator: {name}")
                    break
            else:
                continue
            break
        else:
            if tried:
                shown = "; ".join(f"÷ {name} {d.value} = {c:.2f}%" for name, d, _, c in tried)
                msg = f"{f.indicator} {f.value}% fits no denominator: {count} {n.value} {shown}"
                out.append(Check("mismatch", msg, [i, nums[0]] + [j for _, _, j, _ in tried]))
                f.flags.append("mismatch: the stated rate fits none of its counts")
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(figures):
        groups.setdefault((f.indicator, f.unit, f.year, f.scope), []).append(i)
    for key, idx in groups.items():
        for a_pos, a in enumerate(idx):
            for b in idx[a_pos + 1:]:
                fa, fb = figures[a], figures[b]
                if not _same(fa, fb):
                    msg = f"{fa.indicator} ({fa.scope}, {fa.year}) is given as {fa.value} and as {fb.value}"
                    out.append(Check("contradiction", msg, [a, b]))
                    fa.flags.append(f"contradicts {fb.value}{fb.unit} in block {fb.block}")
                    fb.flags.append(f"contradicts {fa.value}{fa.unit} in block {fa.block}")
    for part, whole in BOUNDS:
        for i, f in enumerate(figures):
            if f.indicator != part or f.unit != "件":
                continue
            for j in _counts(figures, whole, f):
                w = figures[j]
                if w.unit == "件" and f.value > w.value:
                    msg = f"{part} {f.value} is more than {whole} {w.value}"
                    out.append(Check("exceeds", msg, [i, j]))
                    f.flags.append(f"more than {whole} {w.value}")
    return out


def _scope_rank(scope: str) -> int:
    base = _base(scope)
    if re.match(r"^(?:全|我|本)(?:省|市|区|县|州|盟|旗|国)|各级|表格合计|合计|总计", base):
        return 0
    if "未注明" in base:
        return 1
    if "本级" in base or "政府" in base:
        return 2
    return 3


def _note_rank(f: Figure) -> int:
    if "直接" in f.note:
        return 0
    if "综合" in f.note:
        return 2
    return 1


def choose(figures: list[Figure], year: int | str | None = None) -> dict[str, Figure]:
    """The figure of each indicator a region × year table shows: the given year's (by default the
    year most figures are for), the body's own total before a level's or a part's, the 直接 rate
    before the 综合 one, an exact value before a rounded restatement, then the first stated."""
    if year is None:
        years = Counter(f.year for f in figures if f.year is not None)
        year = years.most_common(1)[0][0] if years else None
    out: dict[str, Figure] = {}
    ranked = sorted(
        (f for f in figures if year is None or f.year == year),
        key=lambda f: (_scope_rank(f.scope), _note_rank(f), f.approximate, f.block, f.start))
    for f in ranked:
        out.setdefault(f.indicator, f)
    return out
