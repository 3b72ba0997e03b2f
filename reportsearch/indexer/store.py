"""The side files of an index segment: folded block texts, block metadata and display data.

Whoosh holds one document per report (its identity and the bigrams it contains, for finding
candidate reports). Beside each Whoosh segment, and named after it so that Whoosh's commit
keeps them with the segment's table-of-contents entry and deletes them with it, four files:

- ``.rtx``: every block's folded text with white space removed, UTF-8, each block followed by
  a newline (folded text has none). Matching is `bytes.find` on a memory map of it.
- ``.rmt``: per report (in Whoosh's document order) its metadata and block range; per block its
  start in ``.rtx``, its section bits, its heading (the folded headings, UTF-8, one per line,
  compressed apart from the JSON: a query reads them in two C-level calls) and its ranking
  features (a 16-bit code, features.py); per report the figures it states (report/figures:
  indicators, with their checks), compressed JSON, read only by `indicators`. The JSON holds the
  CRC-32 of the other parts, checked when the segment is opened.
- ``.rdp``: per report its display data (block texts, headings, labels, sentence ends), compressed,
  read only for the blocks a search shows.
- ``.rsg``: a bit-sliced signature of the blocks' bigrams: each bigram is hashed to one of
  SIG_SLICES slices, and slice j is a bitmap of the blocks holding a bigram that hashes to j
  (compressed, one after the other). A query's candidate blocks are the AND of its bigrams'
  slices, a few big-integer operations; `find` then checks only those blocks.
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from array import array
from collections import deque
from dataclasses import dataclass, field
from itertools import repeat

from ..model import Section

TEXT_EXT, META_EXT, DISPLAY_EXT, SIG_EXT = ".rtx", ".rmt", ".rdp", ".rsg"
SIDE_EXTS = (TEXT_EXT, META_EXT, DISPLAY_EXT, SIG_EXT)
MAGIC = b"RSMETA3\n"
# the metadata file: JSON, starts, masks, heading numbers, feature codes, headings, figures
META_PARTS, HEADINGS_PART, FIGURES_PART = 7, 5, 6
SIG_MAGIC = b"RSSIG1\n\0"
SIG_SLICES = 2048  # ~7% of a block's slices are set: one bigram narrows a segment's blocks to ~1/14
SECTION_BITS = {s.value: 1 << i for i, s in enumerate(Section)}
SECTION_ORDER = [s.value for s in Section]


def compact(text: str) -> str:
    """Folded text without white space: what matching compares (fold is imported lazily by callers)."""
    from .tokens import fold
    return fold(text).replace(" ", "")


class _SliceOf(dict):
    """bigram → its signature slice (CRC-32's upper bits: stable across processes), cached."""

    def __missing__(self, gram: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        v = self[gram] = (zlib.crc32(gram.encode("utf-8")) >> 16) & (SIG_SLICES - 1)
        return v


slice_of = _SliceOf()


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _crc(parts: list[bytes]) -> int:
    """CRC-32 of the metadata file's binary parts, in order (about 3 GB/s)."""
    crc = 0
    for part in parts:
        crc = zlib.crc32(part, crc)
    return crc


def pack_bits(row: bytearray) -> bytes:
    """A row of 0/1 bytes (its length a multiple of 8) as a bitmap: bit b (little-endian) = row[b]."""
    packed = 0
    for k in range(8):  # C-level: each strided slice holds one bit of every output byte
        packed |= int.from_bytes(row[k::8], "little") << k
    return packed.to_bytes(len(row) // 8, "little")


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
    headings: list[str]  # compact folded heading per block (the last two levels it is ranked by)
    codes: list[int]  # per block its ranking features (features.block_code)
    display: bytes  # zlib(JSON): the blocks as shown
    warnings: list[str] = field(default_factory=list)  # what reading repaired (not stored)
    figures: dict = field(default_factory=dict)  # {"figures": [...], "checks": [...]}, or {} for none


class SegmentStoreWriter:
    """Writes the three side files of one new segment (in a worker, before the segment is committed)."""

    def __init__(self, storage, segment) -> None:
        self._storage, self._segment = storage, segment
        self._text = segment.create_file(storage, TEXT_EXT)
        self._display = segment.create_file(storage, DISPLAY_EXT)
        self._meta = segment.create_file(storage, META_EXT)
        self._sig = segment.create_file(storage, SIG_EXT)
        self._slices: list[list[int]] = [[] for _ in range(SIG_SLICES)]  # slice → its blocks
        self.docs: list[dict] = []
        self.starts = array("Q", [0])
        self.masks = bytearray()
        self.heading_of = array("I")
        self.codes = array("H")
        self.headings: list[str] = []
        self._heading_ids: dict[str, int] = {}
        self._text_pos = 0
        self._display_pos = 0
        self._heading_bytes = 0  # over all blocks, for the average heading length
        self.figures: list[dict] = []  # per report: its figures and checks ({} for none)

    def add(self, r: ReportRecord) -> set[str]:
        """Add a report's blocks; returns the distinct bigrams of its text (for Whoosh's postings)."""
        first = len(self.masks)
        grams: set[str] = set()
        slices, get = self._slices, slice_of.__getitem__
        for b, text in enumerate(r.texts, first):
            g = bigrams(text)
            grams |= g
            # for each slice the block's bigrams hash to, append the block (C-level loops)
            deque(map(list.append, map(slices.__getitem__, set(map(get, g))), repeat(b)), maxlen=0)
        self.codes.extend(r.codes)
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
        self.figures.append(r.figures)
        return grams

    def _write_signature(self) -> None:
        n8 = (len(self.masks) + 7) // 8 * 8
        rows = []
        for blocks in self._slices:
            row = bytearray(n8)
            deque(map(row.__setitem__, blocks, repeat(1)), maxlen=0)
            rows.append(zlib.compress(pack_bits(row), 6))
        offsets = array("Q", [0])
        for r in rows:
            offsets.append(offsets[-1] + len(r))
        self._sig.write(SIG_MAGIC + struct.pack("<2Q", SIG_SLICES, len(self.masks)) + offsets.tobytes())
        for r in rows:
            self._sig.write(r)
        self._sig.close()

    def close(self) -> None:
        """Write the metadata file last, with the size of every other file of the segment (Whoosh's
        too, so call this after Whoosh has closed them): a reader checks them, and a truncated or
        missing file is found before any query reads it."""
        self._text.close()
        self._display.close()
        self._write_signature()
        prefix = self._segment.segment_id()
        sizes = {name[len(prefix):]: self._storage.file_length(name) for name in self._storage.list()
                 if name.startswith(prefix + ".") and not name.endswith(META_EXT)}
        headings = zlib.compress("\n".join(self.headings).encode("utf-8"), 1)  # folded: no newline in one
        figures = zlib.compress(json.dumps(self.figures, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
        body = [self.starts.tobytes(), bytes(self.masks), self.heading_of.tobytes(), self.codes.tobytes(), headings,
                figures]
        head = zlib.compress(json.dumps({"docs": self.docs, "hb": self._heading_bytes, "sizes": sizes,
                                         "crc": _crc(body)}, ensure_ascii=False).encode("utf-8"), 1)
        parts = [head, *body]
        self._meta.write(MAGIC + struct.pack(f"<{len(parts)}Q", *map(len, parts)) + b"".join(parts))
        self._meta.close()

    def cancel(self) -> None:
        for f in (self._text, self._display, self._meta, self._sig):
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
        lengths = struct.unpack_from(f"<{META_PARTS}Q", raw, len(MAGIC))
        pos = len(MAGIC) + 8 * META_PARTS
        parts = []
        for n in lengths:
            parts.append(raw[pos:pos + n])
            pos += n
        if pos != len(raw):
            raise ValueError(f"{segid}{META_EXT} is truncated")
        head = json.loads(zlib.decompress(parts[0]))
        # the binary parts have no check of their own (segments written before it have no "crc")
        if "crc" in head and head["crc"] != _crc(parts[1:]):
            raise ValueError(f"{segid}{META_EXT} does not match its checksum")
        for ext, size in head["sizes"].items():
            have = os.stat(base + ext).st_size
            if have != size:
                raise ValueError(f"{segid}{ext} has {have} bytes, expected {size}")
        self.docs: list[dict] = head["docs"]
        self.heading_bytes: int = head["hb"]
        self._headings: list[bytes] | bytes = parts[HEADINGS_PART]  # compressed until a query needs them
        self._figures: list[dict] | bytes = parts[FIGURES_PART]  # compressed until `indicators` reads them
        self.starts = array("Q")
        self.starts.frombytes(parts[1])
        self.masks = parts[2]
        self.heading_of = array("I")
        self.heading_of.frombytes(parts[3])
        self.codes = array("H")  # per block its ranking features (features.py)
        self.codes.frombytes(parts[4])
        if (len(self.starts) != len(self.masks) + 1 or len(self.heading_of) != len(self.masks)
                or len(self.codes) != len(self.masks)):
            raise ValueError(f"{segid}{META_EXT} does not describe its blocks")
        with open(base + TEXT_EXT, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size != self.starts[-1]:
                raise ValueError(f"{segid}{TEXT_EXT} has {size} bytes, expected {self.starts[-1]}")
            self.text = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._display = open(base + DISPLAY_EXT, "rb")
        self._cache: dict[int, list[str]] = {}
        self._sig = open(base + SIG_EXT, "rb")
        head = self._sig.read(len(SIG_MAGIC) + 16)
        if head[:len(SIG_MAGIC)] != SIG_MAGIC or len(head) != len(SIG_MAGIC) + 16:
            raise ValueError(f"{segid}{SIG_EXT} is not a signature file")
        slices, n = struct.unpack_from("<2Q", head, len(SIG_MAGIC))
        if slices != SIG_SLICES or n != len(self.masks):
            raise ValueError(f"{segid}{SIG_EXT} does not describe the segment's blocks")
        self._sig_offsets = array("Q")
        self._sig_offsets.frombytes(self._sig.read(8 * (SIG_SLICES + 1)))
        self._sig_base = len(SIG_MAGIC) + 16 + 8 * (SIG_SLICES + 1)
        self._rows: dict[int, int] = {}
        self.doc_of = array("I")  # block → the report (local doc number) it belongs to
        for doc, d in enumerate(self.docs):
            self.doc_of.extend(repeat(doc, d["n"]))
        if len(self.doc_of) != len(self.masks):
            raise ValueError(f"{segid}{META_EXT} does not describe its blocks")

    @property
    def headings(self) -> list[bytes]:
        """The segment's distinct folded headings (UTF-8), numbered as in heading_of."""
        if isinstance(self._headings, bytes):  # checked by the CRC when the segment was opened
            self._headings = zlib.decompress(self._headings).split(b"\n")
        return self._headings

    def figures(self, doc: int) -> dict:
        """The figures a report states and their checks ({} when it states none)."""
        if isinstance(self._figures, bytes):  # checked by the CRC when the segment was opened
            self._figures = json.loads(zlib.decompress(self._figures))
            if len(self._figures) != len(self.docs):
                raise ValueError("the figures do not describe the segment's reports")
        return self._figures[doc]

    def slice_row(self, j: int) -> int:
        """Signature slice j as an integer: bit b set if block b may hold a bigram of the slice."""
        row = self._rows.get(j)
        if row is None:
            a, b = self._sig_offsets[j], self._sig_offsets[j + 1]
            data = os.pread(self._sig.fileno(), b - a, self._sig_base + a)
            if len(data) != b - a:
                raise ValueError("signature file is truncated")
            row = self._rows[j] = int.from_bytes(zlib.decompress(data), "little")
        return row

    def candidates(self, piece: str) -> int | None:
        """The blocks that may contain piece (a bitmap integer), or None for any block (one character)."""
        if len(piece) < 2:
            return None
        out = -1
        for j in set(map(slice_of.__getitem__, bigrams(piece))):
            out &= self.slice_row(j)
            if not out:
                break
        return out

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
        self._sig.close()


RS = "\x1e"  # between the blocks' JSON texts (JSON escapes control characters, so never inside one)


def display_blob(blocks: list[dict]) -> bytes:
    """A report's blocks as shown, compressed together; each block's JSON decodes alone."""
    return zlib.compress(RS.join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) for b in blocks)
                         .encode("utf-8"), 6)


BUCKET_BITS = 16  # bigrams are hashed into 2**16 buckets: a bounded term list, dense posting lists


_buckets: dict[str, str] = {}


def bucket(gram: str) -> str:
    """The Whoosh term for a bigram: its bucket (CRC-32, stable across processes), in hex."""
    b = _buckets.get(gram)
    if b is None:
        if len(_buckets) > 2_000_000:
            _buckets.clear()
        b = _buckets[gram] = format(zlib.crc32(gram.encode("utf-8")) & ((1 << BUCKET_BITS) - 1), "x")
    return b
