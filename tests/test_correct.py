"""Issue 23, "correct and safe, round 2": counts that mean what users think (items 6–8), output
that is safe to paste and to pipe (10–12), and the rough edges. One test (or more) per item,
named after it; each failed on the main the issue was filed against.

They run on an index of the sample reports, through the library and the command line as a user
does; the bulk corpus's checks of item 6 are in tests/test_bulk.py.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from reportsearch.cli import main
from reportsearch.indexer import build, fold
from reportsearch.output import Format, to_text
from reportsearch.searcher import all_blocks, search, tally


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    d = tmp_path_factory.mktemp("ix") / "index"
    build([str(CORPUS)], str(d), jobs=1)
    return str(d)


def _compact(s: str) -> str:
    return fold(s).replace(" ", "")


def _holding(ix: str, *strings: str) -> set[str]:
    """The ids of the blocks whose folded text holds every one of the strings."""
    return {bid for bid, text in all_blocks(ix).items() if all(_compact(s) in _compact(text) for s in strings)}


# ------------------------------------------------------------------ 6. an unquoted word is a term


@pytest.mark.parametrize("word", ["法治建设", "法治政府", "复议应诉", "依法决策", "行政执法人员", "出庭应诉"])
def test_item6_an_unquoted_word_counts_only_the_blocks_that_hold_it(ix, word, tmp_path):
    """法治建设 was counted in 71 blocks of the samples, 26 of which hold it: jieba's 法治 and 建设
    were each required, anywhere in the block. Every count (search, tally, run's tables, JSON)
    must be the blocks that hold the word."""
    want = _holding(ix, word)
    assert want
    res = search(word, index_dir=ix, by="block", limit=10000)
    assert {h.block_id for h in res.blocks} == want and res.total == len(want)
    assert search(word, index_dir=ix, limit=3).total == len(want)
    assert search(f'"{word}"', index_dir=ix).total == len(want)  # the same as the phrase
    t = tally(word, index_dir=ix)
    assert t.blocks == sum(t.region_blocks.values()) == len(want)
    doc = json.loads(to_text([(word, res)], Format.JSON, [(word, t)]))
    assert doc["queries"][0]["total_blocks"] == doc["summary"]["sections"][0]["blocks"] == len(want)
    for h in res.blocks:  # the whole word is what is highlighted
        assert h.matches and all(_compact(h.text[a:b]) == _compact(word) for a, b in h.matches)
    q = tmp_path / "q.toml"
    q.write_text(f'[[query]]\nname = "w"\nquery = "{word}"\n', encoding="utf-8")
    run = CliRunner().invoke(main, ["run", str(q), "--index", ix, "--format", "json"])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout)["summary"]
    assert summary["sections"][0]["blocks"] == sum(r["blocks"] for r in summary["regions"]) == len(want)


def test_item6_several_words_are_an_and_of_whole_words(ix):
    want = _holding(ix, "法治", "建设")
    res = search("法治 建设", index_dir=ix, by="block", limit=10000)
    assert {h.block_id for h in res.blocks} == want and len(want) > len(_holding(ix, "法治建设"))
    want = _holding(ix, "行政复议", "行政应诉")
    assert search("行政复议 行政应诉", index_dir=ix).total == len(want) and want


def test_item6_jiebas_pieces_still_rank(ix):
    """Blocks that hold the word rank as before by its pieces (BM25F over 法治 and 建设 too)."""
    from reportsearch.searcher.query import compile_query

    compiled = compile_query("法治建设", index_dir=ix)
    assert {"法治", "建设"} <= set(compiled.words)
    assert compiled.highlights == ["法治建设"]


# ------------------------------------------------------------------ 7. a region and the places under it


def _regions(res) -> set[str]:
    return {h.region for h in res.hits()}


@pytest.mark.parametrize("region, want", [
    ("广东", {"肇庆市"}), ("广东省", {"肇庆市"}), ("河南", {"禹王台区"}), ("开封", {"禹王台区"}),
    ("开封市", {"禹王台区"}), ("浙江", {"瑞安市"}), ("温州", {"瑞安市"}), ("山西", {"临汾市"}),
    ("山东", {"枣庄市"}), ("临汾", {"临汾市"}), ("禹王台", {"禹王台区"}), ("江苏", set()),
    # =: the place alone, by its name with or without its unit
    ("=广东", set()), ("=开封", set()), ("=禹王台区", {"禹王台区"}), ("=禹王台", {"禹王台区"}),
    ("=肇庆", {"肇庆市"}), ("=肇庆市", {"肇庆市"}), ("=瑞安", {"瑞安市"}), ("=温州", set()),
])
def test_item7_a_region_matches_the_places_under_it(ix, region, want):
    """--region 广东 found only the province's own reports, none of 广州's or 深圳's: a region is
    now the place and every place under it (GB/T 2260's parents, kept in the index); `=` asks for
    the place alone."""
    res = search("政府", index_dir=ix, region=region, limit=100)
    assert _regions(res) == want, region
    assert search(f"政府 region:{region}", index_dir=ix, limit=100).total == res.total
    assert tally("政府", index_dir=ix, region=region).blocks == res.total
    cli = CliRunner().invoke(main, ["search", "政府", "--region", region, "--index", ix, "--format", "json"])
    assert cli.exit_code == (0 if want else 1), cli.output
    assert json.loads(cli.stdout)["total_blocks"] == res.total


def test_item7_an_index_without_the_hierarchy_asks_for_a_rebuild(ix, tmp_path):
    import shutil

    from reportsearch.indexer import SCHEMA_VERSION
    old = tmp_path / "old"
    shutil.copytree(ix, old)
    (old / "reportsearch.json").write_text(json.dumps({"schema": 5}), encoding="utf-8")
    res = CliRunner().invoke(main, ["search", "政府", "--region", "广东", "--index", str(old)])
    assert SCHEMA_VERSION >= 6
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "--rebuild" in res.stderr, res.stderr


# ------------------------------------------------------------------ 8. the shipped examples


def test_item8_the_python_example_prints_the_librarys_counts(ix):
    """examples/enforcement.py summed a region's section counters: a block labelled 行政执法 and
    存在问题 counted twice (临汾市 4 for its 2 blocks). Its output must be the library's counts."""
    import os
    import re
    import subprocess
    import sys

    from conftest import ROOT
    from reportsearch import load_queries

    p = subprocess.run([sys.executable, str(ROOT / "examples" / "enforcement.py")], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, REPORTSEARCH_INDEX=ix))
    assert p.returncode == 0, p.stderr
    totals = dict(re.findall(r"^== (.+): (\d+) matching blocks?$", p.stdout, re.M))
    queries = load_queries(str(ROOT / "examples" / "enforcement.toml"))
    assert totals == {q.name: str(r.total) for q, r in queries.run(ix)}
    assert any(int(n) for n in totals.values())
    counts = tally("执法 人员", sections=("存在问题",), index_dir=ix)
    by_region = p.stdout.split("blocks by region:\n", 1)[1]
    printed = dict(re.findall(r"^  (\S+): (\d+)\b", by_region, re.M))
    assert printed == {(r or "—"): str(n) for r, n in counts.region_blocks.items()} and printed
    assert sum(map(int, printed.values())) == counts.blocks


def test_item8_the_query_file_example_sums_to_its_totals(ix):
    from conftest import ROOT

    res = CliRunner().invoke(main, ["run", str(ROOT / "examples" / "enforcement.toml"), "--index", ix,
                                    "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    for q, row in zip(doc["queries"], doc["summary"]["sections"]):
        regions = [r for r in doc["summary"]["regions"] if r["query"] == row["query"]]
        assert row["blocks"] == q["total_blocks"] == sum(r["blocks"] for r in regions)
