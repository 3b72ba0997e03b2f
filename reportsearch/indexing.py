"""Indexing: one Whoosh document per report, with side files per segment; kept in step incrementally.

In Whoosh, each report is a document holding its identity and the distinct bigrams of its folded
text (no positions, no frequencies): their posting lists give a query word's document frequency.
Beside each Whoosh segment (store.py) lie the folded block texts, the blocks' sections and
headings, the display data and the blocks' bigram signature: the search finds, verifies and
ranks blocks there.
"""
from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import store
from .errors import IndexIncompatible, IndexLocked, IndexWriteFailed, PathMissing, ReportSearchError, UnreadableReport
from .snapshot import (INDEX_NAME, META_FILE, SCHEMA_VERSION, Snapshot, _damage_errors, _open_snapshot, bucket,
                       open_index, read_index)
from .snapshot import _snapshots, damaged, default_index_dir, index_command, reports  # noqa: F401 (the index's API, here too)

DICT_FILE = "jieba-dict.sqlite"  # segment.DICT_FILE (not imported: segment is only needed when writing)
BLOCK_LIMIT = 1024  # postings per Whoosh block: fewer, larger pickles to write and read


def make_schema():
    from whoosh import fields
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),  # the report's identity (report_id)
        path=fields.STORED(),
        real=fields.STORED(),
        hash=fields.STORED(),
        grams=fields.KEYWORD(scorable=False),  # the buckets of its bigrams (written directly, see _flush)
    )


@dataclass
class IndexSummary:
    """What an index run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    blocks: int = 0
    per_section: Counter = field(default_factory=Counter)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # indexed, but reading repaired something


def report_id(path: str, digest: str) -> str:
    """A report's identity: its file name and content. It survives moving or copying the corpus (or a
    project with its index); two files are one report only if both their names and bytes are equal."""
    name = os.path.basename(path).encode("utf-8", "surrogateescape")
    return hashlib.sha1(name + b"\0" + digest.encode()).hexdigest()[:16]


# ------------------------------------------------------------------ writing


def _lock(index_dir: str, wait: float):
    """The index's write lock (Whoosh's file lock: the OS frees it if the process dies)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.util.filelock import try_for

    lock = FileStorage(index_dir).lock(INDEX_NAME + "_WRITELOCK")
    if not try_for(lock.acquire, timeout=wait, delay=0.1):
        raise IndexLocked(f"another `reportsearch index` is writing to {index_dir} — wait for it to finish, "
                          f"or pass --wait SECONDS")
    return lock


def _readable(index_dir: str) -> bool:
    """The index opens and every segment's files read (a rebuild may keep it until its first commit)."""
    try:
        Snapshot(index_dir, open_index(index_dir)).close()
        return True
    except ReportSearchError:
        return False
    except _damage_errors():
        return False


def _entries(index_dir: str) -> list[str]:
    return [e for e in os.listdir(index_dir)
            if e not in ("README.md", ".gitkeep", INDEX_NAME + "_WRITELOCK", INDEX_NAME + ".tmp")]


def _ours(name: str) -> bool:
    return name.startswith(("_" + INDEX_NAME, INDEX_NAME, DICT_FILE))


def _refuse_foreign(index_dir: str) -> None:
    """A directory holding anything but an index is never written to (not even a lock file)."""
    if os.path.exists(os.path.join(index_dir, META_FILE)):
        return
    unknown = [e for e in _entries(index_dir) if not _ours(e)]
    if unknown:
        raise IndexIncompatible(
            f"{index_dir} holds files that are not an index ({', '.join(sorted(unknown)[:3])}) — "
            f"choose an empty directory for --index; nothing was deleted")


