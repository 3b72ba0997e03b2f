"""Ranking, second pass: what the first pass (rank.py) cannot afford for every matching block — where
in the block the query's words stand — and the exact choice of the best blocks and reports.

- Proximity. A block matches a query of several strings when it holds each of them anywhere; a
  block that says 执法人员素质不高 answers `执法 人员 素质`, one with 执法 in one sentence, 人员 in
  another and 素质 in a third rarely does. The factor is 1 when one clause (between ，；。：！？)
  holds every string, 0.85 when one sentence does (between ；。！？), 0.7 when they stand within
  NEAR_CHARS characters across a sentence end (a title and the sentence after it:
  综合执法队伍总体素质有待提高。行政执法人员…), and 0.5 otherwise. Only for a plain AND of at least
  two strings (an OR's alternatives need not stand together).
- Concreteness near the words. The first pass counts a block's figures anywhere in it; a long
  review paragraph with ten figures and 行政复议体制改革 in one figureless clause is not a concrete
  answer about 行政复议. Here only the figures and names of the sentences that hold a query string,
  and of the sentence after each, count (the whole block when the first sentence holds one: a block
  that opens with the words is about them).

Both factors are at most 1, so a block's first-pass score bounds its final one. The blocks are read
best bound first (by report: reports by their best bound, then their blocks), and reading stops as
soon as no unread block can reach the top: the best k blocks (or n reports) are exactly those of
the final score, and a few dozen blocks are read however many match. Ties in score go to the block
of the report whose identity sorts first, then to the earlier block (tie_order): the same order in
every index, sharded or not.
"""
from __future__ import annotations

import heapq
from itertools import compress

from ..indexer import count_figures, count_names, features_of, fold
from .match import conjunction
from .rank import current_priors

CLAUSE, SENTENCE, NEAR, APART = "clause", "sentence", "near", "apart"
FACTORS = {CLAUSE: 1.0, SENTENCE: 0.85, NEAR: 0.7, APART: 0.5}
NEAR_CHARS = 30

# in folded text ，；：！？ are , ; : ! ? and 。 stays (three bytes)
_SENTENCE_MARKS = (b";", b"!", b"?", "。".encode("utf-8"))
_CLAUSE_MARKS = _SENTENCE_MARKS + (b",", b":")


class _Counts(dict):
    """feature code → (figures, names), decoded once per code."""

    def __missing__(self, code: int) -> tuple[int, int]:
        f = features_of(code)
        v = self[code] = (f.figures, f.names)
        return v


_counts = _Counts()


