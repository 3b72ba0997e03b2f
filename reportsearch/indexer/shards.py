"""Building a sharded index: the report files routed to shards by identity, each shard's segments
written in parallel local processes or on a Dask cluster's workers, and every batch committed
shard by shard and then, all at once, by the manifest (manifest.py).

An index run on a sharded index works as on one index (sync.py): the same plan of files to add,
replace or remove, commits every `batch` files. A report's shard is its identity's hash modulo
the shard count, so an unchanged report stays where it is and a changed one (a new identity)
may move: its delete lands in one shard and its add in another, and both become visible with
the manifest that names the shards' new generations. Until then readers, and the next run, use
the generations the manifest names; the next run first drops whatever a killed run committed in
the shards beyond them.
"""
from __future__ import annotations

import errno
import math
import os
import shutil
from typing import Callable, Iterable

from ..errors import ClusterError, IndexIncompatible, IndexMissing, IndexWriteFailed, ReportSearchError
from ..read import display_path
from .cluster import cluster_address, connect, run_tasks
from .directory import acquire_lock, ensure_dictionary, open_for_writing, write_failure
from .files import DICT_FILE, INDEX_NAME, META_FILE, damage_errors, damaged, default_index_dir, open_index
from .manifest import (
    MANIFEST,
    SHARD_DIR,
    Manifest,
    read_manifest,
    refuse_shard,
    shard_name,
    shard_of,
    stamp,
    write_manifest,
)
from .sync import IndexSummary, _known, _plan, _under, scan
from .sync import build as build_one
from .writer import _chunks, _write_segment_job, report_id, start_pool, write_segment


def build(paths: Iterable[str], index_dir: str | None = None, *, shards: int | None = None,
          cluster: str | None = None, rebuild: bool = False, jobs: int | None = None, wait: float = 0.0,
          progress: Callable[[int, int], None] | None = None, batch: int = 500) -> IndexSummary:
    """Bring the index in step with the report files under paths (sync.build). A sharded index when
    shards=N is given or the index already is one; then on the Dask cluster at `cluster` (or
    $REPORTSEARCH_CLUSTER) when there is one, else in `jobs` local processes."""
    index_dir = index_dir or default_index_dir()
    refuse_shard(index_dir)
    address = cluster_address(cluster)
    if shards is None and stamp(index_dir) is None and not _shard_dirs(index_dir):
        if cluster:
            raise IndexIncompatible("--cluster builds a sharded index: add --shards N (one or two per worker)")
        return build_one(paths, index_dir, rebuild=rebuild, jobs=jobs, wait=wait, progress=progress, batch=batch)
    if shards is not None and not 1 <= shards <= 999:
        raise IndexIncompatible(f"--shards must be between 1 and 999, not {shards}")
    paths = list(paths)
    files, problems, digests, summary = scan(paths)
    lock = run = None
    try:
        os.makedirs(index_dir, exist_ok=True)
        _refuse_foreign(index_dir)
        lock = acquire_lock(index_dir, wait)
        current = _current(index_dir, rebuild)
        count = shards or _count(index_dir, current)
        if current is not None and current.count != count and not rebuild:
            raise IndexIncompatible(f"the index at {index_dir} has {current.count} shards — pass --shards "
                                    f"{current.count}, or --rebuild --shards {count} to reshard it")
        client = connect(address) if address else None
        run = _Run(index_dir, current, count, rebuild, client, max(1, jobs or os.cpu_count() or 1))
        ensure_dictionary(index_dir, rebuild)
        known = {} if rebuild or current is None else _known(index_dir)
        todo, replaces, gone = _plan(files, digests, known, paths, summary)
        unlisted = [p for p, _ in problems]  # unreadable directories: keep what was indexed from them
        gone = [i for i in gone if not _under(known[i], unlisted)]
        if progress:
            progress(0, len(todo))
        for start in range(0, max(len(todo), 1), max(1, batch)):
            part = todo[start:start + batch]
            tick = (lambda n, s=start: progress(s + n, len(todo))) if progress else None
            run.commit(run.write(part, tick), gone, replaces, summary)
            gone = []
    except OSError as e:
        if run is not None:
            run.stop()
            run.roll_back()
        if lock is not None:
            lock.release()
            lock = None
        if e.errno in (errno.ENOSPC, errno.EDQUOT) or run is not None:
            raise IndexWriteFailed(write_failure(index_dir, e))
        raise IndexIncompatible(f"cannot create or open an index at {index_dir} ({e.strerror or e}) — "
                                f"choose a writable directory with --index")
    finally:
        if run is not None:
            run.stop()
        if lock is not None:
            lock.release()
    return summary


def _current(index_dir: str, rebuild: bool) -> Manifest | None:
    """The manifest, read under the lock. One of another schema or garbled is rebuilt from nothing."""
    try:
        return read_manifest(index_dir)
    except IndexIncompatible:
        if not rebuild:
            raise
        return None


