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

from conftest import CORPUS, on_terminal
from reportsearch.cli import main
from reportsearch.indexer import build, fold
from reportsearch.output import Format, to_text
from reportsearch.searcher import all_blocks, search, tally


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


# ------------------------------------------------------------------ 10. Markdown that is safe to paste

EVIL = ["[官网](javascript:alert(1))", "<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
        "![x](https://evil.example/t.png)", "**粗**", "`代码`", "&lt;b&gt;", "<https://evil.example/>"]


def _evil_result():
    from reportsearch.searcher import Hit, ReportHit, SearchResult
    from reportsearch.searcher.snippets import Snippet

    evil = "".join(EVIL)
    text = f"一是加强行政复议工作{evil}。二是做好行政应诉。"
    first_end = text.index("。") + 1
    spans = [(text.index("行政复议"), text.index("行政复议") + 4)]
    hit = Hit(rank=1, score=1.0, report_id="r1", block_id="r1:0", path=f"/tmp/{evil}.txt",
              title=f"# 报告{evil}", region=f"- 临汾{evil}", issuer=f"政府{evil}", year=2021,
              published=f"> {evil}", labels=["复议应诉"], heading=[f"一、{evil}"], text=text,
              matches=spans, snippets=[Snippet(text[:first_end], 0, spans)], terms=["行政复议"])
    block = SearchResult(query=f"复议 `x` {evil}", by="block", total=1, blocks=[hit])
    report = SearchResult(query=f"复议 `x` {evil}", by="report", total=1,
                          reports=[ReportHit(rank=1, score=1.0, hits=[hit])])
    return block, report


