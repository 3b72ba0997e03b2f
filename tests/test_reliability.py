"""Reliability: hostile files, hostile queries, killed and concurrent index runs, foreign indexes.

Each test tries the thing for real (files on disk, processes killed with SIGKILL, two writers at
once) and then checks that the index opens, every search works and nothing was lost.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import FileStorage

from conftest import CORPUS, SAMPLES
from reportsearch.cli import main
from reportsearch.errors import ReportSearchError
from reportsearch.indexer import SCHEMA_VERSION, build, open_index, reports, store
from reportsearch.indexer import sync as indexing
from reportsearch.read import display_path
from reportsearch.report import outline
from reportsearch.searcher import report_blocks, search

KILLS = 8  # SIGKILLs per run of test_killed_index_runs_leave_every_report_whole


def _cli(*args: str, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "reportsearch", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, **kw)


def _index_state(ix_dir: str) -> dict[str, list[str]]:
    """path → block texts in order, for every report in the index (reports must not repeat)."""
    listed = reports(ix_dir)
    paths = [r["path"] for r in listed]
    assert len(paths) == len(set(paths)), "a report is in the index twice"
    out = {}
    for r in listed:
        blocks = report_blocks(r["id"], ix_dir)["blocks"]
        assert len(blocks) == r["blocks"], f"{r['path']}: {len(blocks)} of {r['blocks']} blocks"
        out[r["path"]] = [b["text"] for b in blocks]
    return out


def _texts(path: str) -> list[str]:
    return [b.text for b in outline(path).blocks]


# ------------------------------------------------------------------ hostile files


def make_hostile_corpus(root) -> tuple[list[str], dict[str, str]]:
    """Write good and bad report files under root: (good paths, bad path → words its reason has)."""
    root = str(root)
    linfen = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    ruian = (CORPUS / "ruian-2019.txt").read_text(encoding="utf-8")
    good, bad = [], {}

    def put(name, data: bytes, ok: bool, why: str = ""):
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(data)
        (good.append(path) if ok else bad.__setitem__(path, why))
        return path

    put("utf8.txt", linfen.encode("utf-8"), True)
    put("utf8-bom.txt", b"\xef\xbb\xbf" + ruian.encode("utf-8"), True)
    put("gbk-no-marker.txt", ruian.encode("gbk", errors="replace"), True)
    put("utf16-no-bom.txt", linfen.encode("utf-16-le"), True)
    put("truncated-utf8.txt", linfen.encode("utf-8")[:-1], True)  # cut inside the last character
    put("报告 (副本) #1.txt", ruian.encode("utf-8"), True)
    put("-leading-dash.txt", ruian.encode("utf-8"), True)
    put("new\nline.txt", linfen.encode("utf-8"), True)
    put(os.fsdecode(b"latin1-\xe9.txt"), linfen.encode("utf-8"), True)  # a name that is not UTF-8
    paras = "".join(f"<p>{line}</p>" for line in ruian.splitlines() if line.strip())
    put("nested.html", ("<div>" * 5000 + paras + "</div>" * 5000).encode("utf-8"), True)
    put("broken.html", ("<html><body><p>" + paras.replace("</p>", "") + "<div><span").encode("utf-8"), True)
    put("empty.txt", b"", False, "empty")
    put("blank.txt", b"   \n\n\t \n", False, "empty")
    put("pdf-renamed.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(random.Random(1).randrange(256) for _ in range(4000)),
        False, "PDF")
    put("png-renamed.txt", b"\x89PNG\r\n\x1a\n" + bytes(random.Random(2).randrange(256) for _ in range(4000)),
        False, "PNG")
    put("nul-bytes.txt", b"\x00" * 5000 + linfen.encode("utf-8")[:300] + b"\x00" * 5000, False, "binary")
    put("random-bytes.txt", bytes(random.Random(3).randrange(256) for _ in range(20000)), False, "")
    put("one-line-50mb.txt", ("法治政府建设" * (50 * 2**20 // 18 + 1)).encode("utf-8"), False, "too large")
    os.symlink("loop-b.txt", os.path.join(root, "loop-a.txt"))
    os.symlink("loop-a.txt", os.path.join(root, "loop-b.txt"))
    bad[os.path.join(root, "loop-a.txt")] = "symbolic links"
    bad[os.path.join(root, "loop-b.txt")] = "symbolic links"
    os.symlink("nowhere.txt", os.path.join(root, "dangling.txt"))
    bad[os.path.join(root, "dangling.txt")] = "broken symbolic link"
    locked = put("no-permission.txt", linfen.encode("utf-8"), True)
    os.chmod(locked, 0)
    if os.access(locked, os.R_OK):  # root reads anything: then it is a good file
        pass
    else:
        good.remove(locked)
        bad[locked] = "permission denied"
    os.makedirs(os.path.join(root, "sub", "deeper"))
    put(os.path.join("sub", "deeper", "nested-dir.txt"), ruian.encode("utf-8"), True)
    return good, bad


def test_hostile_corpus_indexes_every_good_file_and_names_every_bad_one(tmp_path, monkeypatch):
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    good, bad = make_hostile_corpus(corpus)
    vanishing = str(corpus / "vanishing.txt")
    with open(vanishing, "w", encoding="utf-8") as f:
        f.write((CORPUS / "ruian-2019.txt").read_text(encoding="utf-8"))
    real_expand = indexing.expand_paths

    def expand_then_delete(paths):  # the file is listed, then vanishes before it is read
        out = real_expand(paths)
        os.unlink(vanishing)
        return out
    monkeypatch.setattr(indexing, "expand_paths", expand_then_delete)
    bad[vanishing] = "vanished"
    ix = str(tmp_path / "ix")
    res = CliRunner().invoke(main, ["index", str(corpus), "--index", ix])
    assert res.exit_code == 3, res.output
    assert "Traceback" not in res.output
    warnings = [ln for ln in res.output.splitlines() if ln.startswith("warning: ")]
    for path, why in bad.items():
        line = [w for w in warnings if w.startswith(f"warning: {path}: ")]
        assert len(line) == 1, (path, warnings)
        assert why.lower() in line[0].lower(), (line[0], warnings)
    assert len(warnings) == len(bad)
    state = _index_state(ix)
    assert sorted(state) == sorted(display_path(os.path.abspath(p)) for p in good)
    assert all(state[display_path(os.path.abspath(p))] for p in good)
    # the good ones are searchable, whatever their encoding or name
    hits = search('"行政复议"', index_dir=ix, limit=100)
    assert {h.path for h in hits.hits()} >= {os.path.abspath(str(corpus / n)) for n in
                                          ("utf8.txt", "gbk-no-marker.txt", "utf16-no-bom.txt", "new\nline.txt")}


# ------------------------------------------------------------------ hostile queries


QUERY_ALPHABET = st.sampled_from(list("行政复议执法人员素质存在问题法治政府临汾 \t\n\"“”()（）:：-—OR AND NOT") +
                                 ["section:", "region:", "year:", "year:2019-2021", "year:2021-2019", "year:>=", "OR",
                                  "NOT", "AND", "-", "x:y", "section:problems", "存在问题", "，", "\x00", "\x1b[31m",
                                  "\u200b", "\ufeff", "😀", "'", "\\", "*", "?", "~", "^"])
QUERIES = st.one_of(st.lists(QUERY_ALPHABET, max_size=40).map("".join),
                    st.lists(QUERY_ALPHABET, max_size=12).map(" ".join), st.text(max_size=200))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_search_never_crashes_on_any_query(ix, q):
    try:
        res = search(q, index_dir=ix, limit=3)
    except ReportSearchError as e:
        assert str(e) and "\n" not in str(e)
        return
    for h in res.hits():
        assert h.text and all(0 <= a < b <= len(h.text) for a, b in h.matches)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_search_command_gives_results_or_one_line_error(ix, q):
    res = CliRunner().invoke(main, ["search", "--index", ix, "--", q])
    assert res.exit_code in (0, 1, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    if res.exit_code == 2:
        assert res.output.startswith("error: ") and res.output.count("\n") == 1, res.output


@pytest.mark.parametrize("q", ["", "   ", "，。！？", "((((", '"', "“行政", "OR", "NOT", "-", "- -", "section:",
                               "year:abc", "year:2023-2019", "region:", "section:nosuch 复议", "a" * 10000,
                               "复议 " * 5000, "\x00\x01\x02", "(" * 500 + "复议" + ")" * 500,
                               "'\n\"'", '"\n"', '"\t，\r\n。"', "“\u2028”"])
def test_edge_queries_give_results_or_one_line_error(ix, q):
    try:  # the library's message is one line too (a quoted newline was shown raw)
        search(q, index_dir=ix, limit=3)
    except ReportSearchError as e:
        assert str(e) and not any(c in str(e) for c in "\n\r\u2028"), repr(str(e))
    res = CliRunner().invoke(main, ["search", "--index", ix, "--", q])
    # CliRunner turns a crash into exit 1 and keeps the exception: only SystemExit is an answer
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in (0, 1, 2) and "Traceback" not in res.output
    if res.exit_code == 2:
        assert res.output.startswith("error: ") and res.output.count("\n") == 1, res.output


@pytest.mark.parametrize("args", [["-s", "存在\n问题"], ["-y", "20\n21"], ["-y", "2021-\r2019"], ["-s", "a\u2028b"]])
def test_option_values_with_line_breaks_give_a_one_line_error(ix, args):
    res = CliRunner().invoke(main, ["search", "执法", "--index", ix, *args])
    assert res.exit_code == 2 and res.output.startswith("error: ") and res.output.count("\n") == 1, res.output
    kw = {"sections": (args[1],)} if args[0] == "-s" else {"year": args[1]}
    with pytest.raises(ReportSearchError) as got:
        search("执法", index_dir=ix, **kw)
    assert not any(c in str(got.value) for c in "\n\r\u2028"), repr(str(got.value))


@pytest.mark.parametrize("args", [["search", "执法", "-o", "x.c\nsv"], ["search", "执法", "-o", "/nonexist\nd/a.csv"],
                                  ["indicators", "--where", "复议纠错率>20\nx"]])
def test_values_with_line_breaks_anywhere_give_a_one_line_error(ix, args, tmp_path, monkeypatch):
    """Whatever message a typed value with a line break ends up in, the CLI prints one error line."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, [*args, "--index", ix])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code == 2 and res.output.startswith("error: ") and res.output.count("\n") == 1, res.output


