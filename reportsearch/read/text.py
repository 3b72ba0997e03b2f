"""Plain text and Markdown: detect the encoding, decode, split front matter and lines."""
from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import UnreadableReport
from ..model import RawDocument

# Magic numbers of files that are often renamed to .txt by scrapers.
_MAGIC = [
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP/Office file"),
    (b"\xd0\xcf\x11\xe0", "an old Office file"),
    (b"\x7fELF", "a program"),
]

# A UTF-8 file with at most this many bad bytes per million (and at least a few) is read with
# the bad bytes replaced: a stray byte from a broken scraper must not lose the whole report.
_STRAY_BYTES_PER_MILLION = 1000
_STRAY_BYTES_MIN = 16


def _plausible(text: str) -> bool:
    """True when decoded text looks like writing rather than decoded noise."""
    sample = text[:20000]
    if not sample:
        return True
    bad = 0
    for ch in sample:
        cat = unicodedata.category(ch)
        if (cat in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t\f") or ch == "\ufffd":
            bad += 1
    return bad / len(sample) < 0.02


def _utf16_without_bom(data: bytes) -> str | None:
    """Text if the bytes look like BOM-less UTF-16, else None.

    ASCII characters in UTF-16 put their NUL byte at odd offsets (LE) or even ones (BE);
    the parity with more NULs gives the byte order."""
    if len(data) < 4 or len(data) % 2:
        return None
    odd_nuls = data[1::2][:20000].count(0)
    even_nuls = data[0::2][:20000].count(0)
    if odd_nuls == even_nuls:
        return None
    enc = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return text if _plausible(text) else None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, number of bad bytes replaced) when nearly all of the bytes are valid UTF-8."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    allowed = max(_STRAY_BYTES_MIN, len(data) * _STRAY_BYTES_PER_MILLION // 1_000_000)
    return (text, bad) if 0 < bad <= allowed else None


def decode(path: str, data: bytes, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode report bytes: BOMs first, then UTF-8, then GB18030, then BOM-less UTF-16.

    A UTF-8 text with a few bad bytes is decoded with them replaced, and a warning added."""
    if not data.strip():
        raise UnreadableReport(path, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError:
                raise UnreadableReport(path, f"has a {enc} byte-order mark but bytes that are not {enc}")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableReport(path, f"is {what}, not text")
    if b"\x00" in data[:8192]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "utf-16"
        if data.count(b"\x00") > len(data) * 0.01:
            raise UnreadableReport(path, "binary file (NUL bytes), not text")
        data = data.replace(b"\x00", b"")  # a few stray NULs in otherwise good text
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            # Truncated download: keep everything but the broken last character.
            return data[: e.start].decode("utf-8"), "utf-8"
    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, bad = mostly
        if warnings is not None:
            word = "byte" if bad == 1 else "bytes"
            warnings.append(f"{bad} {word} not UTF-8, replaced with \ufffd")
        return text, "utf-8"
    try:
        text = data.decode("gb18030")
        if _plausible(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    text = _utf16_without_bom(data)
    if text is not None:
        return text, "utf-16"
    raise UnreadableReport(path, "binary or undecodable bytes: not UTF-8, GB18030/GBK or UTF-16 text")


def decode_lines(path: str, data: bytes, warnings: list[str]) -> tuple[str, str]:
    """Decoded text with \\r\\n and \\r made \\n, and its encoding."""
    text, encoding = decode(path, data, warnings)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


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
    return RawDocument(path, markdown_lines(body), front, encoding, warnings=warnings)


def read_text(path: str, data: bytes) -> RawDocument:
    """A plain text file (front matter allowed); a saved web page under a .txt name is read as HTML."""
    from .html import looks_like_html, read_html  # a .txt that is a saved page is common in scrapes

    warnings: list[str] = []
    text, encoding = decode_lines(path, data, warnings)
    if looks_like_html(text):
        return read_html(path, data)
    front: dict[str, str] = {}
    if text.startswith("---"):
        front, text = parse_front_matter(text)
    return RawDocument(path, text.split("\n"), front, encoding, warnings=warnings)
