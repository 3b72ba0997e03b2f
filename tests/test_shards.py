"""Sharded indexes: built in local processes or on a Dask cluster, read by every command as one
index is, ranked exactly as one index of the same reports, and whole through killed runs and
lost workers.

The cluster tests need a real Dask cluster: .ci/run starts one (a scheduler and two one-thread
workers under nannies on 127.0.0.1), gives its address in $REPORTSEARCH_TEST_CLUSTER and stops it;
without the variable the tests start one the same way themselves (conftest.dask_cluster). Tests
that kill a worker kill its process; its nanny starts a new one, and the test waits for it, so the
cluster has two workers again for the next test.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zlib

import pytest
from test_reliability import _index_state, _texts, _versions, assert_each_report_old_or_new, changing_corpus

from conftest import CORPUS, ROOT, SHARED
from reportsearch.errors import IndexIncompatible
from reportsearch.facts import compare, indicators, recurring
from reportsearch.indexer import build, read_manifest, reports
from reportsearch.searcher import index_stats, report_blocks, search, tally

BULK_EVERY = 25  # 124 of the 3,004 bulk reports (crc32 of the name, so one pass reads the archive)


def _bench_queries() -> list[tuple[str, dict]]:
    """The bench's 14 mixed queries (bench/run.py MIXED)."""
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MIXED


MIXED = _bench_queries()


def _cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportsearch", *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, NO_COLOR="1", **(env or {})))


def _popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reportsearch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"),
                            start_new_session=True)


def _ranked(result) -> list[tuple]:
    """What must be equal between indexes: every entry's block, score and rank, in order."""
    if result.by == "block":
        return [(h.rank, h.block_id, h.score) for h in result.blocks]
    return [(r.rank, r.score, [(h.rank, h.block_id, h.score) for h in r.hits]) for r in result.reports]


def _assert_same_answers(single: str, sharded: str, cluster: str | None = None) -> None:
    """For the bench's 14 queries: the same top 10 reports (blocks, scores, order) and the same
    list of every matching block with its score, in order (so the same block sets)."""
    for q, kw in MIXED:
        want = search(q, index_dir=single, limit=10, **kw)
        got = search(q, index_dir=sharded, limit=10, cluster=cluster, **kw)
        assert (got.total, _ranked(got)) == (want.total, _ranked(want)), q
        assert want.total, f"{q}: no match in this corpus, so nothing is compared"
        want = search(q, index_dir=single, by="block", limit=100000, snippets=1, **kw)
        got = search(q, index_dir=sharded, by="block", limit=100000, snippets=1, cluster=cluster, **kw)
        assert _ranked(got) == _ranked(want), q
        assert tally(q, index_dir=sharded, cluster=cluster, **kw) == tally(q, index_dir=single, **kw), q


# ------------------------------------------------------------------ the samples, locally


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    root = tmp_path_factory.mktemp("samples")
    single, sharded = str(root / "single"), str(root / "sharded")
    build([str(CORPUS)], single, jobs=1)
    build([str(CORPUS)], sharded, shards=3, jobs=2)
    return single, sharded


def test_a_sharded_index_answers_every_command_as_one_index(samples, tmp_path):
    single, sharded = samples
    manifest = read_manifest(sharded)
    assert manifest.count == 3 and all(os.path.isdir(os.path.join(sharded, d)) for d in manifest.dirs)
    assert sorted(r["id"] for r in reports(sharded)) == sorted(r["id"] for r in reports(single))
    for q in ["行政复议", "执法 人员 素质", "section:存在问题 执法", "复议 -应诉", "改革 OR 法治"]:
        for by in ("report", "block"):
            a, b = search(q, index_dir=single, by=by, limit=50), search(q, index_dir=sharded, by=by, limit=50)
            assert (a.total, _ranked(a)) == (b.total, _ranked(b)), q
        assert tally(q, index_dir=single) == tally(q, index_dir=sharded)
    assert index_stats(sharded) == index_stats(single)
    assert report_blocks("linfen", sharded, "存在问题") == report_blocks("linfen", single, "存在问题")
    assert indicators(index_dir=sharded) == indicators(index_dir=single)
    assert compare("执法", index_dir=sharded, quotes=True) == compare("执法", index_dir=single, quotes=True)
    assert recurring(index_dir=sharded) == recurring(index_dir=single)
    # the command line too, `run` with its tables
    saved = tmp_path / "saved.toml"  # run: queries, their tallies, an indicator table and a comparison
    saved.write_text('[[query]]\nname = "复议"\nquery = "行政复议"\n\n[[query]]\nname = "问题"\nquery = "执法"\n'
                     'section = "存在问题"\n\n[[indicators]]\nname = "指标"\n\n[[compare]]\nname = "比较"\n'
                     'query = "执法"\n', encoding="utf-8")
    for args in (["stats"], ["run", str(saved), "--format", "json"]):
        a, b = _cli(*args, "--index", single), _cli(*args, "--index", sharded)
        assert (b.returncode, b.stdout) == (a.returncode, a.stdout), args


