"""The side files of an index segment: folded block texts, block metadata and display data.

Whoosh holds one document per report (its identity and the bigrams it contains, for finding
candidate reports). Beside each Whoosh segment, and named after it so that Whoosh's commit
keeps them with the segment's table-of-contents entry and deletes them with it, three files:

- ``.rtx``: every block's folded text with white space removed, UTF-8, each block followed by
  a newline (folded text has none). Matching is `bytes.find` on a memory map of it.
- ``.rmt``: per report (in Whoosh's document order) its metadata and block range; per block its
  start in ``.rtx``, its section bits and its heading.
- ``.rdp``: per report its display data (block texts, headings, labels, sentence ends), compressed,
  read only for the blocks a search shows.
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from array import array
from dataclasses import dataclass, field

from .model import Section

TEXT_EXT, META_EXT, DISPLAY_EXT = ".rtx", ".rmt", ".rdp"
MAGIC = b"RSMETA1\n"
SECTION_BITS = {s.value: 1 << i for i, s in enumerate(Section)}
SECTION_ORDER = [s.value for s in Section]


def compact(text: str) -> str:
    """Folded text without white space: what matching compares (fold is imported lazily by callers)."""
    from .segment import fold
    return fold(text).replace(" ", "")


def section_mask(labels) -> int:
    m = 0
    for lab in labels:
        m |= SECTION_BITS.get(lab, 0)
    return m


def labels_of(mask: int) -> list[str]:
    return [s for s in SECTION_ORDER if mask & SECTION_BITS[s]]


@dataclass
class ReportRecord:
    """One report, prepared for the index: identity, metadata, its blocks' folded texts and display data."""

    id: str
    path: str
    real: str
    hash: str
    meta: dict  # title, region, issuer, year, published
    texts: list[str]  # compact folded block texts
    masks: list[int]
    headings: list[str]  # compact folded heading per block (its last two levels)
    display: bytes  # zlib(JSON): the blocks as shown
    warnings: list[str] = field(default_factory=list)  # what reading repaired (not stored)


class SegmentStoreWriter:
    """Writes the three side files of one new segment (in a worker, before the segment is committed)."""

    def __init__(self, storage, segment) -> None:
        self._storage, self._segment = storage, segment
        self._text = segment.create_file(storage, TEXT_EXT)
        self._display = segment.create_file(storage, DISPLAY_EXT)
        self._meta = segment.create_file(storage, META_EXT)
        self.docs: list[dict] = []
        self.starts = array("Q", [0])
        self.masks = bytearray()
        self.heading_of = array("I")
        self.headings: list[str] = []
        self._heading_ids: dict[str, int] = {}
        self._text_pos = 0
        self._display_pos = 0
        self._heading_bytes = 0  # over all blocks, for the average heading length

    def add(self, r: ReportRecord) -> None:
        first = len(self.masks)
        for text, mask, heading in zip(r.texts, r.masks, r.headings):
            data = text.encode("utf-8") + b"\n"
            self._text.write(data)
            self._text_pos += len(data)
            self.starts.append(self._text_pos)
            self.masks.append(mask)
            hid = self._heading_ids.get(heading)
            if hid is None:
                hid = self._heading_ids[heading] = len(self.headings)
                self.headings.append(heading)
            self.heading_of.append(hid)
            self._heading_bytes += len(heading.encode("utf-8"))
        self._display.write(r.display)
        self.docs.append(dict(r.meta, id=r.id, path=r.path, real=r.real, hash=r.hash, b0=first,
                              n=len(r.texts), d=[self._display_pos, len(r.display)],
                              ft=compact(r.meta.get("title") or ""), fr=compact(r.meta.get("region") or "")))
        self._display_pos += len(r.display)

    def close(self) -> None:
        """Write the metadata file last, with the size of every other file of the segment (Whoosh's
        too, so call this after Whoosh has closed them): a reader checks them, and a truncated or
        missing file is found before any query reads it."""
        self._text.close()
        self._display.close()
        prefix = self._segment.segment_id()
        sizes = {name[len(prefix):]: self._storage.file_length(name) for name in self._storage.list()
                 if name.startswith(prefix + ".") and not name.endswith(META_EXT)}
        head = zlib.compress(json.dumps({"docs": self.docs, "headings": self.headings, "hb": self._heading_bytes,
                                         "sizes": sizes}, ensure_ascii=False).encode("utf-8"), 1)
        parts = [head, self.starts.tobytes(), bytes(self.masks), self.heading_of.tobytes()]
        self._meta.write(MAGIC + struct.pack("<4Q", *map(len, parts)) + b"".join(parts))
        self._meta.close()

    def cancel(self) -> None:
        for f in (self._text, self._display, self._meta):
            try:
                if not f.is_closed:
                    f.close()
            except OSError:
                pass


class SegmentData:
    """The side files of one committed segment, opened for reading (text memory-mapped)."""

    def __init__(self, index_dir: str, segid: str) -> None:
        base = os.path.join(index_dir, segid)
        with open(base + META_EXT, "rb") as f:
            raw = f.read()
        if raw[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{segid}{META_EXT} is not a segment metadata file")
        lengths = struct.unpack_from("<4Q", raw, len(MAGIC))
        pos = len(MAGIC) + 32
        parts = []
        for n in lengths:
            parts.append(raw[pos:pos + n])
            pos += n
        if pos != len(raw):
            raise ValueError(f"{segid}{META_EXT} is truncated")
        head = json.loads(zlib.decompress(parts[0]))
        for ext, size in head["sizes"].items():
            have = os.stat(base + ext).st_size
            if have != size:
                raise ValueError(f"{segid}{ext} has {have} bytes, expected {size}")
        self.docs: list[dict] = head["docs"]
        self.heading_bytes: int = head["hb"]
        self.headings: list[bytes] = [h.encode("utf-8") for h in head["headings"]]
        self.starts = array("Q")
        self.starts.frombytes(parts[1])
        self.masks = parts[2]
        self.heading_of = array("I")
        self.heading_of.frombytes(parts[3])
        if len(self.starts) != len(self.masks) + 1 or len(self.heading_of) != len(self.masks):
            raise ValueError(f"{segid}{META_EXT} does not describe its blocks")
        with open(base + TEXT_EXT, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size != self.starts[-1]:
                raise ValueError(f"{segid}{TEXT_EXT} has {size} bytes, expected {self.starts[-1]}")
            self.text = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._display = open(base + DISPLAY_EXT, "rb")
        self._cache: dict[int, list[str]] = {}

    def _blocks(self, doc: int) -> list[str]:
        if doc not in self._cache:
            off, n = self.docs[doc]["d"]
            data = os.pread(self._display.fileno(), n, off)
            if len(data) != n:
                raise ValueError("display data is truncated")
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[doc] = zlib.decompress(data).decode("utf-8").split(RS)
        return self._cache[doc]

    def display_block(self, doc: int, i: int) -> dict:
        """One block's display data (the i-th of the report): text, heading, labels, kind, ends."""
        return json.loads(self._blocks(doc)[i])

    def display(self, doc: int) -> list[dict]:
        """Every block's display data, in order."""
        return [json.loads(b) for b in self._blocks(doc)]

    def close(self) -> None:
        if isinstance(self.text, mmap.mmap):
            self.text.close()
        self._display.close()


RS = "\x1e"  # between the blocks' JSON texts (JSON escapes control characters, so never inside one)


def display_blob(blocks: list[dict]) -> bytes:
    """A report's blocks as shown, compressed together; each block's JSON decodes alone."""
    return zlib.compress(RS.join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) for b in blocks)
                         .encode("utf-8"), 6)
