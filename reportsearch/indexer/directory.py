"""The index directory under the write lock: creating or opening it for a run, refusing a directory
that holds other files, deleting what a failed run left, and the copy of jieba's dictionary."""
from __future__ import annotations

import errno
import json
import os
import shutil

from ..errors import IndexIncompatible, IndexLocked, ReportSearchError
from . import tokens
from .files import DICT_FILE, INDEX_NAME, META_FILE, SCHEMA_VERSION, damage_errors, open_index
from .snapshot import Snapshot, open_snapshot


def make_schema():
    from whoosh import fields
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),  # the report's identity (report_id)
        path=fields.STORED(),
        real=fields.STORED(),
        hash=fields.STORED(),
        grams=fields.KEYWORD(scorable=False),  # the buckets of its bigrams (written directly, see _flush)
    )


def acquire_lock(index_dir: str, wait: float):
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
    except damage_errors():
        return False


def _entries(index_dir: str) -> list[str]:
    return [e for e in os.listdir(index_dir)
            if e not in ("README.md", ".gitkeep", INDEX_NAME + "_WRITELOCK", INDEX_NAME + ".tmp")]


def _ours(name: str) -> bool:
    return name.startswith(("_" + INDEX_NAME, INDEX_NAME, DICT_FILE))


def refuse_foreign(index_dir: str) -> None:
    """A directory holding anything but an index is never written to (not even a lock file)."""
    if os.path.exists(os.path.join(index_dir, META_FILE)):
        return
    unknown = [e for e in _entries(index_dir) if not _ours(e)]
    if unknown:
        raise IndexIncompatible(
            f"{index_dir} holds files that are not an index ({', '.join(sorted(unknown)[:3])}) — "
            f"choose an empty directory for --index; nothing was deleted")


def clean_leftovers(index_dir: str, ix) -> None:
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


def open_for_writing(index_dir: str, rebuild: bool) -> tuple[object, bool]:
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
        open_snapshot(index_dir, shard_ok=True).close()  # a damaged index: one line that asks for --rebuild
    clean_leftovers(index_dir, ix)
    tmp = os.path.join(index_dir, META_FILE) + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"schema": SCHEMA_VERSION}, f)
    os.replace(tmp, os.path.join(index_dir, META_FILE))
    return ix, drop_old


def write_failure(index_dir: str, e: OSError) -> str:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"the disk is full: could not write the index at {index_dir} — free some space and run "
                f"`reportsearch index` again; the index still answers as of its last commit")
    return (f"could not write the index at {index_dir} ({e.strerror or e}) — fix that and run "
            f"`reportsearch index` again; the index still answers as of its last commit")


def fail_cleanly(index_dir: str, ix, lock) -> None:
    """After a failed write: delete the run's uncommitted files, then release the lock."""
    try:
        clean_leftovers(index_dir, ix)
    except OSError:
        pass  # the next run cleans them
    finally:
        if lock is not None:
            lock.release()


def ensure_dictionary(index_dir: str, rebuild: bool) -> None:
    """The copy of jieba's dictionary that queries read: written when missing, unreadable or rebuilding."""
    path = os.path.join(index_dir, DICT_FILE)
    if rebuild or not tokens.dictionary_ok(path):
        if os.path.exists(path):
            os.unlink(path)
        tokens.write_dictionary(index_dir)
