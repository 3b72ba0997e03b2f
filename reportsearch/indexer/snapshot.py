"""The index as of one commit, opened for reading: Whoosh's segments and their side files.

A snapshot stays open in a process for every query until a commit makes a new generation. It
never reads a file twice: Whoosh's term and posting files and the side files (store.py) are
opened once, the folded block texts memory-mapped. Errors that a damaged file causes (truncated,
garbled, deleted) become one IndexDamaged that asks for `--rebuild`. A sharded index (manifest.py)
reads the same way: ShardedSnapshot opens each shard at the generation the manifest names and
lists all their segments as one index's, with statistics over them all.
"""
from __future__ import annotations

import os
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add, mul, sub
from typing import Callable

from ..errors import IndexIncompatible, IndexMissing
from . import store
from .files import INDEX_NAME, damage_errors, damaged, default_index_dir, open_index
from .manifest import Manifest, read_manifest, refuse_shard
from .manifest import stamp as manifest_stamp
from .store import bucket


class _Blob:
    """Short texts (titles) joined by newlines, to find which of them hold a word."""

    def __init__(self, items: list[bytes]) -> None:
        self.blob = b"\n".join(items)
        self.starts = list(accumulate((len(x) + 1 for x in items), initial=0))

    def holding(self, words: list[bytes]) -> set[int]:
        """The numbers of the texts that contain any of the words."""
        blob, starts = self.blob, self.starts
        got = set()
        for w in words:
            i = blob.find(w)
            while i != -1:
                k = bisect_right(starts, i) - 1
                got.add(k)
                i = blob.find(w, starts[k + 1])
        return got