def _shard_dirs(index_dir: str) -> list[str]:
    """The shard directories in index_dir (without a manifest: a first run stopped before its commit)."""
    try:
        return [e for e in os.listdir(index_dir) if SHARD_DIR.match(e)]
    except OSError:
        return []


def _count(index_dir: str, current: Manifest | None) -> int:
    """The shard count of an index run without --shards: the manifest's, or the shard directories'."""
    if current is not None:
        return current.count
    counts = {int(e[-3:]) for e in _shard_dirs(index_dir)}
    if len(counts) != 1:
        raise IndexIncompatible(f"cannot tell how many shards the index at {index_dir} has — pass --shards N")
    return counts.pop()


def _refuse_foreign(index_dir: str) -> None:
    """A sharded index is made only in an empty directory (or one holding only its own files)."""
    allowed = {MANIFEST, MANIFEST + ".tmp", DICT_FILE, INDEX_NAME + "_WRITELOCK", "README.md", ".gitkeep"}
    entries = os.listdir(index_dir)
    if META_FILE in entries:
        raise IndexIncompatible(f"{index_dir} holds an index that is not sharded — give --shards a new directory "
                                f"for --index (or index it without --shards); nothing was changed")
    lock = INDEX_NAME + "_WRITELOCK"  # with shard directories but no manifest: a first run stopped early
    if MANIFEST in entries or (lock in entries and any(SHARD_DIR.match(e) for e in entries)):
        return  # already a sharded index: other files are the user's, left alone (as one index leaves them)
    unknown = [e for e in entries if e not in allowed]
    if unknown:
        raise IndexIncompatible(f"{index_dir} holds files that are not an index ({', '.join(sorted(unknown)[:3])}) "
                                f"— choose an empty directory for --index; nothing was deleted")


def _rollback(shard_dir: str, generation: int) -> None:
    """Drop what a killed run committed in a shard beyond the generation the manifest names, and the
    files no commit lists (Whoosh's clean_files keeps exactly that generation's)."""
    from whoosh.index import TOC, clean_files

    ix = open_index(shard_dir)
    toc = TOC.read(ix.storage, INDEX_NAME, generation, schema=ix._schema)
    clean_files(ix.storage, INDEX_NAME, generation, toc.segments)


def _broken() -> tuple:
    """What a shard that is not there or not whole raises (not a full disk, not a permission)."""
    return (IndexIncompatible, IndexMissing, FileNotFoundError, NotADirectoryError, FileExistsError,
            *(e for e in damage_errors() if not issubclass(e, OSError)))


def _open_shard(path: str, pinned: int | None, rebuild: bool):
    """A shard opened for writing, first back at the generation the manifest names (pinned)."""
    if pinned is not None:
        _rollback(path, pinned)
    os.makedirs(path, exist_ok=True)
    return open_for_writing(path, rebuild)


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


