"""Issue 24's sharded index tried as a hostile new user would: one test per problem found, each
failing before its fix. They run the command line on the samples (and, for cluster cases, the
real local cluster of conftest.dask_cluster)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, local_cluster
from reportsearch.indexer import build, read_manifest, reports

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportsearch", *args], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, NO_COLOR="1", **(env or {})))


def _one_error(res: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2 with one `error:` line on stderr (no traceback, nothing raw), holding each of words."""
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: "), res.stderr
    assert "Traceback" not in res.stderr and not UNSAFE.search(res.stderr), res.stderr
    for w in words:
        assert w in res.stderr, (w, res.stderr)


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """An index of the samples in 3 shards, to copy."""
    d = str(tmp_path_factory.mktemp("sharded") / "ix")
    build([str(CORPUS)], d, shards=3, jobs=1)
    return d


def _edit_manifest(ix: str, change) -> None:
    path = os.path.join(ix, "shards.json")
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    change(m)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(m, f)


EDITS = {
    "empty shard name": lambda m: m["shards"][0].update(dir=""),
    "a shard twice": lambda m: m["shards"].__setitem__(1, dict(m["shards"][0])),
    "a shard left out": lambda m: m["shards"].pop(),
    "another count's name": lambda m: m["shards"][0].update(dir="shard-000-of-002"),
    "control characters": lambda m: m["shards"][0].update(dir="\x1b[31mshard"),
    "a negative generation": lambda m: m["shards"][0].update(generation=-1),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_hand_edited_manifest_is_damaged_and_a_rebuild_deletes_nothing_else(sharded, tmp_path, edit):
    """A manifest naming shards other than shard-000-of-00N … in order (an empty name, one twice, one
    left out) is damaged: search and index say so in one line, never answer from some of the shards;
    and `--rebuild`, which the line suggests, rebuilds the index in its own directory (an empty shard
    name made it delete the whole index directory)."""
    ix = str(tmp_path / "ix")
    shutil.copytree(sharded, ix)
    (tmp_path / "keep.txt").write_text("not the index's")
    _edit_manifest(ix, EDITS[edit])
    _one_error(_cli("search", "复议", "--index", ix), "damaged", "--rebuild")
    _one_error(_cli("index", str(CORPUS), "--index", ix), "damaged", "--rebuild")
    res = _cli("index", str(CORPUS), "--index", ix, "--rebuild")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "keep.txt").exists() and os.path.isdir(ix)
    assert read_manifest(ix).count == 3 and len(reports(ix)) == 5


def _break_shard(ix: str, how: str) -> None:
    shard = os.path.join(ix, "shard-001-of-003")
    if how == "deleted":
        shutil.rmtree(shard)
    elif how == "a file":
        shutil.rmtree(shard)
        with open(shard, "w") as f:
            f.write("not a shard")
    else:  # its commit's table of contents gone
        for name in os.listdir(shard):
            if name.endswith(".toc"):
                os.unlink(os.path.join(shard, name))


@pytest.mark.parametrize("how", ["deleted", "a file", "without its commit"])
def test_a_damaged_shard_asks_for_a_rebuild_of_the_index_and_the_rebuild_repairs_it(sharded, tmp_path, how):
    """A shard directory deleted, replaced by a file, or missing its commit: `index` says the index
    (not the shard, as if it were an index of its own) is damaged and asks for --rebuild, and
    `--rebuild` repairs it (it stopped at the broken shard: "cannot create or open an index")."""
    ix = str(tmp_path / "ix")
    shutil.copytree(sharded, ix)
    _break_shard(ix, how)
    _one_error(_cli("search", "复议", "--index", ix), f"index at {ix} is damaged", f"--rebuild --index {ix}")
    _one_error(_cli("index", str(CORPUS), "--index", ix), f"index at {ix} is damaged", f"--rebuild --index {ix}")
    res = _cli("index", str(CORPUS), "--index", ix, "--rebuild")
    assert res.returncode == 0, res.stderr
    assert read_manifest(ix).count == 3 and len(reports(ix)) == 5
    assert sorted(os.listdir(ix)) == ["jieba-dict.sqlite", "reportsearch_WRITELOCK", "shard-000-of-003",
                                      "shard-001-of-003", "shard-002-of-003", "shards.json"]


