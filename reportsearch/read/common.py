"""What every reader shares: reading a file's bytes safely, printable paths, control characters."""
from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from io import BytesIO

from ..errors import UnreadableReport

MAX_FILE_BYTES = 16 * 1024 * 1024  # real reports are well under 2 MB of text; beyond this it is not a report
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # PDF, Word and OFD files carry fonts and images besides the text
_DOCUMENT_SUFFIXES = (".pdf", ".ofd", ".docx", ".doc")


# ZIP packages (DOCX, OFD): a small file may unpack to gigabytes (a ZIP bomb). Real reports stay
# far below these bounds; a DOCX whose document part held a million elements would run to
# thousands of pages.
MAX_PART_BYTES = 32 * 1024 * 1024  # one part, uncompressed
MAX_PACKAGE_BYTES = 128 * 1024 * 1024  # all parts together, uncompressed (pictures included)
MAX_PART_TAGS = 1_000_000  # XML tags in one part: parsed, at most about 130 MB (lxml) or 300 MB (ElementTree)


class ZipPackage:
    """A ZIP package whose parts are read within bounds: each XML part at most MAX_PART_BYTES and
    MAX_PART_TAGS, all parts read at most MAX_PACKAGE_BYTES. The sizes are the ones the ZIP
    declares, which zipfile also holds a part to: nothing is unpacked beyond them."""

    def __init__(self, path: str, data: bytes, kind: str, damaged: str) -> None:
        self.path, self.kind = path, kind
        try:
            self.zip = zipfile.ZipFile(BytesIO(data))
        except zipfile.BadZipFile:
            raise UnreadableReport(path, damaged)
        self.unpacked = 0

    def read(self, name: str) -> bytes:
        """One part's bytes, checked; KeyError when the package has no such part."""
        return self._read(self.zip.getinfo(name))

    def check_all(self) -> None:
        """Read and check every part (for a library that will unpack them all itself)."""
        total = sum(info.file_size for info in self.zip.infolist())
        if total > MAX_PACKAGE_BYTES:
            self._refuse(f"{self.kind} file unpacks to {total // 2**20} MB "
                         f"(the limit is {MAX_PACKAGE_BYTES // 2**20} MB)")
        for info in self.zip.infolist():
            self._read(info)

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        name, limit = info.filename, MAX_PART_BYTES // 2**20
        if self.unpacked + info.file_size > MAX_PACKAGE_BYTES:
            self._refuse(f"{self.kind} file unpacks to over {MAX_PACKAGE_BYTES // 2**20} MB")
        if info.file_size > MAX_PART_BYTES:  # pictures may be larger: python-docx keeps them unparsed
            with self.zip.open(info) as f:
                head = f.read(64)
            if _looks_like_xml(head):
                self._refuse(f"{self.kind} part {name} is too large "
                             f"({info.file_size // 2**20} MB uncompressed; the limit is {limit} MB)")
        try:
            data = self.zip.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
            raise UnreadableReport(self.path, f"damaged {self.kind} file ({name}: {e})")
        self.unpacked += len(data)
        if _looks_like_xml(data[:64]) and data.count(b"<") > MAX_PART_TAGS:
            self._refuse(f"{self.kind} part {name} has over {MAX_PART_TAGS:,} XML tags")
        return data

    def _refuse(self, why: str) -> None:
        raise UnreadableReport(self.path, f"{why} — not a report")


def _looks_like_xml(head: bytes) -> bool:
    """Bytes that open like XML (after any byte-order mark, in UTF-8 or UTF-16)."""
    return head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n").startswith(b"<")


def display_path(path: str) -> str:
    """A path as printable, storable UTF-8: bytes of a name that is not UTF-8 shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_bytes(path: str) -> bytes:
    """The file's bytes, or UnreadableReport with a reason a person understands."""
    limit = MAX_DOCUMENT_BYTES if os.fspath(path).lower().endswith(_DOCUMENT_SUFFIXES) else MAX_FILE_BYTES
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableReport(path, "not a regular file")
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            size = max(st.st_size, len(data)) / 2**20
            raise UnreadableReport(path, f"too large for a report ({size:.0f} MB; the limit is {limit // 2**20} MB)")
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


# Terminal escape sequences whole (CSI, OSC, other ESC sequences, their C1 forms), then any
# other C0/C1 control character but tab and newline. Scraped pages are untrusted input.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"           # CSI … final byte
    # OSC, DCS, SOS, PM, APC … up to the string terminator
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"                             # two-character ESC sequences
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences and control characters (tab and newline kept)."""
    return _ESCAPES.sub("", text) if _HAS_CONTROL.search(text) else text


_HAS_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
