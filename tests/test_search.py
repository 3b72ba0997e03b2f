"""Index and search on the sample reports: query language, matching, recall, highlighting, formats, errors."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SAMPLES
from reportsearch.cli import main
from reportsearch.errors import BadQuery, IndexIncompatible, IndexMissing
from reportsearch.indexer import build, reports
from reportsearch.indexer import tokens as segment
from reportsearch.report import outline
from reportsearch.searcher import search


def _blocks():
    return [(p, b) for p in SAMPLES for b in outline(str(p)).blocks]


def _texts(res):
    return [h.text for h in res.hits()]


def test_index_summary_counts_sections(tmp_path):
    s = build([str(CORPUS)], str(tmp_path / "i"), jobs=1)
    assert (s.added, s.updated, s.removed, s.skipped) == (5, 0, 0, 0)
    assert s.blocks == sum(len(outline(str(p)).blocks) for p in SAMPLES)
    assert s.per_section["存在问题"] > 0 and s.per_section["复议应诉"] > 0


def test_incremental_skips_replaces_removes_without_duplicates(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CORPUS, src)
    d = str(tmp_path / "i")
    build([str(src)], d, jobs=1)
    assert build([str(src)], d, jobs=1).skipped == 5
    (src / "ruian-2019.txt").write_text((src / "ruian-2019.txt").read_text(encoding="utf-8")
                                        .replace("主推复议先行", "主推复议先行先试"), encoding="utf-8")
    (src / "linfen-2021.txt").unlink()
    s = build([str(src)], d, jobs=1)
    assert (s.updated, s.removed, s.skipped) == (1, 1, 3)
    listed = reports(d)
    assert len({r["path"] for r in listed}) == len({r["id"] for r in listed}) == len(listed) == 4
    by_block = search("的", index_dir=d, by="block", limit=100000).blocks
    assert len({h.block_id for h in by_block}) == len(by_block), "a block is indexed twice"
    assert len(search('"复议先行先试"', index_dir=d).hits()) == 1
    assert not search("临汾", index_dir=d, region="临汾").hits()


def test_word_finds_longer_words_and_phrase_is_exact(ix):
    res = search("复议", index_dir=ix, by="block", limit=100)
    assert any("行政复议体制改革" in t for t in _texts(res))
    phrase = search('"行政复议体制改革"', index_dir=ix, by="block", limit=100)
    truth = [b.text for _, b in _blocks() if "行政复议体制改革" in b.text]
    assert sorted(_texts(phrase)) == sorted(truth)
    # Chinese quotes work the same way
    assert sorted(_texts(search("“行政复议体制改革”", index_dir=ix, by="block", limit=100))) == sorted(truth)
    # unquoted, the words may stand apart
    loose = search("行政复议 改革", index_dir=ix, by="block", limit=100)
    assert len(loose.hits()) >= len(truth)


@pytest.mark.parametrize("q", ["复议", "行政执法", "执法人员", "第一责任人", "败诉率", "府院联动", "述法",
                               "综合行政执法", "行政争议", "有待", "下一步", "2021", "三项制度"])
def test_recall_equals_substring_scan(ix, q):
    truth = sorted(b.text for _, b in _blocks() if q in b.text)
    got = sorted(_texts(search(f'"{q}"', index_dir=ix, by="block", limit=1000)))
    assert got == truth


def test_highlights_whole_terms_never_sub_pieces(ix):
    res = search("行政复议", index_dir=ix, by="block", limit=50)
    for h in res.hits():
        for a, b in h.matches:
            assert h.text[a:b] == "行政复议"
        for sn in h.snippets:
            for a, b in sn.spans:
                assert sn.text[a:b] == "行政复议"
    # 行政 inside 行政机关 is never marked when one searches 行政复议
    marked = [sn.marked() for h in res.hits() for sn in h.snippets]
    assert not any("【行政】" in m for m in marked)


def test_snippets_are_sentences_and_reach_far_into_long_blocks(tmp_path):
    filler = "本区持续推进各项工作落实。" * 2000  # > 32,000 characters before the match
    text = "某区2022年度法治政府建设情况的报告\n发布日期:2023-01-05\n一、基本情况\n" + filler + \
           "\n二、存在的问题\n一是基层执法人员素质有待提高。二是行政复议纠错率偏高。\n"
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    d = str(tmp_path / "i")
    build([str(tmp_path / "long.txt")], d, jobs=1)
    res = search("执法人员", index_dir=d, by="block")
    assert res.hits(), "a match past 32,000 characters is found"
    sn = res.hits()[0].snippets[0]
    assert sn.text.endswith("。") and sn.marked() == "一是基层【执法人员】素质有待提高。"


def test_filters_sections_regions_years(ix):
    res = search("section:存在问题 执法 人员", index_dir=ix, by="block", limit=50)
    assert res.hits() and all("存在问题" in h.labels for h in res.hits())
    assert {h.region for h in search("section:problems 执法", index_dir=ix, limit=50).hits()} >= {"临汾市", "肇庆市"}
    assert {h.region for h in search("复议 region:临汾", index_dir=ix, limit=50).hits()} == {"临汾市"}
    assert {h.year for h in search('"行政复议" year:2021-2023', index_dir=ix, limit=50).hits()} <= {2021, 2022, 2023}
    assert {h.year for h in search("复议 year:>=2022", index_dir=ix, limit=50).hits()} == {2022, 2023}
    assert {h.year for h in search("复议", year="2019", index_dir=ix).hits()} == {2019}
    two = search("复议", sections=("存在问题", "plans"), index_dir=ix, by="block", limit=100)
    assert all({"存在问题", "下一步计划"} & set(h.labels) for h in two.hits())


def test_boolean_operators(ix):
    both = set(_texts(search("复议", index_dir=ix, by="block", limit=500)))
    no_ying = set(_texts(search("复议 -应诉", index_dir=ix, by="block", limit=500)))
    assert no_ying and no_ying < both and not any("应诉" in t for t in no_ying)
    assert set(_texts(search("复议 NOT 应诉", index_dir=ix, by="block", limit=500))) == no_ying
    either = set(_texts(search("（府院联动 OR 败诉率）", index_dir=ix, by="block", limit=500)))
    assert either == {b.text for _, b in _blocks() if "府院联动" in b.text or "败诉率" in b.text}


def test_ranking_prefers_blocks_about_the_term(ix):
    res = search('"行政复议"', index_dir=ix, by="block", limit=3)
    assert all(h.text.count("行政复议") >= 2 for h in res.hits())


def test_ranking_does_not_count_a_heading_twice(ix):
    """A bare heading (`（一）加快建设法治政府`) holds the term in its text and, as a block under
    itself, in its heading field: BM25F adds the fields before saturating, so the heading alone
    does not outrank the blocks that discuss the term under it."""
    res = search("法治政府", index_dir=ix, by="block", limit=3)
    assert len(res.hits()) == 3
    headings = {b.text for _, b in _blocks() if b.kind == "heading"}
    assert not [h.text for h in res.hits() if h.text in headings]


@pytest.mark.parametrize("q,msg", [
    ('"行政复议', "unbalanced quote"),
    ("(复议", "unbalanced ("),
    ("复议)", "unbalanced )"),
    ("section:unknown", "unknown section 'unknown'"),
    ("year:2023-2021", "runs backwards"),
    ("year:soon", "cannot read year"),
    ("colour:red", "unknown field"),
    ("OR", "OR needs"),
    ("", "empty query"),
    ("，。！", "nothing to search for"),
])
def test_bad_queries_are_one_line_errors(ix, q, msg):
    with pytest.raises(BadQuery) as e:
        search(q, index_dir=ix)
    assert msg in str(e.value)
    res = CliRunner().invoke(main, ["search", "--index", ix, q])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and msg in res.stderr


def test_cli_exit_codes_and_formats(ix):
    r = CliRunner()
    hit = r.invoke(main, ["search", "--index", ix, "复议", "--format", "json"])
    assert hit.exit_code == 0
    data = json.loads(hit.stdout)
    first = data["reports"][0]["hits"][0]
    assert {"score", "sections", "title", "region", "year", "matches", "snippets"} <= set(first)
    a, b = first["matches"][0]
    assert "复议" in first["text"][a:b]
    assert r.invoke(main, ["search", "--index", ix, "不存在的词语组合"]).exit_code == 1
    lines = r.invoke(main, ["search", "--index", ix, "复议", "--format", "jsonl"]).stdout.strip().split("\n")
    assert all(json.loads(x)["snippet"] for x in lines)
    rows = list(csv.DictReader(io.StringIO(r.invoke(main, ["search", "--index", ix, "复议", "--format", "csv"]).stdout)))
    assert rows and "【复议】" in rows[0]["snippet"] or "【" in rows[0]["snippet"]
    md = r.invoke(main, ["search", "--index", ix, "复议", "--format", "md"]).stdout
    assert md.startswith("## 复议") and "**复议**" in md
    txt = r.invoke(main, ["search", "--index", ix, "复议", "--format", "text"]).stdout
    header, first = txt.splitlines()[:2]  # CSV's columns, tab-separated
    assert header.split("\t")[:2] == ["query", "rank"] and first.split("\t")[1] == "1"
    pretty = r.invoke(main, ["search", "--index", ix, "section:存在问题 执法 人员"])
    assert pretty.exit_code == 0 and "存在问题" in pretty.stdout and "\x1b[" not in pretty.stdout


def test_missing_and_foreign_index(tmp_path):
    with pytest.raises(IndexMissing):
        search("复议", index_dir=str(tmp_path / "none"))
    res = CliRunner().invoke(main, ["search", "--index", str(tmp_path / "none"), "复议"])
    assert res.exit_code == 2 and res.stderr == (f"error: no index at {tmp_path / 'none'} — run "
                                                 f"`reportsearch index corpus/ --index {tmp_path / 'none'}` first\n")
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(IndexIncompatible):
        search("复议", index_dir=str(other))
    res = CliRunner().invoke(main, ["index", str(CORPUS), "--index", str(other), "--rebuild"])
    assert res.exit_code == 2 and "nothing was deleted" in res.stderr
    assert (other / "todo.txt").read_text(encoding="utf-8") == "keep me"


def test_show_and_stats(ix):
    r = CliRunner()
    out = r.invoke(main, ["show", "--index", ix, "zhaoqing", "--section", "problems"]).stdout
    assert "肇庆市2023年法治政府建设年度报告" in out and "仍存在一些不足" in out and "接下来" not in out
    st = r.invoke(main, ["stats", "--index", ix]).stdout
    assert "5 reports" in st and "临汾市" in st and "2023" in st
    assert r.invoke(main, ["show", "--index", ix, "nowhere"]).exit_code == 2


def test_index_cli_warns_on_bad_files_and_exits_3(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CORPUS / "ruian-2019.txt", src / "瑞安 2019.txt")
    (src / "broken.txt").write_bytes(b"%PDF-1.4 junk")
    res = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "i"), "-j", "1"])
    assert res.exit_code == 3
    assert "broken.txt" in res.stderr and "PDF" in res.stderr and "added" in res.stdout


def test_query_dictionary_segments_like_jieba(ix):
    texts = [b.text[:80] for _, b in _blocks()][:60] + ["执法人员素质", "行政复议体制改革", "府院联动机制"]
    ref = segment.index_tokenizer()
    lazy = segment.query_tokenizer(ix)
    assert lazy is not ref
    for t in texts:
        assert list(lazy.cut(t)) == list(ref.cut(t))
        assert list(lazy.cut_for_search(t)) == list(ref.cut_for_search(t))


def test_index_env_and_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(CORPUS, tmp_path / "corpus")
    res = CliRunner().invoke(main, ["index", "-j", "1"])
    assert res.exit_code == 0
    assert os.path.isdir(os.environ["REPORTSEARCH_INDEX"])
    assert not (tmp_path / "index").exists()


def test_export_to_file_csv_with_bom_neutralised_atomic_no_overwrite(ix, tmp_path):
    out = tmp_path / "answers.csv"
    r = CliRunner()
    res = r.invoke(main, ["search", "--index", ix, "复议", "-o", str(out)])
    assert res.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0]["rank"] == "1" and "【复议】" in "".join(x["snippet"] for x in rows)
    before = out.read_bytes()
    again = r.invoke(main, ["search", "--index", ix, "应诉", "-o", str(out)])
    assert again.exit_code == 2 and "pass --force" in again.stderr and out.read_bytes() == before
    assert r.invoke(main, ["search", "--index", ix, "应诉", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_bytes() != before
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]
    from reportsearch.output.rows import neutralise
    assert [neutralise(x) for x in ("=1+1", "+3", "-2", "@SUM(A1)", "\tx", "行政")] == \
        ["'=1+1", "'+3", "'-2", "'@SUM(A1)", "'\tx", "行政"]
    bad = r.invoke(main, ["search", "--index", ix, "复议", "-o", str(tmp_path / "x.doc")])
    assert bad.exit_code == 2 and "cannot tell the format" in bad.stderr


def test_total_counts_every_matching_block_also_by_report(ix):
    by_block = search("执法", index_dir=ix, by="block", limit=10000)
    by_report = search("执法", index_dir=ix, limit=100)
    per_report = {}
    for h in by_block.blocks:
        per_report[h.report_id] = per_report.get(h.report_id, 0) + 1
    assert max(per_report.values()) > 3  # some report has more blocks than the three it shows
    assert by_report.total == by_block.total == len(by_block.blocks)


def test_the_signature_never_misses_a_block(ix):
    """Each block's bit is set in the signature slice of every bigram of its text (a string's
    candidates are a superset of its blocks), and a block's folded text is what find checks."""
    from reportsearch.indexer.snapshot import read_index

    def check(snap):
        checked = 0
        for seg in snap.segments:
            data = seg.data
            for b in range(len(data.masks)):
                text = data.text[data.starts[b]:data.starts[b + 1] - 1].decode("utf-8")
                for i in range(len(text) - 1):
                    assert seg.candidates(text[i:i + 2]) >> b & 1, (b, text[i:i + 2])
                    checked += 1
        return checked
    assert read_index(ix, check) > 10_000


def test_random_strings_find_exactly_the_blocks_that_hold_them(ix):
    """Strings cut at random from the samples (so their bigrams collide in the signature in every
    way the samples allow): the blocks found equal a substring scan of the folded texts."""
    import random

    blocks = [segment.fold(b.text).replace(" ", "") for _, b in _blocks()]
    rng = random.Random(11)
    for _ in range(60):
        text = rng.choice(blocks)
        n = rng.randint(2, 7)
        start = rng.randrange(max(1, len(text) - n))
        q = text[start:start + n]
        if not q.strip() or '"' in q or not any(c.isalnum() for c in q):
            continue
        truth = sum(1 for t in blocks if q in t)
        got = search(f'"{q}"', index_dir=ix, by="block", limit=1000)
        assert got.total == len(got.blocks) == truth, q