def test_a_closed_pipe_is_quiet(ix):
    """`reportsearch search … | head`: the reader stops early; no traceback."""
    p = subprocess.Popen(f"{sys.executable} -m reportsearch search 复议 -n 100 --format jsonl --index {ix} "
                         f"| head -c 10", shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, NO_COLOR="1"))
    out, err = p.communicate(timeout=120)
    assert len(out) == 10 and "Traceback" not in err and "Exception" not in err, err


@pytest.mark.parametrize("args, option", [
    (["search", "复议", "-n", "ten"], "--limit"), (["search", "复议", "-n", "0"], "--limit"),
    (["search", "复议", "--by", "city"], "--by"), (["search", "复议", "--format", "xls"], "--format"),
    (["index", "--jobs", "0"], "--jobs"), (["index", "--wait", "-1"], "--wait"),
    (["index", "--commit-every", "x"], "--commit-every"), (["show"], "REPORT"),
])
def test_bad_options_name_the_option_in_one_line(args, option, ix):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2
    assert res.output.startswith("error: ") and res.output.count("\n") == 1 and option in res.output, res.output


# ------------------------------------------------------------------ interrupted runs


def _versions(root, n: int):
    """n report files derived from the samples, in two versions (v2 adds and changes text)."""
    v1, v2 = root / "v1", root / "v2"
    v1.mkdir()
    v2.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    for i in range(n):
        base = texts[i % len(texts)]
        cut = base.index("。", len(base) // 3) + 1  # inside the body, not in the trailer
        (v1 / f"r{i:03d}.txt").write_text(base[:cut] + f"报告编号{i}，第一版。" + base[cut:], encoding="utf-8")
        (v2 / f"r{i:03d}.txt").write_text(base[:cut] + f"报告编号{i}，第二版。第二版新增一句：执法培训{i}次。"
                                          + base[cut:], encoding="utf-8")
    return v1, v2


def changing_corpus(tmp_path, n: int):
    """Two versions of n reports (_versions), their names, each version's block texts by (name, 1 or 2),
    and a live folder holding version 1, which a test then changes."""
    v1, v2 = _versions(tmp_path, n)
    names = sorted(os.listdir(v1))
    texts = {(name, v): _texts(str(d / name)) for name in names for v, d in ((1, v1), (2, v2))}
    live = tmp_path / "live"
    shutil.copytree(v1, live)
    return v1, v2, names, texts, live


def assert_each_report_old_or_new(before: dict, after: dict, path_of: dict, live, versions, texts: dict,
                                  seed: int) -> None:
    """After a killed run: every report in the index holds its blocks from before the run or those of
    its file as it is now (one of the two versions), and a report gone from the index has no file."""
    for path, blocks in after.items():
        n = path_of[path]
        now = [texts[(n, v)] for v, d in enumerate(versions, 1) if (live / n).exists()
               and (live / n).read_bytes() == (d / n).read_bytes()]
        assert blocks == before.get(path) or blocks in now, f"seed {seed}: {n} is neither old nor new"
    for path in set(before) - set(after):
        assert not (live / path_of[path]).exists(), f"seed {seed}: {path} lost"


def test_killed_index_runs_leave_every_report_whole(tmp_path):
    """Change the files, start `index`, SIGKILL it (and its workers) at a random moment; again and
    again. After every kill each report is wholly as before the run or wholly as its file is now."""
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    v1, v2, names, texts, live = changing_corpus(tmp_path, 24)
    ix = str(tmp_path / "ix")
    assert _cli("index", str(live), "--index", ix, "--commit-every", "3").returncode == 0
    for n in names:  # time a run that changes every report (the first one also sets the index up)
        shutil.copy(v2 / n, live / n)
    t = time.monotonic()
    assert _cli("index", str(live), "--index", ix, "--commit-every", "3").returncode == 0
    full_run = time.monotonic() - t  # kill somewhere inside a run that long
    path_of = {display_path(os.path.abspath(live / n)): n for n in names}
    kills = 0
    for _ in range(KILLS):
        before = _index_state(ix)
        for n in names:  # each file: new version, old version, or gone
            choice = rng.random()
            if choice < 0.1:
                (live / n).unlink(missing_ok=True)
            else:
                shutil.copy((v1 if choice < 0.5 else v2) / n, live / n)
        p = subprocess.Popen([sys.executable, "-m", "reportsearch", "index", str(live), "--index", ix,
                              "--commit-every", "3"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        time.sleep(rng.uniform(0.05, 0.6) * full_run)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            kills += 1
        p.wait()
        after = _index_state(ix)  # opens; no report twice; none with missing blocks
        assert_each_report_old_or_new(before, after, path_of, live, (v1, v2), texts, seed)
        assert search("报告编号", index_dir=ix, limit=100).total >= len(after)
    print(f"{kills} of {KILLS} runs killed (seed {seed})")
    assert kills >= KILLS // 4, f"seed {seed}: the runs finished before they could be killed"
    done = _cli("index", str(live), "--index", ix)
    assert done.returncode == 0, done.stderr
    final = _index_state(ix)
    assert sorted(path_of[p] for p in final) == sorted(os.listdir(live))
    for path, blocks in final.items():
        assert blocks == _texts(str(live / path_of[path]))
    again = build([str(live)], ix, jobs=1)
    assert (again.skipped, again.added, again.updated, again.removed) == (len(final), 0, 0, 0)


# ------------------------------------------------------------------ concurrent runs


def test_second_writer_waits_then_stops_with_a_clear_message(tmp_path):
    ix = str(tmp_path / "ix")
    build([str(CORPUS)], ix, jobs=1)
    lock = FileStorage(ix).lock("reportsearch_WRITELOCK")
    assert lock.acquire()  # another writer holds the index
    t = time.monotonic()
    p = _cli("index", str(CORPUS), "--index", ix, "--wait", "1.5")
    waited = time.monotonic() - t
    release = threading.Timer(1.0, lock.release)
    release.start()
    assert p.returncode == 2 and waited >= 1.5
    assert p.stderr.startswith("error: another `reportsearch index` is writing") and "--wait" in p.stderr
    assert p.stderr.count("\n") == 1
    p = _cli("index", str(CORPUS), "--index", ix, "--wait", "30")  # the lock is freed after 1 s
    release.join()
    assert p.returncode == 0, p.stderr
    assert len(_index_state(ix)) == len(SAMPLES)


def test_two_index_runs_at_once_both_finish_and_the_index_is_whole(tmp_path):
    v1, v2 = _versions(tmp_path, 16)
    ix = str(tmp_path / "ix")
    a = subprocess.Popen([sys.executable, "-m", "reportsearch", "index", str(v1), "--index", ix, "--wait", "120"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    b = subprocess.Popen([sys.executable, "-m", "reportsearch", "index", str(v2), "--index", ix, "--wait", "120"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert a.wait(300) == 0, a.stderr.read()
    assert b.wait(300) == 0, b.stderr.read()
    state = _index_state(ix)
    assert len(state) == 32
    for path, texts in state.items():
        assert texts == _texts(path)


def test_searches_keep_answering_during_an_index_run(tmp_path):
    v1, v2 = _versions(tmp_path, 24)
    live = tmp_path / "live"
    shutil.copytree(v1, live)
    ix = str(tmp_path / "ix")
    build([str(live)], ix, jobs=1)
    for name in os.listdir(v2):
        shutil.copy(v2 / name, live / name)
    p = subprocess.Popen([sys.executable, "-m", "reportsearch", "index", str(live), "--index", ix,
                          "--commit-every", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    answered = 0
    seen = set()
    while p.poll() is None:
        res = search("报告编号", index_dir=ix, limit=100)
        assert len(res.reports) == 24
        seen.add(search('"第二版"', index_dir=ix, limit=100).total)
        answered += 1
    assert p.returncode == 0, p.stderr.read()
    assert answered >= 3 and len(seen) >= 2  # it answered while the index changed under it


# ------------------------------------------------------------------ foreign and old indexes


@pytest.mark.parametrize("version", [SCHEMA_VERSION - 1, SCHEMA_VERSION + 1, 99])
def test_other_schema_version_asks_for_rebuild_and_deletes_nothing(tmp_path, version):
    ix = tmp_path / "ix"
    build([str(CORPUS)], str(ix), jobs=1)
    (ix / "reportsearch.json").write_text(json.dumps({"schema": version}), encoding="utf-8")
    before = {p: (ix / p).stat().st_mtime_ns for p in os.listdir(ix)}
    for args in (["search", "复议"], ["index", str(CORPUS)], ["stats"], ["show", "linfen"]):
        res = CliRunner().invoke(main, [*args, "--index", str(ix)])
        assert res.exit_code == 2 and "--rebuild" in res.output and res.output.count("\n") == 1, res.output
    assert {p: (ix / p).stat().st_mtime_ns for p in os.listdir(ix)} == before
    assert CliRunner().invoke(main, ["index", str(CORPUS), "--index", str(ix), "--rebuild"]).exit_code == 0
    assert search("复议", index_dir=str(ix)).total


def test_a_directory_that_is_not_an_index_is_never_deleted(tmp_path):
    d = tmp_path / "thesis"
    d.mkdir()
    (d / "chapter1.docx").write_bytes(b"precious")
    for args in (["index", str(CORPUS)], ["index", str(CORPUS), "--rebuild"], ["search", "复议"]):
        res = CliRunner().invoke(main, [*args, "--index", str(d)])
        assert res.exit_code == 2 and res.output.count("\n") == 1, res.output
    assert os.listdir(d) == ["chapter1.docx"] and (d / "chapter1.docx").read_bytes() == b"precious"


def test_a_damaged_index_asks_for_rebuild(tmp_path):
    ix = tmp_path / "ix"
    build([str(CORPUS)], str(ix), jobs=1)
    toc = next(p for p in os.listdir(ix) if p.endswith(".toc"))
    (ix / toc).write_bytes((ix / toc).read_bytes()[:40])
    res = CliRunner().invoke(main, ["search", "复议", "--index", str(ix)])
    assert res.exit_code == 2 and "--rebuild" in res.output, res.output
    assert CliRunner().invoke(main, ["index", str(CORPUS), "--index", str(ix), "--rebuild"]).exit_code == 0
    assert len(_index_state(str(ix))) == len(SAMPLES)
    open_index(str(ix))


# ------------------------------------------------------------------ damaged indexes, full disks, moved files


def _largest_index_file(ix) -> str:
    files = [p for p in os.listdir(ix) if p.startswith("reportsearch_") and os.path.isfile(ix / p)
             and not p.endswith("WRITELOCK")]
    return max(files, key=lambda p: (ix / p).stat().st_size)


def _damage(ix, how: str) -> None:
    if how == "truncated segment file":
        big = ix / _largest_index_file(ix)
        big.write_bytes(big.read_bytes()[: big.stat().st_size // 2])
    elif how == "garbage dictionary":
        (ix / "jieba-dict.sqlite").write_bytes(b"not a database " * 4000)
    elif how == "deleted postings file":
        (ix / next(p for p in os.listdir(ix) if p.endswith(".pst"))).unlink()
    elif how == "garbled signature file":  # same size, so only reading its slices can tell
        sig = ix / next(p for p in os.listdir(ix) if p.endswith(".rsg"))
        data = sig.read_bytes()
        head = len(store.SIG_MAGIC) + 16 + 8 * (store.SIG_SLICES + 1)  # magic, counts, offsets
        sig.write_bytes(data[:head] + bytes(b ^ 0x5A for b in data[head:]))
    elif how == "garbled headings":  # the last part of the metadata file, read when a query scores
        for name in (p for p in os.listdir(ix) if p.endswith(store.META_EXT)):
            meta = (ix / name).read_bytes()
            (ix / name).write_bytes(meta[:-40] + bytes(b ^ 0x5A for b in meta[-40:]))
    elif how == "headings out of step":  # a valid stream, one heading short of the blocks' numbers
        _rewrite_headings(ix, lambda lines: lines[:-1])
    elif how == "a flipped bit in the block table":  # the uncompressed heading numbers: no zlib check
        for name in (p for p in os.listdir(ix) if p.endswith(store.META_EXT)):
            meta = bytearray((ix / name).read_bytes())
            lengths = struct.unpack_from(f"<{store.META_PARTS}Q", meta, len(store.MAGIC))
            meta[len(store.MAGIC) + 8 * store.META_PARTS + sum(lengths[:3]) + 3] ^= 0x01  # block 0's heading number
            (ix / name).write_bytes(bytes(meta))
    elif how == "headings that unpack too large":  # a valid stream of megabytes of empty headings
        _rewrite_headings(ix, lambda lines: lines + [b""] * 5_000_000)


def _rewrite_headings(ix, change) -> None:
    """Replace the headings part of every segment's metadata file with change(its lines), recompressed."""
    for name in (p for p in os.listdir(ix) if p.endswith(store.META_EXT)):
        meta = (ix / name).read_bytes()
        lengths = struct.unpack_from(f"<{store.META_PARTS}Q", meta, len(store.MAGIC))
        parts, pos = [], len(store.MAGIC) + 8 * store.META_PARTS
        for n in lengths:
            parts.append(meta[pos:pos + n])
            pos += n
        parts[store.HEADINGS_PART] = zlib.compress(b"\n".join(change(zlib.decompress(parts[store.HEADINGS_PART]).split(b"\n"))))
        (ix / name).write_bytes(store.MAGIC + struct.pack(f"<{store.META_PARTS}Q", *map(len, parts)) + b"".join(parts))


@pytest.mark.parametrize("how", ["truncated segment file", "garbage dictionary", "deleted postings file",
                                 "garbled signature file", "garbled headings", "headings out of step",
                                 "headings that unpack too large", "a flipped bit in the block table"])
def test_a_damaged_index_says_so_in_one_line_and_rebuild_repairs_it(tmp_path, how):
    ix = tmp_path / "ix"
    build([str(CORPUS)], str(ix), jobs=1)
    want = {h.block_id for h in search("执法人员 素质", index_dir=str(ix), by="block", limit=1000).hits()}
    assert want
    _damage(ix, how)
    res = _cli("search", "执法人员 素质", "--index", str(ix))
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1 and "--rebuild" in res.stderr, res.stderr
    # Commands that do not read the damaged part may answer; none may crash. A damaged segment
    # stops them all; a damaged dictionary copy is rewritten by any index run.
    for args in (["stats"], ["show", "linfen"], ["index", str(CORPUS)]):
        res = _cli(*args, "--index", str(ix))
        may_answer = how not in ("truncated segment file", "deleted postings file")  # the rest: not read by these
        assert res.returncode in ((0, 2) if may_answer else (2,)), (args, res.stderr)
        assert "Traceback" not in res.stderr, (args, res.stderr)
        if res.returncode == 2:
            assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1, (args, res.stderr)
            assert "--rebuild" in res.stderr, (args, res.stderr)
    rebuilt = _cli("index", str(CORPUS), "--index", str(ix), "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = _cli("search", "执法人员 素质", "--index", str(ix), "--by", "block", "-n", "1000", "--format", "jsonl")
    assert again.returncode == 0, again.stderr
    assert {json.loads(line)["block"] for line in again.stdout.splitlines()} == want


def _mount_tmpfs(where, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    os.makedirs(where)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_full_disk_fails_in_one_line_cleans_up_and_keeps_the_last_commit(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "24m"):
        pytest.skip("needs root to mount a small tmpfs (a real full disk)")
    try:
        ix = disk / "ix"
        first = _cli("index", str(CORPUS), "--index", str(ix))
        assert first.returncode == 0, first.stderr
        before_files = sorted(os.listdir(ix))
        before = _cli("search", "执法人员", "--index", str(ix), "--format", "jsonl", "-n", "100").stdout
        v1, _ = _versions(tmp_path, 60)
        st = os.statvfs(disk)
        with open(disk / "filler", "wb") as f:  # leave 200 KB: enough to start, not to finish
            f.write(b"\0" * (st.f_bavail * st.f_frsize - 200 * 1024))
        full = _cli("index", str(v1), "--index", str(ix))
        assert full.returncode == 2, full.stderr
        assert "Traceback" not in full.stderr and full.stderr.count("\n") == 1, full.stderr
        assert full.stderr.startswith("error: ") and "disk" in full.stderr and "full" in full.stderr, full.stderr
        assert sorted(os.listdir(ix)) == before_files  # the failed run's files are gone
        after = _cli("search", "执法人员", "--index", str(ix), "--format", "jsonl", "-n", "100")
        assert after.returncode == 0 and after.stdout == before  # the last commit answers as before
        (disk / "filler").unlink()
        done = _cli("index", str(v1), "--index", str(ix))
        assert done.returncode == 0, done.stderr
        assert _cli("search", '"报告编号59"', "--index", str(ix)).returncode == 0
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


@pytest.mark.slow
def test_searches_keep_answering_during_a_rebuild(tmp_path):
    v1, v2 = _versions(tmp_path, 24)
    ix = str(tmp_path / "ix")
    build([str(v1)], ix, jobs=1)
    answered = rebuilds = 0
    while answered < 400 and rebuilds < 8:
        rebuilds += 1
        p = subprocess.Popen([sys.executable, "-m", "reportsearch", "index", str(v2 if rebuilds % 2 else v1),
                              "--index", ix, "--rebuild", "--commit-every", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while p.poll() is None:
            res = search("报告编号", index_dir=ix, limit=100)  # any exception fails the test
            assert res.total >= len(res.reports) and len(res.reports) <= 24
            search('"第二版"', index_dir=ix, by="block", limit=5)
            answered += 1
        assert p.returncode == 0, p.stderr.read()
    assert answered >= 100
    assert len(search("报告编号", index_dir=ix, limit=100).reports) == 24


def test_a_moved_or_copied_corpus_is_not_indexed_twice(tmp_path):
    from reportsearch.searcher import index_stats

    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(CORPUS, a)
    ix = str(tmp_path / "ix")
    build([str(a)], ix, jobs=1)
    shutil.copytree(a, b)  # a copy, indexed too
    build([str(b)], ix, jobs=1)
    assert index_stats(ix)["reports"] == len(SAMPLES)
    shutil.rmtree(a)  # and the original moved away
    s = build([str(b)], ix, jobs=1)
    assert index_stats(ix)["reports"] == len(SAMPLES) and s.added == 0
    assert {h.path for h in search("复议", index_dir=ix, limit=100).reports} <= {str(b / p.name) for p in SAMPLES}
    assert search("复议", index_dir=ix, limit=100).reports and len(search("复议", index_dir=ix, limit=100).reports) == 5


def test_a_copied_project_with_its_index_is_not_indexed_twice(tmp_path):
    from reportsearch.searcher import index_stats

    one = tmp_path / "one"
    shutil.copytree(CORPUS, one / "corpus")
    assert _cli("index", "corpus", "--index", "index", cwd=one).returncode == 0
    two = tmp_path / "two"
    shutil.copytree(one, two)
    res = _cli("index", "corpus", "--index", "index", cwd=two)
    assert res.returncode == 0, res.stderr
    assert index_stats(str(two / "index"))["reports"] == len(SAMPLES)
    assert report_blocks("linfen", str(two / "index"))["path"] == str(two / "corpus" / "linfen-2021.txt")


def test_a_report_first_indexed_through_a_symlink_is_pruned_when_deleted(tmp_path):
    from reportsearch.searcher import index_stats

    real = tmp_path / "real"
    shutil.copytree(CORPUS, real)
    link = tmp_path / "link"
    os.symlink(real, link)
    ix = str(tmp_path / "ix")
    build([str(link)], ix, jobs=1)
    build([str(real)], ix, jobs=1)
    assert index_stats(ix)["reports"] == len(SAMPLES)
    (real / "linfen-2021.txt").unlink()
    build([str(real)], ix, jobs=1)
    assert index_stats(ix)["reports"] == len(SAMPLES) - 1
    assert not search("临汾", region="临汾", index_dir=ix).hits()
