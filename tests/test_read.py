"""Reading: encodings, formats, normalisation and bad input, built from the sample reports."""
from __future__ import annotations

import codecs
import os
import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from reportsearch import outline
from reportsearch.cli import main
from reportsearch.errors import UnreadableReport
from reportsearch.read import expand_paths

NAME = "linfen-2021.txt"


def _write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("gb18030", b""),
    ("gbk", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""),  # no BOM: detected from the text itself
])
def test_encodings_give_the_same_outline(tmp_path, sample_text, encoding, prefix):
    text = sample_text(NAME)
    if encoding == "gbk":
        text = text.encode("gbk", errors="replace").decode("gbk")  # GBK lacks ©, NBSP
    expected = outline(str(CORPUS / NAME))
    got = outline(_write(tmp_path / f"r-{encoding}.txt", prefix + text.encode(encoding)))
    assert got.meta == expected.meta
    assert [b.text for b in got.blocks] == [b.text for b in expected.blocks]
    assert [b.labels for b in got.blocks] == [b.labels for b in expected.blocks]


def test_normalises_web_whitespace_and_crlf(tmp_path, sample_text):
    text = sample_text("ruian-2019.txt")
    messy = text.replace("\n", "\r\n").replace("一是坚持党的领导", "\u3000\u3000一是坚持党的领导").replace(
        "二是坚持科学部署", "\t二是坚持科学部署\u00a0")
    got = outline(_write(tmp_path / "messy.txt", messy.encode("utf-8")))
    texts = [b.text for b in got.blocks]
    assert any(t.startswith("一是坚持党的领导") for t in texts)
    assert any(t.startswith("二是坚持科学部署") for t in texts)
    assert not any("\r" in t or "\u3000" in t or "\u00a0" in t or "\t" in t for t in texts)


def test_fullwidth_and_halfwidth_punctuation_alike(tmp_path, sample_text):
    text = sample_text("zaozhuang-2021.txt")
    full = text.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")
    half = outline(_write(tmp_path / "half.txt", text.encode()))
    fw = outline(_write(tmp_path / "full.txt", full.encode()))
    assert [b.labels for b in fw.blocks] == [b.labels for b in half.blocks]
    assert [len(b.heading) for b in fw.blocks] == [len(b.heading) for b in half.blocks]


def test_markdown_front_matter_wins(tmp_path, sample_text):
    body = sample_text("zhaoqing-2023.txt")
    md = "---\ntitle: 肇庆市法治政府建设年度报告（前言版）\nregion: 肇庆市端州区\ndate: 2024-02-01\nyear: 2023\n---\n" + body
    r = outline(_write(tmp_path / "肇庆 报告.md", md.encode()))
    assert r.meta.title == "肇庆市法治政府建设年度报告（前言版）"
    assert r.meta.region == "肇庆市端州区"
    assert r.meta.published == "2024-02-01"
    assert r.meta.year == 2023
    assert any(b.text.startswith("仍存在一些不足") or "仍存在一些不足" in b.text for b in r.blocks)


def test_markdown_headings_and_comments(tmp_path):
    md = ("---\ntitle: 政府工作报告\n---\n\n# 政府工作报告\n——2023年1月15日在某某市第十届人民代表大会第二次会议上\n\n"
          "<!-- 来源：日报 -->\n各位代表：\n\n现在，我代表市人民政府，向大会报告工作，请予审议。\n\n"
          "## 一、2022年工作回顾\n\n过去一年，我们**坚持稳中求进**，全年地区生产总值增长5%。\n\n"
          "在肯定成绩的同时，我们也清醒看到，发展中还存在不少困难和问题。一是产业结构不优。二是创新能力不强。\n\n"
          "## 二、2023年工作安排\n\n今年，我们将重点抓好以下工作。\n")
    r = outline(_write(tmp_path / "work.md", md.encode()))
    assert r.meta.published == "2023-01-15" and r.meta.region == "某某市" and r.meta.year == 2022
    text = "\n".join(b.text for b in r.blocks)
    assert "来源" not in text and "**" not in text
    probs = [b for b in r.blocks if any(s.value == "存在问题" for s in b.labels)]
    plans = [b for b in r.blocks if any(s.value == "下一步计划" for s in b.labels)]
    assert any("二是创新能力不强" in b.text for b in probs)
    assert any("今年，我们将" in b.text for b in plans)
    assert not any("全年地区生产总值" in b.text for b in probs + plans)


