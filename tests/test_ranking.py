"""Ranking features (issue 21), each on real report text: the samples in corpus/ and an excerpt of a
bulk 政府工作报告 with its glossary (tests/ranking/). Ranking changes the order, never the set:
every test that reorders also checks that the blocks found and the counts stay those of a scan."""
from __future__ import annotations

import heapq
import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from reportsearch.cli import main
from reportsearch.indexer import build, fold
from reportsearch.indexer.features import block_code, count_figures, features_of, glossary_runs, opens_with_heading
from reportsearch.report import outline
from reportsearch.searcher import rank, refine, search, tally

EXCERPT = ROOT / "tests" / "ranking" / "huanggang-2023-excerpt.md"  # bulk: 政府工作报告-其他地市/黄冈市/2023.md
NEUTRAL = rank.Priors(concreteness=0.0, heading_only=1.0, headed=1.0, glossary=1.0, boilerplate=1.0)


@pytest.fixture(scope="module")
def glossary_ix(tmp_path_factory):
    src = tmp_path_factory.mktemp("excerpt")
    shutil.copy(EXCERPT, src / EXCERPT.name)
    d = src / "index"
    build([str(src)], str(d), jobs=1)
    return str(d)


@pytest.fixture
def neutral(monkeypatch):
    """Every feature weighted 1: the ranking is BM25F alone (with the heading field of schema 6)."""
    monkeypatch.setattr(rank, "_factors", rank._Factors(NEUTRAL))
    monkeypatch.setattr(refine, "FACTORS", {k: 1.0 for k in refine.FACTORS})


def _blocks(path):
    return outline(str(path)).blocks


def _scan(q_strings: list[str], paths) -> set[str]:
    """Texts of the blocks holding every string: what the set of hits must be."""
    want = [fold(s).replace(" ", "") for s in q_strings]
    return {b.text for p in paths for b in _blocks(p) if all(w in fold(b.text).replace(" ", "") for w in want)}


def _rank_of(res, starts: str) -> int:
    return next(h.rank for h in res.hits() if h.text.startswith(starts))


# --- what the index stores about a block (indexer/features.py) ---------------------------------------

def test_figures_are_measures_not_years_dates_markers_or_names(sample_text):
    text = sample_text("linfen-2021.txt")
    line = next(s for s in text.split("\n") if "全市有8072名行政执法" in s)
    assert count_figures(line) == 1  # 8072名; not 二是, not 2021
    assert count_figures("截至2021年底,市、县两级行政复议体制改革任务全面完成") == 0
    assert count_figures("（12）城镇新增就业2.3万人。") == 1
    assert count_figures("2022年“7·23”兰考疫情3天社会面清零,10月份") == 1  # 3天; 7·23 is a date
    assert count_figures("实施“5G+工业互联网”工程,构建“4+1”府院联动机制,〔17〕") == 0
    assert count_figures("税率从17%降至13%,起征点从月销售额3万元提高到15万元") == 4


def test_heading_blocks_and_run_in_titles_are_told_apart():
    for p in SAMPLES:
        for b in _blocks(p):
            f = features_of(block_code(b.text, b.heading, b.kind))
            assert f.heading_only == (b.kind == "heading")
            if b.kind == "heading":
                assert opens_with_heading(b.text, b.heading, b.kind) and not f.headed


