"""What every reader shares: reading a file's bytes safely, printable paths, control characters."""
from __future__ import annotations

import os
import re
import stat

from ..errors import UnreadableReport

MAX_FILE_BYTES = 16 * 1024 * 1024  # real reports are well under 2 MB of text; beyond this it is not a report
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # PDF, Word and OFD files carry fonts and images besides the text
_DOCUMENT_SUFFIXES = (".pdf", ".ofd", ".docx", ".doc")


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