def test_html_page_drops_scripts_styles_navigation(tmp_path, sample_text):
    paras = [p.strip() for p in sample_text("ruian-2019.txt").split("\n") if p.strip()]
    body = "".join(f"<p>{p}</p>\n" for p in paras[2:-1])
    html = (f"<!DOCTYPE html><html><head><title>报告_瑞安市人民政府</title><style>p{{color:red}}</style>"
            f"<script>var x = '扫一扫';</script></head><body><nav><a>首页</a> &gt; <a>政务公开</a></nav>"
            f"<div class=title><h1>{paras[0]}</h1></div><div>发布日期:2020-03-23 信息来源: 瑞安市人民政府</div>"
            f"<div id=content>{body}</div><footer>网站地图 | 浙ICP备0000号</footer>"
            f"<script>document.write('打印本页')</script></body></html>")
    path = _write(tmp_path / "瑞安.html", html.encode("gb18030"))
    r = outline(path)
    ref = outline(str(CORPUS / "ruian-2019.txt"))
    assert r.meta.title == ref.meta.title and r.meta.published == "2020-03-23"
    assert [b.labels for b in r.blocks] == [b.labels for b in ref.blocks]
    joined = "".join(b.text for b in r.blocks)
    for junk in ("color:red", "var x", "首页", "网站地图", "ICP", "document.write"):
        assert junk not in joined


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\n ", "empty file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (bytes(range(256)) * 40, "binary or undecodable"),
    (b"\x81\x30" + b"\xff\xfe\xfd" * 400, "undecodable"),
    ("首页\n网站地图\n联系我们".encode(), "no recognisable report body"),
])
def test_bad_input_is_a_clear_reason(tmp_path, data, reason):
    with pytest.raises(UnreadableReport) as e:
        outline(_write(tmp_path / "bad.txt", data))
    assert reason in str(e.value)


