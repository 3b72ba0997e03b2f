"""Plain text and Markdown: decode (decode.py), split front matter and lines, join hard-wrapped
lines back into paragraphs (unwrap.py)."""
from __future__ import annotations

import re

from ..model import RawDocument
from .decode import decode_lines
from .html import looks_like_html, read_html
from .unwrap import unwrap

# ---------------------------------------------------------------- markdown

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split simple YAML front matter (key: value lines) off a Markdown text."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).split("\n"):
        km = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line.strip())
        if km:
            value = km.group(2).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[km.group(1).lower()] = value
    return meta, text[m.end():]


def drop_comments(text: str) -> str:
    """The text without <!-- … --> comments (one left open stays, as it is)."""
    out, pos = [], 0
    while (start := text.find("<!--", pos)) != -1 and (end := text.find("-->", start + 4)) != -1:
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def drop_link_syntax(text: str) -> str:
    r"""[text](url) and ![alt](src) made text and alt, as re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1")
    would, in one pass: that expression went through the rest of the text again from every
    bracket left open. The next ] and ) are found once and kept while they lie ahead."""
    out, pos = [], 0
    close = paren = -1
    i = text.find("[")
    while i != -1:
        if close < i:
            close = text.find("]", i)
            if close == -1:
                break
        if text.startswith("(", close + 1):
            if paren < close + 2:
                paren = text.find(")", close + 2)
            if paren == -1:
                break
            start = i - 1 if i > pos and text[i - 1] == "!" else i
            out += [text[pos:start], text[i + 1:close]]
            pos = paren + 1
            i = text.find("[", pos)
        else:
            i = text.find("[", i + 1)
    out.append(text[pos:])
    return "".join(out)


def markdown_lines(text: str) -> list[str]:
    """Markdown body to lines: comments, link syntax and emphasis marks dropped, '#' kept."""
    text = drop_link_syntax(drop_comments(text))
    out = []
    for line in text.split("\n"):  # decode_lines made every line end \n (not str.splitlines: U+2028 …)
        s = line.strip()
        if re.fullmatch(r"[-*_=]{3,}|\|?[-:| ]+\|?", s) and s:
            continue  # rules and table separators
        s = re.sub(r"^>\s*", "", s)
        s = _MD_EMPH.sub("", s)
        if s.startswith("|") and s.endswith("|"):
            s = "  ".join(c.strip() for c in s.strip("|").split("|"))
        out.append(s)
    return out


def read_markdown(path: str, data: bytes) -> RawDocument:
    """A Markdown file: front matter, then the body's lines."""
    warnings: list[str] = []
    text, encoding = decode_lines(path, data, warnings)
    front, body = parse_front_matter(text)
    body = "\n".join(unwrap(body.split("\n"), markdown=True))  # hard-wrapped paragraphs joined (unwrap.py)
    return RawDocument(path, markdown_lines(body), front, encoding, warnings=warnings)


def read_text(path: str, data: bytes) -> RawDocument:
    """A plain text file (front matter allowed); a saved web page under a .txt name is read as HTML."""
    warnings: list[str] = []
    text, encoding = decode_lines(path, data, warnings)
    if looks_like_html(text):  # a .txt that is a saved page is common in scrapes
        return read_html(path, data)
    front: dict[str, str] = {}
    if text.startswith("---"):
        front, text = parse_front_matter(text)
    return RawDocument(path, unwrap(text.split("\n")), front, encoding, warnings=warnings)