def test_ties_break_on_report_identity_then_block_number_in_any_index(tmp_path):
    """Three copies of one report under other names: equal scores everywhere, so the order is the
    global key's (report id, then block number), whichever shard or segment holds each copy."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("copy-1.txt", "copy-2.txt", "copy-3.txt"):  # ids not in name (index) order
        shutil.copy(CORPUS / "linfen-2021.txt", corpus / name)
    single, sharded = str(tmp_path / "single"), str(tmp_path / "sharded")
    build([str(corpus)], single, jobs=1)
    build([str(corpus)], sharded, shards=3, jobs=1)
    for ix in (single, sharded):
        res = search("行政复议", index_dir=ix, limit=10)
        ids = [r.report_id for r in res.reports]
        assert len(ids) == 3 and len({r.score for r in res.reports}) == 1 and ids == sorted(ids)
        blocks = search("行政复议", index_dir=ix, by="block", limit=100)
        keys = [(-h.score, h.report_id, int(h.block_id.rpartition(":")[2])) for h in blocks.blocks]
        assert keys == sorted(keys) and len(keys) == blocks.total
    assert _ranked(search("行政复议", index_dir=single, by="block", limit=4)) == \
        _ranked(search("行政复议", index_dir=sharded, by="block", limit=4))
    # an index whose segments hold the copies in another order (added one run at a time, last
    # name first): the limit cuts among equal scores by identity too, by report and by block
    grown = str(tmp_path / "grown")
    for name in ("copy-3.txt", "copy-1.txt", "copy-2.txt"):
        build([str(corpus / name)], grown, jobs=1)
    everyone = sorted(r.report_id for r in search("行政复议", index_dir=single, limit=10).reports)
    for ix in (single, sharded, grown):
        for n in (1, 2):
            for q in ("行政复议", "行政 复议 案件"):  # one word; several (the second pass weighs them)
                assert [r.report_id for r in search(q, index_dir=ix, limit=n).reports] == everyone[:n], (ix, q, n)
                assert _ranked(search(q, index_dir=ix, by="block", limit=n)) == \
                    _ranked(search(q, index_dir=single, by="block", limit=n)), (ix, q, n)


def test_an_index_run_keeps_the_shards_and_refuses_another_count(samples, tmp_path):
    _, sharded = samples
    before = read_manifest(sharded)
    again = build([str(CORPUS)], sharded)  # no --shards: the index's own
    assert (again.skipped, again.added, again.updated, again.removed) == (5, 0, 0, 0)
    assert read_manifest(sharded) == before  # nothing changed: no new commit for readers to reopen
    bad = _cli("index", str(CORPUS), "--index", sharded, "--shards", "2")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--rebuild --shards 2" in bad.stderr
    plain = str(tmp_path / "plain")
    build([str(CORPUS / "linfen-2021.txt")], plain, jobs=1)
    with pytest.raises(IndexIncompatible, match="not sharded"):
        build([str(CORPUS)], plain, shards=2)
    with open(os.path.join(sharded, "shards.json"), "w") as f:  # a garbled manifest: one line, rebuild
        f.write("{")
    damaged = _cli("search", "复议", "--index", sharded)
    assert damaged.returncode == 2 and damaged.stderr.count("\n") == 1 and "--rebuild" in damaged.stderr
    build([str(CORPUS)], sharded, rebuild=True, jobs=1)  # no --shards: as many as the shard directories
    assert read_manifest(sharded).count == 3
    assert search("行政复议", index_dir=sharded).total == search("行政复议", index_dir=samples[0]).total


def test_resharding_with_rebuild_keeps_every_report_once(tmp_path):
    ix = str(tmp_path / "ix")
    build([str(CORPUS)], ix, shards=3, jobs=1)
    build([str(CORPUS)], ix, shards=2, rebuild=True, jobs=1)
    assert read_manifest(ix).dirs == ["shard-000-of-002", "shard-001-of-002"]
    assert sorted(os.listdir(ix)) == ["jieba-dict.sqlite", "reportsearch_WRITELOCK", "shard-000-of-002",
                                      "shard-001-of-002", "shards.json"]
    assert len(reports(ix)) == 5 and len({r["id"] for r in reports(ix)}) == 5


KILLS = 3


def test_killed_sharded_index_runs_leave_every_report_whole(tmp_path):
    """As test_reliability's test for one index, on 3 shards: changed reports move to other shards
    (a new identity), and every SIGKILL leaves each report wholly old or wholly new, in one shard."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    v1, v2, names, texts, live = changing_corpus(tmp_path, 12)
    ix = str(tmp_path / "ix")
    args = ("index", str(live), "--index", ix, "--shards", "3", "--commit-every", "3", "--jobs", "2")
    assert _cli(*args).returncode == 0
    for n in names:
        shutil.copy(v2 / n, live / n)
    t = time.monotonic()
    assert _cli(*args).returncode == 0
    full_run = time.monotonic() - t
    from reportsearch.read import display_path
    path_of = {display_path(os.path.abspath(live / n)): n for n in names}
    kills = 0
    for _ in range(KILLS):
        before = _index_state(ix)
        for n in names:
            choice = rng.random()
            if choice < 0.1:
                (live / n).unlink(missing_ok=True)
            else:
                shutil.copy((v1 if choice < 0.5 else v2) / n, live / n)
        p = subprocess.Popen([sys.executable, "-m", "reportsearch", *args], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.1, 0.7) * full_run)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            kills += 1
        p.wait()
        after = _index_state(ix)  # no report twice (in two shards), none with missing blocks
        assert_each_report_old_or_new(before, after, path_of, live, (v1, v2), texts, seed)
    assert kills >= 1, f"seed {seed}: the runs finished before they could be killed"
    assert _cli(*args).returncode == 0
    final = _index_state(ix)
    assert sorted(path_of[p] for p in final) == sorted(os.listdir(live))
    for path, blocks in final.items():
        assert blocks == _texts(str(live / path_of[path]))


