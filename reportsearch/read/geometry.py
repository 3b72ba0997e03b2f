"""A page's glyphs into lines: baselines, gaps, ruled and aligned tables, and two columns.

Coordinates are points with y growing downwards from the page top; a glyph is placed by its
origin on the baseline and advances by its width. Nothing here looks at a font's ink.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

# A line of a page: text, x0, top, x1, bottom, font size, red ink, table row, column frame,
# and the width of its first unbreakable run.
LineTuple = tuple[str, float, float, float, float, float, bool, bool, "tuple[float, float] | None", float]

# What cannot be parted from the first character of a line: opening punctuation after it,
# Latin letters and digits, and punctuation that may not begin a line.
UNBREAKABLE = re.compile(r"^.[“‘（(《【「『]*[A-Za-z0-9.%,\-/:+×]*[”’）)》】」』，。、；：？！,.;:?!%]*")


@dataclass
class Glyph:
    """One character as drawn: its origin (x, baseline), font size and advance, and red ink."""

    ch: str
    x: float
    base: float
    size: float
    adv: float
    red: bool = False


@dataclass
class Rule:
    """A straight ruled line, horizontal or vertical: its box."""

    x0: float
    top: float
    x1: float
    bottom: float


def _wide(ch: str) -> bool:
    return ch >= "\u2e80" or ch in "“”‘’"


def _text(glyphs: list[Glyph]) -> str:
    """Glyphs left to right as text: a space only where a gap parts two Latin words."""
    out = glyphs[0].ch
    for a, b in zip(glyphs, glyphs[1:]):
        gap = b.x - (a.x + a.adv)
        wide = _wide(a.ch) + _wide(b.ch)
        # Between a Chinese and a Latin character only a wide gap is a space: a font switch
        # leaves a narrow one that is not in the text. Chinese needs a character's width.
        if a.ch != " " and b.ch != " " and gap > max(a.size, b.size) * (0.25, 0.6, 1.0)[wide]:
            out += " "
        out += b.ch
    return out


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top to bottom, each row left to right."""
    rows: list[list[Glyph]] = []
    base = -1e9
    for g in sorted(glyphs, key=lambda g: (g.base, g.x)):
        if rows and g.base - base <= 0.3 * max(g.size, rows[-1][0].size):
            rows[-1].append(g)
        else:
            rows.append([g])
            base = g.base
    for r in rows:
        r.sort(key=lambda g: g.x)
    return rows


def _size(glyphs: list[Glyph]) -> float:
    return Counter(round(g.size, 1) for g in glyphs if not g.ch.isspace()).most_common(1)[0][0] \
        if any(not g.ch.isspace() for g in glyphs) else glyphs[0].size