def _clean_leftovers(index_dir: str, ix) -> None:
    """Delete what a failed or killed run left (segment files no commit lists, temporary files).
    Runs under the write lock."""
    from whoosh.index import clean_files

    if ix is not None:
        try:
            toc = ix._read_toc()
            clean_files(ix.storage, INDEX_NAME, toc.generation, toc.segments)
        except (OSError, ValueError, EOFError):
            pass
    for e in os.listdir(index_dir):
        p = os.path.join(index_dir, e)
        if (e.endswith(".tmp") and _ours(e)) or (e.startswith(f"_{INDEX_NAME}_") and ".toc." in e):
            (shutil.rmtree if os.path.isdir(p) else os.unlink)(p)


def _open_for_writing(index_dir: str, rebuild: bool) -> tuple[object, bool]:
    """Open (or create) the index under its lock: (index, whether the first commit drops all old segments).

    A rebuild of a readable index keeps the old segments until its first commit, so searches
    go on answering and an interrupted rebuild leaves a whole index."""
    from whoosh import index

    entries = _entries(index_dir)
    drop_old = False
    if not entries:
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    elif rebuild and _readable(index_dir):
        ix, drop_old = index.open_dir(index_dir, indexname=INDEX_NAME), True
    elif rebuild:
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    else:
        ix = open_index(index_dir)
        _open_snapshot(index_dir).close()  # a damaged index: one line that asks for --rebuild
    _clean_leftovers(index_dir, ix)
    tmp = os.path.join(index_dir, META_FILE) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"schema": SCHEMA_VERSION}, f)
    os.replace(tmp, os.path.join(index_dir, META_FILE))
    return ix, drop_old


def display_path(path: str) -> str:
    from .read import display_path as shown
    return shown(path)


def expand_paths(paths: list[str]):
    """read.expand_paths (imported when indexing: searches need none of read.py)."""
    from .read import expand_paths as expand
    return expand(paths)


def _sentence_ends(text: str) -> list[int]:
    from .blocks import sentences

    ends, pos = [], 0
    for s in sentences(text):
        pos += len(s)
        ends.append(pos)
    return ends