def test_an_unreachable_scheduler_is_one_line_with_its_address(samples):
    pytest.importorskip("distributed")
    import socket
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    for args in (["search", "复议", "--index", samples[1], "--cluster", address],
                 ["index", str(CORPUS), "--index", samples[1], "--cluster", address]):
        res = _cli(*args)
        assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
        assert address in res.stderr and "Traceback" not in res.stderr
    res = _cli("search", "复议", "--index", samples[1], env={"REPORTSEARCH_CLUSTER": "no-port-here"})
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "no-port-here" in res.stderr


# ------------------------------------------------------------------ on the cluster


@pytest.fixture(scope="module")
def cluster(dask_cluster):
    return dask_cluster


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client
    c = Client(cluster, timeout=30, set_as_default=False)
    c.wait_for_workers(2, timeout=60)
    yield c
    c.close()


def test_samples_built_and_searched_on_the_cluster_rank_as_one_index(samples, cluster, client, tmp_path):
    single = samples[0]
    ix = str(tmp_path / "ix")
    res = _cli("index", str(CORPUS), "--index", ix, "--shards", "3", "--cluster", cluster)
    assert res.returncode == 0, res.stderr
    for q in ["行政复议", "执法 人员 素质", "section:存在问题 执法", "复议 -应诉"]:
        for by in ("report", "block"):
            a, b = search(q, index_dir=single, by=by, limit=50), search(q, index_dir=ix, by=by, limit=50,
                                                                         cluster=cluster)
            assert (a.total, _ranked(a)) == (b.total, _ranked(b)), q
    got = _cli("search", "复议", "--index", ix, "--format", "json", env={"REPORTSEARCH_CLUSTER": cluster})
    assert got.stdout == _cli("search", "复议", "--index", single, "--format", "json").stdout
    # another index made at the same path (the same generations): no statistics of the old one are used
    shutil.rmtree(ix)
    two = [str(CORPUS / "linfen-2021.txt"), str(CORPUS / "ruian-2019.txt")]
    build(two, ix, shards=3, jobs=1)
    build(two, str(tmp_path / "single-two"), jobs=1)
    for q in ["行政复议", "执法 人员 素质"]:
        a, b = search(q, index_dir=str(tmp_path / "single-two")), search(q, index_dir=ix, cluster=cluster)
        assert (a.total, _ranked(a)) == (b.total, _ranked(b)), q


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    """124 bulk reports, and one index of them."""
    tar = SHARED / "bulk" / "gov-work-reports.tar.xz"
    if not tar.exists():
        pytest.skip(f"{tar} is not here (only in the project's workplace)")
    root = tmp_path_factory.mktemp("bulk")
    corpus = root / "corpus"
    with tarfile.open(tar, "r|xz") as t:
        for m in t:
            if m.isfile() and m.name.endswith(".md") and zlib.crc32(m.name.encode()) % BULK_EVERY == 0:
                t.extract(m, corpus, filter="data")
    single = str(root / "single")
    build([str(corpus)], single)
    return corpus, single


