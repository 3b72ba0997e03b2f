"""Snippets: sentence-aware fragments of a block with the matched strings marked.

Matches are found in the stored block text (folded the same way the index folds it, offsets kept),
and fragments follow the sentence ends stored at index time: no re-segmentation per hit.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..indexer import fold

FRAGMENT_CHARS = 160  # longest fragment shown from one sentence


@dataclass
class Snippet:
    """A fragment of a block: its text, where it starts in the block, and its match spans."""

    text: str
    start: int
    spans: list[tuple[int, int]]  # relative to the fragment
    cut_left: bool = False
    cut_right: bool = False

    def marked(self, left: str = "【", right: str = "】") -> str:
        """The fragment as plain text with the matches wrapped in markers."""
        out, pos = [], 0
        for a, b in self.spans:
            out += [self.text[pos:a], left, self.text[a:b], right]
            pos = b
        out.append(self.text[pos:])
        return ("…" if self.cut_left else "") + "".join(out) + ("…" if self.cut_right else "")


def find_matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the terms in text, longest term first, in text order.
    White space inside the text is skipped the way the index skips it."""
    folded = fold(text)
    if " " in folded:
        positions = [i for i, c in enumerate(folded) if c != " "]
        compact = "".join(folded[i] for i in positions)
    else:  # the usual block: no white space, offsets are the folded text's own
        positions = range(len(folded))
        compact = folded
    taken: list[tuple[int, int]] = []
    for term in sorted({fold(t).replace(" ", "") for t in terms if t}, key=len, reverse=True):
        if not term:
            continue
        i = compact.find(term)
        while i != -1:
            a, b = positions[i], positions[i + len(term) - 1] + 1
            if all(b <= x or a >= y for x, y in taken):
                taken.append((a, b))
            i = compact.find(term, i + 1)
    return sorted(taken)


def make_snippets(text: str, ends: list[int], spans: list[tuple[int, int]], count: int = 2) -> list[Snippet]:
    """Up to `count` fragments: the sentences with the most (and most varied) matches, in text order."""
    bounds, start = [], 0
    for e in ends or [len(text)]:
        bounds.append((start, e))
        start = e
    if start < len(text):
        bounds.append((start, len(text)))
    scored = []
    for i, (a, b) in enumerate(bounds):
        inside = [(x, y) for x, y in spans if x >= a and y <= b]
        if inside:
            distinct = len({text[x:y] for x, y in inside})
            scored.append((distinct, len(inside), -i, i))
    if not scored:
        chosen = [0] if bounds else []
    else:
        chosen = sorted(t[3] for t in sorted(scored, reverse=True)[:count])
    out = []
    for i in chosen:
        a, b = bounds[i]
        while a < b and text[a].isspace():
            a += 1
        inside = [(x, y) for x, y in spans if x >= a and y <= b]
        cut_left = cut_right = False
        if b - a > FRAGMENT_CHARS:
            first = inside[0][0] if inside else a
            na = max(a, first - FRAGMENT_CHARS // 3)
            nb = min(b, na + FRAGMENT_CHARS)
            cut_left, cut_right = na > a, nb < b
            a, b = na, nb
            inside = [(x, y) for x, y in inside if x >= a and y <= b]
        out.append(Snippet(text[a:b], a, [(x - a, y - a) for x, y in inside], cut_left, cut_right))
    return out
