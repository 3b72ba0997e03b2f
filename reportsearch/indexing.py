"""Indexing: a Whoosh index with one document per block, kept in step with the files incrementally."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.index import LockError

from . import segment
from .blocks import sentences
from .errors import IndexIncompatible, IndexLocked, IndexMissing, UnreadableReport
from .outline import outline
from .read import expand_paths, read_bytes

SCHEMA_VERSION = 1
META_FILE = "reportsearch.json"
INDEX_NAME = "reportsearch"
DEFAULT_INDEX = "index"


def default_index_dir() -> str:
    """--index, else $REPORTSEARCH_INDEX, else ./index."""
    return os.environ.get("REPORTSEARCH_INDEX") or DEFAULT_INDEX


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
                                f"or run `reportsearch index --rebuild --index {index_dir}` to replace it")
    if meta.get("schema") != SCHEMA_VERSION:
        raise IndexIncompatible(
            f"the index at {index_dir} has schema version {meta.get('schema')}, this reportsearch uses "
            f"{SCHEMA_VERSION} — run `reportsearch index --rebuild` to rebuild it")


def open_index(index_dir: str | None = None):
    """Open an existing index for reading. Raises IndexMissing / IndexIncompatible."""
    index_dir = index_dir or default_index_dir()
    if not os.path.isdir(index_dir) or not os.listdir(index_dir) or (
            os.listdir(index_dir) == ["README.md"]):
        raise IndexMissing(f"no index at {index_dir} — run `reportsearch index corpus/` first")
    _check_meta(index_dir)
    try:
        return index.open_dir(index_dir, indexname=INDEX_NAME)
    except index.EmptyIndexError:
        raise IndexMissing(f"no index at {index_dir} — run `reportsearch index corpus/` first")
    except (OSError, ValueError, EOFError) as e:
        raise IndexIncompatible(f"the index at {index_dir} cannot be opened ({e}) — "
                                f"run `reportsearch index --rebuild` to rebuild it")


def _create_or_open(index_dir: str, rebuild: bool):
    os.makedirs(index_dir, exist_ok=True)
    entries = [e for e in os.listdir(index_dir) if e not in ("README.md", ".gitkeep")]
    if rebuild:
        if entries and not os.path.exists(os.path.join(index_dir, META_FILE)):
            unknown = [e for e in entries if not e.startswith(("_" + INDEX_NAME, INDEX_NAME, segment.DICT_FILE))]
            if unknown:
                raise IndexIncompatible(
                    f"{index_dir} holds files that are not an index ({', '.join(sorted(unknown)[:3])}) — "
                    f"choose an empty directory for --index; nothing was deleted")
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    elif not entries:
        ix = index.create_in(index_dir, make_schema(), indexname=INDEX_NAME)
    else:
        _check_meta(index_dir)
        ix = index.open_dir(index_dir, indexname=INDEX_NAME)
    with open(os.path.join(index_dir, META_FILE) + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"schema": SCHEMA_VERSION}, f)
    os.replace(os.path.join(index_dir, META_FILE) + ".tmp", os.path.join(index_dir, META_FILE))
    return ix


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
    tk = segment.index_tokenizer()
    rid = report_id(path)
    m = report.meta
    title_words = " ".join(segment.words(m.title or "", tk))
    region_grams = " ".join(segment.grams(m.region or ""))
    common = {"report": rid, "path": os.path.abspath(path), "title": title_words, "region": region_grams}
    if m.year is not None:
        common["year"] = m.year
    docs = [dict(common, doctype="report", id=rid, hash=digest, data={
        "title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year,
        "published": m.published, "blocks": len(report.blocks)})]
    heading_cache: dict[tuple[str, ...], str] = {}
    for seq, b in enumerate(report.blocks):
        key = tuple(b.heading)
        if key not in heading_cache:
            heading_cache[key] = " ".join(segment.words(" ".join(b.heading[-2:]), tk))
        docs.append(dict(
            common, doctype="block", id=f"{rid}:{seq}", seq=seq,
            heading=heading_cache[key], body=" ".join(segment.words(b.text, tk)),
            grams=" ".join(segment.grams(b.text)), sections=",".join(s.value for s in b.labels),
            data={"title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year,
                  "published": m.published, "heading": b.heading, "text": b.text,
                  "labels": [s.value for s in b.labels], "kind": b.kind, "ends": _sentence_ends(b.text)}))
    return path, digest, docs, None


def _init_worker() -> None:
    segment.index_tokenizer()


def indexed_reports(ix) -> dict[str, tuple[str, str]]:
    """path → (report id, content hash) for every report in the index."""
    out = {}
    with ix.searcher() as s:
        for doc in s.documents(doctype="report"):
            out[doc["path"]] = (doc["report"], doc["hash"])
    return out


def _under(path: str, roots: list[str]) -> bool:
    for r in roots:
        r = os.path.abspath(r)
        if path == r or path.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False


def build(paths: Iterable[str], index_dir: str | None = None, *, rebuild: bool = False, jobs: int | None = None,
          wait: float = 0.0, progress: Callable[[int, int], None] | None = None,
          batch: int = 500) -> IndexSummary:
    """Bring the index in step with the report files under paths.

    Unchanged files (same content hash) are skipped, changed ones replaced, files gone from
    under the given paths removed. A report's old blocks are deleted and its new ones added in
    the same commit, so each report is wholly old or wholly new whatever happens."""
    index_dir = index_dir or default_index_dir()
    paths = list(paths)
    try:
        ix = _create_or_open(index_dir, rebuild)
    except OSError as e:
        raise IndexIncompatible(f"cannot create or open an index at {index_dir} ({e.strerror or e}) — "
                                f"choose a writable directory with --index")
    try:
        writer = ix.writer(timeout=wait) if wait else ix.writer()
    except LockError:
        raise IndexLocked(f"another `reportsearch index` is writing to {index_dir} — wait for it to finish, "
                          f"or pass --wait SECONDS")
    summary = IndexSummary()
    try:
        segment.write_dictionary(index_dir)
        files, problems = expand_paths(paths)
        summary.failed.extend(problems)
        known = indexed_reports(ix) if not rebuild else {}
        todo: list[str] = []
        listed = set()
        for f in files:
            apath = os.path.abspath(f)
            listed.add(apath)
            if apath in known:
                try:
                    digest = hashlib.sha256(read_bytes(f)).hexdigest()
                except UnreadableReport as e:
                    summary.failed.append((f, e.reason))
                    continue
                if digest == known[apath][1]:
                    summary.skipped += 1
                    continue
            todo.append(f)
        for apath, (rid, _) in known.items():
            if apath not in listed and _under(apath, paths):
                writer.delete_by_term("report", rid)
                summary.removed += 1
        jobs = max(1, jobs or os.cpu_count() or 1)
        done = 0
        if progress:
            progress(0, len(todo))
        results = _run(todo, jobs)
        for path, digest, docs, error in results:
            done += 1
            if error:
                summary.failed.append((path, error))
            else:
                apath = os.path.abspath(path)
                rid = docs[0]["report"]
                if apath in known:
                    writer.delete_by_term("report", rid)  # every block of it, not only the first
                    summary.updated += 1
                else:
                    summary.added += 1
                for d in docs:
                    writer.add_document(**d)
                    if d["doctype"] == "block":
                        summary.blocks += 1
                        for s in d["sections"].split(","):
                            if s:
                                summary.per_section[s] += 1
            if progress:
                progress(done, len(todo))
            if done % batch == 0:
                # Commit in batches so an interrupted run keeps what it finished.
                writer.commit()
                writer = ix.writer(timeout=wait) if wait else ix.writer()
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return summary


def _run(todo: list[str], jobs: int):
    if jobs == 1 or len(todo) < 4:
        _init_worker()
        yield from map(prepare, todo)
        return
    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    _init_worker()  # load jieba once; forked workers share it
    with ctx.Pool(jobs, initializer=_init_worker) as pool:
        yield from pool.imap(prepare, todo, chunksize=4)
