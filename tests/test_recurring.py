"""Recurring problems: hand-labelled pairs from the bulk corpus (precision and recall, on the half of
the bodies the threshold was tuned on and on the other half), boilerplate, misfiled duplicates, and
built cases."""
from __future__ import annotations

import collections
import pathlib
import tarfile

import pytest

from conftest import SHARED
from reportsearch.errors import BadArgument
from reportsearch.facts import repeats as rec
from reportsearch.facts.repeats import Doc, find_duplicates, problem_units, recurring_bodies
from reportsearch.model import Section
from reportsearch.report import outline

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "corpus"

LABELS = pathlib.Path(__file__).parent / "labels" / "recurring-pairs.tsv"
BOILERPLATE = pathlib.Path(__file__).parent / "labels" / "recurring-boilerplate.tsv"
BULK = pathlib.Path("/tmp/bulk/gov-work-reports")
TUNING = {"浙江省", "四川省", "广州市", "兰州市", "哈尔滨市", "邢台市", "鹤岗市", "天水市"}  # the threshold's half
# The bulk archive's misfiled duplicates: one report under two names (found by reading the whole corpus).
DUPLICATES = {("政府工作报告-省自治区/四川省/2019.md", "政府工作报告-省自治区/四川省/2020.md"),
              ("政府工作报告-主要城市/兰州市/2021.md", "政府工作报告-主要城市/兰州市/2022.md"),
              ("政府工作报告-其他地市/淮安市/2016.md", "政府工作报告-其他地市/淮南市/2016.md"),
              ("政府工作报告-其他地市/池州市/2016.md", "政府工作报告-其他地市/沧州市/2016.md")}
NEIGHBOURS = {"政府工作报告-省自治区/四川省/2018.md", "政府工作报告-省自治区/四川省/2021.md",
              "政府工作报告-主要城市/兰州市/2020.md", "政府工作报告-主要城市/兰州市/2023.md",
              "政府工作报告-其他地市/淮安市/2020.md", "政府工作报告-其他地市/池州市/2020.md"}
P = Section.PROBLEMS.value