def prepare(path: str, digest: str) -> tuple[store.ReportRecord | None, str | None]:
    """Read and parse one report and fold its blocks for the index (runs in a worker): (record, error)."""
    from .outline import outline

    try:
        report = outline(path)
    except UnreadableReport as e:  # also any other exception while reading it (see outline)
        return None, e.reason
    m = report.meta
    meta = {"title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year, "published": m.published}
    heading_cache: dict[tuple[str, ...], str] = {}
    texts, masks, headings, shown = [], [], [], []
    for b in report.blocks:
        key = tuple(b.heading)
        if key not in heading_cache:
            heading_cache[key] = store.compact(" ".join(b.heading[-2:]))
        labels = [s.value for s in b.labels]
        texts.append(store.compact(b.text))
        masks.append(store.section_mask(labels))
        headings.append(heading_cache[key])
        shown.append({"heading": b.heading, "text": b.text, "labels": labels, "kind": b.kind,
                      "ends": _sentence_ends(b.text)})
    apath = os.path.abspath(path)
    return store.ReportRecord(id=report_id(path, digest), path=display_path(apath),
                              real=display_path(os.path.realpath(path)), hash=digest, meta=meta, texts=texts,
                              masks=masks, headings=headings, display=store.display_blob(shown),
                              warnings=list(report.warnings)), None


@dataclass
class Outcome:
    """What became of one file in a worker: its report id, block count and labels, or why it failed."""

    path: str
    report: str = ""
    blocks: int = 0
    per_section: Counter = field(default_factory=Counter)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


_progress_counter = None  # a shared counter of files done, set in forked workers


def _init_worker(counter=None) -> None:
    global _progress_counter
    _progress_counter = counter


def write_segment(index_dir: str, files: list[tuple[str, str]],
                  tick: Callable[[], None] | None = None) -> tuple[list[Outcome], object | None]:
    """Prepare (path, digest) files and write them into one new, uncommitted segment: Whoosh's
    documents and postings, and the side files.

    Runs in a worker process, so that parsing and writing use every core; the parent commits the
    segments it gets back, together with its deletions, in one table-of-contents write. The
    bigram postings are written straight to Whoosh's field writer, sorted here (Whoosh's posting
    pool would pickle, sort and spill every one of them, and look up a length column per posting)."""
    from whoosh import index
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import SegmentWriter

    ix = index.open_dir(index_dir, indexname=INDEX_NAME)
    writer = SegmentWriter(ix, _lk=False, compound=False, codec=W3Codec(blocklimit=BLOCK_LIMIT))
    side = store.SegmentStoreWriter(writer.storage, writer.newsegment)
    postings: dict[str, list[int]] = defaultdict(list)
    outcomes = []
    try:
        for f, digest in files:
            rec, error = prepare(f, digest)
            if error:
                outcomes.append(Outcome(f, error=error))
            else:
                docnum = writer.docnum
                writer.add_document(id=rec.id, path=rec.path, real=rec.real, hash=rec.hash)
                for g in {bucket(g) for g in side.add(rec)}:
                    postings[g].append(docnum)
                done = Outcome(f, report=rec.id, blocks=len(rec.texts), warnings=rec.warnings)
                for mask in rec.masks:
                    done.per_section.update(store.labels_of(mask))
                outcomes.append(done)
            if tick:
                tick()
        if not writer.docnum:
            side.cancel()
            writer._close_segment()
            for ext in store.SIDE_EXTS:
                writer.storage.delete_file(writer.newsegment.make_filename(ext))
            return outcomes, None
        _flush(writer, postings)
        writer._close_segment()
        side.close()
        return outcomes, writer.get_segment()
    except BaseException:
        side.cancel()
        writer._close_segment()
        raise


def _flush(writer, postings: dict[str, list[int]]) -> None:
    """Write the segment's postings: the bigrams ours, the rest (report ids) from Whoosh's pool."""
    writer.perdocwriter.close()
    fw = writer.fieldwriter
    fieldobj = writer.schema["grams"]
    fw.start_field("grams", fieldobj)
    for g in sorted(postings):
        fw.start_term(g.encode("utf-8"))
        _write_blocks(fw._postwriter, postings[g])
        fw.finish_term()
    fw.finish_field()
    fw.add_postings(writer.schema, None, writer.pool.iter_postings())  # only "id" (after "grams")
    fw.close()


def _write_blocks(pw, docs: list[int]) -> None:
    """A posting list of Whoosh's W3 format written a block at a time: what add_posting() would write
    (weight 1, no values, no lengths), without its per-posting checks."""
    limit = pw._blocklimit
    for i in range(0, len(docs), limit):
        chunk = docs[i:i + limit]
        pw._ids = array("I", chunk)
        pw._weights = array("f", [1.0]) * len(chunk)
        pw._maxweight = 1.0
        pw._write_block(last=i + limit >= len(docs))


def _count_progress() -> None:
    with _progress_counter.get_lock():
        _progress_counter.value += 1


def _write_segment_job(job: tuple[str, list[tuple[str, str]]]):
    return write_segment(*job, tick=_count_progress)


def _commit(writer, segments: list, drop_old: bool = False) -> None:
    """Commit the writer's deletions together with segments written by workers, in one atomic
    table-of-contents write (the run's lock stays held; the writer holds none of its own)."""
    final = [] if drop_old else writer._merge_segments(None, None, False)
    writer._close_segment()
    writer._commit_toc(final + [s for s in segments if s is not None])
    writer._finish()


@dataclass
class Known:
    """A report already in the index."""

    id: str
    path: str
    real: str
    hash: str


def _known(index_dir: str) -> dict[str, Known]:
    def run(snap):
        return {doc["id"]: Known(doc["id"], doc["path"], doc["real"], doc["hash"]) for _, _, doc in snap.each_report()}
    return read_index(index_dir, run)


def _under(k: Known, roots: list[str]) -> bool:
    """Whether a known report lies under one of the roots, by the path it was indexed through or by
    its real path (a report first indexed through a symlinked directory is still under the real one)."""
    for r in roots:
        for root in {display_path(os.path.abspath(r)), display_path(os.path.realpath(r))}:
            for p in (k.path, k.real):
                if p == root or p.startswith(root.rstrip(os.sep) + os.sep):
                    return True
    return False


def _chunks(items: list, n: int) -> list[list]:
    """items in n contiguous, nearly equal, non-empty runs."""
    n = max(1, min(n, len(items)))
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def _plan(files: list[str], digests: dict[str, str], known: dict[str, Known], roots: list[str],
          summary: IndexSummary) -> tuple[list[tuple[str, str]], dict[str, list[str]], list[str]]:
    """What to (re)index: files to prepare, the ids each one replaces, and the ids gone from under roots.

    A file whose name and content are already indexed is skipped, also under another path: then the
    entry moves to this path, unless the path it has is listed too (two copies: one entry)."""
    key_of = {f: report_id(f, digests[f]) for f in files if f in digests}
    real_of = {f: display_path(os.path.realpath(f)) for f in key_of}
    listed_reals = {real_of[f]: k for f, k in key_of.items()}
    by_real = {k.real: k.id for k in known.values()}
    todo: list[tuple[str, str]] = []
    replaces: dict[str, list[str]] = {}
    claimed: set[str] = set()
    for f, k in key_of.items():
        if k in claimed:
            summary.skipped += 1
            continue
        if k in known:
            kr = known[k].real
            if kr == real_of[f] or listed_reals.get(kr) == k:
                summary.skipped += 1
                if kr == real_of[f]:
                    claimed.add(k)
                continue
            replaces[f] = [k]  # moved or copied here: one entry, at this path
        else:
            old = by_real.get(real_of[f])
            replaces[f] = [old] if old and old != k else []
        claimed.add(k)
        todo.append((f, digests[f]))
    replaced = {i for ids in replaces.values() for i in ids}
    gone = [i for i, k in known.items() if i not in claimed and i not in replaced and _under(k, roots)]
    return todo, replaces, gone


def build(paths: Iterable[str], index_dir: str | None = None, *, rebuild: bool = False, jobs: int | None = None,
          wait: float = 0.0, progress: Callable[[int, int], None] | None = None,
          batch: int = 500) -> IndexSummary:
    """Bring the index in step with the report files under paths.

    Unchanged files (same name and content hash) are skipped, changed ones replaced, files gone
    from under the given paths removed. Work is committed every `batch` files; a report's old
    version is deleted and its new one added in the same commit, so each report is wholly old or
    wholly new whatever happens. The write lock is held for the whole run. A failed write (a full
    disk) leaves the last commit as it was, deletes the run's files and raises IndexWriteFailed."""
    from .read import read_bytes

    index_dir = index_dir or default_index_dir()
    paths = list(paths)
    for p in paths:  # a typo or an unmounted drive must not read as "every report there is gone"
        if not os.path.lexists(p):
            raise PathMissing(f"{display_path(p)}: no such file or directory — check the path; "
                              f"the index was not changed")
    jobs = max(1, jobs or os.cpu_count() or 1)
    batch = max(1, batch)
    files, problems = expand_paths(paths)
    summary = IndexSummary(failed=[(display_path(p), why) for p, why in problems])
    digests: dict[str, str] = {}
    for f in files:
        try:
            digests[f] = hashlib.sha256(read_bytes(f)).hexdigest()
        except UnreadableReport as e:
            summary.failed.append((display_path(f), e.reason))
    lock = pool = ix = None
    try:
        try:
            os.makedirs(index_dir, exist_ok=True)
            _refuse_foreign(index_dir)
            lock = _lock(index_dir, wait)
            ix, drop_old = _open_for_writing(index_dir, rebuild)
            _ensure_dictionary(index_dir, rebuild)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise IndexIncompatible(f"cannot create or open an index at {index_dir} ({e.strerror or e}) — "
                                    f"choose a writable directory with --index")
        known = _known(index_dir) if not drop_old else {}
        todo, replaces, gone = _plan(files, digests, known, paths, summary)
        unlisted = [p for p, _ in problems]  # unreadable directories: keep what was indexed from them
        gone = [i for i in gone if not _under(known[i], unlisted)]
        if progress:
            progress(0, len(todo))
        # Workers are forked only when there is work enough for them; they need no jieba.
        if jobs > 1 and len(todo) >= 2 * jobs:
            pool, counter = _start_pool(jobs)
        else:
            counter = None
        for start in range(0, max(len(todo), 1), batch):
            part = todo[start:start + batch]
            results = _write_segments(pool, counter, index_dir, part, jobs,
                                      (lambda n, s=start: progress(s + n, len(todo))) if progress else None)
            _commit_batch(ix, results, gone, replaces, summary, drop_old)
            gone, drop_old = [], False
    except OSError as e:
        if pool is not None:  # stop the workers before deleting what they were writing
            pool.terminate()
            pool.join()
            pool = None
        _fail_cleanly(index_dir, ix, lock)
        lock = None
        raise IndexWriteFailed(_write_failure(index_dir, e))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if lock is not None:
            lock.release()
    return summary


def _commit_batch(ix, results, gone: list[str], replaces: dict[str, list[str]], summary: IndexSummary,
                  drop_old: bool) -> None:
    from whoosh.writing import SegmentWriter

    writer = SegmentWriter(ix, _lk=False, compound=False)
    try:
        for rid in gone:
            writer.delete_by_term("id", rid)
            summary.removed += 1
        for outcomes, _ in results:
            for o in outcomes:
                summary.warnings.extend((display_path(o.path), w) for w in o.warnings)
                if o.error:
                    summary.failed.append((display_path(o.path), o.error))
                    continue
                for rid in replaces.get(o.path, []):
                    writer.delete_by_term("id", rid)
                if replaces.get(o.path):
                    summary.updated += 1
                else:
                    summary.added += 1
                summary.blocks += o.blocks
                summary.per_section.update(o.per_section)
        # Commit each batch, so that an interrupted run keeps what it finished.
        _commit(writer, [seg for _, seg in results], drop_old)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _write_failure(index_dir: str, e: OSError) -> str:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"the disk is full: could not write the index at {index_dir} — free some space and run "
                f"`reportsearch index` again; the index still answers as of its last commit")
    return (f"could not write the index at {index_dir} ({e.strerror or e}) — fix that and run "
            f"`reportsearch index` again; the index still answers as of its last commit")


