"""search() and tally() as the package offers them: here (engine.py) or, given a Dask cluster, on
the workers where a sharded index's shards are searched.

Without a cluster (no `cluster=` and no $REPORTSEARCH_CLUSTER) both are engine.py's own, and a
sharded index reads as one index there (the indexer's ShardedSnapshot); dask is never imported.
With one, a query runs in two rounds of one task per shard:

1. the client compiles the query (with the index's dictionary copy) and reads the manifest; each
   shard returns its report count, its field lengths and its document frequency of every query
   word. Summed, they are the statistics one index of the same reports has. They never change
   within a shard's generation, so the client keeps them and asks only for words it lacks.
2. each shard ranks its blocks with those statistics (engine.ranked, exact scores) and returns its
   best `limit` entries with their snippets; the client merges them in the order engine.ranked
   uses (score, then report identity, then block number), keeps `limit` and rounds the scores.

So the answer is the one a single index gives: the same blocks, scores and order. Shard i is
searched by worker i mod W (the workers sorted by address), which keeps the shard open between
queries. A worker lost while it searches: the answer would miss its shards, so ClusterError
names them; with partial=True the answer comes without them, its `missing` listing them.
"""
from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass

from ..errors import BadArgument, ClusterError, IndexDamaged, IndexIncompatible, IndexMissing
from ..indexer import (
    averages,
    cluster_address,
    connect,
    default_index_dir,
    index_command,
    open_index,
    open_shard,
    read_manifest,
    shard_stamp,
)
from ..indexer import workers as cluster_workers
from . import engine
from .query import compile_query
from .results import BY_VALUES, SearchResult, Tally

WAIT_SECONDS = 120.0  # a shard that has not answered by then is missing (its worker hangs)


def search(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
           year: str | int | None = None, limit: int = 10, by: str = "report", per_report: int = 3,
           snippets: int = 2, explain: bool = False, cluster: str | None = None, partial: bool = False) -> SearchResult:
    """Ranked results for a query (engine.search), on the Dask cluster at `cluster` (or
    $REPORTSEARCH_CLUSTER) when there is one. A shard lost on the way: ClusterError, or with
    partial=True the results without it (`missing` names it)."""
    address = cluster_address(cluster)
    if address is None:
        return engine.search(q, index_dir=index_dir, sections=sections, region=region, year=year, limit=limit,
                             by=by, per_report=per_report, snippets=snippets, explain=explain)
    sections, region, year = engine.check_filters(q, sections, region, year)
    limit, per_report, snippets = (engine._positive(n, v) for n, v in
                                   (("limit", limit), ("per_report", per_report), ("snippets", snippets)))
    if by not in BY_VALUES:
        raise BadArgument(f"by must be \"report\" or \"block\", not {by!r}")
    index_dir = index_dir or default_index_dir()
    shards, uid = _shards(index_dir)
    compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
    client = connect(address)
    place = _placement(client, len(shards))
    counts, missing = _statistics(client, place, shards, compiled.words, uid, partial, index_dir)
    if not counts:  # every shard lost (partial)
        return _merged(q, by, limit, [], missing, compiled.warnings)
    stats = _Stats(sum(c[0] for c in counts.values()),
                   averages(tuple(map(sum, zip(*(c[1] for c in counts.values()))))),
                   {w: sum(c[2][w] for c in counts.values()) for w in compiled.words})
    answers, lost = _on_workers(client, place, _shard_search,
                                [(d, g, uid, stats, compiled, q, by, limit, per_report, snippets, explain)
                                 for d, g in shards],
                                shards, partial, skip=missing, index_dir=index_dir)
    return _merged(q, by, limit, list(answers.values()), sorted(set(missing) | set(lost)), compiled.warnings)


def tally(q: str, *, index_dir: str | None = None, sections: tuple[str, ...] | str = (), region: str | None = None,
          year: str | int | None = None, cluster: str | None = None) -> Tally:
    """Every block the query matches, counted (engine.tally), on the cluster when there is one."""
    address = cluster_address(cluster)
    if address is None:
        return engine.tally(q, index_dir=index_dir, sections=sections, region=region, year=year)
    sections, region, year = engine.check_filters(q, sections, region, year)
    index_dir = index_dir or default_index_dir()
    shards, uid = _shards(index_dir)
    compiled = compile_query(q, sections=sections, region=region, year=year, index_dir=index_dir)
    client = connect(address)
    parts, _ = _on_workers(client, _placement(client, len(shards)), _shard_tally,
                           [(d, g, uid, compiled, q) for d, g in shards], shards, False, index_dir=index_dir)
    out = Tally(query=q)
    for t in parts.values():
        out.blocks += t.blocks
        out.reports += t.reports
        out.sections.update(t.sections)
        out.region_blocks.update(t.region_blocks)
        for reg, c in t.regions.items():
            out.regions.setdefault(reg, Counter()).update(c)
    return out