def _drop_marks(glyphs: list[Glyph]) -> list[Glyph]:
    """Without small raised characters set right after a character of a line (footnote marks
    ① ¹ [1]); a mark may run to three characters."""
    ends: dict[int, list[Glyph]] = {}
    for h in glyphs:
        ends.setdefault(int((h.x + h.adv) // 4), []).append(h)
    small = sorted((g for g in glyphs if not g.ch.isspace()), key=lambda g: (round(g.base), g.x))
    marks: set[int] = set()
    for g in small:
        for k in (int(g.x // 4) - 1, int(g.x // 4), int(g.x // 4) + 1):
            for h in ends.get(k, ()):
                if g.size <= h.size * 0.75 and abs(h.x + h.adv - g.x) < h.size * 0.3 \
                        and h.size * 0.1 < h.base - g.base < h.size * 0.8:
                    marks.add(id(g))
    # the rest of a mark of two or three characters: small glyphs right after a mark's glyph
    for g in small:
        for k in (int(g.x // 4) - 1, int(g.x // 4), int(g.x // 4) + 1):
            if any(id(h) in marks and abs(h.x + h.adv - g.x) < h.size * 0.5 and abs(h.base - g.base) < 0.5
                   for h in ends.get(k, ())):
                marks.add(id(g))
    return [g for g in glyphs if id(g) not in marks]


def _segments(row: list[Glyph]) -> list[list[Glyph]]:
    """A row cut where a gap wider than a character and a fifth parts its glyphs."""
    segs = [[row[0]]]
    for a, b in zip(row, row[1:]):
        if b.x - (a.x + a.adv) > 1.2 * max(a.size, b.size):
            segs.append([b])
        else:
            segs[-1].append(b)
    return [[g for g in s] for s in segs if any(not g.ch.isspace() for g in s)]


def _line(segs: list[list[Glyph]], row: bool = False, frame=None) -> LineTuple:
    glyphs = [g for s in segs for g in s]
    size = _size(glyphs)
    base = statistics.median(g.base for g in glyphs)
    texts = [_text(s).strip() for s in segs]
    if all(len(t) == 1 for t in texts):  # letter-spaced: 目　录, 报　告
        text = "".join(texts)
    else:
        text = "  ".join(texts)
    red = sum(g.red for g in glyphs) > len(glyphs) / 2
    ink = [g for g in glyphs if not g.ch.isspace()]
    run = UNBREAKABLE.match("".join(g.ch for g in ink))
    lead = sum(g.adv for g in ink[:len(run.group()) if run else 1])
    return (text, segs[0][0].x, base - size, segs[-1][-1].x + segs[-1][-1].adv, base, size, red, row, frame, lead)


# ------------------------------------------------------------------ ruled tables

def _cluster(values: list[float], tol: float = 2.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def ruled_tables(glyphs: list[Glyph], rules: list[Rule]) -> tuple[list[tuple], list[Glyph]]:
    """Rows of the tables that rules draw (at least two cells), each row's cells two spaces
    apart, and the glyphs outside them: ((text, x0, top, x1, bottom, size) for each row, rest)."""
    hs = [r for r in rules if r.bottom - r.top < 1.5 and r.x1 - r.x0 > 4]
    vs = [r for r in rules if r.x1 - r.x0 < 1.5 and r.bottom - r.top > 4]
    if len(hs) < 2 or len(vs) < 2 or len(hs) + len(vs) > 2000:
        return [], glyphs
    # Connected grids: a horizontal and a vertical rule meet (within a few points).
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.x0 - 3 <= v.x0 <= h.x1 + 3 and v.top - 3 <= h.top <= v.bottom + 3:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    rows_out: list[tuple] = []
    rest = glyphs
    for gh, gv in groups.values():
        ys = _cluster([h.top for h in gh])
        xs = _cluster([v.x0 for v in gv])
        if len(ys) < 2 or len(xs) < 2 or (len(ys) - 1) * (len(xs) - 1) < 2:
            continue
        cells: dict[tuple[int, int], list[Glyph]] = {}
        outside = []
        for g in rest:
            cx, cy = g.x + g.adv / 2, g.base - g.size * 0.35
            if xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]:
                r = max(k for k in range(len(ys) - 1) if ys[k] <= cy)
                c = max(k for k in range(len(xs) - 1) if xs[k] <= cx)
                cells.setdefault((r, c), []).append(g)
            else:
                outside.append(g)
        rest = outside
        for r in range(len(ys) - 1):
            texts = []
            inside = []
            for c in range(len(xs) - 1):
                cell = cells.get((r, c))
                if cell:
                    texts.append("".join(_text(row).strip() for row in _rows(cell)))
                    inside.extend(cell)
            if texts:
                rows_out.append(("  ".join(texts), xs[0], ys[r], xs[-1], ys[r + 1], _size(inside)))
    return rows_out, rest


# ------------------------------------------------------------------ columns and aligned tables

def _gutter(rows: list[list[list[Glyph]]]) -> float | None:
    """The x of a gutter between two columns of text: a strip in the middle of the page that
    lines of text (a fifth of the text width or more) reach from both sides and hardly cross."""
    spans = [(s[0].x, s[-1].x + s[-1].adv) for segs in rows for s in segs]
    x0, x1 = min(a for a, _ in spans), max(b for _, b in spans)
    width = x1 - x0
    long = [(a, b) for a, b in spans if b - a >= width * 0.2]
    if len(long) < 8:
        return None
    best: tuple[int, float] | None = None
    for k in range(int((x0 + width * 0.25) // 4), int((x1 - width * 0.25) // 4) + 1):
        g = k * 4.0 + 2.0
        cross = sum(a < g < b for a, b in long)
        left = sum(b <= g for a, b in long)
        right = sum(a >= g for a, b in long)
        if left >= 4 and right >= 4 and cross <= max(1, len(long) * 0.1):
            if best is None or cross < best[0]:
                best = (cross, g)
    return best[1] if best else None


def _aligned(a: list[list[Glyph]], b: list[list[Glyph]]) -> bool:
    """Two rows of cells of one table: at least two cell starts (or centres) line up."""
    def marks(segs):
        return [(s[0].x, (s[0].x + s[-1].x + s[-1].adv) / 2, s[-1].x + s[-1].adv) for s in segs]
    em = max(a[0][0].size, b[0][0].size)
    hits = 0
    for ma in marks(a):
        if any(min(abs(p - q) for p, q in zip(ma, mb)) < em for mb in marks(b)):
            hits += 1
    return hits >= 2


def columns_and_tables(glyphs: list[Glyph], page_width: float) -> list[LineTuple]:
    """A page's lines in reading order: a two-column band left column first, rows of cells with
    wide gaps that line up from row to row as table rows (cells two spaces apart)."""
    if not glyphs:
        return []
    rows = [segs for segs in (_segments(r) for r in _rows(_drop_marks(glyphs))) if segs]
    g = _gutter(rows)
    out: list[LineTuple] = []
    band: list[list[list[Glyph]]] = []

    def crosses(segs) -> bool:
        return any(s[0].x < g < s[-1].x + s[-1].adv for s in segs)

    def flush() -> None:
        if not band:
            return
        lefts = sum(1 for segs in band if segs[0][0].x < g)
        rights = sum(1 for segs in band if segs[-1][-1].x > g)
        if lefts >= 3 and rights >= 3:
            left = [[s for s in segs if s[-1].x < g] for segs in band]
            right = [[s for s in segs if s[0].x > g] for segs in band]
            lf = (min(s[0][0].x for s in left if s), g)
            rf = (g, max(s[-1][-1].x + s[-1][-1].adv for s in right if s)) if any(right) else (g, page_width)
            out.extend(_plain([segs for segs in left if segs], lf))
            out.extend(_plain([segs for segs in right if segs], rf))
        else:
            out.extend(_plain(band))
        band.clear()

    for segs in rows:
        if g is not None and not crosses(segs):
            band.append(segs)
            continue
        flush()
        out.extend(_plain([segs]))
    flush()
    return out


def _plain(rows: list[list[list[Glyph]]], frame=None) -> list[LineTuple]:
    """Rows of one column: a run of two or more rows whose cells line up is a table."""
    out: list[LineTuple] = []
    k = 0
    while k < len(rows):
        j = k
        while j + 1 < len(rows) and len(rows[j]) > 1 and len(rows[j + 1]) > 1 and _aligned(rows[j], rows[j + 1]):
            j += 1
        if j > k:
            out.extend(_line(segs, row=True, frame=frame) for segs in rows[k:j + 1])
            k = j + 1
        else:
            out.append(_line(rows[k], frame=frame))
            k += 1
    return out