class Refiner:
    """The second pass of one query: its strings' proximity and the concreteness near them. Works on
    the positions of the strings in a block's folded text (UTF-8), found once per block."""

    def __init__(self, pieces: list[str], proximity: bool) -> None:
        self.words = sorted(set(pieces), key=len, reverse=True)
        self.pieces = [p.encode("utf-8") for p in self.words]
        self.proximity = proximity
        self.priors = current_priors()
        self.factors = FACTORS
        self._memo: dict[tuple[bytes, int], float] = {}  # a block read twice (its report's and its own rank)

    def _occurrences(self, text: bytes) -> list[list[int]]:
        """Per string, the byte offsets where it starts in the text."""
        out = []
        for p in self.pieces:
            at, i = [], text.find(p)
            while i != -1:
                at.append(i)
                i = text.find(p, i + 1)
            out.append(at)
        return out

    def _together(self, text: bytes, occurrences: list[list[int]], marks: tuple[bytes, ...]) -> bool:
        """Whether one unit of the text (between two of the marks) holds every string: the unit around
        each occurrence of the rarest string is found with find/rfind, and the others looked up in it."""
        rarest = min(range(len(occurrences)), key=lambda k: len(occurrences[k]))
        for i in occurrences[rarest]:
            lo = max((j + len(m) for m in marks for j in (text.rfind(m, 0, i),) if j != -1), default=0)
            hi = min((j for m in marks for j in (text.find(m, i),) if j != -1), default=len(text))
            if all(any(lo <= j and j + len(p) <= hi for j in at)
                   for k, (p, at) in enumerate(zip(self.pieces, occurrences)) if k != rarest):
                return True
        return False

    def level(self, text: bytes, occurrences: list[list[int]] | None = None) -> str:
        """CLAUSE, SENTENCE, NEAR or APART: the closest unit of the text that holds every string."""
        occurrences = self._occurrences(text) if occurrences is None else occurrences
        for unit, marks in ((CLAUSE, _CLAUSE_MARKS), (SENTENCE, _SENTENCE_MARKS)):
            if self._together(text, occurrences, marks):
                return unit
        return NEAR if self.window(text, occurrences) <= NEAR_CHARS else APART

    def window(self, text: bytes, occurrences: list[list[int]] | None = None) -> int:
        """The fewest characters of the text that hold every string (a large number if none do)."""
        occurrences = self._occurrences(text) if occurrences is None else occurrences
        hits = sorted((i, i + len(p), k) for k, (p, at) in enumerate(zip(self.pieces, occurrences)) for i in at)
        need, have, best, lo = len(self.pieces), {}, 1 << 30, 0
        for r, (_, _, k) in enumerate(hits):  # the shortest runs of occurrences that hold every string
            have[k] = have.get(k, 0) + 1
            while len(have) == need:
                first, _, j = hits[lo]
                last = max(e for _, e, _ in hits[lo:r + 1])
                best = min(best, len(text[first:last].decode("utf-8", "replace")))
                have[j] -= 1
                if not have[j]:
                    del have[j]
                lo += 1
        return best

    def near_words(self, text: bytes, occurrences: list[list[int]] | None = None) -> tuple[int, int] | None:
        """(figures, names) in the sentences that hold a query string and the sentence after each;
        None when the first sentence holds one (the whole block is about the words)."""
        occurrences = self._occurrences(text) if occurrences is None else occurrences
        marks, n = _SENTENCE_MARKS, len(text)

        def end_of_sentence(i: int) -> int:  # just past the mark that ends the sentence holding offset i
            return min((j + len(m) for m in marks for j in (text.find(m, i),) if j != -1), default=n)
        first = end_of_sentence(0)
        if any(at and at[0] < first for at in occurrences):
            return None
        spans = []
        for i in sorted(i for at in occurrences for i in at):
            start = max((j + len(m) for m in marks for j in (text.rfind(m, 0, i),) if j != -1), default=0)
            end = end_of_sentence(i)
            end = end_of_sentence(end) if end < n else end  # and the sentence after it
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        scope = "\n".join(text[a:b].decode("utf-8", "replace") for a, b in spans)
        return count_figures(scope), count_names(scope)

    def parts(self, text: bytes, code: int) -> dict:
        """The second pass's factors of a block (its folded text and feature code), with what they
        rest on: {"proximity": (level, factor) or None, "concrete": (figures, names, factor) or None}."""
        out: dict = {"proximity": None, "concrete": None}
        occurrences = self._occurrences(text)
        if self.proximity:
            level = self.level(text, occurrences)
            out["proximity"] = (level, self.factors[level])
        figures, names = _counts[code]
        if figures or names:
            near = self.near_words(text, occurrences)
            if near is not None:
                f, n = min(near[0], figures), min(near[1], names)
                conc = self.priors.concrete
                out["concrete"] = (f, n, conc(f, n) / conc(figures, names))
        return out

    def factor(self, text: bytes, code: int) -> float:
        """The block's final score over its first-pass score (at most 1)."""
        if not self.proximity and _counts[code] == (0, 0):
            return 1.0
        key = (text, code)
        got = self._memo.get(key)
        if got is None:
            p = self.parts(text, code)
            got = p["proximity"][1] if p["proximity"] else 1.0
            if p["concrete"]:
                got *= p["concrete"][2]
            self._memo[key] = got
        return got


def refiner_of(compiled) -> Refiner | None:
    """The second pass of a compiled query, or None when it has no string to look for (a filter-only
    query). Proximity applies to a plain AND of at least two strings."""
    pieces = conjunction(compiled.plan)
    if pieces:
        return Refiner(pieces, proximity=len(set(pieces)) >= 2)
    words = [w for w in (fold(h).replace(" ", "") for h in compiled.highlights) if w]
    return Refiner(words, proximity=False) if words else None