_known: dict[tuple, tuple[int, tuple, dict[str, int]]] = {}  # (index uid, shard, generation) → its statistics


def _statistics(client, place: list[str], shards: list[tuple[str, int]], words: list[str], uid: str,
                partial: bool, index_dir: str) -> tuple[dict[int, tuple], list[str]]:
    """Each shard's report count, field lengths and the words' document frequencies: the first round,
    asked only of shards whose figures for these words at this generation are not known yet (they
    never change within a generation of one index)."""
    keys = [(uid, d, g) for d, g in shards]
    need = {os.path.basename(d) for (d, _), k in zip(shards, keys)
            if not set(words) <= _known.get(k, (0, (), {}))[2].keys()}
    got, missing = {}, []
    if need:
        skip = {os.path.basename(d) for d, _ in shards} - need
        got, missing = _on_workers(client, place, _shard_stats, [(d, g, uid, words) for d, g in shards], shards,
                                   partial, skip=skip, index_dir=index_dir)
    known = {}
    for i, k in enumerate(keys):
        if i in got:
            old = _known.get(k)
            df = old[2] if old and len(old[2]) < 100_000 else {}
            for stale in [x for x in _known if x[1] == k[1] and x != k]:  # the shard's older commits
                del _known[stale]
            known[i] = _known[k] = (got[i][0], got[i][1], dict(df, **got[i][2]))
        elif os.path.basename(shards[i][0]) not in missing:
            known[i] = _known[k]
    return known, missing


def _shards(index_dir: str) -> tuple[list[tuple[str, int]], str]:
    """(absolute shard directory, generation) per shard, as the manifest names them, and the index's
    uid; an index that is not sharded is one shard, at its latest commit, and its uid is the identity
    of that commit's table of contents (inode and time: another index at the path has another)."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        ix = open_index(index_dir)
        gen = ix.latest_generation()
        toc = os.stat(os.path.join(index_dir, f"_{ix.indexname}_{gen}.toc"))
        return [(os.path.abspath(index_dir), gen)], f"toc-{toc.st_ino}-{toc.st_mtime_ns}"
    return [(os.path.abspath(os.path.join(index_dir, d)), g)
            for d, g in zip(manifest.dirs, manifest.generations)], manifest.uid


def _placement(client, n: int) -> list[str]:
    """The worker that searches each shard: shard i on worker i mod W, the workers sorted by address."""
    ws = cluster_workers(client)
    if not ws:
        raise ClusterError("the Dask cluster has no workers left — start some (`dask worker ADDRESS`)")
    return [ws[i % len(ws)] for i in range(n)]


def _shard_failure(index_dir: str, shard: tuple[str, int], worker: str, e: BaseException) -> BaseException:
    """A shard's task failed: a shard missing or damaged here too is the index's damage (named as a
    search here names it); one that only the worker cannot find is a matter of shared storage."""
    if not isinstance(e, (IndexMissing, IndexIncompatible)):
        return e
    path, generation = shard
    if isinstance(e, IndexMissing) and shard_stamp(path, generation) is not None:
        return ClusterError(f"worker {worker} finds no shard at {path} — the workers must reach the index "
                            f"directory at the same path as here (shared storage)")
    what = "" if os.path.abspath(index_dir) == path else f"{os.path.basename(path)}: "
    why = "its commit is missing" if shard_stamp(path, generation) is None else type(e).__name__
    return IndexDamaged(f"the index at {index_dir} is damaged ({what}{why}) — run "
                        f"`{index_command(index_dir, '--rebuild')}` with the report paths to rebuild it")


def _on_workers(client, place: list[str], fn, jobs: list[tuple], shards: list[tuple[str, int]], partial: bool,
                skip=(), *, index_dir: str) -> tuple[dict[int, object], list[str]]:
    """fn(*job) for shard i on worker place[i] (only there: its answer is needed now, not after a
    retry elsewhere): {shard: result} and the names of the shards whose worker left or did not
    answer. Missing shards without partial: ClusterError naming them."""
    tag = os.urandom(4).hex()
    name = fn.__name__.strip("_").replace("_", "-")
    futures = {i: client.submit(fn, *job, key=f"reportsearch-{name}-{i}-{tag}", pure=False,
                                workers=[place[i]], allow_other_workers=False)
               for i, job in enumerate(jobs) if os.path.basename(shards[i][0]) not in skip}
    settled = threading.Event()  # set as any task finishes, fails or is cancelled
    for f in futures.values():
        f.add_done_callback(lambda _: settled.set())
    results: dict[int, object] = {}
    lost: list[int] = []
    deadline = time.monotonic() + WAIT_SECONDS
    failed: BaseException | None = None
    try:
        while futures and failed is None:
            quiet = not settled.wait(0.05)
            settled.clear()
            for i, f in list(futures.items()):
                if f.status == "finished":
                    results[i] = f.result()
                    del futures[i]
                elif f.status == "error":  # the task's own error (a damaged shard): raised below
                    failed = failed or _shard_failure(index_dir, shards[i], place[i], f.exception())
                    del futures[i]
                elif f.status != "pending":  # cancelled or lost by the scheduler
                    lost.append(i)
                    del futures[i]
            if futures and quiet:  # nothing answered for a while: are their workers still there?
                alive = set(client.nthreads())
                for i in [i for i in futures if place[i] not in alive or time.monotonic() > deadline]:
                    futures.pop(i).cancel()
                    lost.append(i)
    except OSError as e:  # the connection to the scheduler (Dask's CommClosedError is one)
        raise ClusterError(f"lost the Dask scheduler at {client.scheduler.address} ({e}) — check that it runs")
    finally:
        for f in futures.values():
            f.cancel()
    if failed is not None:
        raise failed
    names = [os.path.basename(shards[i][0]) for i in sorted(lost)]
    if names and not partial:
        who = ", ".join(sorted({place[i] for i in lost}))
        raise ClusterError(f"lost shard{'s' if len(names) > 1 else ''} {', '.join(names)} with worker {who} during "
                           f"the search — search again, or pass --partial for the other shards' results")
    return results, names


@dataclass
class _Stats:
    """The whole index's statistics, from every shard: reports, average field lengths, document
    frequency of each query word."""

    reports: int
    averages: tuple[float, float, float]
    df: dict[str, int]


class _Scoped:
    """A shard's snapshot with the whole index's statistics: what rank.py reads of a snapshot."""

    def __init__(self, snap, stats: _Stats) -> None:
        self.segments = snap.segments
        self.reports = stats.reports
        self.avg_text, self.avg_heading, self.avg_title = stats.averages
        self._df = stats.df

    def doc_freq(self, word: str) -> int:
        return self._df[word]


_open: dict[str, tuple] = {}  # in a worker: shard directory → (index uid, generation, its snapshot, stamp)
_opening = threading.Lock()


def _shard(shard_dir: str, generation: int, uid: str):
    """The shard at this generation of this index (a new index at the same path has other files),
    reopened when its commit's files are gone or replaced (a deleted shard fails as it does here)."""
    stamp = shard_stamp(shard_dir, generation)
    with _opening:
        got = _open.get(shard_dir)
        if got is None or got[:2] != (uid, generation) or got[3] != stamp or stamp is None:
            _open.pop(shard_dir, None)  # the old one is left to the garbage collector: a query may read it
            got = _open[shard_dir] = (uid, generation, open_shard(shard_dir, generation), stamp)
        return got[2]


