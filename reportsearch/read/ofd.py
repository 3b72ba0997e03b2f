"""OFD (GB/T 33190), China's fixed-layout format for official documents: a ZIP of XML files.

OFD.xml names the document root; Document.xml lists the pages and the page size; each page's
Content.xml holds TextObjects (a box and a font size, in millimetres) with TextCodes (a start
point, per-character advances in DeltaX, and the text). Text is read with the standard
library — zipfile and xml.etree — placed on the page, grouped into lines by baseline, and then
laid out like a PDF (layout.py). Template pages (running heads by design), annotations and
signatures are not body text and are not read.
"""
from __future__ import annotations

import itertools
import math
import posixpath
import re
from xml.etree import ElementTree

from ..errors import UnreadableReport
from ..model import RawDocument
from .common import ZipPackage
from .layout import Line, Page, page_lines


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(e, name: str):
    return [c for c in e.iter() if _local(c.tag) == name]


def _first(e, name: str):
    found = _children(e, name)
    return found[0] if found else None


# Lengths are millimetres: a page is under a metre, so a number beyond a kilometre (or inf, nan,
# or not a number at all) is damage. It is ignored, as if the attribute were absent.
_FAR = 1e6
_TOKEN = re.compile(r"\S+")


def _number(s: str | None) -> float | None:
    """A length from an attribute, or None when it is missing or malformed."""
    try:
        v = float(s)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) and abs(v) <= _FAR else None


def _box(s: str | None, default: list[float]) -> list[float]:
    """A box "x y width height", or the default when it has a malformed or missing number."""
    found = [_number(m.group()) for m in itertools.islice(_TOKEN.finditer(s or ""), 4)]
    return default if len(found) < 4 or None in found else found  # type: ignore[return-value]


def _advances(delta: str | None, wanted: int) -> list[float]:
    """The first `wanted` advances of a DeltaX: numbers, or 'g N D' for N times D. A malformed
    number or group is skipped. Read lazily, so that neither a vast N nor a vast list of numbers
    costs more than the characters they space."""
    out: list[float] = []
    tokens = iter(_TOKEN.finditer(delta or ""))
    for m in tokens:
        if len(out) >= wanted:
            break
        if m.group() == "g":
            group = [_number(t.group()) for t in itertools.islice(tokens, 2)]
            n, d = (group + [None, None])[:2]
            if n is not None and d is not None and n > 0:
                out.extend([d] * min(int(n), wanted - len(out)))
        else:
            v = _number(m.group())
            if v is not None:
                out.append(v)
    return out


class _Package(ZipPackage):
    def __init__(self, path: str, data: bytes) -> None:
        super().__init__(path, data, "OFD", "damaged OFD file (not a ZIP archive)")

    def xml(self, name: str):
        name = name.lstrip("/")
        try:
            part = self.read(name)
        except KeyError:
            raise UnreadableReport(self.path, f"damaged OFD file ({name} is missing)")
        try:
            return ElementTree.fromstring(part)
        except ElementTree.ParseError as e:
            raise UnreadableReport(self.path, f"damaged OFD file ({name}: {e})")


def _resolve(base_dir: str, loc: str) -> str:
    return loc.lstrip("/") if loc.startswith("/") else posixpath.normpath(posixpath.join(base_dir, loc))


_SMALLEST = 0.01  # mm: a font size below this is damage too (the layout divides by it)


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _page(root, width: float, height: float) -> Page:
    pieces: list[tuple[float, float, float, float, str]] = []  # baseline y, x0, x1, size, text
    for obj in _children(root, "TextObject"):
        box = _box(obj.get("Boundary"), [0, 0, 0, 0])
        size = _number(obj.get("Size"))
        size = size if size is not None and _SMALLEST <= size <= _FAR else 3.5
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            text = code.text or ""
            x = _or(_number(code.get("X")), x)
            y = _or(_number(code.get("Y")), y)
            adv = _advances(code.get("DeltaX"), len(text) - 1)
            end = x + sum(adv) + size
            if text.strip():
                pieces.append((box[1] + y, box[0] + x, box[0] + end, size, text))
            x = end
    pieces.sort(key=lambda p: (round(p[0], 1), p[1]))
    lines: list[Line] = []
    for base, x0, x1, size, text in pieces:
        last = lines[-1] if lines else None
        if last is not None and abs(last.bottom - base) < size * 0.4 and x0 >= last.x1 - size * 0.5:
            last.text += text
            last.x1 = x1
        else:
            lines.append(Line(text, x0, base - size, x1, base))
    return Page(width, height, lines)


def read_ofd(path: str, data: bytes) -> RawDocument:
    """An OFD's text of each page in reading order, laid out into report lines."""
    pkg = _Package(path, data)
    ofd = pkg.xml("OFD.xml")
    body = _first(ofd, "DocBody")
    root_loc = _first(body, "DocRoot") if body is not None else None
    if root_loc is None or not (root_loc.text or "").strip():
        raise UnreadableReport(path, "damaged OFD file (no DocRoot in OFD.xml)")
    doc_path = _resolve("", root_loc.text.strip())
    doc = pkg.xml(doc_path)
    doc_dir = posixpath.dirname(doc_path)
    box = _box(getattr(_first(doc, "PhysicalBox"), "text", ""), [0, 0, 210, 297])
    width, height = box[2], box[3]
    pages = []
    for ref in _children(_first(doc, "Pages") or doc, "Page"):
        content = pkg.xml(_resolve(doc_dir, ref.get("BaseLoc", "")))
        page_box = _box(getattr(_first(content, "PhysicalBox"), "text", ""), [0, 0, width, height])
        pages.append(_page(content, page_box[2], page_box[3]))
    if not any(p.lines for p in pages):
        raise UnreadableReport(path, "OFD without text (scanned pages) — run OCR first")
    front = {}
    title = getattr(_first(body, "Title"), "text", None)
    if title and title.strip():
        front["html_title"] = title.strip()
    return RawDocument(path, page_lines(pages), front, "ofd")
