"""Indicators on real 政府工作报告: 60 reports drawn at random from the bulk corpus, their 行政复议/行政诉讼
figures labelled by hand, blind to the extractor (tests/labels/indicators-bulk*.tsv).

The labelled reports are taken out of ../shared/bulk/gov-work-reports.tar.xz (skipped without it).
They are scored with ../shared/eval/score_indicators.py itself, unchanged: the scorer knows a report
by its base name and these are all called YYYY.md, so each path is flattened into one name (labels
and output alike). Each report is also compared with its labels figure by figure, years included,
which the scorer does not score.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tarfile

import pytest

from conftest import ROOT, shared_or_skip
from reportsearch.report.figures.indicators import explain_path

LABELS = ROOT / "tests" / "labels"
SETS = {"indicators.tsv": "indicators-bulk.tsv", "distractors.tsv": "indicators-bulk-distractors.tsv",
        "none.tsv": "indicators-bulk-none.tsv"}
TOP = "gov-work-reports"  # the archive's top folder; label paths are relative to it


def _rows(name: str) -> list[dict]:
    with open(LABELS / name, encoding="utf-8") as f:
        return list(csv.DictReader((x for x in f if not x.startswith("#")), delimiter="\t",
                                   quoting=csv.QUOTE_NONE))


FIGURES = _rows(SETS["indicators.tsv"])
NONE = _rows(SETS["none.tsv"])
FILES = sorted({r["file"] for r in FIGURES} | {r["file"] for r in NONE})


def _flat(path: str) -> str:
    return path.replace("/", "__")


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> dict:
    """Each labelled report's path → (Report, Extraction)."""
    tar = shared_or_skip("bulk", "gov-work-reports.tar.xz")
    root = tmp_path_factory.mktemp("bulk-labelled")
    wanted = {f"{TOP}/{f}" for f in FILES}
    with tarfile.open(tar) as t:
        members = [m for m in t.getmembers() if m.name in wanted]
        t.extractall(root, members=members, filter="data")
    assert len(members) == len(FILES) == 60
    return {f: explain_path(root / TOP / f) for f in FILES}


def test_the_bulk_labels_meet_the_bar(bulk, tmp_path):
    """Precision and recall at least 0.95, no distractor taken, nothing on the reports without figures."""
    scorer = shared_or_skip("eval", "score_indicators.py")
    gold = tmp_path / "gold"
    gold.mkdir()
    for short, name in SETS.items():
        with open(LABELS / name, encoding="utf-8") as f, open(gold / short, "w", encoding="utf-8") as out:
            for line in f:
                head, tab, rest = line.partition("\t")
                keep = line.startswith("#") or head == "file"
                out.write(line if keep else _flat(head) + tab + rest)
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for f, (_, ex) in bulk.items():
            fh.write(json.dumps({"path": _flat(f), "indicators": [x.to_json() for x in ex.figures]},
                                ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(scorer), str(out), "--gold", str(gold), "-v"],
                         capture_output=True, text=True, check=True)
    m = re.search(r"precision ([\d.]+) recall ([\d.]+)", res.stdout)
    assert m and float(m.group(1)) >= 0.95 and float(m.group(2)) >= 0.95, res.stdout
    assert re.search(r"distractors taken 0/", res.stdout), res.stdout
    assert re.search(r"without figures 0\b", res.stdout), res.stdout


@pytest.mark.parametrize("path", FILES)
def test_a_bulk_report_gives_its_labelled_figures(bulk, path):
    """Every labelled figure with its year (a span YYYY-YYYY for a total over several years), nothing else."""
    report, ex = bulk[path]
    want = sorted((r["indicator"], float(r["value"]), r["unit"], r["year"]) for r in FIGURES if r["file"] == path)
    got = sorted((f.indicator, float(f.value), f.unit, str(f.year)) for f in ex.figures)
    assert got == want, [(f.indicator, f.value, f.year, f.quote) for f in ex.figures]
    for f in ex.figures:
        label = next(r for r in FIGURES if r["file"] == path and r["indicator"] == f.indicator
                     and float(r["value"]) == f.value)
        assert label["quote"] in f.quote or f.quote in label["quote"]
        assert report.blocks[f.block].text[f.start:f.end] == f.quote
