"""Reading report files: detect the encoding, decode, and turn .txt/.md/.html into lines."""
from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from html.parser import HTMLParser

from .errors import UnreadableReport
from .model import RawDocument

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

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


def is_report_file(path: str) -> bool:
    """Whether the path has a suffix the reader takes."""
    return path.lower().endswith(SUFFIXES)


def display_path(path: str) -> str:
    """A path as printable, storable UTF-8: bytes of a name that is not UTF-8 shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


MAX_FILE_BYTES = 16 * 1024 * 1024  # real reports are well under 2 MB; beyond this it is not a report


def read_bytes(path: str) -> bytes:
    """The file's bytes, or UnreadableReport with a reason a person understands."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableReport(path, "not a regular file")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableReport(path, f"too large for a report ({max(st.st_size, len(data)) / 2**20:.0f} MB; "
                                         f"the limit is {MAX_FILE_BYTES // 2**20} MB)")
        return data
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableReport(path, f"broken symbolic link (to {display_path(os.readlink(path))})")
        raise UnreadableReport(path, "file vanished before it could be read")
    except IsADirectoryError:
        raise UnreadableReport(path, "is a directory")
    except PermissionError:
        raise UnreadableReport(path, "permission denied")
    except OSError as e:
        raise UnreadableReport(path, f"cannot be read ({e.strerror or e})")


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


def decode(path: str, data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOMs first, then UTF-8, then GB18030, then BOM-less UTF-16."""
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
    for line in m.group(1).splitlines():
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
    for line in text.splitlines():
        s = line.strip()
        if re.fullmatch(r"[-*_=]{3,}|\|?[-:| ]+\|?", s) and s:
            continue  # rules and table separators
        s = re.sub(r"^>\s*", "", s)
        s = _MD_EMPH.sub("", s)
        if s.startswith("|") and s.endswith("|"):
            s = "  ".join(c.strip() for c in s.strip("|").split("|"))
        out.append(s)
    return out


# ---------------------------------------------------------------- html

_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "iframe", "select",
              "button", "form", "aside", "svg", "template", "head", "object", "canvas"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "td", "th", "title"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}


class _TextExtractor(HTMLParser):
    """Collects visible text, one line per block element, skipping scripts, styles and navigation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # stack of open tags whose content is dropped
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
        if tag in _DROP_TAGS and tag not in _VOID:
            self.skip.append(tag)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self.skip and tag in _DROP_TAGS:
            # close the innermost matching dropped tag (tolerates broken nesting)
            for i in range(len(self.skip) - 1, -1, -1):
                if self.skip[i] == tag:
                    del self.skip[i:]
                    break
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if not self.skip:
            self.parts.append(data.replace("\n", " "))


def html_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """Visible text of a saved web page as lines, plus what its <meta>/<title> say."""
    p = _TextExtractor()
    try:
        p.feed(text)
        p.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed markup
        pass
    lines = "".join(p.parts).split("\n")
    meta = {k: v for k, v in p.meta.items() if v}
    if p.title.strip():
        meta["html_title"] = p.title.strip()  # a weak fallback: usually "headline_site name"
    return meta, lines


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def read_document(path: str) -> RawDocument:
    """Read one report file into lines (not yet cleaned). Raises UnreadableReport."""
    data = read_bytes(path)
    text, encoding = decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lower = path.lower()
    front: dict[str, str] = {}
    if lower.endswith((".html", ".htm")) or (not lower.endswith((".md", ".markdown")) and _looks_like_html(text)):
        front, lines = html_lines(text)
    elif lower.endswith((".md", ".markdown")):
        front, body = parse_front_matter(text)
        lines = markdown_lines(body)
    else:
        if text.startswith("---"):
            front, text = parse_front_matter(text)
        lines = text.split("\n")
    if not any(line.strip() for line in lines):
        raise UnreadableReport(path, "no text in the file")
    return RawDocument(path=os.fspath(path), lines=lines, front_matter=front, encoding=encoding)


def expand_paths(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Report files under the given files and directories (recursively, sorted), and the
    paths that could not be used, with the reason. Symlinked directories are not followed."""
    files: list[str] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, names in os.walk(p, onerror=lambda e: problems.append((e.filename, "cannot list directory"))):
                dirs.sort()
                found.extend(os.path.join(root, n) for n in names if is_report_file(n))
            candidates = sorted(found)
        elif os.path.lexists(p):
            candidates = [p]
        else:
            problems.append((p, "no such file or directory"))
            continue
        for f in candidates:
            key = os.path.realpath(f)
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, problems