def _markdown_is_inert(md: str) -> str:
    """The HTML a CommonMark renderer (raw HTML allowed, as GitHub's is) makes of md, after checking
    that md makes no HTML, link or image of its own."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    kinds = set()
    stack = parser.parse(md)
    while stack:
        tok = stack.pop()
        kinds.add(tok.type)
        stack.extend(tok.children or [])
    assert not kinds & {"html_inline", "html_block", "link_open", "image", "code_block", "fence"}, kinds
    html = parser.render(md)
    assert "<img" not in html and "<script" not in html and "href=" not in html, html
    return html


@pytest.mark.parametrize("by", ["block", "report"])
def test_item10_markdown_escapes_html_and_markdown_in_every_field(by, tmp_path):
    import html as htmllib

    from reportsearch.output import export

    result = dict(zip(("block", "report"), _evil_result()))[by]
    tallies = [("复议 `x` " + "".join(EVIL), tally_like(result))]
    md = to_text([("", result)], Format.MD, tallies)
    rendered = htmllib.unescape(_markdown_is_inert(md))
    for s in EVIL:  # shown as typed, not interpreted
        assert s in rendered, (s, rendered)
    assert "<strong>行政复议</strong>" in _markdown_is_inert(md)  # the tool's own bold stays
    named = to_text([("名字" + EVIL[0], result)], Format.MD)
    assert EVIL[0] in htmllib.unescape(_markdown_is_inert(named))
    export([("", result)], str(tmp_path / "a.md"))
    _markdown_is_inert((tmp_path / "a.md").read_text(encoding="utf-8"))


def tally_like(result):
    from collections import Counter

    from reportsearch.searcher import Tally

    h = result.hits()[0]
    return Tally(query=result.query, blocks=1, reports=1, sections=Counter({"复议应诉": 1}),
                 regions={h.region: Counter({"复议应诉": 1})}, region_blocks=Counter({h.region: 1}))


def test_item10_markdown_of_a_hostile_report(tmp_path):
    """A scraped page whose text holds a link to javascript: and an <img onerror>, indexed and
    exported as Markdown: the snippet shows them as text."""
    text = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8")
    text = text.replace("一是深化行政复议制度改革。", "一是深化行政复议制度改革。详见[官网](javascript:alert(1))"
                        "与<img src=x onerror=alert(1)>所载行政复议方案。", 1)
    src = tmp_path / "src"
    src.mkdir()
    (src / "linfen.txt").write_text(text, encoding="utf-8")
    build([str(src)], str(tmp_path / "ix"), jobs=1)
    res = CliRunner().invoke(main, ["search", "行政复议方案", "--index", str(tmp_path / "ix"), "--format", "md"])
    assert res.exit_code == 0, res.output
    assert "javascript:alert(1)" in _markdown_is_inert(res.stdout)


# ------------------------------------------------------------------ 11. binary output and -o ''


def _tty(args: list[str], columns: int = 80) -> tuple[int, bytes, str]:
    """Run the command with stdout on a pseudo-terminal: (exit code, what reached it, stderr)."""
    return on_terminal(args, columns)


def _piped(args: list[str], out_path) -> tuple[int, str]:
    import subprocess
    import sys

    with open(out_path, "wb") as f:
        p = subprocess.run([sys.executable, "-m", "reportsearch", *args], stdout=f, stderr=subprocess.PIPE,
                           text=False, timeout=120)
    return p.returncode, p.stderr.decode("utf-8")


@pytest.mark.parametrize("args", [["--format", "xlsx"], ["-o", "-", "--format", "xlsx"]])
def test_item11_binary_formats_go_to_a_pipe_but_never_to_a_terminal(ix, tmp_path, args):
    """Like curl: a workbook on stdout is refused when stdout is a terminal (ZIP bytes would garble
    it), and written when stdout is a pipe or a file."""
    import openpyxl

    rc, shown, err = _tty(["search", "复议", "--index", ix, *args])
    assert rc == 2 and b"PK" not in shown and len(shown) < 200, shown
    assert err.count("\n") == 1 and err.startswith("error: ") and "-o" in err, err
    out = tmp_path / "piped.xlsx"
    rc, err = _piped(["search", "复议", "--index", ix, *args], out)
    assert rc == 0, err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "summary" and wb.worksheets[1].max_row > 1
    q = tmp_path / "q.toml"
    q.write_text('[[query]]\nname = "a"\nquery = "复议"\n', encoding="utf-8")
    rc, err = _piped(["run", str(q), "--index", ix, *args], tmp_path / "run.xlsx")
    assert rc == 0 and openpyxl.load_workbook(tmp_path / "run.xlsx").sheetnames == ["summary", "a"], err


def test_item11_an_empty_output_name_is_an_error(ix, tmp_path):
    q = tmp_path / "q.toml"
    q.write_text('[[query]]\nname = "a"\nquery = "复议"\n', encoding="utf-8")
    for args in (["search", "复议"], ["search", "复议", "--format", "csv"], ["run", str(q)]):
        res = CliRunner().invoke(main, [*args, "--index", ix, "-o", ""])
        assert res.exit_code == 2, (args, res.output)
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "-o" in res.stderr, res.stderr
        assert not res.stdout


# ------------------------------------------------------------------ 12. exact paths


def _odd_names(tmp_path):
    """A corpus whose file names are not UTF-8, hold an escape code, or a newline."""
    import os

    src = tmp_path / "src"
    src.mkdir()
    texts = {b"bad\xff\xfe.txt": "linfen-2021.txt", "evil\x1b[2J.txt".encode(): "ruian-2019.txt",
             b"one\nx.txt": "zhaoqing-2023.txt", b"two\nx.txt": "zaozhuang-2021.txt"}
    for name, sample in texts.items():
        with open(os.path.join(os.fsencode(src), name), "wb") as f:
            f.write((CORPUS / sample).read_bytes())
    ixd = str(tmp_path / "ix")
    build([str(src)], ixd, jobs=1)
    return src, ixd


def test_item12_json_paths_open_the_file_and_path_display_is_for_people(tmp_path):
    """JSON's `path` was a display string (bad\\xff\\xfe.txt) that no script could open. Now it is
    the exact path, with Python's surrogateescape for bytes that are not UTF-8 ("\\udcff" in the
    JSON text), and `path_display` is the printable form."""
    import os
    import re

    src, ixd = _odd_names(tmp_path)
    raw = CliRunner().invoke(main, ["search", "法治政府", "--index", ixd, "--format", "json", "-n", "10"])
    assert raw.exit_code == 0, raw.output
    assert "\\udcff\\udcfe" in raw.stdout and not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", raw.stdout)
    doc = json.loads(raw.stdout)
    paths = {r["path"] for r in doc["reports"]} | {h["path"] for r in doc["reports"] for h in r["hits"]}
    assert len(paths) == 4 and all(os.path.isfile(p) for p in paths)  # a script opens them as given
    assert os.path.join(str(src), "bad\udcff\udcfe.txt") in paths
    shown = {r["path_display"] for r in doc["reports"]}
    assert os.path.join(str(src), "bad\\xff\\xfe.txt") in shown and os.path.join(str(src), "evil\\x1b[2J.txt") in shown
    assert os.path.join(str(src), "one\\nx.txt") in shown
    lines = CliRunner().invoke(main, ["search", "法治政府", "--index", ixd, "--format", "jsonl"]).stdout.splitlines()
    recs = [json.loads(x) for x in lines]
    assert {r["path"] for r in recs} == paths and {r["path_display"] for r in recs} == shown
    csv_text = CliRunner().invoke(main, ["search", "法治政府", "--index", ixd, "--format", "csv"]).stdout
    assert "bad\\xff\\xfe.txt" in csv_text  # CSV, text, Markdown and XLSX are for people


def test_item12_show_takes_the_path_as_search_prints_it(tmp_path):
    import os
    import subprocess
    import sys

    src, ixd = _odd_names(tmp_path)
    res = CliRunner().invoke(main, ["show", "x.txt", "--index", ixd])  # one\nx.txt and two\nx.txt
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and res.stderr.startswith("error: "), res.stderr
    assert "one\\nx.txt" in res.stderr and "two\\nx.txt" in res.stderr
    doc = json.loads(CliRunner().invoke(main, ["search", "法治政府", "--index", ixd, "--format", "json"]).stdout)
    for r in doc["reports"]:
        for ref in (r["path_display"], r["path"]):  # as printed, and the exact path a script has
            p = subprocess.run([sys.executable, "-m", "reportsearch", "show", ref, "--index", ixd],
                               capture_output=True, timeout=120, env=dict(os.environ, NO_COLOR="1"))
            assert p.returncode == 0, (ref, p.stderr)
            assert (r["title"] or "").encode() in p.stdout


# ------------------------------------------------------------------ rough edges


@pytest.mark.parametrize("q", ["复议|应诉", "复议 | 应诉", "复议｜应诉", "(复议|应诉) -行政"])
def test_rough_edges_a_bar_is_or(ix, q):
    """`复议|应诉` was silently 复议 AND 应诉 (the bar was part of a word jieba cut away)."""
    want = search(q.replace("｜", "|").replace("|", " OR "), index_dir=ix, by="block", limit=1000)
    got = search(q, index_dir=ix, by="block", limit=1000)
    assert [h.block_id for h in got.blocks] == [h.block_id for h in want.blocks] and got.total
    assert got.total > search(q.replace("｜", " ").replace("|", " "), index_dir=ix).total  # not an AND
    assert CliRunner().invoke(main, ["search", q, "--index", ix]).exit_code == 0


@pytest.mark.parametrize("q", ["|复议", "复议|", "复议||应诉"])
def test_rough_edges_a_lone_bar_is_a_one_line_error(ix, q):
    res = CliRunner().invoke(main, ["search", q, "--index", ix])
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and res.stderr.count("\n") == 1, res.stderr


@pytest.mark.parametrize("q, option", [("营商环境 -s plans", "-s"), ("复议 --limit 5", "--limit"),
                                       ("复议 -n 3", "-n"), ("复议 --by block", "--by")])
def test_rough_edges_an_option_inside_the_query_warns(ix, q, option):
    """Options typed inside the quoted query (`'营商环境 -s plans'`) silently became NOT terms."""
    res = CliRunner().invoke(main, ["search", q, "--index", ix])
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning: ")]
    assert len(warnings) == 1 and f"`{option}`" in warnings[0] and "option" in warnings[0], res.stderr
    assert search(q, index_dir=ix).warnings == [warnings[0][len("warning: "):]]
    for fine in (["复议 -应诉"], ["复议", "-应诉"], ["营商环境", "-s", "plans"], ["复议 -2021"]):
        ok = CliRunner().invoke(main, ["search", *fine, "--index", ix])
        assert "warning" not in ok.stderr, (fine, ok.stderr)


def test_rough_edges_text_export_has_the_csv_columns_and_a_header(ix, tmp_path):
    """The README promises CSV's columns in the .txt export; it had 6 and no header."""
    import csv
    import io

    from reportsearch.output.rows import COLUMNS
    res = search("复议", index_dir=ix, limit=5)
    text = to_text([("", res)], Format.TEXT)
    rows = [ln.split("\t") for ln in text.splitlines()]
    assert rows[0] == COLUMNS
    by_csv = list(csv.reader(io.StringIO(to_text([("", res)], Format.CSV))))
    assert len(rows) == len(by_csv) and all(len(r) == len(COLUMNS) for r in rows)
    assert [r[COLUMNS.index("snippet")] for r in rows[1:]] == [r[COLUMNS.index("snippet")] for r in by_csv[1:]]
    out = tmp_path / "a.txt"
    assert CliRunner().invoke(main, ["search", "复议", "--index", ix, "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").split("\n", 1)[0] == "\t".join(COLUMNS)


def test_rough_edges_the_score_stays_whole_in_a_narrow_terminal(ix):
    import re

    for by in ("report", "block"):
        rc, shown, _ = _tty(["search", "执法", "-n", "10", "--by", by, "--index", ix], columns=60)
        lines = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode("utf-8")).replace("\r\n", "\n").splitlines()
        res = search("执法", index_dir=ix, limit=10, by=by)
        entries = res.reports if by == "report" else res.blocks
        assert rc == 0 and entries
        for e in entries:
            assert any(f"({e.score:.2f})" in ln for ln in lines), (e.score, lines)
        assert not [ln for ln in lines if re.search(r"\(\d*\.?\d*$", ln.rstrip())], lines


@pytest.mark.parametrize("q, words", [("😀", ["emoji"]), ("🚀🚀", ["emoji"]), ("，。！", ["punctuation"]),
                                      ("！😀", ["punctuation", "emoji"])])
def test_rough_edges_a_query_without_words_says_what_it_holds(ix, q, words):
    """A single emoji was 'only punctuation'."""
    res = CliRunner().invoke(main, ["search", q, "--index", ix])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "nothing to search for" in res.stderr
    assert all(w in res.stderr for w in words), res.stderr
    if "punctuation" not in words:
        assert "punctuation" not in res.stderr, res.stderr


def test_rough_edges_index_counts_go_to_stdout(tmp_path):
    """The summary of an index run is its result: stdout; warnings and progress stay on stderr."""
    import shutil

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(CORPUS / "linfen-2021.txt", src / "a.txt")
    (src / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "i"), "-j", "1"])
    assert res.exit_code == 3
    assert "added" in res.stdout and "blocks indexed" in res.stdout and "warning" not in res.stdout, res.stdout
    assert "added" not in res.stderr and "empty.txt: " in res.stderr and "1 file could not be read" in res.stderr
