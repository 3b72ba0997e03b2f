"""Recurring problems across the index: each body's reports read back from the index, in year order,
and handed to repeats.py, which pairs a later report's problem statements with an earlier one's."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

from ..errors import BadArgument
from ..indexer import SECTION_BITS, default_index_dir, labels_of, read_index
from ..model import Section, body_key
from ..searcher import check_filters, exact_path, report_filter, section_filter
from .repeats import Doc, Recurrence, recurring_bodies


def recurring(*, index_dir: str | None = None, sections: tuple[str, ...] | str = (Section.PROBLEMS.value,),
              region: str | None = None, year: str | int | None = None, threshold: float | None = None,
              lookback: int | None = None, progress: Callable[[int, int], None] | None = None) -> Recurrence:
    """Statements of each body's later reports (in the given sections, 存在问题 by default) that restate
    one of its earlier reports, with a summary per report and the files that hold one report twice.

    A body is a region and a genre (a 法治政府 report's issuer is its own body). Reports are read from
    the index: the blocks of the sections asked for with their own text (quotes are exact), the others
    folded (they only tell duplicate files apart)."""
    sections, region, year = check_filters("", sections, region, year)
    if not sections:
        raise BadArgument("recurring needs a section to compare, e.g. 存在问题")
    mask = 0
    for s in sections:
        sec = section_filter(s)
        if sec is None:
            raise BadArgument("recurring compares labelled statements: choose a section other than 其他")
        mask |= SECTION_BITS[sec.value]
    keep = report_filter(region, year)
    wanted = {s for s, bit in SECTION_BITS.items() if bit & mask}

    places: dict[str, tuple[str | None, str | None]] = {}
    ids: dict[str, str] = {}

    def run(snap) -> dict[str, list[Doc]]:
        bodies: dict[str, list[Doc]] = defaultdict(list)
        for seg, d, meta in snap.each_report():
            if not keep(meta):
                continue
            data = seg.data
            first, n = meta["b0"], meta["n"]
            blocks = []
            shown = None
            for i in range(n):
                b = first + i
                labels = labels_of(data.masks[b])
                if data.masks[b] & mask:
                    if shown is None:
                        shown = seg.display(d)
                    text = shown[i]["text"]
                else:
                    text = data.text[data.starts[b]:data.starts[b + 1] - 1].decode("utf-8")
                blocks.append((i, text, tuple(_as_problems(labels, wanted))))
            body = body_key(meta.get("region"), meta.get("issuer"), meta.get("title"))
            places.setdefault(body, (meta.get("region"), meta.get("issuer")))
            path = exact_path(meta)
            ids[path] = meta["id"]
            bodies[body].append(Doc(body=body, year=meta.get("year"), path=path, blocks=blocks))
        return bodies

    bodies = read_index(index_dir or default_index_dir(), run)
    kwargs = {} if threshold is None else {"threshold": threshold}
    found = recurring_bodies(bodies, lookback=lookback, progress=progress, **kwargs)
    found.places, found.ids = places, ids
    return found


def _as_problems(labels: list[str], wanted: set[str]) -> list[str]:
    """repeats.py reads the units of 存在问题 blocks: a block of another section asked for reads as one."""
    if wanted & set(labels) and Section.PROBLEMS.value not in labels:
        return [*labels, Section.PROBLEMS.value]
    return labels