def test_truncated_utf8_is_read_up_to_the_cut(tmp_path, sample_text):
    data = sample_text(NAME).encode()
    cut = data[: len(data) // 2]
    while True:  # end in the middle of a multi-byte character
        try:
            cut.decode()
            cut = cut[:-1]
        except UnicodeDecodeError:
            break
    r = outline(_write(tmp_path / "cut.txt", cut))
    assert r.meta.title and len(r.blocks) > 10


# ---------------------------------------------------------------- issue 10: reading hostile pages

def _html_body(sample_text, name="ruian-2019.txt"):
    paras = [p.strip() for p in sample_text(name).split("\n") if p.strip()]
    return paras, "".join(f"<p>{p}</p>\n" for p in paras)


@pytest.mark.parametrize("shape", ["form", "unclosed-nav", "unclosed-script"])
def test_html_body_in_form_or_after_unclosed_tag_is_read(tmp_path, sample_text, shape):
    """Issue 10, item 12: ASP.NET pages wrap the body in <form>; broken pages leave <nav> or
    <script> open. The report must still be read, with the same blocks as the text file."""
    paras, body = _html_body(sample_text)
    html = {
        "form": f"<html><body><form id=form1 method=post><div id=content>{body}</div></form></body></html>",
        "unclosed-nav": f"<html><body><nav><a>首页</a> &gt; <a>政务公开</a><div id=content>{body}</div></body></html>",
        "unclosed-script": f"<html><body><script>var a = 1;<div id=content>{body}</div></body></html>",
    }[shape]
    r = outline(_write(tmp_path / f"{shape}.html", html.encode()))
    ref = outline(str(CORPUS / "ruian-2019.txt"))
    assert [b.text for b in r.blocks] == [b.text for b in ref.blocks]
    assert "var a" not in "".join(b.text for b in r.blocks)


def test_control_characters_are_stripped_when_reading(tmp_path, sample_text):
    """Issue 10, item 1 (reading half): ESC/CSI/OSC sequences, BEL and C1 controls never reach a block."""
    text = sample_text("ruian-2019.txt").replace(
        "一是坚持党的领导", "一是\x1b[2J坚持\x07党的\x9b31m领导\x1b]8;;http://evil.example/\x07\x1b]8;;\x07\x7f")
    for suffix, data in ((".txt", text), (".md", text), (".html", "<html><body>" + "".join(
            f"<p>{p}</p>" for p in text.split("\n")) + "</body></html>")):
        r = outline(_write(tmp_path / f"ctrl{suffix}", data.encode()))
        joined = "".join(b.text + "".join(b.heading) for b in r.blocks)
        assert not any(0 <= ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in joined), suffix
        assert "一是坚持党的领导" in joined and "evil.example" not in joined, suffix


def test_utf8_with_a_few_stray_bytes_is_read_with_a_warning(tmp_path, sample_text):
    """Issue 10, rough edge: three stray bytes must not reject a whole UTF-8 report."""
    data = sample_text(NAME).encode()
    cut = data.index("二、把握关键环节".encode())
    path = _write(tmp_path / "stray.txt", data[:cut] + b"\xff\xfe\x80" + data[cut:])
    r = outline(path)
    ref = outline(str(CORPUS / NAME))
    assert r.meta == ref.meta and len(r.blocks) == len(ref.blocks)
    assert any("not UTF-8" in w for w in r.warnings)
    res = CliRunner().invoke(main, ["outline", path, "--json"])
    assert res.exit_code == 0 and "stray.txt" in res.stderr and "replaced" in res.stderr


def test_index_names_a_report_read_with_stray_bytes_replaced(tmp_path, sample_text):
    """`index` says what reading repaired, as `outline` does: the report is indexed, and named."""
    data = sample_text(NAME).encode()
    cut = data.index("二、把握关键环节".encode())
    src = tmp_path / "src"
    src.mkdir()
    _write(src / "stray.txt", data[:cut] + b"\xff\xfe\x80" + data[cut:])
    res = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix"), "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "added" in res.stdout and "stray.txt" in res.stderr and "replaced" in res.stderr


def test_symlinked_subdirectory_is_followed_without_looping(tmp_path):
    """Issue 10, rough edge: a symlinked subdirectory is followed; a link back up is named, not looped."""
    top, elsewhere = tmp_path / "top", tmp_path / "elsewhere"
    (top / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(CORPUS / "ruian-2019.txt", top / "sub")
    shutil.copy(CORPUS / "linfen-2021.txt", elsewhere)
    (top / "linked").symlink_to(elsewhere, target_is_directory=True)
    (top / "sub" / "loop").symlink_to(top, target_is_directory=True)
    files, problems = expand_paths([str(top)])
    assert sorted(os.path.basename(f) for f in files) == ["linfen-2021.txt", "ruian-2019.txt"]
    assert [(os.path.basename(p), why) for p, why in problems] == [("loop", "symbolic link loop, not followed")]


def test_unreadable_top_level_directory_is_a_warning_and_keeps_its_reports(tmp_path, monkeypatch):
    """Issue 10, rough edge: an unreadable top-level directory is a warning like a subdirectory;
    the other paths are indexed and what was indexed from it before is not removed."""
    good, locked = tmp_path / "good", tmp_path / "locked"
    good.mkdir()
    locked.mkdir()
    shutil.copy(CORPUS / "ruian-2019.txt", good)
    shutil.copy(CORPUS / "linfen-2021.txt", locked)
    index = str(tmp_path / "ix")
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(good), str(locked), "--index", index, "-j", "1"]).exit_code == 0
    real_scandir = os.scandir

    def scandir(p="."):  # permission bits do not stop root, so the refusal is simulated
        if os.path.abspath(os.fspath(p)) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real_scandir(p)
    monkeypatch.setattr(os, "scandir", scandir)
    shutil.copy(CORPUS / "zaozhuang-2021.txt", good)
    res = runner.invoke(main, ["index", str(good), str(locked), "--index", index, "-j", "1"])
    assert res.exit_code == 3, res.output
    assert f"warning: {locked}: cannot list directory (permission denied)" in res.stderr
    assert "removed              0" in res.output and "added                1" in res.output
    res = runner.invoke(main, ["outline", str(good), str(locked), "--json"])
    assert res.exit_code == 0 and len(res.stdout.strip().splitlines()) == 2
    assert f"warning: {locked}: cannot list directory (permission denied)" in res.stderr


def test_markdown_headings_keep_characters_that_only_python_calls_line_breaks(tmp_path):
    """Markdown ends lines at \\n and \\r only. The reader split at every character that
    str.splitlines does (U+2028, U+0085, form feed, …), so a heading or paragraph holding one
    became two blocks, and the blocks after it moved."""
    lines = (CORPUS / "linfen-2021.txt").read_text(encoding="utf-8").split("\n")
    heading = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
    md = ["## " + ln if heading.match(ln.strip()) else ln for ln in lines]
    odd = "\u2028\u2029\x85\x0c\x0b\x1c\x1d\x1e"
    mixed = [ln[:5] + odd[i % len(odd)] + ln[5:] if len(ln.strip()) > 6 else ln for i, ln in enumerate(md)]
    assert sum(a != b and a.startswith("## ") for a, b in zip(md, mixed)) >= 5
    (tmp_path / "plain.md").write_text("\n".join(md), encoding="utf-8")
    (tmp_path / "odd.md").write_text("\n".join(mixed), encoding="utf-8")
    plain, odd_report = outline(str(tmp_path / "plain.md")), outline(str(tmp_path / "odd.md"))

    def shape(report):
        return [("".join(b.text.split()), ["".join(h.split()) for h in b.heading], b.kind) for b in report.blocks]

    assert shape(odd_report) == shape(plain)