def _fail_cleanly(index_dir: str, ix, lock) -> None:
    """After a failed write: delete the run's uncommitted files, then release the lock."""
    try:
        _clean_leftovers(index_dir, ix)
    except OSError:
        pass  # the next run cleans them
    finally:
        if lock is not None:
            lock.release()


def _ensure_dictionary(index_dir: str, rebuild: bool) -> None:
    """The copy of jieba's dictionary that queries read: written when missing, unreadable or rebuilding."""
    from . import segment

    path = os.path.join(index_dir, DICT_FILE)
    if rebuild or not segment.dictionary_ok(path):
        if os.path.exists(path):
            os.unlink(path)
        segment.write_dictionary(index_dir)


def _start_pool(jobs: int):
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    return ctx.Pool(jobs, initializer=_init_worker, initargs=(counter,)), counter


def _write_segments(pool, counter, index_dir: str, files: list[tuple[str, str]], jobs: int,
                    progress: Callable[[int], None] | None) -> list:
    """Segments for files, written by the pool's workers (or here, without a pool), in file order."""
    if not files:
        return []
    if pool is None:
        done = [0]

        def tick():
            done[0] += 1
            if progress:
                progress(done[0])
        return [write_segment(index_dir, files, tick)]
    with counter.get_lock():
        counter.value = 0
    pending = pool.map_async(_write_segment_job, [(index_dir, c) for c in _chunks(files, jobs)], chunksize=1)
    while not pending.ready():
        pending.wait(0.2)
        if progress:
            progress(counter.value)
    return pending.get()