def _shard_stats(shard_dir: str, generation: int, uid: str, words: list[str]) -> tuple[int, tuple, dict[str, int]]:
    snap = _shard(shard_dir, generation, uid)
    return snap.reports, snap.totals, {w: snap.doc_freq(w) for w in words}


def _shard_search(shard_dir: str, generation: int, uid: str, stats: _Stats, compiled, q: str, by: str, limit: int,
                  per_report: int, snippets: int, explain: bool) -> SearchResult:
    return engine.ranked(_Scoped(_shard(shard_dir, generation, uid), stats), compiled, q, by=by, limit=limit,
                         per_report=per_report, snippets=snippets, digits=None, explain=explain)


def _shard_tally(shard_dir: str, generation: int, uid: str, compiled, q: str) -> Tally:
    return engine.counted(_shard(shard_dir, generation, uid), compiled, q)


def _key(hit_score: float, report_id: str, block_id: str) -> tuple:
    """engine.ranked's order: score, report identity, block number in the report."""
    return -hit_score, report_id, int(block_id.rpartition(":")[2])


def _merged(q: str, by: str, limit: int, answers: list[SearchResult], missing: list[str],
            warnings: list[str]) -> SearchResult:
    """The shards' answers as one: merged in engine.ranked's order, `limit` kept, scores rounded."""
    out = SearchResult(query=q, by=by, total=sum(a.total for a in answers), missing=missing,
                       warnings=list(warnings))
    if by == "block":
        out.blocks = sorted((h for a in answers for h in a.blocks),
                            key=lambda h: _key(h.score, h.report_id, h.block_id))[:limit]
        hits = out.blocks
        for rank, h in enumerate(out.blocks, 1):
            h.rank = rank
    else:
        out.reports = sorted((r for a in answers for r in a.reports),
                             key=lambda r: _key(r.hits[0].score, r.report_id, r.hits[0].block_id))[:limit]
        hits = [h for r in out.reports for h in r.hits]
        for rank, r in enumerate(out.reports, 1):
            r.rank = rank
    for h in hits:
        h.score = round(h.score, 4)
    for r in out.reports:
        r.score = r.hits[0].score
    return out