def test_a_port_that_is_not_a_scheduler_is_one_line_not_a_hang(sharded, monkeypatch):
    """--cluster at a port where a plain HTTP server (or any server that waits for its client to speak
    first) listens: Dask's client waited forever for the scheduler's greeting; now one line naming the
    address, within the connect timeout. A server that greets with something else (an SSH banner)
    is refused at once."""
    pytest.importorskip("distributed")
    import socket
    import threading

    from reportsearch.errors import ClusterError
    from reportsearch.indexer import cluster
    from reportsearch.searcher import search

    def serve(greeting: bytes) -> tuple[str, socket.socket]:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        held = []

        def accept() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                held.append(conn)
                if greeting:
                    conn.sendall(greeting)
        threading.Thread(target=accept, daemon=True).start()
        return f"tcp://127.0.0.1:{server.getsockname()[1]}", server

    silent, s1 = serve(b"")
    banner, s2 = serve(b"SSH-2.0-OpenSSH_9.6\r\n")
    try:
        monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1.0)
        got: list = []

        def attempt() -> None:
            try:
                search("复议", index_dir=sharded, cluster=silent)
            except BaseException as e:
                got.append(e)
        t = threading.Thread(target=attempt, daemon=True)  # a hang fails the test, not the session
        t.start()
        t.join(30)
        assert got, "no answer from --cluster at a silent port in 30 s"
        assert isinstance(got[0], ClusterError) and silent in str(got[0]), got[0]
        res = _cli("search", "复议", "--index", sharded, "--cluster", banner, timeout=60)
        _one_error(res, banner, "scheduler")
    finally:
        s1.close()
        s2.close()


@pytest.mark.parametrize("how", ["deleted", "without its commit"])
def test_a_damaged_shard_is_the_same_one_line_on_the_cluster(sharded, dask_cluster, tmp_path, how):
    """On the cluster as here: a shard deleted (or without its commit) after the workers opened it
    was still searched from their open files (exit 0, as if the index were whole); one never opened
    was 'no shard … (shared storage)', and a damaged one named the shard as an index to rebuild."""
    for opened in (True, False):
        ix = str(tmp_path / f"ix-{opened}")
        shutil.copytree(sharded, ix)
        if opened:
            res = _cli("search", "复议", "--index", ix, "--cluster", dask_cluster)
            assert res.returncode == 0, res.stderr
        _break_shard(ix, how)
        local = _cli("search", "复议", "--index", ix)
        _one_error(local, f"index at {ix} is damaged", f"--rebuild --index {ix}")
        res = _cli("search", "复议", "--index", ix, "--cluster", dask_cluster)
        _one_error(res, f"index at {ix} is damaged", f"--rebuild --index {ix}")
        assert "shard-001-of-003" in res.stderr and f"--index {ix}/" not in res.stderr


def test_searching_a_shard_directory_is_refused_and_points_at_the_index(sharded):
    """`search --index IX/shard-000-of-003` answered silently from one shard, with that shard's
    statistics (other scores and reports than the index's) and its latest commit rather than the one
    the manifest names. Now one line pointing at the index, as `index` gives."""
    shard = os.path.join(sharded, "shard-000-of-003")
    for args in (["search", "执法"], ["stats"], ["indicators"]):
        _one_error(_cli(*args, "--index", shard), "shard", f"--index {sharded}")


def test_indexing_into_a_shard_directory_is_refused_and_leaves_the_index_whole(sharded, tmp_path):
    """`index … --index IX/shard-000-of-003` (a shard is an index of its own, so it looked like one)
    committed there as into a plain index, and Whoosh's commit deleted the generation the manifest
    names: the whole sharded index was damaged. Now one line pointing at the index; nothing changed."""
    ix = str(tmp_path / "ix")
    shutil.copytree(sharded, ix)
    shard = os.path.join(ix, "shard-000-of-003")
    before = sorted(os.listdir(shard))
    for extra in ([], ["--rebuild"]):
        res = _cli("index", str(CORPUS / "linfen-2021.txt"), "--index", shard, *extra)
        _one_error(res, "shard", f"--index {ix}")
    assert sorted(os.listdir(shard)) == before
    assert len(reports(ix)) == 5