def tie_order(seg, blocks: list[int]):
    """For a segment's matching blocks: i → the key that breaks ties between blocks[i] and others
    (lower first): the report's identity, then the block's number in it (Segment.tie_keys)."""
    keys = seg.tie_keys()
    return lambda i: keys[blocks[i]]


def _index(i: int) -> int:
    return i


def _descending(scores: list[float]):
    """Indices by score, best first (ties: lower index first), in growing batches: a few hundred
    are usually all that is read."""
    n, m, done = len(scores), 64, 0
    while done < n:
        m = min(n, m * 4)
        batch = heapq.nlargest(m, range(n), key=scores.__getitem__)  # stable: ties keep index order
        yield from batch[done:]
        done = m


def _plain_best(scores: list[float], k: int, tie) -> list[tuple[float, int]]:
    """The k best (score, index), best first, ties by `tie`: those above the k-th score, then the
    tied ones it has room for."""
    top = heapq.nlargest(k, range(len(scores)), key=scores.__getitem__)
    if not top:
        return []
    cut = scores[top[-1]]
    above = [i for i in top if scores[i] > cut]
    tied = heapq.nsmallest(k - len(above), compress(range(len(scores)), map(cut.__eq__, scores)), key=tie)
    return [(scores[i], i) for i in above + tied]


def best_blocks(scores: list[float], texts, codes, refiner: Refiner | None, k: int,
                floor: float = float("-inf"), tie=_index) -> list[tuple[float, int]]:
    """The k best (final score, index) of the blocks, best first, ties by `tie` (index order by
    default). `scores` are first-pass scores (upper bounds of the final ones), `texts` the blocks'
    folded texts and `codes` their feature codes. Blocks whose final score is below `floor` (the
    k-th best of other segments, already known) may be left out."""
    if refiner is None:
        return _plain_best(scores, k, tie)
    heap: list[tuple[float, int, int]] = []  # the best k so far as (final, -tie, index): the worst on top
    for i in _descending(scores):
        bound = scores[i]
        if bound < floor or len(heap) == k and bound < heap[0][0]:
            break  # no block left can reach the k-th
        item = (bound * refiner.factor(texts[i], codes[i]), -tie(i), i)
        if len(heap) < k:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    return [(f, i) for f, _, i in sorted(heap, reverse=True)]


def best_reports(scores: list[float], texts, codes, groups: list[tuple[int, int, int]], refiner: Refiner | None,
                 n: int, floor: float = float("-inf"), tie=_index) -> list[tuple[float, int, int]]:
    """The n best reports as (final score of its best block, group number, that block's index),
    best first; a report's score is its best block's (the earlier block on a tie). Ties between
    reports: by `tie` of their blocks (index order by default). Reports whose score is below
    `floor` may be left out. Reports are read by their best bound, and each report's blocks by
    theirs, until no unread report can reach the n-th."""
    tops = []
    for g, (_, i, j) in enumerate(groups):
        part = scores[i:j]
        m = max(part)
        tops.append((m, g, i + part.index(m)))  # the first block with the best bound
    tops.sort(key=lambda t: (-t[0], tie(t[2])))
    if refiner is None:
        return tops[:n]
    found: list[tuple[float, int, int, int]] = []  # (final, -tie, group, index) of each report read
    heap: list[float] = []  # the n best finals so far
    threshold = floor
    for bound, g, _ in tops:
        if bound < threshold:
            break  # no report left can reach the n-th
        _, i, j = groups[g]
        best = None
        for b in sorted(range(i, j), key=scores.__getitem__, reverse=True):  # ties keep index order
            if scores[b] < threshold or best is not None and scores[b] < best[0]:
                break
            item = (scores[b] * refiner.factor(texts[b], codes[b]), -b)
            if best is None or item > best:
                best = item
        if best is None:
            continue
        found.append((best[0], -tie(-best[1]), g, -best[1]))
        heapq.heappush(heap, best[0])
        if len(heap) > n:
            heapq.heappop(heap)
        if len(heap) == n:
            threshold = max(floor, heap[0])
    found.sort(reverse=True)
    return [(f, g, i) for f, _, g, i in found[:n]]
