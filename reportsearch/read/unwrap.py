"""Hard-wrapped plain text (a line break every N characters) joined back into paragraphs.

pdftotext, a PDF viewer's copy and `fold` break a paragraph into lines of one width; the report
stage reads each line as a paragraph. The rule, in two steps:

Is the text wrapped? The wrap width is the length the longest lines share, measured in
characters or in display columns (CJK two, others one), whichever groups them more tightly;
the lines within a few columns of it (a ragged edge, a closing mark hung past it, a character
pushed down before one) are the full lines. The text is wrapped when at least a fifth of its
non-blank lines (and five) are full, hardly any (3 %) is longer, and at most a third of the full
lines end a sentence. Anything else — paragraphs one to a line, a list of short lines — is
returned as it is.

Which lines join? A line is joined to the next when it is full — the next line's first
unbreakable run (a character with the closing marks after it, a Latin word) would not have fitted
on it — and the next line is not blank, opens no heading (一、 （一） 1. 第一章 …), is indented no
more than the text's margin, and (in Markdown) is no heading, list item, quote, table row or fence.
A full line that ends a sentence (。；！？：…) continues too: in a text whose paragraphs are set off
otherwise (blank lines or indented first lines) when the next line is not set off so; in one that
marks them no other way when the next line is full or ends a sentence itself (a short line
standing alone — a date, a signature — is not a continuation). A sentence ending just at the
edge is likelier mid-paragraph (one line in every few dozen) than at its end (the last line of a
paragraph is full about once in a width's worth of paragraphs).

Joining removes the line break and nothing else: a word cut at the edge is whole again, but two
Latin words whose space the wrapper dropped run together; a page number between the two halves
of a paragraph keeps them apart. Nothing is recorded as a warning: the lines are the file's own.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from .geometry import UNBREAKABLE
from .markers import marker

__all__ = ["unwrap"]

MIN_LINES = 5  # full lines, at the least
MIN_SHARE = 0.2  # of the non-blank lines that are full
MAX_LONGER = 0.03  # of the non-blank lines longer than the width
MAX_ENDING = 1 / 3  # of the full lines that end a sentence

_SENTENCE_END = re.compile(r"[。！？!?；;：:…][”’」』）)\]】]*$")
_PART = re.compile(r"^第[一二三四五六七八九十百\d]{1,3}(部分|章|节|篇)")
_MD_START = re.compile(r"^(#|>|[-*+]\s|\d{1,3}[.)]\s|\||```|~~~|<)")  # a Markdown block opens
_MD_ALONE = re.compile(r"^(#|\||```|~~~|<)")  # … and one that is never continued


def _cols(s: str) -> int:
    """Display width: wide and full-width characters two columns, the rest one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _indent(line: str) -> int:
    lead = line[:len(line) - len(line.lstrip())]
    return _cols(lead.replace("\t", "    "))


class _Wrap:
    """A wrapped text's measure, its right edge, and how far short of it a full line may stop."""

    def __init__(self, measure: Callable[[str], int], edge: int, spread: int, share: float):
        self.measure, self.edge, self.spread, self.share = measure, edge, spread, share

    def full(self, line: str, nxt: str) -> bool:
        run = UNBREAKABLE.match(nxt.strip())
        need = self.measure(run.group() if run else nxt.strip()[:1])
        return self.measure(line.rstrip("\r\n")) + need > self.edge - self.spread  # a space at the edge counts


def _wrap(texts: list[str], measure: Callable[[str], int]) -> _Wrap | None:
    """The width `texts` (the non-blank lines) are wrapped at in this measure, if they are."""
    wide = measure is _cols  # one step is one column: a character may be two
    least, band, hang, most = (24, 2, 2, 4) if wide else (12, 1, 1, 2)
    widths = [measure(x.rstrip()) for x in texts]
    counts = Counter(widths)
    candidates = [w for w in counts if w >= least]
    if not candidates:
        return None
    peak = max(candidates, key=lambda w: (sum(counts[v] for v in range(w - band, w + 1)), w))
    top = max(counts[v] for v in range(peak - band, peak + 1))
    dense = max(2, top * 0.2)
    edge = max(v for v in range(peak, peak + hang + 1) if v == peak or counts[v] >= dense)
    low = min(v for v in range(edge - most, edge + 1) if v == edge or counts[v] >= dense)
    n = len(widths)
    full = [x for x, w in zip(texts, widths) if w >= low]
    if sum(w > edge + hang for w in widths) > n * MAX_LONGER:
        return None
    if len(full) < MIN_LINES or len(full) < n * MIN_SHARE:
        return None
    if sum(bool(_SENTENCE_END.search(x.rstrip())) for x in full) > len(full) * MAX_ENDING:
        return None
    return _Wrap(measure, edge, edge - low, len(full) / n)


def _heading(text: str) -> bool:
    return marker(text) is not None or bool(_PART.match(text))


def unwrap(lines: list[str], markdown: bool = False) -> list[str]:
    """The lines of a hard-wrapped text with each paragraph's lines run together (see the module's
    rule); any other text's lines as they are."""
    fenced = _fences(lines) if markdown else set()
    texts = [x for k, x in enumerate(lines) if x.strip() and k not in fenced]
    found = [w for w in (_wrap(texts, len), _wrap(texts, _cols)) if w]
    if not found:
        return lines
    wrap = max(found, key=lambda w: w.share)
    pairs = [(k, x, lines[k + 1]) for k, x in enumerate(lines[:-1])
             if x.strip() and lines[k + 1].strip() and k not in fenced and k + 1 not in fenced]
    margin = Counter(_indent(n) for _, x, n in pairs if wrap.full(x, n)).most_common(1)
    margin_cols = margin[0][0] if margin else 0
    # Are paragraphs set off by blank lines or indents? Look after the lines that end one for sure.
    ends = [k for k, x in enumerate(lines[:-1]) if x.strip() and _SENTENCE_END.search(x.rstrip())
            and not wrap.full(x, lines[k + 1] or "x")]
    set_off = sum(not lines[k + 1].strip() or _indent(lines[k + 1]) > margin_cols for k in ends)
    marked = len(ends) >= 3 and set_off >= len(ends) * 0.8

    def joins(k: int) -> bool:
        line, nxt = lines[k], lines[k + 1]
        s, t = line.strip(), nxt.strip()
        if markdown and (_MD_ALONE.match(s) or _MD_START.match(t)):
            return False
        if _heading(t) or _indent(nxt) > margin_cols or not wrap.full(line, nxt):
            return False
        if marked or not _SENTENCE_END.search(s):
            return True
        # A sentence ends at the edge, in a text that marks paragraphs no other way. Mid-paragraph
        # this is likelier than a paragraph ending just there; but a short line standing alone
        # after it (a date, a signature, a title) is no continuation.
        after = lines[k + 2] if k + 2 < len(lines) else ""
        return bool(_SENTENCE_END.search(t)) or bool(after.strip()) and wrap.full(nxt, after)

    out: list[str] = []
    glue = False
    for k, line in enumerate(lines):
        if glue:
            out[-1] += line
        else:
            out.append(line)
        glue = k + 1 < len(lines) and line.strip() != "" and lines[k + 1].strip() != "" \
            and k not in fenced and k + 1 not in fenced and joins(k)
    return out


def _fences(lines: list[str]) -> set[int]:
    """The indices of a Markdown text's fenced code lines, fences included."""
    inside, out = False, set()
    for k, x in enumerate(lines):
        fence = x.lstrip().startswith(("```", "~~~"))
        if inside or fence:
            out.add(k)
        if fence:
            inside = not inside
    return out