def test_glossary_entries_are_found_under_their_heading_and_in_runs():
    blocks = _blocks(EXCERPT)
    runs = glossary_runs([b.text for b in blocks])
    entries = [i for i, b in enumerate(blocks) if b.text[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(entries) == 5 and set(entries) <= runs
    # reading puts the entries under their 名词解释 heading; other reports' glossary headings are not
    # read as headings at all: the run finds the entries from their text alone
    three = blocks[entries[2]]
    assert three.heading[-1].startswith("名词解释")
    assert features_of(block_code(three.text, [], three.kind, entries[2] in runs)).glossary
    assert not features_of(block_code(three.text, [], three.kind)).glossary
    assert not runs & {i for i, b in enumerate(blocks) if b.text.startswith(("推动", "强化"))}
    for p in SAMPLES:  # the samples have no glossary, and numbered plans are not one
        assert not glossary_runs([b.text for b in _blocks(p)])


# --- the order --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["公正文明", "突发事件", "矛盾纠纷"])
def test_a_bare_heading_ranks_below_the_blocks_under_it_and_stays_in_the_results(ix, q):
    res = search(q, index_dir=ix, by="block", limit=1000)
    assert {h.text for h in res.hits()} == _scan([q], SAMPLES) and res.total == len(res.hits())
    checked = 0
    for p in SAMPLES:
        blocks = _blocks(p)
        for i, h in enumerate(blocks):
            if h.kind != "heading" or q not in h.text:
                continue
            under = [b for b in blocks[i + 1:] if b.heading[:len(h.heading)] == h.heading and q in b.text]
            heading_rank = _rank_of(res, h.text)
            for b in under:
                assert _rank_of(res, b.text[:30]) < heading_rank, (q, h.text, b.text[:30])
                checked += 1
    assert checked


def test_heading_weight_goes_to_the_blocks_under_a_heading(ix, neutral):
    """BM25F alone (no prior): a bare heading's words count once, in its text; the blocks under it
    have them in their heading field. 公正文明 stands in the heading 四、深化体制改革,公正文明执法…
    and in the long paragraph under it: that paragraph ranks first."""
    res = search("公正文明", index_dir=ix, by="block", limit=3)
    assert res.blocks[0].text.startswith("聚焦关键领域")
    assert not res.blocks[0].text.startswith("四、")


def test_a_glossary_entry_ranks_below_the_body(glossary_ix):
    for q, body in [("专精特新", ("推动经济承压前行", "强化科技和人才支撑")), ("三区三线", ("推动区域协同发展",))]:
        res = search(q, index_dir=glossary_ix, by="block", limit=50)
        assert {h.text for h in res.hits()} == _scan([q], [EXCERPT])
        entry = next(h.rank for h in res.hits() if h.text[0].isdigit())
        assert all(_rank_of(res, b) < entry for b in body), [h.text[:20] for h in res.hits()]


def test_without_the_features_the_glossary_entry_would_win(glossary_ix, neutral):
    """The failure the features fix: on BM25F alone the short entry outranks the body."""
    res = search("三区三线", index_dir=glossary_ix, by="block", limit=50)
    assert res.blocks[0].text.startswith("3.“三区三线”")


def _two_paragraph_report(tmp_path, sample_text) -> str:
    """A report of two real paragraphs: in 临汾's, 复议 and 案件 stand in one clause (全年共办理行政复议
    案件282件); in 禹王台's (its run-in title cut off), never in one sentence."""
    near = next(s for s in sample_text("linfen-2021.txt").split("\n") if "全年共办理行政复议案件282件" in s).strip()
    far = next(s for s in sample_text("yuwangtai-2022.txt").split("\n") if "应诉案件数量较往年" in s).strip()
    far = far[far.index("严格落实省、市"):]
    src = tmp_path / "src"
    src.mkdir()
    (src / "two.txt").write_text("某市2022年法治政府建设情况报告\n\n一、工作情况\n\n" + near + "\n\n" + far + "\n",
                                 encoding="utf-8")
    build([str(src)], str(tmp_path / "ix"), jobs=1)
    return str(tmp_path / "ix")


def test_words_in_one_clause_outrank_words_far_apart(tmp_path, sample_text):
    ix = _two_paragraph_report(tmp_path, sample_text)
    res = search("复议 案件", index_dir=ix, by="block", limit=10, explain=True)
    assert [h.text[:4] for h in res.blocks] == ["一是深化", "严格落实"]
    near, far = res.blocks
    assert near.explain["proximity"]["level"] == "clause" and far.explain["proximity"]["level"] == "apart"
    assert far.explain["first_pass"] > near.explain["first_pass"]  # the words' counts and figures prefer it


def test_without_proximity_the_far_apart_block_would_win(tmp_path, sample_text, neutral):
    ix = _two_paragraph_report(tmp_path, sample_text)
    assert search("复议 案件", index_dir=ix, by="block", limit=10).blocks[0].text.startswith("严格落实")


def test_proximity_levels_on_real_sentences(sample_text):
    r = refine.Refiner(["执法", "人员", "素质"], proximity=True)
    def level(s):
        return r.level(fold(s).replace(" ", "").encode("utf-8"))
    zq = next(s for s in sample_text("zhaoqing-2023.txt").split("\n") if "基层综合行政执法人员执法素质不高" in s)
    assert level(zq) == "clause"
    lf = next(s for s in sample_text("linfen-2021.txt").split("\n") if "三是综合执法队伍总体素质有待提高" in s)
    assert level(lf[lf.index("三是"):]) == "near"  # 素质有待提高。行政执法人员: across a sentence end
    assert level("执法人员要加强学习，提高素质。") == "sentence"


def test_concreteness_counts_the_figures_near_the_words(sample_text):
    """临汾's 二是严格落实行政执法三项制度 paragraph has one figure, in the sentence about 执法人员;
    its first sentence holds 执法, so the whole block is about it."""
    r = refine.Refiner(["证件"], proximity=False)
    text = next(s for s in sample_text("linfen-2021.txt").split("\n") if "全市有8072名" in s)
    folded = fold(text).replace(" ", "").encode("utf-8")
    code = block_code(text, [], "paragraph")
    assert r.near_words(folded) == (1, 0) and r.factor(folded, code) == 1.0
    far = refine.Refiner(["三项制度"], proximity=False)
    assert far.near_words(folded) is None  # 三项制度 is in the first sentence


def test_by_report_shows_a_report_by_its_most_useful_block(ix):
    """禹王台's best block for 突发事件 was its run-in title (一)完善突发事件应对制度。 (the old ranking's
    choice); now it is a block with the measures and a figure."""
    res = search("突发事件", index_dir=ix, limit=10, explain=True)
    ywt = next(r for r in res.reports if "yuwangtai" in r.path)
    best = ywt.hits[0]
    assert best.explain["features"]["figures"] > 0 and not best.explain["features"]["headed"]
    by_block = search("突发事件", index_dir=ix, by="block", limit=1000)
    first = next(h for h in by_block.blocks if h.report_id == ywt.report_id)
    assert first.block_id == best.block_id and first.score == best.score


# --- the set, the counts and the exact choice --------------------------------------------------------

QUERIES = ["执法", "执法 人员", "复议 案件", "法治 培训", '"行政复议"', "复议 -应诉", "（府院联动 OR 败诉率）",
           "section:存在问题 执法", "突发事件", "干部 学法"]


@pytest.mark.parametrize("q", QUERIES)
def test_ranking_changes_the_order_never_the_set_or_the_counts(ix, q, monkeypatch):
    ranked = search(q, index_dir=ix, by="block", limit=10000)
    by_report = search(q, index_dir=ix, limit=1000)
    counts = tally(q, index_dir=ix)
    monkeypatch.setattr(rank, "_factors", rank._Factors(NEUTRAL))
    monkeypatch.setattr(refine, "FACTORS", {k: 1.0 for k in refine.FACTORS})
    plain = search(q, index_dir=ix, by="block", limit=10000)
    assert {h.block_id for h in ranked.blocks} == {h.block_id for h in plain.blocks}
    assert ranked.total == plain.total == len(ranked.blocks) == by_report.total == counts.blocks
    assert len(by_report.reports) == len({h.report_id for h in ranked.blocks}) == counts.reports


@pytest.mark.parametrize("q", ["执法", "执法 人员", "复议 案件", "法治 政府 建设", "干部 学法"])
def test_the_second_pass_chooses_exactly_the_best(ix, q):
    """Reading blocks best bound first and stopping early gives the same top k as scoring every
    block with both passes and sorting."""
    everything = search(q, index_dir=ix, by="block", limit=10000)
    full = [(h.score, h.block_id) for h in everything.blocks]
    assert full == sorted(full, key=lambda t: -t[0])
    for k in (1, 3, 10):
        top = search(q, index_dir=ix, by="block", limit=k)
        assert [h.block_id for h in top.blocks] == [h.block_id for h in everything.blocks[:k]]
        reports = search(q, index_dir=ix, limit=k)
        order = list(dict.fromkeys(h.report_id for h in everything.blocks))
        assert [r.report_id for r in reports.reports] == order[:k]


def test_best_blocks_is_a_sort_of_the_final_scores():
    """refine.best_blocks against a plain sort on made-up bounds and factors (ties: index order)."""
    import random
    rng = random.Random(5)

    class Fixed:
        def __init__(self, f):
            self.f = f

        def factor(self, text, code):
            return self.f[text]
    for _ in range(50):
        n = rng.randint(1, 300)
        bounds = [rng.choice([1.0, 2.0, rng.random() * 5]) for _ in range(n)]
        factors = [rng.choice([1.0, 0.85, 0.7, 0.5, rng.random()]) for _ in range(n)]
        k = rng.randint(1, 20)
        got = refine.best_blocks(bounds, list(range(n)), [0] * n, Fixed(factors), k)
        want = heapq.nsmallest(k, ((-bounds[i] * factors[i], i) for i in range(n)))
        assert [(f, i) for f, i in got] == [(-f, i) for f, i in want]


# --- explain and the display ------------------------------------------------------------------------

def test_explain_adds_up_to_the_score(ix):
    for q in ["执法 人员 素质", "突发事件", "复议 案件", '"行政复议"']:
        for h in search(q, index_dir=ix, by="block", limit=10, explain=True).blocks:
            e = h.explain
            assert e["first_pass"] == pytest.approx(e["bm25f"] * e["prior_factor"], rel=1e-3)
            assert sum(w["score"] for w in e["words"]) == pytest.approx(e["bm25f"], abs=1e-3)
            final = e["first_pass"] * (e["proximity"]["factor"] if e["proximity"] else 1) * \
                (e["near_words"]["factor"] if e["near_words"] else 1)
            assert final == pytest.approx(h.score, rel=1e-3)


def test_search_explain_in_the_terminal_and_in_json(ix):
    out = CliRunner().invoke(main, ["search", "执法", "人员", "素质", "--index", ix, "--by", "block", "--explain"])
    assert out.exit_code == 0, out.output
    assert "= BM25F" in out.output and "proximity" in out.output and "words: 执法" in out.output
    js = CliRunner().invoke(main, ["search", "执法", "人员", "--index", ix, "--explain", "--format", "json"])
    rec = json.loads(js.output)
    ex = rec["reports"][0]["hits"][0]["explain"]
    assert {"bm25f", "words", "features", "prior", "proximity", "score"} <= set(ex)
    plain = json.loads(CliRunner().invoke(main, ["search", "执法", "--index", ix, "--format", "json"]).output)
    assert "explain" not in plain["reports"][0]["hits"][0]


def test_a_heading_hit_shows_its_heading_once(ix):
    res = search("突发事件", index_dir=ix, by="block", limit=1000)
    bare = [h for h in res.blocks if h.text.startswith("六、健全突发事件应对体系")]
    assert bare and all(h.text not in " ".join(h.heading) for h in bare)
    out = CliRunner().invoke(main, ["search", "突发事件", "--index", ix, "--by", "block", "-n", "1000"]).output
    entries = out.split("\n\n")  # one entry per hit: title line, heading line, snippets
    own = [e for e in entries if any(line.strip() == "六、健全突发事件应对体系" for line in e.split("\n"))]
    assert len(own) == 1 and own[0].count("六、健全突发事件应对体系") == 1, own
