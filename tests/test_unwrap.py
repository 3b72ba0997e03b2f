"""Hard-wrapped plain text (a line break every N characters or columns, as pdftotext or a PDF
viewer's copy gives): its lines are joined back into paragraphs when it is read, and a file that
is not wrapped reads as before.

Every fixture is generated here from the samples in corpus/: each wrapped at a width in characters
(as `fold` would) and in display columns (CJK two, ASCII one) with a ragged edge and the three
ways a typesetter breaks at closing punctuation. The wrapped copy must give the sample's
metadata and (nearly) its blocks and labels."""
from __future__ import annotations

import pathlib
import random
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest

from conftest import SAMPLES, shared_or_skip
from reportsearch import outline
from reportsearch.read import read_document

CHAR_WIDTHS = (30, 38, 50, 70)
COLUMN_WIDTHS = (60, 76)
CLOSING = "，。、；：？！）》」』”’,.;:?!)]"


def wrap_chars(text: str, width: int) -> str:
    """Every line longer than `width` characters cut into pieces of `width` characters."""
    out = []
    for line in text.splitlines():
        out += [line[i:i + width] for i in range(0, len(line), width)] if len(line) > width else [line]
    return "\n".join(out) + "\n"


def _cols(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap_columns(text: str, width: int, seed: int = 0) -> str:
    """Lines cut at `width` display columns, give or take one (a ragged edge); where the next
    character is closing punctuation the break is either before it, or it hangs past the edge,
    or the character before it is pushed down with it."""
    rng = random.Random(seed)
    out = []
    for line in text.splitlines():
        cur, used, limit = "", 0, width + rng.choice((-1, 0, 1))
        for ch in line:
            w = _cols(ch)
            if cur and used + w > limit:
                mode = rng.choice(("before", "hang", "push")) if ch in CLOSING else "before"
                if mode == "hang":
                    out.append(cur + ch)
                    cur, used, limit = "", 0, width + rng.choice((-1, 0, 1))
                    continue
                if mode == "push" and len(cur) > 1:
                    out.append(cur[:-1])
                    cur, used = cur[-1], _cols(cur[-1])
                else:
                    out.append(cur)
                    cur, used = "", 0
                limit = width + rng.choice((-1, 0, 1))
            cur += ch
            used += w
        out.append(cur)
    return "\n".join(out) + "\n"


def _blocks(report) -> Counter:
    return Counter((b.text, tuple(b.labels)) for b in report.blocks)


def _agreement(got: dict, ref: dict) -> float:
    """The share of the reference outlines' blocks (text and labels) that the others hold too."""
    want = sum((_blocks(r) for r in ref.values()), Counter())
    have = sum((_blocks(g) for g in got.values()), Counter())
    return sum((want & have).values()) / sum(want.values())


@pytest.fixture(scope="module")
def text_outlines():
    return {p.name: outline(str(p)) for p in SAMPLES}


VARIANTS = [("chars", w) for w in CHAR_WIDTHS] + [("columns", w) for w in COLUMN_WIDTHS]


@pytest.fixture(scope="module")
def wrapped(tmp_path_factory):
    """The directory of each variant's wrapped copies of the samples."""
    dirs = {}
    for kind, width in VARIANTS:
        d = tmp_path_factory.mktemp(f"wrapped-{kind}-{width}")
        for k, p in enumerate(SAMPLES):
            text = p.read_text(encoding="utf-8")
            body = wrap_chars(text, width) if kind == "chars" else wrap_columns(text, width, seed=k)
            (d / p.name).write_text(body, encoding="utf-8")
        dirs[(kind, width)] = d
    return dirs


@pytest.mark.parametrize("kind,width", VARIANTS)
def test_wrapped_copy_reads_like_the_text(wrapped, text_outlines, kind, width):
    got = {p.name: outline(str(wrapped[(kind, width)] / p.name)) for p in SAMPLES}
    for name, ref in text_outlines.items():
        assert got[name].meta == ref.meta, name
    assert _agreement(got, text_outlines) >= 0.98


def _score(paths: list[pathlib.Path], tmp_path: pathlib.Path) -> tuple[float, float, float, float]:
    """score_sections.py's macro-F1 and exact, score_indicators.py's precision and recall."""
    sections = shared_or_skip("eval", "score_sections.py")
    indicators = shared_or_skip("eval", "score_indicators.py")
    gold = shared_or_skip("eval", "indicators", "samples")
    run = [sys.executable, "-m", "reportsearch"]
    o, i = tmp_path / "o.jsonl", tmp_path / "i.jsonl"
    o.write_text(subprocess.run([*run, "outline", *map(str, paths), "--json"], capture_output=True,
                                text=True, check=True).stdout, encoding="utf-8")
    i.write_text(subprocess.run([*run, "indicators", *map(str, paths), "--json"], capture_output=True,
                                text=True, check=True).stdout, encoding="utf-8")
    s = subprocess.run([sys.executable, str(sections), str(o)], capture_output=True, text=True, check=True)
    last = s.stdout.strip().splitlines()[-1].split()  # macro-F1 0.891 exact 0.822
    f = subprocess.run([sys.executable, str(indicators), str(i), "--gold", str(gold)], capture_output=True,
                       text=True, check=True)
    pr = f.stdout.strip().splitlines()[-1].split()  # precision 0.933 recall 0.875
    return float(last[1]), float(last[3]), float(pr[1]), float(pr[3])


@pytest.mark.slow
@pytest.mark.parametrize("kind,width", [("chars", 38), ("columns", 60)])
def test_wrapped_copies_score_like_the_text_on_the_shared_labels(wrapped, kind, width, tmp_path):
    ref = _score(SAMPLES, tmp_path)
    got = _score([wrapped[(kind, width)] / p.name for p in SAMPLES], tmp_path)
    assert all(g >= r - 0.02 for g, r in zip(got, ref)), (got, ref)


def test_unwrapped_samples_read_line_for_line():
    """A file that is not wrapped keeps its lines: nothing joined."""
    for p in SAMPLES:
        assert read_document(str(p)).lines == p.read_text(encoding="utf-8").split("\n"), p.name


def test_unwrapped_pages_read_line_for_line():
    pages = sorted(shared_or_skip("eval", "pages").glob("*.txt"))
    from reportsearch.read.unwrap import unwrap
    for p in pages:
        lines = p.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
        assert unwrap(lines) == lines, p.name


def _is_a_joining(inp: list[str], out: list[str]) -> bool:
    """Whether each output line is one or more consecutive input lines run together, in order."""
    k = 0
    for line in out:
        acc = ""
        start = k
        while k < len(inp) and (k == start or len(acc) < len(line)):
            acc += inp[k]
            k += 1
            if acc == line:
                break
        if acc != line:
            return False
    return k == len(inp)


def test_unwrapping_only_removes_line_breaks():
    from reportsearch.read.unwrap import unwrap
    rng = random.Random(7)
    alphabet = [ch for p in SAMPLES for ch in p.read_text(encoding="utf-8") if ch != "\n"]
    cases = [wrap_chars(p.read_text(encoding="utf-8"), w).split("\n") for p in SAMPLES for w in CHAR_WIDTHS]
    cases += [wrap_columns(p.read_text(encoding="utf-8"), w, k).split("\n")
              for k, p in enumerate(SAMPLES) for w in COLUMN_WIDTHS]
    for _ in range(200):  # random texts, wrapped or not
        paras = ["".join(rng.choices(alphabet, k=rng.randint(0, 300))) for _ in range(rng.randint(1, 30))]
        text = "\n".join(paras)
        cases.append(wrap_chars(text, rng.randint(8, 80)).split("\n") if rng.random() < 0.7 else text.split("\n"))
    joined = 0
    for lines in cases:
        out = unwrap(lines)
        assert "".join(out) == "".join(lines)
        assert _is_a_joining(lines, out)
        joined += len(out) < len(lines)
    assert joined >= 20 + 10  # the wrapped samples at least, and many random ones


def test_lines_ending_sentences_at_a_common_length_are_not_joined(tmp_path):
    """Paragraphs one to a line that happen to be about as long: sentences end every line."""
    body = ["某某县人民政府关于2021年度法治政府建设情况的报告"]
    for k in range(12):
        body.append(f"第{k + 1}项工作按照年度计划全面完成，群众满意度明显提升，取得良好成效。")
    path = tmp_path / "even.txt"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    assert read_document(str(path)).lines == body + [""]


def test_headings_and_blank_lines_end_a_wrapped_paragraph():
    from reportsearch.read.unwrap import unwrap
    para = "我市坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面推进依法行政，" * 3
    lines = wrap_chars(para + "\n（一）加强党的领导\n" + para + "\n\n" + para + "。", 36).split("\n")
    out = unwrap(lines)
    assert out[0] == para and out[1] == "（一）加强党的领导" and out[2] == para
    assert out[3] == "" and out[4] == para + "。"


def test_wrapped_markdown_paragraphs_are_joined_but_not_its_syntax(tmp_path):
    para = "今年以来，我市坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党中央决策部署，法治政府建设取得新成效。"
    md = ("# 某市2021年法治政府建设情况报告\n\n" + para * 3 + "\n\n## 一、主要工作\n\n"
          + para * 2 + "\n\n- " + para + "\n- " + para + "\n")
    path = tmp_path / "wrapped.md"
    path.write_text(wrap_chars(md, 36), encoding="utf-8")
    lines = [x for x in read_document(str(path)).lines if x]
    assert lines[0] == "# 某市2021年法治政府建设情况报告"
    assert lines[1] == para * 3 and lines[2] == "## 一、主要工作" and lines[3] == para * 2
    assert [x.lstrip("- ") for x in lines[4:]] == [para, para]
    plain = tmp_path / "plain.md"
    plain.write_text(md, encoding="utf-8")
    got, ref = outline(str(path)), outline(str(plain))
    assert got.meta == ref.meta and [b.text for b in got.blocks] == [b.text for b in ref.blocks]
