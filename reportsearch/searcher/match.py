"""Matching: the blocks of each segment that a compiled query matches, exactly.

1. The candidate blocks: the AND of the bigram signature's slices for the query strings' bigrams
   (a superset of the blocks that hold them), and exact bitmaps for section, region and year.
2. `find` on the memory-mapped folded block texts checks each candidate; NOT and OR are decided
   on those block lists. This is the exact answer: the signature only narrows where to look. In a
   plain AND of strings, a string that is also a ranking word is checked by counting it instead
   (the count is kept for ranking, rank.py).
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import compress, repeat
from typing import Callable

from ..indexer import region_fields
from .query import And, Has, InRegion, InSection, InYears, Not, Or, report_filters


def _doc_level(node, doc: dict) -> bool | None:
    """True/False for a filter on the report's metadata; None for anything that looks at blocks."""
    if isinstance(node, InRegion):
        if node.exact:
            return node.text in doc["fo"]
        return node.text in doc["fr"] or any(node.text in up for up in doc["fu"])
    if isinstance(node, InYears):
        y = doc.get("year")
        return y is not None and (node.start is None or y >= node.start) and (node.end is None or y <= node.end)
    return None


def report_filter(region: str | None = None, year: str | int | None = None) -> Callable[[dict], bool]:
    """Whether a report's stored metadata (the index's per-report dict: folded region "fr", "year")
    passes the region and year options, exactly as a search applies them. BadQuery for a bad one."""
    nodes = report_filters(region, year)
    return lambda doc: all(_doc_level(n, doc) for n in nodes)


def report_doc(region: str | None, year: int | None) -> dict:
    """The metadata report_filter reads, for a report that is not in an index."""
    return dict(region_fields(region, year), year=year)


def _candidates(node, seg) -> int | None:
    """A bitmap (an integer, bit b for block b) of the segment's blocks that may match the node, or
    None for no narrowing: strings from the bigram signature (a superset), filters exactly."""
    if isinstance(node, Has):
        out = None
        for piece in node.pieces:
            got = seg.candidates(piece)
            if got is not None:
                out = got if out is None else out & got
        return out
    if isinstance(node, InSection):
        return seg.section_bits(node.mask)
    if isinstance(node, (InRegion, InYears)):
        return seg.doc_bits(node, lambda doc: _doc_level(node, doc))
    if isinstance(node, And):
        out = None
        for c in node.children:
            got = _candidates(c, seg)
            if got is not None:
                out = got if out is None else out & got
        return out
    if isinstance(node, Or):
        out = 0
        for c in node.children:
            got = _candidates(c, seg)
            if got is None:
                return None
            out |= got
        return out
    return None  # Not: decided block by block


def _set_bits(x: int, seg) -> list[int]:
    """The positions of the bits set in x (a bitmap of the segment's blocks), ascending."""
    if not x:
        return []
    bits = format(x, "b")[::-1]  # bits[i] is bit i
    if x.bit_count() * 7 > len(seg.data.masks):  # dense: one C-level pass over every position (cheaper past ~1/7)
        return list(compress(seg.numbers(), bits.encode("ascii").translate(_ZERO_ONE)))
    out = []
    i = bits.find("1")
    while i != -1:
        out.append(i)
        i = bits.find("1", i + 1)
    return out


_ZERO_ONE = bytes.maketrans(b"01", b"\0\1")


def _texts(data, blocks: list[int]) -> list[bytes]:
    """The blocks' folded texts (each with its newline), sliced in C-level loops."""
    at = data.starts.__getitem__
    return list(map(data.text.__getitem__, map(slice, map(at, blocks), map(at, map((1).__add__, blocks)))))


def _exact(node) -> bool:
    """Filters that the candidate bitmap of an And already decided exactly."""
    return isinstance(node, (InSection, InRegion, InYears))


