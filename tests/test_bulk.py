"""The bulk corpus (real 政府工作报告, only in the project's workplace): recall against a plain
substring scan, exact phrases, sub-word matches and whole-term highlights at scale."""
from __future__ import annotations

import os
import tarfile

import pytest

from conftest import shared_or_skip
from reportsearch.indexer import build, reports
from reportsearch.indexer import tokens as segment
from reportsearch.searcher import all_blocks, search, tally

SUBSET = 120  # reports, spread over the whole archive
PHRASES = ["行政执法", "执法人员", "行政复议", "法治政府", "依法行政", "放管服", "营商环境", "复议", "执法",
           "行政复议体制改革", "安全生产", "政务服务", "一网通办", "普法", "公正文明", "法治", "困难和问题",
           "综合行政执法改革", "权责清单", "双随机、一公开"]


@pytest.fixture(scope="module")
def bulk_ix(tmp_path_factory):
    tar = shared_or_skip("bulk", "gov-work-reports.tar.xz")
    root = tmp_path_factory.mktemp("bulk")
    with tarfile.open(tar) as t:
        members = sorted((m for m in t.getmembers() if m.isfile() and m.name.endswith(".md")), key=lambda m: m.name)
        step = max(1, len(members) // SUBSET)
        t.extractall(root, members=members[::step][:SUBSET], filter="data")
    ix = str(root / "index")
    summary = build([str(root)], ix)
    assert summary.added >= SUBSET * 0.95 and not summary.updated
    return ix


def _all_blocks(ix):
    return all_blocks(ix)


def _compact(s: str) -> str:
    return segment.fold(s).replace(" ", "")


@pytest.mark.parametrize("phrase", PHRASES)
def test_recall_equals_a_substring_scan(bulk_ix, phrase):
    blocks = _all_blocks(bulk_ix)
    want = {bid for bid, text in blocks.items() if _compact(phrase) in _compact(text)}
    exact = search(f'"{phrase}"', index_dir=bulk_ix, by="block", limit=100000)
    assert {h.block_id for h in exact.blocks} == want  # phrases: every containing block, nothing else
    assert exact.total == len(want)
    words = search(phrase, index_dir=bulk_ix, by="block", limit=100000)  # unquoted: each word whole
    parts = phrase.replace("、", " ").split()  # 、 separates words, as white space does
    want = {bid for bid, text in blocks.items() if all(_compact(p) in _compact(text) for p in parts)}
    assert {h.block_id for h in words.blocks} == want and words.total == len(want)
    for h in exact.blocks[:50]:
        assert h.matches and all(_compact(h.text[a:b]) == _compact(phrase) for a, b in h.matches)


def test_a_word_is_found_inside_longer_words(bulk_ix):
    res = search("复议", index_dir=bulk_ix, by="block", limit=100000)
    inside = [h for h in res.blocks if "行政复议" in h.text]
    assert inside, "no block with 行政复议 found by 复议"
    for h in inside[:20]:
        assert all(h.text[a:b] == "复议" for a, b in h.matches)  # the whole query term, never 行政


@pytest.mark.parametrize("q, words", [("政府债务 year:2019-2021", ["政府债务"]), ("营商环境", ["营商环境"]),
                                      ("政府债务 风险", ["政府债务", "风险"])])
def test_item6_counts_are_the_blocks_that_hold_the_words(bulk_ix, q, words):
    """Issue 23 item 6: `政府债务 year:2019-2021` counted blocks that hold 政府 and 债务 apart
    (企业债务, 地方政府一般债券), 272 where 156 hold the word. Every count is now the blocks
    holding each word as a whole."""
    years = (2019, 2021) if "year:" in q else None
    blocks = _all_blocks(bulk_ix)
    res = search(q, index_dir=bulk_ix, by="block", limit=100000)
    want = {bid for bid, text in blocks.items() if all(_compact(w) in _compact(text) for w in words)}
    if years:
        year_of = {r["id"]: r["year"] for r in reports(bulk_ix)}
        want = {b for b in want if year_of[b.split(":")[0]] and years[0] <= year_of[b.split(":")[0]] <= years[1]}
    assert want and {h.block_id for h in res.blocks} == want and res.total == len(want)
    assert tally(q, index_dir=bulk_ix).blocks == len(want)


GUANGDONG = {"广东省", "广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "湛江市", "肇庆市", "江门市",
             "茂名市", "惠州市", "梅州市", "汕尾市", "河源市", "阳江市", "清远市", "东莞市", "中山市", "潮州市",
             "揭阳市", "云浮市"}  # the province and its 21 prefecture-level cities


def test_item7_a_province_finds_its_cities_reports(bulk_ix):
    """Issue 23 item 7: `--region 广东` found the province's own reports only. Each report's folder
    in the archive names its place: every report of 广东 or one of its cities whose region was read
    is found, and nothing else; `=广东` is the province's own."""
    listed = {r["id"]: r for r in reports(bulk_ix)}
    folder = {i: os.path.basename(os.path.dirname(r["path"])) for i, r in listed.items()}
    want = {i for i, r in listed.items() if folder[i] in GUANGDONG and r["region"]}
    got = {h.report_id for h in search("政府", index_dir=bulk_ix, region="广东", limit=1000).reports}
    assert want and got == want
    assert {folder[i] for i in want} - {"广东省"}, "no city of 广东 in the subset"
    own = {h.report_id for h in search("政府", index_dir=bulk_ix, region="=广东", limit=1000).reports}
    assert own == {i for i in want if listed[i]["region"] == "广东省"}


def test_filters_agree_with_the_stored_metadata(bulk_ix):
    res = search("政务服务 year:2019-2020", index_dir=bulk_ix, by="block", limit=100000)
    assert res.blocks and all(2019 <= h.year <= 2020 for h in res.blocks)
    res = search("section:存在问题 困难", index_dir=bulk_ix, by="block", limit=100000)
    assert res.blocks and all("存在问题" in h.labels for h in res.blocks)


def test_every_report_has_blocks_and_no_report_repeats(bulk_ix):
    listed = reports(bulk_ix)
    ids = [r["id"] for r in listed]
    assert len(ids) == len(set(ids))
    assert all(r["blocks"] > 0 for r in listed)
    assert os.path.exists(os.path.join(bulk_ix, segment.DICT_FILE))


@pytest.mark.parametrize("q", ["改革", "一带一路", "法治政府"])
def test_item10_by_report_shows_min_n_and_matching_reports(bulk_ix, q):
    every = search(q, index_dir=bulk_ix, by="block", limit=100000)
    order: list[str] = []
    for h in every.blocks:
        if h.report_id not in order:
            order.append(h.report_id)
    for n in (10, 50):
        res = search(q, index_dir=bulk_ix, limit=n)
        assert len(res.reports) == min(n, len(order)) and len(order) > 1
        assert [r.report_id for r in res.reports] == order[:n]


@pytest.mark.parametrize("q, kwargs", [("营商环境", {}), ("就业", {"sections": ("存在问题",)}),
                                       ("改革 创新", {"year": ">=2015"})])
@pytest.mark.parametrize("rows", ["region", "issuer", "level"])
def test_compare_cells_add_up_to_the_search_count(bulk_ix, q, kwargs, rows):
    """Every cell, the (unknown) row and column included, adds up to `search --by block`'s total."""
    from reportsearch.facts import compare

    result = compare(q, index_dir=bulk_ix, rows=rows, **kwargs)
    total = search(q, index_dir=bulk_ix, by="block", **kwargs).total
    assert total > 0 and result.total == total
    assert sum(c.blocks for c in result.cells.values()) == total
    assert sum(t.blocks for t in result.row_totals.values()) == total == sum(t.blocks for t in result.col_totals.values())
    assert all(0 < c.reports <= c.of and c.reports <= c.blocks for c in result.cells.values())