@pytest.mark.bulk
def test_bulk_slice_sharded_reads_as_one_index(bulk, cluster, tmp_path):
    """Built by the cluster's workers (3 shards), read locally and searched on the cluster: the bench's
    queries answer as one index does. (The samples fixture builds shards in local processes.)"""
    corpus, single = bulk
    ix = str(tmp_path / "sharded")
    summary = build([str(corpus)], ix, shards=3, cluster=cluster)
    assert summary.added == len(reports(single)) >= 100 and not summary.failed
    sizes = [len(os.listdir(os.path.join(ix, d))) for d in read_manifest(ix).dirs]
    assert all(sizes), "a shard got no report"
    _assert_same_answers(single, ix)
    _assert_same_answers(single, ix, cluster=cluster)


def _processing(client, prefix: str) -> dict[str, list[str]]:
    """worker → the keys it is running or holds that start with prefix."""
    return {w: [k for k in keys if str(k).startswith(prefix)] for w, keys in client.processing().items()}


def _kill_worker(client, worker: str) -> None:
    pid = client.run(os.getpid, workers=[worker])[worker]
    os.kill(pid, signal.SIGKILL)


def _wait_for(condition, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = condition()
        if got:
            return got
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_during_a_build_still_gives_a_complete_index(cluster, client, tmp_path):
    v1, _ = _versions(tmp_path, 16)
    ix = str(tmp_path / "ix")
    p = _popen("index", str(v1), "--index", ix, "--shards", "3", "--cluster", cluster)
    try:
        busy = _wait_for(lambda: [w for w, keys in _processing(client, "reportsearch-index").items() if keys],
                         120, "a build task on a worker")
        _kill_worker(client, busy[0])  # its tasks go back to the scheduler and run on the other worker
        _, err = p.communicate(timeout=300)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    client.wait_for_workers(2, timeout=60)  # the nanny's new worker
    assert p.returncode == 0, err
    state = _index_state(ix)
    assert sorted(os.path.basename(path) for path in state) == sorted(os.listdir(v1))
    for path, blocks in state.items():
        assert blocks == _texts(path)
    assert search("报告编号", index_dir=ix, by="block", limit=1000).total >= 16


def test_a_worker_lost_during_a_search_is_named_or_left_out_with_partial(samples, cluster, client, tmp_path):
    """One worker is kept busy, so the shards it searches wait; it is killed while they wait. The
    search names them in one line (exit 2); with --partial it answers from the other worker's
    shard and says the answer is incomplete, on stderr and in the JSON."""
    sharded = samples[1]
    workers = sorted(client.scheduler_info(n_workers=-1)["workers"])
    victim = workers[0]  # searches shards 0 and 2 of 3 (shard i: worker i mod 2, sorted by address)
    blocker = client.submit(time.sleep, 300, workers=[victim], allow_other_workers=False, pure=False)
    env_args = ("--index", sharded, "--cluster", cluster)
    plain = _popen("search", "行政复议", *env_args)
    partial = _popen("search", "行政复议", *env_args, "--partial", "--format", "json")
    try:
        _wait_for(lambda: len(_processing(client, "reportsearch-shard-stats").get(victim, [])) >= 4, 120,
                  "both searches' shards on the busy worker")
        _kill_worker(client, victim)
        out, err = plain.communicate(timeout=120)
        assert plain.returncode == 2 and err.count("\n") == 1, err
        assert "shard-000-of-003" in err and "shard-002-of-003" in err and "shard-001" not in err
        assert victim in err and "--partial" in err
        out, err = partial.communicate(timeout=120)
        assert partial.returncode in (0, 1), err  # 1: no hits in the shard left; a crash fails the line checks below
        assert err.count("\n") == 1 and "incomplete" in err and "shard-000-of-003, shard-002-of-003" in err
        doc = json.loads(out)
        assert doc["incomplete"] is True and doc["missing_shards"] == ["shard-000-of-003", "shard-002-of-003"]
        copy = str(tmp_path / "shard-001-alone")  # the shard as an index of its own (a copy: in the
        shutil.copytree(os.path.join(sharded, "shard-001-of-003"), copy)  # index, --index refuses it)
        alone = search("行政复议", index_dir=copy)
        assert doc["total_blocks"] == alone.total
        assert [r["report"] for r in doc["reports"]] == [r.report_id for r in alone.reports]
    finally:
        for p in (plain, partial):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        blocker.release()
        client.wait_for_workers(2, timeout=60)