def _rows(path: pathlib.Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines(True)
            if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    """A function giving the local path of a bulk report (relative to gov-work-reports/), from the
    extracted corpus when it is here, else extracted from ../shared/bulk on demand; skips without both."""
    if BULK.is_dir():
        return lambda rel: BULK / rel
    tar = SHARED / "bulk" / "gov-work-reports.tar.xz"
    if not tar.exists():
        pytest.skip("the bulk corpus is not here (only in the project's workplace)")
    root = tmp_path_factory.mktemp("bulk")
    wanted = {f"gov-work-reports/{r[i]}" for r in _rows(LABELS) for i in (1, 4)}
    wanted |= {f"gov-work-reports/{r[0]}" for r in _rows(BOILERPLATE)}
    wanted |= {f"gov-work-reports/{p}" for p in NEIGHBOURS.union(*DUPLICATES)}
    with tarfile.open(tar) as t:
        t.extractall(root, members=[m for m in t.getmembers() if m.name in wanted], filter="data")
    return lambda rel: root / "gov-work-reports" / rel


@pytest.fixture(scope="module")
def parsed(bulk):
    """Outline each needed bulk report once: path (relative) -> Report."""
    cache: dict[str, object] = {}

    def get(rel: str):
        if rel not in cache:
            cache[rel] = outline(str(bulk(rel)))
        return cache[rel]
    return get


def _same(a: str, b: str) -> bool:
    """Two quotes of one report name the same unit: one holds the other, or they share most bigrams."""
    if a in b or b in a:
        return True
    x, y = rec.shingles(a), rec.shingles(b)
    return len(x & y) / max(1, min(len(x), len(y))) >= 0.8


def _measure(rows, parsed) -> dict[str, tuple[float, float]]:
    """Precision and recall of recurring on the labelled pairs: a pair is found when recurring pairs
    the two reports with quotes that name the labelled units."""
    bodies: dict[str, dict[str, Doc]] = collections.defaultdict(dict)
    for r in rows:
        for rel in (r[1], r[4]):
            bodies[r[0]][rel] = rec.doc(parsed(rel), body=r[0])
    local = {rel: d.path for ds in bodies.values() for rel, d in ds.items()}
    found = recurring_bodies({b: list(ds.values()) for b, ds in bodies.items()})
    by_reports = collections.defaultdict(list)
    for p in found.pairs:
        by_reports[p.earlier.path, p.later.path].append(p)
    out = {}
    for name, keep in (("tuning", lambda r: r[0] in TUNING), ("held-out", lambda r: r[0] not in TUNING),
                       ("all", lambda r: True)):
        tp = fp = fn = 0
        for r in filter(keep, rows):
            hit = any(_same(p.earlier.quote, r[3]) and _same(p.later.quote, r[6])
                      for p in by_reports[local[r[1]], local[r[4]]])
            truth = r[7] == "1"
            tp += hit and truth
            fp += hit and not truth
            fn += truth and not hit
        out[name] = (tp / max(1, tp + fp), tp / max(1, tp + fn))
    return out


@pytest.mark.bulk
@pytest.mark.slow
def test_labelled_pairs_precision_and_recall(parsed):
    rows = _rows(LABELS)
    assert sum(r[7] == "1" for r in rows) >= 40 and sum(r[7] == "0" for r in rows) >= 40
    assert len({r[0] for r in rows}) >= 10
    scores = _measure(rows, parsed)
    for name, (precision, recall) in scores.items():
        print(f"{name}: precision {precision:.3f} recall {recall:.3f}")
    for name in ("tuning", "held-out", "all"):
        precision, recall = scores[name]
        assert precision >= 0.9 and recall >= 0.8, (name, precision, recall)


@pytest.mark.bulk
def test_boilerplate_is_no_problem_unit(parsed):
    """The lead-ins and closings read from 36 random reports: no unit overlaps them. Two closings are
    aphorisms no rule tells from a problem (犯其至难而图其至远; “没有最好，只有更好”): at most two leak."""
    rows = _rows(BOILERPLATE)
    assert len(rows) >= 60
    leaks = []
    for rel, kind, quote in rows:
        report = parsed(rel)
        index, block = next((i, b) for i, b in enumerate(report.blocks) if quote in b.text)
        start = block.text.index(quote)
        end = start + len(quote)
        if Section.PROBLEMS in block.labels:
            leaks += [(rel, kind, u.text) for u in problem_units(block.text, index)
                      if u.start < end and u.end > start]
    assert not [x for x in leaks if x[1] == "lead-in"], leaks
    assert len(leaks) <= 2, leaks


@pytest.mark.bulk
@pytest.mark.slow
def test_misfiled_duplicates_are_reported_once_and_left_out(parsed):
    """The archive's four misfiled copies, among their bodies' neighbouring years, grouped by the region
    the reports name (as the index does): each copy is named once, and none is compared as a later year."""
    paths = {p for pair in DUPLICATES for p in pair} | NEIGHBOURS
    bodies: dict[str, list] = collections.defaultdict(list)
    local = {}
    for rel in sorted(paths):
        report = parsed(rel)
        bodies[report.meta.region].append(report)
        local[report.path] = rel
    found = recurring_bodies(bodies)
    named = {frozenset((local[d.kept], local[d.dropped])) for d in found.duplicates}
    assert named == {frozenset(pair) for pair in DUPLICATES}
    assert len(found.duplicates) == len(DUPLICATES)
    assert all(d.same_body and d.similarity >= 0.9 for d in found.duplicates)
    kept = {local[d.kept] for d in found.duplicates}
    assert "政府工作报告-其他地市/淮安市/2016.md" in kept  # the copy filed under its own place
    dropped = {d.dropped for d in found.duplicates}
    assert not [p for p in found.pairs if p.earlier.path in dropped or p.later.path in dropped]
    assert not [s for s in found.summaries if s.path in dropped]
    sichuan = [s for s in found.summaries if local[s.path].startswith("政府工作报告-省自治区/四川省/")]
    assert [s.year for s in sichuan] == sorted({s.year for s in sichuan})  # one report a year
    assert any(p.later.path != p.earlier.path for p in found.pairs)  # the neighbours do recur


# --- built cases -----------------------------------------------------------------------------

LEAD = "在肯定成绩的同时，我们也清醒看到，发展中还存在一些困难和问题："
CLOSE = "对此，我们将采取有力措施，认真加以解决。"


def _doc(body: str, year: int | None, path: str, *problems: str, other: str = "") -> Doc:
    blocks = [(0, other or f"{year}年，全市经济运行总体平稳，主要指标好于预期。", ())]
    blocks += [(i, text, (P,)) for i, text in enumerate(problems, 1)]
    return Doc(body=body, year=year, path=path, blocks=blocks)


def test_a_restated_problem_is_paired_and_boilerplate_is_not():
    earlier = _doc("甲市", 2021, "a/2021.md", LEAD + "政府职能转变还不到位，营商环境有待进一步改善；征地拆迁难度仍然较大；"
                   "形式主义、官僚主义仍不同程度存在。" + CLOSE)
    later = _doc("甲市", 2022, "a/2022.md", LEAD + "营商环境仍需进一步改善；征地拆迁难度依然较大；优质教育资源供给不足。"
                 + CLOSE)
    found = recurring_bodies({"甲市": [later, earlier]})
    got = {(p.earlier.quote, p.later.quote) for p in found.pairs}
    assert got == {("营商环境有待进一步改善", "营商环境仍需进一步改善"), ("征地拆迁难度仍然较大", "征地拆迁难度依然较大")}
    assert all(p.earlier.block == 1 and p.later.block == 1 and 0.35 <= p.similarity <= 1 for p in found.pairs)
    assert [s.text() for s in found.summaries] == [
        "4 problems admitted in 2021, the body's first report",
        "2 of 3 problems admitted in 2022 were already admitted in 2021"]
    assert not found.duplicates
    units = [u.text for u in problem_units(LEAD + "征地拆迁难度仍然较大。" + CLOSE)]
    assert units == ["征地拆迁难度仍然较大"]


def test_units_are_clauses_and_items_with_their_place_in_the_block():
    text = ("主要是：一是经济总量偏小，财政压力较大；二是产业转型升级步伐不快，非煤产业比重偏低、新兴产业发育不足；"
            "三是产能过剩，部分企业生产经营困难。这些问题，我们一定高度重视。")
    units = problem_units(text, 7)
    assert [u.text for u in units] == ["经济总量偏小", "财政压力较大", "产业转型升级步伐不快",
                                       "非煤产业比重偏低、新兴产业发育不足", "产能过剩，部分企业生产经营困难"]
    assert all(text[u.start:u.end] == u.text and u.block == 7 for u in units)
    tail = problem_units("形式主义、官僚主义仍不同程度存在，等等。一些干部担当作为不够；等等。")
    assert [u.text for u in tail] == ["形式主义、官僚主义仍不同程度存在", "一些干部担当作为不够"]
    short = problem_units("经济总量偏小；产能过剩。当前，我市财政收支矛盾突出。")  # short: alone, or joins the next
    assert [u.text for u in short] == ["经济总量偏小", "产能过剩", "当前，我市财政收支矛盾突出"]


def test_problems_in_real_reports():
    """The sample reports' 存在问题 blocks give problem units, quoted exactly, and no lead-in."""
    for path in sorted(CORPUS.glob("*.txt")):
        report = outline(str(path))
        d = rec.doc(report)
        units = rec.units_of(d)
        assert units, path
        texts = dict((i, t) for i, t, _ in d.blocks)
        for u in units:
            assert texts[u.block][u.start:u.end] == u.text
            assert Section.PROBLEMS in report.blocks[u.block].labels
            assert "清醒" not in u.text and "同时" not in u.text


def test_a_report_filed_twice_is_one_duplicate_not_a_recurrence():
    """The same real report under two years of one body is said once and read once."""
    report = outline(str(CORPUS / "linfen-2021.txt"))
    first = rec.doc(report, body="临汾市")
    copy = Doc(body="临汾市", year=2022, path="elsewhere/2022.txt", blocks=list(first.blocks))
    found = recurring_bodies({"临汾市": [copy, first]})
    assert [(d.kept, d.dropped) for d in found.duplicates] == [(first.path, copy.path)]
    assert not found.pairs
    assert [s.path for s in found.summaries] == [first.path]
    assert find_duplicates([first, copy]) == found.duplicates


def test_duplicates_need_the_same_text_not_the_same_problems():
    """Two reports whose problem paragraphs are the same but whose other text differs recur; they are
    not one report."""
    problems = LEAD + "营商环境有待进一步优化；民生领域还有不少短板；安全生产基础仍不牢固。" + CLOSE
    a = _doc("乙市", 2020, "b/2020.md", problems, other=(CORPUS / "ruian-2019.txt").read_text("utf-8"))
    b = _doc("乙市", 2021, "b/2021.md", problems, other=(CORPUS / "zaozhuang-2021.txt").read_text("utf-8"))
    found = recurring_bodies({"乙市": [a, b]})
    assert not found.duplicates
    assert len(found.pairs) == 3 and all(p.similarity == 1.0 for p in found.pairs)


def test_lookback_progress_and_reports_without_a_year():
    text = LEAD + "征地拆迁难度仍然较大。" + CLOSE
    docs = [_doc("丙市", y, f"c/{y}.md", text) for y in (2019, 2020, 2021)] + [_doc("丙市", None, "c/x.md", text)]
    calls = []
    found = recurring_bodies({"丙市": docs, "丁市": [_doc("丁市", 2021, "d/2021.md", text)]},
                      progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    assert len(found.pairs) == 3  # 2020←2019, 2021←2020, 2021←2019; the undated report is not ordered
    assert all(p.earlier.path != "c/x.md" and p.later.path != "c/x.md" for p in found.pairs)
    recent = recurring_bodies({"丙市": docs}, lookback=1)
    assert {(p.earlier.year, p.later.year) for p in recent.pairs} == {(2019, 2020), (2020, 2021)}
    assert [s.in_any_earlier for s in recent.summaries] == [0, 1, 1]
    pair = recent.pairs[0].to_json()
    assert set(pair) == {"body", "similarity", "earlier", "later"}
    assert set(pair["earlier"]) == {"year", "path", "block", "quote"}


def test_a_copy_filed_under_another_body_is_named_but_read_in_both():
    """The same report under two places (淮南市/2016.md holding 淮安's): one duplicate, named once;
    each body still reads its own file, as nothing tells which place is wrong."""
    report = outline(str(CORPUS / "zhaoqing-2023.txt"))
    here = rec.doc(report, body="肇庆市")
    there = Doc(body="云浮市", year=here.year, path="云浮市/2023.txt", blocks=list(here.blocks))
    found = recurring_bodies({"云浮市": [there], "肇庆市": [here]})
    assert len(found.duplicates) == 1 and not found.duplicates[0].same_body
    assert {s.body for s in found.summaries} == {"云浮市", "肇庆市"}


@pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": 1.5}, {"lookback": 0}, {"lookback": "1"}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(BadArgument):
        recurring_bodies({}, **kwargs)


def test_the_bench_runs_on_the_samples():
    import subprocess
    import sys
    bench = pathlib.Path(__file__).resolve().parent.parent / "bench" / "recurring.py"
    p = subprocess.run([sys.executable, str(bench), "--corpus", str(CORPUS), "--rounds", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    row = p.stdout.splitlines()[2].split("|")
    assert row[1].strip() == str(len(list(CORPUS.glob("*.txt")))) and row[-2].strip() == "yes"
