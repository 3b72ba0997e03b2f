"""Saved web pages: the visible text as lines, plus what <meta> and <title> say."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from ..model import RawDocument
from .decode import decode_lines

# Elements whose content is never the report. Not <form>: ASP.NET sites wrap the whole page in one.
_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "select",
              "button", "aside", "svg", "template", "head", "object", "canvas"}
# When that leaves (almost) nothing, a tag was left open: read again dropping only these.
_DROP_ALWAYS = {"script", "style", "template", "svg", "object", "canvas", "select", "button"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "td", "th", "title"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.I)
_SCRIPT_CLOSE = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


class _TextExtractor(HTMLParser):
    """Collects visible text, one line per block element, skipping scripts, styles and navigation.

    Open elements are kept on a stack, so an end tag also closes the elements left open inside
    it: a <nav> that is never closed ends with its parent, not with the page."""

    def __init__(self, drop: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.drop = drop
        self.parts: list[str] = []
        self.open: list[str] = []
        self.depth: dict[str, int] = {}  # how many of each tag are on the stack
        self.dropping = 0  # how many elements on the stack are dropped ones
        self.meta: dict[str, str] = {}
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            d = {k.lower(): (v or "") for k, v in attrs}
            name = (d.get("name") or d.get("property") or "").lower()
            if name in ("pubdate", "publishdate", "article:published_time", "firstpublishedtime"):
                self.meta.setdefault("date", d.get("content", ""))
            elif name in ("articletitle", "og:title"):
                self.meta.setdefault("title", d.get("content", ""))
        if tag == "title":
            self._in_title = True
        if tag not in _VOID:
            self.open.append(tag)
            self.depth[tag] = self.depth.get(tag, 0) + 1
            self.dropping += tag in self.drop
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self.depth.get(tag):  # open: found from the top, where what it closes lies (linear in all)
            i = len(self.open) - 1
            while self.open[i] != tag:
                i -= 1
            for t in self.open[i:]:
                self.depth[t] -= 1
                self.dropping -= t in self.drop
            del self.open[i:]
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if not self.dropping:
            self.parts.append(data.replace("\n", " "))


def _extract(text: str, drop: set[str]) -> _TextExtractor:
    p = _TextExtractor(drop)
    try:
        p.feed(text)
        p.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed markup
        pass
    return p


def html_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """Visible text of a saved web page as lines, plus what its <meta>/<title> say."""
    p = _extract(text, _DROP_TAGS)
    lines = "".join(p.parts).split("\n")
    visible = sum(len(x.strip()) for x in lines)
    # An unclosed <nav>, <header> or <script> hides everything after it. Read again, dropping
    # only what is never text, and with scripts cut out by their own tags (an unclosed one
    # alone): when that finds several times more, the first reading lost the report.
    lenient_text = _without_scripts(text)
    q = _extract(lenient_text, _DROP_ALWAYS | {"title"})
    more = "".join(q.parts).split("\n")
    if sum(len(x.strip()) for x in more) > 3 * visible + 200:
        lines = more
    meta = {k: v for k, v in p.meta.items() if v}
    if p.title.strip():
        meta["html_title"] = p.title.strip()  # a weak fallback: usually "headline_site name"
    return meta, lines


def _without_scripts(text: str) -> str:
    """The page with its script and style elements cut out by their own tags, then any opening
    tag left unclosed cut alone: what re.sub did with <(script|style)\\b[^>]*>.*?</\\1\\s*> and then
    <(script|style)\\b[^>]*>, in two passes. Those expressions went through the rest of the page
    again from every unclosed tag; here the next > and the next closing tag of each name are
    found once and kept while they lie ahead."""
    out, pos, gt = [], 0, -1
    closing: dict[str, tuple[int, int]] = {}  # tag → the next closing tag's span ((-1, -1): none left)
    for m in _SCRIPT_OPEN.finditer(text):
        if m.start() < pos:
            continue  # inside an element cut out
        if gt < m.end():
            gt = text.find(">", m.end())
            if gt == -1:
                break
        name = m.group(1).lower()
        span = closing.get(name)
        if span is None or -1 < span[0] <= gt:
            found = _SCRIPT_CLOSE[name].search(text, gt + 1)
            span = closing[name] = found.span() if found else (-1, -1)
        if span[0] != -1:
            out += [text[pos:m.start()], " "]
            pos = span[1]
    out.append(text[pos:])
    text, out, pos, gt = "".join(out), [], 0, -1
    for m in _SCRIPT_OPEN.finditer(text):  # the opening tags left
        if m.start() < pos:
            continue
        if gt < m.end():
            gt = text.find(">", m.end())
            if gt == -1:
                break
        out += [text[pos:m.start()], " "]
        pos = gt + 1
    out.append(text[pos:])
    return "".join(out)


def looks_like_html(text: str) -> bool:
    """Whether a text is a saved web page (whatever its file name says)."""
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def read_html(path: str, data: bytes) -> RawDocument:
    """A saved web page: its visible text as lines; <meta> dates and titles as front matter."""
    warnings: list[str] = []
    text, encoding = decode_lines(path, data, warnings)
    front, lines = html_lines(text)
    return RawDocument(path, lines, front, encoding, warnings=warnings)
