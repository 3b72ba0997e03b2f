"""Writing: a worker reads, parses and folds its share of the files and writes them into one new,
uncommitted Whoosh segment with its side files; the run's process commits the segments together
with its deletions (build.py)."""
from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ..errors import UnreadableReport
from ..read import display_path
from ..report import check_figures, extract_figures, file_budget, outline, sentences
from . import places, store
from .features import block_code, glossary_runs, opens_with_heading
from .files import INDEX_NAME
from .store import bucket

BLOCK_LIMIT = 1024  # postings per Whoosh block: fewer, larger pickles to write and read


def report_id(path: str, digest: str) -> str:
    """A report's identity: its file name and content. It survives moving or copying the corpus (or a
    project with its index); two files are one report only if both their names and bytes are equal."""
    name = os.path.basename(path).encode("utf-8", "surrogateescape")
    return hashlib.sha1(name + b"\0" + digest.encode()).hexdigest()[:16]


def _sentence_ends(text: str) -> list[int]:
    ends, pos = [], 0
    for s in sentences(text):
        pos += len(s)
        ends.append(pos)
    return ends


def prepare(path: str, digest: str) -> tuple[store.ReportRecord | None, str | None]:
    """Read and parse one report and fold its blocks for the index (runs in a worker): (record, error).
    Reading the file and finding its figures share the file's time budget."""
    try:
        with file_budget(path):
            report = outline(path)
            figures = figures_record(report)
    except UnreadableReport as e:  # also any other exception while reading it (see outline)
        return None, e.reason
    m = report.meta
    meta = {"title": m.title, "region": m.region, "issuer": m.issuer, "year": m.year, "report_year": m.report_year,
            "published": m.published}
    # for region filters: the places above the region (GB/T 2260), and the place's own names
    meta.update((k, v) for k, v in places.region_fields(m.region, m.year).items() if k != "fr")
    heading_cache: dict[tuple[str, ...], str] = {}
    texts, masks, headings, codes, shown = [], [], [], [], []
    glossary = glossary_runs([b.text for b in report.blocks])
    for i, b in enumerate(report.blocks):
        # the heading a block is ranked by: the last two levels above it. A block that opens with its
        # own heading (a heading block, a run-in title) has those words in its text already; the
        # heading's weight goes to the blocks under it, so this block is ranked by its parents'
        key = tuple(b.heading[:-1] if opens_with_heading(b.text, b.heading, b.kind) else b.heading)
        if key not in heading_cache:
            heading_cache[key] = store.compact(" ".join(key[-2:]))
        labels = [s.value for s in b.labels]
        texts.append(store.compact(b.text))
        masks.append(store.section_mask(labels))
        headings.append(heading_cache[key])
        codes.append(block_code(b.text, b.heading, b.kind, i in glossary))
        shown.append({"heading": b.heading, "text": b.text, "labels": labels, "kind": b.kind,
                      "ends": _sentence_ends(b.text)})
    apath = os.path.abspath(path)
    if display_path(apath) != apath:  # bytes that are not UTF-8: keep the exact name too, for scripts
        meta["xp"] = os.fsencode(apath).hex()
    return store.ReportRecord(id=report_id(path, digest), path=display_path(apath),
                              real=display_path(os.path.realpath(path)), hash=digest, meta=meta, texts=texts,
                              masks=masks, headings=headings, codes=codes, display=store.display_blob(shown),
                              warnings=list(report.warnings), figures=figures), None


def figures_record(report) -> dict:
    """The figures a report states, with their checks, as the index stores them ({} for none)."""
    figures = extract_figures(report)
    if not figures:
        return {}
    checks = check_figures(figures)
    return {"figures": [dataclasses.asdict(f) for f in figures],
            "checks": [dataclasses.asdict(c) for c in checks]}


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


def commit(writer, segments: list, drop_old: bool = False) -> None:
    """Commit the writer's deletions together with segments written by workers, in one atomic
    table-of-contents write (the run's lock stays held; the writer holds none of its own)."""
    final = [] if drop_old else writer._merge_segments(None, None, False)
    writer._close_segment()
    writer._commit_toc(final + [s for s in segments if s is not None])
    writer._finish()


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


def start_pool(jobs: int):
    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    return ctx.Pool(jobs, initializer=_init_worker, initargs=(counter,)), counter


def write_segments(pool, counter, index_dir: str, files: list[tuple[str, str]], jobs: int,
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