class Segment:
    """One committed segment: Whoosh's reader (posting lists) and the side files (store.SegmentData)."""

    def __init__(self, index_dir: str, reader) -> None:
        self.index_dir = index_dir
        self.reader = reader
        self.data = store.SegmentData(index_dir, reader.segment().segment_id())
        n = reader.doc_count_all()
        if len(self.data.docs) != n:
            raise ValueError(f"segment {reader.segment().segment_id()} lists {len(self.data.docs)} of {n} reports")
        self.live = [d for d in range(n) if not reader.is_deleted(d)] if reader.has_deletions() else list(range(n))
        self._postings: dict[str, frozenset] = {}
        self._bits: dict = {}  # filter → bitmap of its blocks; BM25 parameters → every block's norm
        self._numbers: list[int] | None = None
        self._titles: _Blob | None = None  # the reports' folded titles, for finding words in them
        self._ties: list[int] | None = None  # tie_keys()
        self.live_bits = self._blocks_of(self.live)

    def _blocks_of(self, docs) -> int:
        """A bitmap (an integer, bit b for block b) of the blocks of these reports."""
        nblocks = len(self.data.masks)
        if len(docs) == len(self.data.docs):
            return (1 << nblocks) - 1
        row = bytearray((nblocks + 7) // 8 * 8)
        for doc in docs:
            d = self.data.docs[doc]
            row[d["b0"]:d["b0"] + d["n"]] = b"\1" * d["n"]
        return int.from_bytes(store.pack_bits(row), "little")

    def _cached(self, key, make: Callable[[], object]):
        """A per-segment result kept for later queries (bounded: cleared past 256 entries)."""
        got = self._bits.get(key)
        if got is None:
            if len(self._bits) > 256:
                self._bits.clear()
            got = self._bits[key] = make()
        return got

    def section_bits(self, mask: int) -> int:
        """A bitmap of the blocks labelled with a section in mask (mask 0: with none of them)."""
        def make() -> int:
            table = bytes((1 if (b & mask if mask else not b) else 0) for b in range(256))
            row = bytearray(self.data.masks.translate(table))
            row.extend(bytes(-len(row) % 8))
            return int.from_bytes(store.pack_bits(row), "little")
        return self._cached(("section", mask), make)

    def titles_with(self, words: list[bytes]) -> set[int]:
        """The local numbers of the reports whose folded title contains any of the (UTF-8) words."""
        if self._titles is None:
            self._titles = _Blob([d["ft"].encode("utf-8") for d in self.data.docs])
        return self._titles.holding(words)

    def numbers(self) -> list[int]:
        """0, 1, … up to the number of blocks, as a list (kept: picking from it makes no new ints)."""
        if self._numbers is None:
            self._numbers = list(range(len(self.data.masks)))
        return self._numbers

    def tie_keys(self) -> list[int]:
        """Per block, an integer that orders the segment's blocks by their report's identity, then by
        number in the report: how ranking breaks ties, the same in every index (kept)."""
        if self._ties is None:
            docs, nblocks = self.data.docs, len(self.data.masks)
            place = [0] * len(docs)
            for r, d in enumerate(sorted(range(len(docs)), key=lambda d: docs[d]["id"])):
                place[d] = r * nblocks
            self._ties = list(map(add, map(place.__getitem__, self.data.doc_of), range(nblocks)))
        return self._ties

    def norms(self, base: float, per_byte: float) -> list[float]:
        """Every block's BM25 length norm, base + per_byte × its text's length (without the newline)."""
        def make() -> list[float]:
            starts = self.data.starts
            lengths = map(sub, map(sub, starts[1:], starts[:-1]), repeat(1))
            return list(map(add, repeat(base), map(mul, repeat(per_byte), lengths)))
        return self._cached(("norms", base, per_byte), make)

    def doc_bits(self, key, keep: Callable[[dict], bool]) -> int:
        """A bitmap of the blocks of the reports whose metadata `keep` accepts (cached under key)."""
        docs = self.data.docs
        return self._cached(repr(key), lambda: self._blocks_of([d for d in range(len(docs)) if keep(docs[d])]))

    def postings(self, gram: str) -> frozenset:
        """The local numbers of the reports (live or not) whose text may have this bigram (its bucket)."""
        gram = bucket(gram)
        p = self._postings.get(gram)
        if p is None:
            from whoosh.reading import TermNotFound
            try:
                p = frozenset(self.reader.postings("grams", gram).all_ids())
            except TermNotFound:
                p = frozenset()
            except damage_errors() as e:
                raise damaged(self.index_dir, e)
            except Exception as e:  # Whoosh raises a bare Exception on a garbled posting block
                if type(e) is not Exception:
                    raise
                raise damaged(self.index_dir, e)
            if len(self._postings) > 4096:
                self._postings.clear()
            self._postings[gram] = p
        return p

    def candidates(self, piece: str) -> int | None:
        """The blocks that may contain piece (a bitmap), from the signature (store.SegmentData)."""
        try:
            return self.data.candidates(piece)
        except damage_errors() as e:
            raise damaged(self.index_dir, e)

    def headings(self, ids) -> list[bytes]:
        """The folded headings (UTF-8) numbered ids in the segment (store.SegmentData.headings)."""
        try:
            return list(map(self.data.headings.__getitem__, ids))
        except damage_errors() as e:  # IndexError among them: heading numbers past the headings
            raise damaged(self.index_dir, e)

    def display(self, doc: int, i: int | None = None):
        """The display data of a report's blocks (a list), or of its i-th block."""
        try:
            return self.data.display(doc) if i is None else self.data.display_block(doc, i)
        except damage_errors() as e:
            raise damaged(self.index_dir, e)


def lengths(segments: list[Segment]) -> tuple[int, int, int, int]:
    """The sums behind BM25F's average field lengths, over every block the segments hold (deleted
    ones too): blocks, text bytes, heading bytes, title bytes (a report's title once per block)."""
    return (sum(len(s.data.masks) for s in segments),
            sum(s.data.starts[-1] - len(s.data.masks) for s in segments),
            sum(s.data.heading_bytes for s in segments),
            sum(len(d["ft"].encode("utf-8")) * d["n"] for s in segments for d in s.data.docs))


def averages(totals: tuple[int, int, int, int]) -> tuple[float, float, float]:
    """The average text, heading and title lengths of a block, from lengths() summed over segments
    (or over shards: the same sums give the same floats, so shards score as one index does)."""
    n, text, heading, title = totals
    n = n or 1
    return max(1.0, text / n), max(1.0, heading / n), max(1.0, title / n)


class Snapshot:
    """The index as of one commit: its segments, opened; reused by every query until a new commit."""

    def __init__(self, index_dir: str, ix, generation: int | None = None) -> None:
        from whoosh.index import TOC, FileIndex
        from whoosh.reading import SegmentReader

        self.index_dir = index_dir
        self.ix = ix
        if generation is None:
            self._reader = ix.reader()
        else:  # a shard, at the commit its index's manifest names (manifest.py)
            toc = TOC.read(ix.storage, ix.indexname, generation, schema=ix._schema)
            self._reader = FileIndex._reader(ix.storage, toc.schema, toc.segments, toc.generation)
        self.generation = self._reader.generation()
        leaves = [r for r, _ in self._reader.leaf_readers() if isinstance(r, SegmentReader)]
        self._measure([Segment(index_dir, r) for r in leaves])

    def _measure(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.reports = sum(len(s.live) for s in self.segments)
        self.blocks = sum(s.data.docs[d]["n"] for s in self.segments for d in s.live)
        self.totals = lengths(self.segments)
        self.avg_text, self.avg_heading, self.avg_title = averages(self.totals)
        self._df: dict[str, int] = {}  # doc_freq's answers: fixed for a commit

    def doc_freq(self, word: str) -> int:
        """The live reports whose text may hold the word: those with all its bigrams (postings);
        counted once per word and commit."""
        got = self._df.get(word)
        if got is None:
            if len(self._df) > 10_000:
                self._df.clear()
            got = self._df[word] = self._count_df(word)
        return got

    def _count_df(self, word: str) -> int:
        df = 0
        for seg in self.segments:
            if len(word) < 2:
                df += len(seg.live)
                continue
            got = None
            for i in range(len(word) - 1):
                p = seg.postings(word[i:i + 2])
                got = set(p) if got is None else got & p
                if not got:
                    break
            df += len(got.intersection(seg.live)) if got else 0
        return df

    def up_to_date(self) -> bool:
        return self.ix.latest_generation() == self.generation

    def close(self) -> None:
        for s in self.segments:
            s.data.close()
        self._reader.close()

    def each_report(self):
        """(segment, local doc number, doc metadata) for every report, in index order."""
        for s in self.segments:
            for d in s.live:
                yield s, d, s.data.docs[d]


_snapshots: dict[str, Snapshot] = {}  # index dir → the latest snapshot opened in this process


class ShardedSnapshot(Snapshot):
    """A sharded index (manifest.py) as of its manifest: every shard opened at the generation the
    manifest names, their segments read as one index's. Counts, average field lengths and document
    frequencies are over all shards, so scores are those of one index holding the same reports."""

    def __init__(self, index_dir: str, manifest: Manifest, stamp: tuple) -> None:
        self.index_dir, self.stamp = index_dir, stamp
        self.generation = manifest.sequence
        self.parts: list[Snapshot] = []
        try:
            for name, gen in zip(manifest.dirs, manifest.generations):
                shard = os.path.join(index_dir, name)
                self.parts.append(Snapshot(shard, open_index(shard), gen))
        except BaseException:
            self.close()
            raise
        self._measure([s for p in self.parts for s in p.segments])

    def up_to_date(self) -> bool:
        return manifest_stamp(self.index_dir) == self.stamp

    def close(self) -> None:
        for p in self.parts:
            p.close()


def open_shard(shard_dir: str, generation: int) -> Snapshot:
    """One shard at the generation its manifest names (for a search run where the shard lives)."""
    try:
        return Snapshot(shard_dir, open_index(shard_dir), generation)
    except damage_errors() as e:
        raise damaged(shard_dir, e)


def shard_stamp(shard_dir: str, generation: int) -> tuple | None:
    """What identifies the files of a shard's commit (its table of contents' inode and time), or None
    when that commit is not there (the shard deleted, or not whole): a worker that keeps the shard
    open checks it before each query, so it never answers from files that are gone or replaced."""
    try:
        st = os.stat(os.path.join(shard_dir, f"_{INDEX_NAME}_{generation}.toc"))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_ino, st.st_mtime_ns


def _open_sharded(index_dir: str) -> Snapshot | None:
    """The sharded index's commit, opened (None: not a sharded index). A commit made meanwhile may
    delete files of the shards' generations being opened: then open the new manifest's."""
    for attempt in range(10):
        stamp = manifest_stamp(index_dir)
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None
        try:
            return ShardedSnapshot(index_dir, manifest, stamp)
        except (IndexMissing, IndexIncompatible, *damage_errors()) as e:  # a shard's, so the whole index's
            if manifest_stamp(index_dir) == stamp or attempt == 9:
                raise damaged(index_dir, e)
    raise AssertionError("unreachable")


def open_snapshot(index_dir: str, shard_ok: bool = False) -> Snapshot:
    """The latest commit, opened. A commit made meanwhile may delete the files of the generation
    being opened: then open the new one. Files that stay missing or unreadable: damaged. A shard of
    a sharded index given as the index: IndexIncompatible pointing at the index (refuse_shard), unless
    shard_ok (an index run, which checked its --index, reading a shard it writes)."""
    if not shard_ok:
        refuse_shard(index_dir)
    sharded = _open_sharded(index_dir)
    if sharded is not None:
        return sharded
    for attempt in range(10):
        ix = open_index(index_dir)
        gen = ix.latest_generation()
        try:
            return Snapshot(index_dir, ix)
        except damage_errors() as e:
            try:
                moved_on = open_index(index_dir).latest_generation() != gen
            except IndexMissing:
                moved_on = True
            if not moved_on or attempt == 9:
                raise damaged(index_dir, e)
    raise AssertionError("unreachable")


def read_index(index_dir: str | None, fn: Callable, shard_ok: bool = False):
    """fn(snapshot) on the index's latest commit. Snapshots stay open between calls in one process
    and are replaced when a commit has made a new generation. shard_ok: as open_snapshot's."""
    index_dir = index_dir or default_index_dir()
    if not shard_ok:  # before the kept snapshot too: an index run may have kept one of this shard
        refuse_shard(index_dir)
    key = os.path.abspath(index_dir)
    snap = _snapshots.get(key)
    try:
        fresh = snap is not None and snap.up_to_date()
    except OSError as e:  # the directory itself went away or became unreadable
        raise damaged(index_dir, e)
    if not fresh:
        if snap is not None:
            _snapshots.pop(key).close()
        snap = _snapshots[key] = open_snapshot(index_dir, shard_ok=True)  # checked above
    return fn(snap)


def reports(index_dir: str | None = None) -> list[dict]:
    """Every report in the index: id, path, hash, title, region, issuer, year, published, blocks."""
    def run(snap):
        keys = ("id", "path", "hash", "title", "region", "issuer", "year", "published")
        return [dict({k: doc.get(k) for k in keys}, blocks=doc["n"]) for _, _, doc in snap.each_report()]
    return read_index(index_dir, run)
