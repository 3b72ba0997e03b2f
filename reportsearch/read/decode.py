"""Decoding a text file's bytes: UTF-8 (with or without BOM, a few stray bytes replaced), GB18030/GBK
or UTF-16; lines end in \n. Shared by the text and HTML readers."""
from __future__ import annotations

import codecs
import unicodedata

from ..errors import UnreadableReport

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
