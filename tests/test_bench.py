"""The benchmark in bench/: nDCG arithmetic, the judged set's files, and a smoke run of bench/run.py."""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ndcg  # noqa: E402


def test_ndcg_perfect_order_is_one():
    judged = {"a": 2, "b": 1, "c": 0, "d": 2}
    assert ndcg.ndcg(["a", "d", "b", "c"], judged) == pytest.approx(1.0)
    assert ndcg.ndcg(["d", "a", "b"], judged) == pytest.approx(1.0)  # ties in any order


def test_ndcg_known_permutation():
    judged = {"a": 2, "b": 1, "c": 0}
    # DCG of c, b, a: 0/log2(2) + 1/log2(3) + 3/log2(4); ideal a, b, c: 3 + 1/log2(3)
    want = (1 / math.log2(3) + 3 / 2) / (3 + 1 / math.log2(3))
    assert ndcg.ndcg(["c", "b", "a"], judged) == pytest.approx(want)
    assert round(want, 4) == 0.5869


def test_ndcg_unjudged_count_zero_and_cut_at_k():
    judged = {"a": 2, "b": 2}
    # an unjudged block at rank 1 pushes both relevant ones down; the ideal still has them at 1 and 2
    assert ndcg.ndcg(["x", "a", "b"], judged) == pytest.approx(
        (3 / math.log2(3) + 3 / 2) / (3 + 3 / math.log2(3)))
    assert ndcg.ndcg(["x", "y", "a"], judged, k=2) == 0.0
    assert ndcg.ndcg(["a", "b"], {"a": 0, "b": 0}) is None  # nothing relevant: no score
    assert ndcg.ndcg([], judged) == 0.0


def test_block_key_is_relative_and_folds_text(tmp_path):
    root = tmp_path / "corpus"
    path = str(root / "政府工作报告-主要城市" / "北京" / "2021.md")
    key = ndcg.block_key(path, "２０２１年，ＧＤＰ增长 6%。", str(root))
    assert key.startswith("政府工作报告-主要城市/北京/2021.md#")
    assert key == ndcg.block_key(path, "2021年,gdp增长6%。", str(root))
    assert key != ndcg.block_key(path, "2021年,gdp增长7%。", str(root))
    assert re.fullmatch(r".+#[0-9a-f]{12}", key)


def test_filters_round_trip():
    kw = ndcg.parse_filters("section=存在问题,下一步计划 year=2020-2022 region=广州")
    assert kw == {"sections": ("存在问题", "下一步计划"), "year": "2020-2022", "region": "广州"}
    assert ndcg.parse_filters(ndcg.format_filters(kw)) == kw
    assert ndcg.parse_filters("-") == {}
    with pytest.raises(ValueError):
        ndcg.parse_filters("sektion=存在问题")


def test_judged_set_is_consistent():
    """bench/needs.tsv and bench/judgements.tsv: every grade belongs to a need and is 0, 1 or 2,
    every need has a relevant block, and the keys name a report inside the corpus."""
    needs = ndcg.load_needs()
    assert len(needs) >= 12 and len({n.id for n in needs}) == len(needs)
    judgements = ndcg.load_judgements()
    assert set(judgements) <= {n.id for n in needs}
    for need in needs:
        grades = judgements.get(need.id, {})
        assert len(grades) >= 10, need.id
        assert any(g > 0 for g in grades.values()), need.id
        for key in grades:
            assert re.fullmatch(r"政府工作报告-[^/#]+/([^/#]+/)?\d{4}\.md#[0-9a-f]{12}", key), key


@pytest.mark.slow
def test_bench_quick_runs_on_samples(tmp_path):
    """bench/run.py end to end on two sample reports, one round: every row of the table is there,
    recall and counts equal the substring scan."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("linfen-2021.txt", "zaozhuang-2021.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    env = dict(os.environ, TMPDIR=str(tmp_path))
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--corpus", str(corpus), "--jobs", "1"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr
    rows = {line.split(" | ")[0].lstrip("| "): line for line in p.stdout.splitlines() if line.startswith("| ")}
    for measure in ("corpus", "warm p95", "index size / text size", "indexing speed", "peak memory indexing"):
        assert measure in rows, measure
    assert "2 reports" in rows["corpus"]
    assert rows["recall, 20 strings"].endswith("| met |")
    assert "100.00%" in rows["recall, 20 strings"]
    assert rows["exact counts (search, --by report, tally)"].endswith("| met |")
    assert any(m.startswith("cold `reportsearch search 行政复议") for m in rows)
    assert ("rg -c" in p.stdout) == bool(shutil.which("rg")) and ("rg not installed" in p.stdout) != bool(shutil.which("rg"))
    for q in ("行政复议", "乡村振兴", "疫情防控"):
        assert q in rows
    assert not [d for d in os.listdir(tmp_path) if d.startswith("rs-bench-")]  # no work directory left behind
