"""Word 97–2003 .doc, through a converter on the machine: LibreOffice, else antiword.

LibreOffice (`soffice --headless`) converts the file to .docx, which docx.py reads with its
heading styles and automatic numbering; it takes a few seconds per file. antiword prints the
text at once but drops Word's automatic numbers (typed ones are kept). Without either, the
file is named with what to install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..errors import UnreadableReport
from ..model import RawDocument
from .docx import read_docx

INSTALL = "needs a converter for .doc — apt-get install antiword (or libreoffice-writer), or save it as .docx"
TIMEOUT = 120  # seconds for one file
CONVERTERS = ("soffice", "libreoffice", "antiword")  # tried in this order


def _by_libreoffice(exe: str, path: str, data: bytes, tmp: str) -> RawDocument:
    src = os.path.join(tmp, "report.doc")
    with open(src, "wb") as f:
        f.write(data)
    # A profile of its own: a running LibreOffice or a parallel worker must not share it.
    profile = "file://" + os.path.join(tmp, "profile")
    res = subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                          "--convert-to", "docx", "--outdir", tmp, src],
                         capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    out = os.path.join(tmp, "report.docx")
    if res.returncode != 0 or not os.path.exists(out):
        raise UnreadableReport(path, "LibreOffice could not convert this .doc (damaged or not a Word file)")
    with open(out, "rb") as f:
        raw = read_docx(path, f.read())
    raw.encoding = "doc"
    return raw


def _by_antiword(exe: str, path: str, data: bytes, tmp: str) -> RawDocument:
    src = os.path.join(tmp, "report.doc")
    with open(src, "wb") as f:
        f.write(data)
    res = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", src], capture_output=True, timeout=TIMEOUT,
                         stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        why = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UnreadableReport(path, f"antiword could not read this .doc ({why[-1] if why else 'damaged?'})")
    text = res.stdout.decode("utf-8", "replace")
    return RawDocument(path, [x.strip() for x in text.split("\n")], {}, "doc")


def read_doc(path: str, data: bytes) -> RawDocument:
    """A .doc file's text, by the first converter found on PATH."""
    for name in CONVERTERS:
        exe = shutil.which(name)
        if not exe:
            continue
        convert = _by_antiword if name == "antiword" else _by_libreoffice
        with tempfile.TemporaryDirectory(prefix="reportsearch-doc-") as tmp:
            try:
                return convert(exe, path, data, tmp)
            except subprocess.TimeoutExpired:
                raise UnreadableReport(path, f"{name} took over {TIMEOUT} s to convert this .doc")
            except OSError as e:
                raise UnreadableReport(path, f"{name} could not be run ({e.strerror or e})")
    raise UnreadableReport(path, INSTALL)
