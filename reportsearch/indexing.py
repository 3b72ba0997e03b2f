"""Indexing: a Whoosh index with one document per block, kept in step with the files incrementally."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shlex
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for
from whoosh.writing import SegmentWriter

from . import segment
from .blocks import sentences
from .errors import IndexIncompatible, IndexLocked, IndexMissing, PathMissing, ReportSearchError, UnreadableReport
from .outline import outline
from .read import display_path, expand_paths, read_bytes

SCHEMA_VERSION = 2  # 2: report documents carry no searchable fields; segments not compound
META_FILE = "reportsearch.json"
INDEX_NAME = "reportsearch"
DEFAULT_INDEX = "index"
POOL_MB = 256  # Whoosh's in-memory posting pool per writer before it spills sorted runs to disk


def default_index_dir() -> str:
    """--index, else $REPORTSEARCH_INDEX, else ./index."""
    return os.environ.get("REPORTSEARCH_INDEX") or DEFAULT_INDEX


def index_command(index_dir: str, *args: str) -> str:
    """A whole `reportsearch index …` command to suggest in a message, quoted for the shell, with
    --index when the index is not the one the command would use by default."""
    words = ["reportsearch", "index", *args]
    if os.path.abspath(index_dir) != os.path.abspath(default_index_dir()):
        words += ["--index", index_dir]
    return " ".join(shlex.quote(w) for w in words)


def make_schema() -> fields.Schema:
    # Tokens are made in worker processes (jieba, bigrams) and handed over space-separated.
    pre = SpaceSeparatedTokenizer()
    return fields.Schema(
        doctype=fields.ID(stored=True),
        id=fields.ID(unique=True, stored=True),
        report=fields.ID(stored=True, sortable=True),
        path=fields.ID(stored=True),
        hash=fields.STORED(),
        title=fields.TEXT(analyzer=pre, phrase=False, field_boost=2.0),
        heading=fields.TEXT(analyzer=pre, phrase=False, field_boost=2.0),
        body=fields.TEXT(analyzer=pre, phrase=False),
        grams=fields.TEXT(analyzer=pre, phrase=True, field_boost=0.01),  # matching, barely ranking
        region=fields.TEXT(analyzer=pre, phrase=True),
        sections=fields.KEYWORD(stored=True, commas=True, scorable=False),
        year=fields.NUMERIC(stored=True, bits=32, signed=True),
        seq=fields.NUMERIC(stored=True),
        data=fields.STORED(),  # what display needs: title, region, issuer, published, heading, text, sentence ends
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


def report_id(path: str) -> str:
    """A stable id for a report file: from its real path."""
    return hashlib.sha1(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _check_meta(index_dir: str) -> None:
    meta_path = os.path.join(index_dir, META_FILE)
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        raise IndexIncompatible(f"{index_dir} is not a reportsearch index — choose another --index, "
                                f"or run `{index_command(index_dir, '--rebuild')}` to replace it")
    if meta.get("schema") != SCHEMA_VERSION:
        raise IndexIncompatible(
            f"the index at {index_dir} has schema version {meta.get('schema')}, this reportsearch uses "
            f"{SCHEMA_VERSION} — run `{index_command(index_dir, '--rebuild')}` to rebuild it")


def open_index(index_dir: str | None = None):
    """Open an existing index for reading. Raises IndexMissing / IndexIncompatible."""
    index_dir = index_dir or default_index_dir()
    if not os.path.isdir(index_dir) or not os.listdir(index_dir) or (
            os.listdir(index_dir) == ["README.md"]):
        raise IndexMissing(f"no index at {index_dir} — run `{index_command(index_dir, 'corpus/')}` first")
    _check_meta(index_dir)
    try:
        return index.open_dir(index_dir, indexname=INDEX_NAME)
    except index.EmptyIndexError:
        raise IndexMissing(f"no index at {index_dir} — run `{index_command(index_dir, 'corpus/')}` first")
    except (OSError, ValueError, EOFError) as e:
        raise IndexIncompatible(f"the index at {index_dir} cannot be opened ({e}) — "
                                f"run `{index_command(index_dir, '--rebuild')}` to rebuild it")


_searchers: dict[str, object] = {}  # index dir → an open searcher (BM25F, Whoosh's default), reused


def read_index(index_dir: str | None, fn: Callable):
    """fn(searcher) on the index's latest commit.

    Searchers stay open between calls in one process (opening one reads every segment's term
    index), and are refreshed when a commit has made a new generation. A commit made meanwhile
    may delete the files of the generation just opened; then open the new one and retry."""
    index_dir = index_dir or default_index_dir()
    key = os.path.abspath(index_dir)
    for attempt in range(5):
        s = _searchers.get(key)
        try:
            if s is None or not s.up_to_date():
                ix = open_index(index_dir)
                s = ix.searcher()
                old = _searchers.pop(key, None)
                if old is not None:
                    old.close()
                _searchers[key] = s
            return fn(s)
        except FileNotFoundError:
            _searchers.pop(key, None)
            if attempt == 4:
                raise IndexIncompatible(f"the index at {index_dir} keeps changing under this search — "
                                        f"try again when `reportsearch index` has finished")


def _lock(index_dir: str, wait: float):
    """The index's write lock (Whoosh's file lock: the OS frees it if the process dies)."""
    lock = FileStorage(index_dir).lock(INDEX_NAME + "_WRITELOCK")
    if not try_for(lock.acquire, timeout=wait, delay=0.1):
        raise IndexLocked(f"another `reportsearch index` is writing to {index_dir} — wait for it to finish, "
                          f"or pass --wait SECONDS")
    return lock


def _compatible(index_dir: str) -> bool:
    try:
        _check_meta(index_dir)
        index.open_dir(index_dir, indexname=INDEX_NAME)
        return True
    except (IndexIncompatible, OSError, ValueError, EOFError, index.EmptyIndexError):
        return False


def _entries(index_dir: str) -> list[str]:
    return [e for e in os.listdir(index_dir)
            if e not in ("README.md", ".gitkeep", INDEX_NAME + "_WRITELOCK", INDEX_NAME + ".tmp")]


def _refuse_foreign(index_dir: str) -> None:
    """A directory holding anything but an index is never written to (not even a lock file)."""
    if os.path.exists(os.path.join(index_dir, META_FILE)):
        return
    unknown = [e for e in _entries(index_dir) if not e.startswith(("_" + INDEX_NAME, INDEX_NAME, segment.DICT_FILE))]
    if unknown:
        raise IndexIncompatible(
            f"{index_dir} holds files that are not an index ({', '.join(sorted(unknown)[:3])}) — "
            f"choose an empty directory for --index; nothing was deleted")


def _open_for_writing(index_dir: str, rebuild: bool) -> tuple[object, bool]:
    """Open (or create) the index under its lock: (index, whether the first commit drops all old segments).

    A rebuild of a readable index keeps the old segments until its first commit, so searches
    go on answering and an interrupted rebuild leaves a whole index."""
    entries = _entries(index_dir)
    drop_old = False
    if not entries:
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    elif rebuild and _compatible(index_dir):
        ix, drop_old = index.open_dir(index_dir, indexname=INDEX_NAME), True
    elif rebuild:
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    else:
        _check_meta(index_dir)
        ix = index.open_dir(index_dir, indexname=INDEX_NAME)
    with open(os.path.join(index_dir, META_FILE) + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"schema": SCHEMA_VERSION}, f)
    os.replace(os.path.join(index_dir, META_FILE) + ".tmp", os.path.join(index_dir, META_FILE))
    return ix, drop_old


def _sentence_ends(text: str) -> list[int]:
    ends, pos = [], 0
    for s in sentences(text):
        pos += len(s)
        ends.append(pos)
    return ends


def prepare(path: str) -> tuple[str, str, list[dict] | None, str | None]:
    """Read, parse and tokenize one report (runs in a worker): (path, hash, documents, error)."""
    try:
        digest = hashlib.sha256(read_bytes(path)).hexdigest()
        report = outline(path)
    except UnreadableReport as e:
        return path, "", None, e.reason
    except (RecursionError, MemoryError, ValueError, LookupError) as e:  # a file no rule foresaw
        return path, "", None, f"could not be parsed ({type(e).__name__})"
    tk = segment.index_tokenizer()
    rid = report_id(path)
    m = report.meta
    title_words = " ".join(segment.words(m.title or "", tk))
    region_grams = " ".join(segment.grams(m.region or ""))
    common = {"report": rid, "path": display_path(os.path.abspath(path))}
    # Only blocks carry searchable fields (title, region, year…), so no query matches a report document.
    block_fields = {"title": title_words, "region": region_grams}
    if m.year is not None:
        block_fields["year"] = m.year
    docs = [dict(common, doctype="report", id=rid, hash=digest, data={
        "title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year,
        "published": m.published, "blocks": len(report.blocks)})]
    heading_cache: dict[tuple[str, ...], str] = {}
    for seq, b in enumerate(report.blocks):
        key = tuple(b.heading)
        if key not in heading_cache:
            heading_cache[key] = " ".join(segment.words(" ".join(b.heading[-2:]), tk))
        docs.append(dict(
            common, **block_fields, doctype="block", id=f"{rid}:{seq}", seq=seq,
            heading=heading_cache[key], body=" ".join(segment.words(b.text, tk)),
            grams=" ".join(segment.grams(b.text)), sections=",".join(s.value for s in b.labels),
            data={"title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year,
                  "published": m.published, "heading": b.heading, "text": b.text,
                  "labels": [s.value for s in b.labels], "kind": b.kind, "ends": _sentence_ends(b.text)}))
    return path, digest, docs, None


@dataclass
class Outcome:
    """What became of one file in a worker: its report id, block count and labels, or why it failed."""

    path: str
    report: str = ""
    blocks: int = 0
    per_section: Counter = field(default_factory=Counter)
    error: str | None = None


_progress_counter = None  # a shared counter of files done, set in forked workers


def _init_worker(counter=None) -> None:
    global _progress_counter
    _progress_counter = counter
    segment.index_tokenizer()


def write_segment(index_dir: str, files: list[str],
                  tick: Callable[[], None] | None = None) -> tuple[list[Outcome], object | None]:
    """Prepare files and write their documents into one new, uncommitted segment of the index.

    Runs in a worker process, so that segmentation and Whoosh's posting work both use every
    core; the parent commits the segments it gets back, together with its deletions, in one
    table-of-contents write."""
    ix = index.open_dir(index_dir, indexname=INDEX_NAME)
    writer = SegmentWriter(ix, _lk=False, limitmb=POOL_MB, compound=False)
    outcomes = []
    try:
        for f in files:
            path, _, docs, error = prepare(f)
            if error:
                outcomes.append(Outcome(path, error=error))
            else:
                done = Outcome(path, report=docs[0]["report"])
                for d in docs:
                    writer.add_document(**d)
                    if d["doctype"] == "block":
                        done.blocks += 1
                        done.per_section.update(s for s in d["sections"].split(",") if s)
                outcomes.append(done)
            if tick:
                tick()
        if writer._added:
            return outcomes, writer._finalize_segment()
        writer._close_segment()
        return outcomes, None
    except BaseException:
        writer._close_segment()
        raise


def _count_progress() -> None:
    with _progress_counter.get_lock():
        _progress_counter.value += 1


def _write_segment_job(job: tuple[str, list[str]]):
    return write_segment(*job, tick=_count_progress)


def _commit(writer, segments: list, drop_old: bool = False) -> None:
    """Commit the writer's deletions together with segments written by workers, in one atomic
    table-of-contents write (the run's lock stays held; the writer holds none of its own)."""
    final = [] if drop_old else writer._merge_segments(None, None, False)
    writer._close_segment()
    writer._commit_toc(final + [s for s in segments if s is not None])
    writer._finish()


def _reports_in(searcher) -> dict[str, tuple[str, str]]:
    return {doc["report"]: (doc["path"], doc["hash"]) for doc in searcher.documents(doctype="report")}


def indexed_reports(ix) -> dict[str, tuple[str, str]]:
    """report id → (path, content hash) for every report in the index."""
    with ix.searcher() as s:
        return _reports_in(s)


def _work_ahead(index_dir: str, files: list[str], rebuild: bool, digest_of: Callable[[str], str]) -> int:
    """How many files look new or changed, read without the lock (to decide whether to start workers)."""
    if rebuild:
        return len(files)
    try:
        known = read_index(index_dir, _reports_in)
    except ReportSearchError:
        return len(files)
    n = 0
    for f in files:
        k = known.get(report_id(f))
        try:
            if k and digest_of(f) == k[1]:
                continue
        except UnreadableReport:
            continue
        n += 1
    return n


def _under(path: str, roots: list[str]) -> bool:
    for r in roots:
        r = os.path.abspath(r)
        if path == r or path.startswith(r.rstrip(os.sep) + os.sep):
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


def build(paths: Iterable[str], index_dir: str | None = None, *, rebuild: bool = False, jobs: int | None = None,
          wait: float = 0.0, progress: Callable[[int, int], None] | None = None,
          batch: int = 500) -> IndexSummary:
    """Bring the index in step with the report files under paths.

    Unchanged files (same content hash) are skipped, changed ones replaced, files gone from
    under the given paths removed. Work is committed every `batch` files; a report's old blocks
    are deleted and its new ones added in the same commit, so each report is wholly old or
    wholly new whatever happens. The write lock is held for the whole run."""
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

    def digest_of(f: str) -> str:  # each file hashed once per run
        if f not in digests:
            digests[f] = hashlib.sha256(read_bytes(f)).hexdigest()
        return digests[f]
    # Fork the workers before taking the lock, so that no worker holds the lock file open; and
    # only when there is work for them (a run with nothing changed loads no jieba).
    ahead = _work_ahead(index_dir, files, rebuild, digest_of) if jobs > 1 and len(files) >= 2 * jobs else 0
    pool, counter = _start_pool(jobs) if ahead >= 2 * jobs else (None, None)
    lock = None
    try:
        try:
            os.makedirs(index_dir, exist_ok=True)
            _refuse_foreign(index_dir)
            lock = _lock(index_dir, wait)
            ix, drop_old = _open_for_writing(index_dir, rebuild)
            segment.write_dictionary(index_dir)
        except OSError as e:
            raise IndexIncompatible(f"cannot create or open an index at {index_dir} ({e.strerror or e}) — "
                                    f"choose a writable directory with --index")
        known = indexed_reports(ix) if not drop_old else {}
        todo: list[str] = []
        listed = set()
        for f in files:
            rid = report_id(f)
            listed.add(rid)
            if rid in known:
                try:
                    digest = digest_of(f)
                except UnreadableReport as e:
                    summary.failed.append((display_path(f), e.reason))
                    continue
                if digest == known[rid][1]:
                    summary.skipped += 1
                    continue
            todo.append(f)
        unlisted = [display_path(p) for p, _ in problems]  # unreadable directories: keep what was indexed from them
        gone = [rid for rid, (apath, _) in known.items() if rid not in listed
                and _under(apath, [display_path(p) for p in paths]) and not _under(apath, unlisted)]
        if progress:
            progress(0, len(todo))
        for start in range(0, max(len(todo), 1), batch):
            part = todo[start:start + batch]
            results = _write_segments(pool, counter, index_dir, part, jobs,
                                      (lambda n, s=start: progress(s + n, len(todo))) if progress else None)
            writer = SegmentWriter(ix, _lk=False, limitmb=POOL_MB, compound=False)
            try:
                for rid in gone:
                    writer.delete_by_term("report", rid)
                    summary.removed += 1
                gone = []
                for outcomes, _ in results:
                    for o in outcomes:
                        if o.error:
                            summary.failed.append((display_path(o.path), o.error))
                            continue
                        if o.report in known:
                            writer.delete_by_term("report", o.report)  # every block of it, not only the first
                            summary.updated += 1
                        else:
                            summary.added += 1
                        summary.blocks += o.blocks
                        summary.per_section.update(o.per_section)
                # Commit each batch, so that an interrupted run keeps what it finished.
                _commit(writer, [seg for _, seg in results], drop_old)
                drop_old = False
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if lock is not None:
            lock.release()
    return summary


def _start_pool(jobs: int):
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    _init_worker()  # load jieba once; forked workers share it
    return ctx.Pool(jobs, initializer=_init_worker, initargs=(counter,)), counter


def _write_segments(pool, counter, index_dir: str, files: list[str], jobs: int,
                    progress: Callable[[int], None] | None) -> list:
    """Segments for files, written by the pool's workers (or here, without a pool), in file order."""
    if not files:
        return []
    if pool is None:
        _init_worker()
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
