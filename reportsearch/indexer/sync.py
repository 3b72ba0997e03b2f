"""An index run: the index brought in step with the report files, incrementally, in atomic commits.

In Whoosh, each report is a document holding its identity and the distinct bigrams of its folded
text (no positions, no frequencies): their posting lists give a query word's document frequency.
Beside each Whoosh segment (store.py) lie the folded block texts, the blocks' sections and
headings, the display data and the blocks' bigram signature: the search finds, verifies and
ranks blocks there.
"""
from __future__ import annotations

import errno
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..errors import IndexIncompatible, IndexWriteFailed, PathMissing, UnreadableReport
from ..read import display_path, expand_paths, read_bytes
from .directory import acquire_lock, ensure_dictionary, fail_cleanly, open_for_writing, refuse_foreign, write_failure
from .files import default_index_dir
from .snapshot import read_index
from .writer import commit, report_id, start_pool, write_segments


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
    return read_index(index_dir, run, shard_ok=True)  # an index run's own index, or one of its shards


def _under(k: Known, roots: list[str]) -> bool:
    """Whether a known report lies under one of the roots, by the path it was indexed through or by
    its real path (a report first indexed through a symlinked directory is still under the real one)."""
    for r in roots:
        for root in {display_path(os.path.abspath(r)), display_path(os.path.realpath(r))}:
            for p in (k.path, k.real):
                if p == root or p.startswith(root.rstrip(os.sep) + os.sep):
                    return True
    return False


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


def scan(paths: list[str]) -> tuple[list[str], list[tuple[str, str]], dict[str, str], IndexSummary]:
    """The report files under paths, the directories that could not be listed, each file's SHA-256,
    and a summary that names the unreadable ones. A path that does not exist: PathMissing."""
    for p in paths:  # a typo or an unmounted drive must not read as "every report there is gone"
        if not os.path.lexists(p):
            raise PathMissing(f"{display_path(p)}: no such file or directory — check the path; "
                              f"the index was not changed")
    files, problems = expand_paths(paths)
    summary = IndexSummary(failed=[(display_path(p), why) for p, why in problems])
    digests: dict[str, str] = {}
    for f in files:
        try:
            digests[f] = hashlib.sha256(read_bytes(f)).hexdigest()
        except UnreadableReport as e:
            summary.failed.append((display_path(f), e.reason))
    return files, problems, digests, summary


def build(paths: Iterable[str], index_dir: str | None = None, *, rebuild: bool = False, jobs: int | None = None,
          wait: float = 0.0, progress: Callable[[int, int], None] | None = None,
          batch: int = 500) -> IndexSummary:
    """Bring the index in step with the report files under paths.

    Unchanged files (same name and content hash) are skipped, changed ones replaced, files gone
    from under the given paths removed. Work is committed every `batch` files; a report's old
    version is deleted and its new one added in the same commit, so each report is wholly old or
    wholly new whatever happens. The write lock is held for the whole run. A failed write (a full
    disk) leaves the last commit as it was, deletes the run's files and raises IndexWriteFailed."""
    index_dir = index_dir or default_index_dir()
    paths = list(paths)
    jobs = max(1, jobs or os.cpu_count() or 1)
    batch = max(1, batch)
    files, problems, digests, summary = scan(paths)
    lock = pool = ix = None
    try:
        try:
            os.makedirs(index_dir, exist_ok=True)
            refuse_foreign(index_dir)
            lock = acquire_lock(index_dir, wait)
            ix, drop_old = open_for_writing(index_dir, rebuild)
            ensure_dictionary(index_dir, rebuild)
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
            pool, counter = start_pool(jobs)
        else:
            counter = None
        for start in range(0, max(len(todo), 1), batch):
            part = todo[start:start + batch]
            results = write_segments(pool, counter, index_dir, part, jobs,
                                      (lambda n, s=start: progress(s + n, len(todo))) if progress else None)
            _commit_batch(ix, results, gone, replaces, summary, drop_old)
            gone, drop_old = [], False
    except OSError as e:
        if pool is not None:  # stop the workers before deleting what they were writing
            pool.terminate()
            pool.join()
            pool = None
        fail_cleanly(index_dir, ix, lock)
        lock = None
        raise IndexWriteFailed(write_failure(index_dir, e))
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
        commit(writer, [seg for _, seg in results], drop_old)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


