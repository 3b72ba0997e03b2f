"""Untrusted text made safe to print or export: no terminal control sequences get through.

Reports are scraped pages and file names come from anywhere: an ESC, BEL or OSC sequence in
either could clear the screen, retitle the window or plant a link. Every string from a report or
a file name passes through here on its way out, whatever the reader did when indexing (an index
may be older than the reader's own cleaning).
"""
from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls (\x9b is a one-byte CSI)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ANY = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # in a name or a one-line message: newline too
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def text(s):
    """Report text without control characters (tab and newline kept); None stays None."""
    return _CONTROL.sub("", s) if isinstance(s, str) else s


def line(s: str) -> str:
    """One line of text for a table cell or heading: every control character dropped, newlines too."""
    return _CONTROL_ANY.sub("", s)



_SURROGATE = re.compile("[\ud800-\udfff]")
# marks that reorder what follows them on screen (a name ending "txt.exe" shown as "exe.txt")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def name(s: str) -> str:
    """A file name or a message that carries one: control characters shown as escapes (\\x1b, \\n),
    a name's bytes that are not UTF-8 as \\xff (not the raw byte: 0x9b is a terminal's CSI), and
    the marks that reorder text as \\u202e, so that the name stays recognisable and on one line."""
    if _SURROGATE.search(s):
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    s = _CONTROL_ANY.sub(lambda m: _ESCAPES.get(m.group(0), f"\\x{ord(m.group(0)):02x}"), s)
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", s)


def text_and_spans(s: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """text(s), with character offsets into s moved to the same characters in the result."""
    if not _CONTROL.search(s):
        return s, list(spans)
    new_pos = [0] * (len(s) + 1)
    kept = 0
    for i, ch in enumerate(s):
        new_pos[i] = kept
        if not _CONTROL.match(ch):
            kept += 1
    new_pos[len(s)] = kept
    return text(s), [(new_pos[a], new_pos[b]) for a, b in spans]


def snippet(sn):
    """A Snippet with its text cleaned and its match spans moved along."""
    from dataclasses import replace

    t, spans = text_and_spans(sn.text, sn.spans)
    return replace(sn, text=t, spans=spans)


def hit(h):
    """A search Hit with every string from the report cleaned (offsets into its text kept right). The
    exact path stays as it is (JSON escapes its control characters; the other formats show
    path_display)."""
    from dataclasses import replace

    if not _CONTROL_ANY.search("".join(filter(None, (h.text, h.title, h.region, h.issuer, h.published,
                                                       h.path_display, *h.heading, *h.terms)))):
        return h
    t, matches = text_and_spans(h.text, h.matches)
    _, starts = text_and_spans(h.text, [(sn.start, sn.start) for sn in h.snippets])
    snippets = [replace(snippet(sn), start=a) for sn, (a, _) in zip(h.snippets, starts)]
    return replace(h, text=t, matches=matches, snippets=snippets, title=_opt_line(h.title),
                   region=_opt_line(h.region), issuer=_opt_line(h.issuer), published=_opt_line(h.published),
                   path_display=name(h.path_display), heading=[line(x) for x in h.heading], terms=[line(x) for x in h.terms])


def result(r):
    """A SearchResult with every hit cleaned (and the query text, which may be pasted from anywhere)."""
    from dataclasses import replace

    return replace(r, query=line(r.query), blocks=[hit(h) for h in r.blocks],
                   reports=[replace(rh, hits=[hit(h) for h in rh.hits]) for rh in r.reports])


def _opt_line(s):
    return line(s) if isinstance(s, str) else s
