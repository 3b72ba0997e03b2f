"""Plain text and Markdown: decode (decode.py), split front matter and lines."""
from __future__ import annotations

import re

from ..model import RawDocument
from .decode import decode_lines
from .html import looks_like_html, read_html

# ---------------------------------------------------------------- markdown

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
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


def markdown_lines(text: str) -> list[str]:
    """Markdown body to lines: comments, link syntax and emphasis marks dropped, '#' kept."""
    text = _COMMENT.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
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
    return RawDocument(path, text.split("\n"), front, encoding, warnings=warnings)