class _Run:
    """One sharded index run: its shards opened for writing, the workers (a local pool or the
    cluster) that write their segments, and the commits."""

    def __init__(self, index_dir: str, current: Manifest | None, count: int, rebuild: bool, client,
                 jobs: int) -> None:
        self.index_dir, self.client, self.jobs = index_dir, client, jobs
        self.dirs = [shard_name(i, count) for i in range(count)]
        self.sequence = current.sequence if current else 0
        self.uid = current.uid if current and current.uid else os.urandom(8).hex()
        self.manifest_written = current is not None
        pinned = dict(zip(current.dirs, current.generations)) if current else {}
        for e in os.listdir(index_dir):  # a shard no manifest names: left by a killed first run or reshard
            if SHARD_DIR.match(e) and e not in pinned:
                shutil.rmtree(os.path.join(index_dir, e))
        self.old = [d for d in pinned if d not in self.dirs]  # a reshard: deleted after the first commit
        self.generations, self.drop_old, self.ix = [], [], []
        for name in self.dirs:
            path = os.path.join(index_dir, name)
            try:
                ix, drop_old = _open_shard(path, pinned.get(name), rebuild)
            except _broken() as e:  # a shard deleted, a file, without its commit: the index is damaged
                if not rebuild:
                    raise damaged(index_dir, e)
                _remove(path)  # a rebuild starts it afresh (no reader can open it anyway)
                ix, drop_old = _open_shard(path, None, rebuild)
            self.ix.append(ix)
            self.drop_old.append(drop_old)
            self.generations.append(ix.latest_generation())
        self.pinned = list(self.generations)  # as the last manifest (or none yet) names them
        self.pool = self.counter = None

    def path(self, i: int) -> str:
        return os.path.join(self.index_dir, self.dirs[i])

    def write(self, part: list[tuple[str, str]], tick: Callable[[int], None] | None) -> list[list]:
        """Each shard's new segments for these files: [(outcomes, segment)] per shard, in file order."""
        routed: list[list[tuple[str, str]]] = [[] for _ in self.dirs]
        for f, digest in part:
            routed[shard_of(report_id(f, digest), len(self.dirs))].append((f, digest))
        parallel = self.jobs if self.client is None else max(1, sum(self.client.nthreads().values()))
        jobs = []  # (shard, files): about two tasks per process or worker thread, each shard split in
        for i, files in enumerate(routed):  # proportion (3 shards on 2 processes: 6 tasks, not 3)
            if files:
                n = max(1, math.ceil(2 * parallel * len(files) / len(part)))
                jobs += [(i, c) for c in _chunks(files, n)]
        out: list[list] = [[] for _ in self.dirs]
        if not jobs:
            return out
        if self.client is not None:  # absolute paths: a worker's working directory is its own
            files_done = [0]

            def done(k: int, _) -> None:
                files_done[0] += len(jobs[k][1])
                if tick:
                    tick(files_done[0])
            tasks = [(os.path.abspath(self.path(i)), [(os.path.abspath(f), d) for f, d in c]) for i, c in jobs]
            try:
                results = run_tasks(self.client, write_segment, tasks, "reportsearch-index", done)
            except (OSError, ReportSearchError):
                raise
            except Exception as e:  # Whoosh's EmptyIndexError: the worker sees no shard there
                raise ClusterError(f"a worker could not write to {tasks[0][0]} ({type(e).__name__}) — the workers "
                                   f"must reach the reports and the index directory at the same paths as here "
                                   f"(shared storage)")
            results = [([o.__class__(**dict(vars(o), path=f)) for o, (f, _) in zip(outcomes, c)], seg)
                       for (outcomes, seg), (_, c) in zip(results, jobs)]
        elif self.jobs > 1 and len(part) >= 2 * self.jobs:
            if self.pool is None:
                self.pool, self.counter = start_pool(self.jobs)
            with self.counter.get_lock():
                self.counter.value = 0
            pending = self.pool.map_async(_write_segment_job, [(self.path(i), c) for i, c in jobs], chunksize=1)
            while not pending.ready():
                pending.wait(0.2)
                if tick:
                    tick(self.counter.value)
            results = pending.get()
        else:
            count = [0]

            def one() -> None:
                count[0] += 1
                if tick:
                    tick(count[0])
            results = [write_segment(self.path(i), c, one) for i, c in jobs]
        for (i, _), result in zip(jobs, results):
            out[i].append(result)
        return out

    def commit(self, written: list[list], gone: list[str], replaces: dict[str, list[str]], summary: IndexSummary) -> None:
        """Every shard's deletions and new segments committed (a new generation each, the old kept),
        then the manifest that names the new generations, then the old generations' files deleted."""
        from whoosh.index import TOC
        from whoosh.writing import SegmentWriter

        n = len(self.dirs)
        deletions: list[list[str]] = [[] for _ in self.dirs]
        for rid in gone:
            deletions[shard_of(rid, n)].append(rid)
            summary.removed += 1
        for results in written:
            for outcomes, _ in results:
                for o in outcomes:
                    summary.warnings.extend((display_path(o.path), w) for w in o.warnings)
                    if o.error:  # the old version, if any, stays
                        summary.failed.append((display_path(o.path), o.error))
                        continue
                    for rid in replaces.get(o.path, []):
                        deletions[shard_of(rid, n)].append(rid)
                    summary.updated += bool(replaces.get(o.path))
                    summary.added += not replaces.get(o.path)
                    summary.blocks += o.blocks
                    summary.per_section.update(o.per_section)
        segments_of = []
        for i in range(n):
            segments = [seg for _, seg in written[i] if seg is not None]
            if not (segments or deletions[i] or self.drop_old[i]):
                segments_of.append(None)
                continue
            writer = SegmentWriter(self.ix[i], _lk=False, compound=False)
            try:
                for rid in deletions[i]:
                    writer.delete_by_term("id", rid)
                final = ([] if self.drop_old[i] else writer._merge_segments(None, None, False)) + segments
                writer._close_segment()
                # Whoosh's own commit would delete the generation the manifest still names
                TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
                writer._finish()
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
            self.generations[i] = writer.generation
            segments_of.append(final)
        if all(x is None for x in segments_of) and self.manifest_written and not self.old:
            return  # nothing changed: readers keep their snapshots
        self.sequence += 1
        write_manifest(self.index_dir, Manifest(list(self.dirs), list(self.generations), self.sequence, self.uid))
        self.manifest_written, self.pinned = True, list(self.generations)
        self.drop_old = [False] * n
        for i, final in enumerate(segments_of):
            if final is not None:
                _rollback(self.path(i), self.generations[i])  # now: the files of older generations
        for name in self.old:
            shutil.rmtree(os.path.join(self.index_dir, name), ignore_errors=True)
        self.old = []

    def roll_back(self) -> None:
        """After a failed write: each shard back to the generation the manifest names, the run's
        uncommitted files deleted (the next run would do it, but a full disk needs the space now)."""
        for i in range(len(self.dirs)):
            try:
                _rollback(self.path(i), self.pinned[i])
            except (OSError, ValueError, EOFError):
                pass

    def stop(self) -> None:
        if self.pool is not None:  # stop the workers before anything deletes what they were writing
            self.pool.terminate()
            self.pool.join()
            self.pool = None