def _filter(node, seg, within: list[int], decided: bool = True) -> list[int]:
    """The blocks of `within` (ascending) that match the node. `decided`: the node stands under
    the root's Ands only, so the candidate bitmap already applied its exact filters."""
    data = seg.data
    if isinstance(node, Has):
        res, at = within, data.starts.__getitem__
        for piece in sorted(node.pieces, key=len, reverse=True):
            # find(piece, start, end) != -1 for each block, in C-level loops
            found = map(data.text.find, repeat(piece.encode("utf-8")), map(at, res), map(at, map((1).__add__, res)))
            res = list(compress(res, map((-1).__ne__, found)))
            if not res:
                break
        return res
    if decided and _exact(node):
        return within
    if isinstance(node, InSection):
        masks = data.masks
        if not node.mask:
            return [b for b in within if not masks[b]]
        return [b for b in within if masks[b] & node.mask]
    if isinstance(node, (InRegion, InYears)):
        ok = [bool(_doc_level(node, d)) for d in data.docs]
        doc_of = data.doc_of
        return [b for b in within if ok[doc_of[b]]]
    if isinstance(node, Not):
        excluded = set(_filter(node.child, seg, within, False))
        return [b for b in within if b not in excluded] if excluded else within
    if isinstance(node, And):
        res = within
        for c in sorted(node.children, key=_cost):
            res = _filter(c, seg, res, decided)
            if not res:
                break
        return res
    found: set[int] = set()
    for c in node.children:
        found.update(_filter(c, seg, within, False))
    return sorted(found)


def _cost(node) -> int:
    """Cheaper, narrower conditions first in an And."""
    if _exact(node):
        return 0
    if isinstance(node, Has):
        return 1
    return 2


def _groups(data, blocks: list[int]) -> list[tuple[int, int, int]]:
    """[(doc, first, end)]: each report's index range in the (ascending) list of blocks."""
    doc_of, docs = data.doc_of, data.docs
    groups = []
    i, n = 0, len(blocks)
    while i < n:
        doc = doc_of[blocks[i]]
        d = docs[doc]
        j = bisect_left(blocks, d["b0"] + d["n"], i, n)
        groups.append((doc, i, j))
        i = j
    return groups


def _cands(plan, seg) -> list[int]:
    """The segment's live candidate blocks for the plan, ascending (see _candidates)."""
    cands = _candidates(plan, seg)
    cands = seg.live_bits if cands is None else cands & seg.live_bits
    return _set_bits(cands, seg)


def segment_matches(snap, plan):
    """(segment index, segment, matching blocks ascending, [(doc, first, end) index ranges of each
    report's blocks in that list]) per segment: the candidate blocks from the signature and the
    filters, each checked with `find`."""
    for si, seg in enumerate(snap.segments):
        blocks = _filter(plan, seg, _cands(plan, seg))
        if blocks:
            yield si, seg, blocks, _groups(seg.data, blocks)


def conjunction(plan) -> list[str] | None:
    """The strings a plan requires of every block when it requires nothing else but filters the
    candidate bitmap decides exactly (a Has, or Ands of them and filters); None otherwise."""
    if isinstance(plan, Has):
        return list(plan.pieces)
    if isinstance(plan, And):
        out = []
        for c in plan.children:
            got = [] if _exact(c) else conjunction(c)
            if got is None:
                return None
            out.extend(got)
        return out
    return None


def segment_texts(snap, plan, words: list[bytes]):
    """Like segment_matches, with the matching blocks' texts and the counts of the query's words
    found while checking: (si, seg, blocks, groups, texts, {word: its count per block}). In a plain
    conjunction a piece that is also a ranking word is checked by counting it (a count above 0),
    so a broad one-word query reads each candidate block once."""
    pieces = conjunction(plan)
    if pieces is None:
        for si, seg, blocks, groups in segment_matches(snap, plan):
            yield si, seg, blocks, groups, _texts(seg.data, blocks), {}
        return
    wanted = set(words)
    pieces = sorted({p.encode("utf-8") for p in pieces}, key=len, reverse=True)  # longer: rarer
    for si, seg in enumerate(snap.segments):
        blocks = _cands(plan, seg)
        texts = _texts(seg.data, blocks)
        counts: dict[bytes, list[int]] = {}
        for p in pieces:
            if not blocks:
                break
            if p in wanted:
                keep = list(map(bytes.count, texts, repeat(p)))
                counts = {w: list(compress(c, keep)) for w, c in counts.items()}
                counts[p] = list(compress(keep, keep))
            else:
                keep = list(map(bytes.__contains__, texts, repeat(p)))
            blocks = list(compress(blocks, keep))
            texts = list(compress(texts, keep))
        if blocks:
            yield si, seg, blocks, _groups(seg.data, blocks), texts, counts


def matches(snap, plan):
    """(segment index, segment, local doc, matching blocks) for every report with a matching block."""
    for si, seg, blocks, groups in segment_matches(snap, plan):
        for doc, i, j in groups:
            yield si, seg, doc, blocks[i:j]