@pytest.mark.parametrize("extra", [[], ["--rebuild"], ["--cluster"]])
def test_a_first_sharded_run_interrupted_before_its_commit_resumes_without_shards(sharded, dask_cluster, tmp_path,
                                                                                  extra):
    """Ctrl-C in a first `index --shards 3` run before its first commit leaves shard directories and
    no shards.json. Running the command again as the README says later runs go (no --shards), or with
    --rebuild as `search` then advises, said the directory "holds files that are not an index" (or,
    with --cluster, asked for --shards); now it carries on with the directories' shard count."""
    ix = str(tmp_path / "ix")
    shutil.copytree(sharded, ix)
    os.unlink(os.path.join(ix, "shards.json"))  # the state such a run leaves
    args = [a if a != "--cluster" else f"--cluster={dask_cluster}" for a in extra]
    res = _cli("index", str(CORPUS), "--index", ix, *args)
    assert res.returncode == 0, res.stderr
    assert read_manifest(ix).count == 3 and len(reports(ix)) == 5


def test_stray_files_in_a_sharded_index_directory_are_left_alone_as_in_one_index(sharded, tmp_path):
    """An editor's backup of a hand-edited shards.json (shards.json~) or a note in the directory of a
    sharded index stopped every later index run ("choose an empty directory for --index"), where one
    index keeps working with them. A directory that is not an index yet is still refused."""
    ix = str(tmp_path / "ix")
    shutil.copytree(sharded, ix)
    shutil.copy(os.path.join(ix, "shards.json"), os.path.join(ix, "shards.json~"))
    with open(os.path.join(ix, "notes.txt"), "w") as f:
        f.write("mine")
    res = _cli("index", str(CORPUS), "--index", ix)
    assert res.returncode == 0, res.stderr
    assert os.path.exists(os.path.join(ix, "shards.json~")) and os.path.exists(os.path.join(ix, "notes.txt"))
    res = _cli("index", str(CORPUS), "--index", ix, "--rebuild")
    assert res.returncode == 0, res.stderr
    assert os.path.exists(os.path.join(ix, "notes.txt")) and len(reports(ix)) == 5
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    _one_error(_cli("index", str(CORPUS), "--index", str(other), "--shards", "2"), "notes.txt")


def test_a_worker_with_another_reportsearch_is_named_before_any_task(sharded, tmp_path):
    """A worker whose Python has another reportsearch (or none) died at its first task, and the search
    said "lost shards … with worker … — search again" (no use), an index run "no workers". Now one line
    naming the worker and both versions, before anything is sent."""
    fake = tmp_path / "fake"
    (fake / "reportsearch").mkdir(parents=True)
    (fake / "reportsearch" / "__init__.py").write_text("raise ImportError('not this reportsearch')\n")
    (fake / "reportsearch-0.0.1.dist-info").mkdir()
    (fake / "reportsearch-0.0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: reportsearch\nVersion: 0.0.1\n")
    with local_cluster(tmp_path / "cluster", workers=1, worker_env={"PYTHONPATH": str(fake)}, nanny=False) as address:
        for args in (["search", "复议", "--index", sharded], ["index", str(CORPUS), "--index", str(tmp_path / "ix"),
                                                             "--shards", "2"]):
            _one_error(_cli(*args, "--cluster", address), "reportsearch 0.0.1", "same version")


def test_a_scheduler_without_workers_is_refused_every_time_not_only_the_first(tmp_path):
    """The client was kept for the process before its checks: a second build or search in one process
    got it back unchecked and waited for workers forever (holding the write lock). Every try now says
    there are no workers."""
    from reportsearch.errors import ClusterError
    from reportsearch.indexer import connect

    with local_cluster(tmp_path / "cluster", workers=0) as address:
        for _ in range(2):
            with pytest.raises(ClusterError, match="has no workers"):
                connect(address)
