"""PDFs laid out as governments publish them, made from the five samples in several layouts:
wrap widths, indents, centred titles, running headers, each page-number style, a 文号 line, a
红头 first page, footnotes, a two-column page, tables of 复议 figures, one text object per
character. Each must read like the sample's text, whatever fonts the machine has."""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, shared_or_skip
from reportsearch import outline
from reportsearch.cli import main
from reportsearch.read import read_document


def _layouts() -> dict[str, object]:
    import makedocs
    L, R = makedocs.Layout, makedocs.random_layout
    return {
        "w26-header-dash": L(chars=26, header="某某市人民政府办公室 公开版", folio="— {n} —"),
        "w32-wenhao-hyphen": L(chars=32, size=14, wenhao="{wenhao}", folio="-{n}-", header=""),
        "w38-header-of-total": L(chars=38, size=12, folio="第{n}页 共{total}页", header_align="left"),
        "redhead-signer-slash": L(chars=28, red_head="{red}", wenhao="{wenhao}", signer="张三", folio="{n}/{total}",
                                  title_scale=1.6),
        "footnote-table-2col": L(chars=30, footnote=True, table=[], two_columns=2, folio="{n}", folio_place="outer",
                                 header="法治政府建设年度报告", header_rule=False),
        "perchar-ragged-spaced": L(chars=34, indent=False, justify=False, per_char=True, kinsoku="hang",
                                   table=[], table_ruled=False, folio="第{n}页", header=""),
        "random-17": R(17),
        "random-29": R(29, kinsoku="none"),
    }


@pytest.fixture(scope="module")
def text_outlines():
    return {p.name: outline(str(p)) for p in SAMPLES}


def _fill(lay, ref):
    """A layout's placeholders filled from a sample's own metadata: its 红头, 文号 and table."""
    lay = copy.copy(lay)
    region, year = ref.meta.region or "某某市", ref.meta.year or 2021
    if lay.red_head:
        lay.red_head = f"{region}人民政府文件"
    if lay.wenhao:
        lay.wenhao = f"{region[0]}政发〔{year + 1}〕3号"
    if lay.table is not None:
        lay.table = [["指标", f"{year - 1}年", f"{year}年"], ["行政复议案件（件）", "312", "287"],
                     ["行政应诉案件（件）", "145", "133"]]
    return lay


@pytest.fixture(scope="module")
def published(tmp_path_factory, text_outlines):
    """Each layout in its own folder, each sample a PDF named like it."""
    import makedocs
    root = tmp_path_factory.mktemp("published")
    for name, lay in _layouts().items():
        (root / name).mkdir()
        for p in SAMPLES:
            pdf = makedocs.published_pdf(p.read_text(encoding="utf-8"), _fill(lay, text_outlines[p.name]))
            (root / name / f"{p.stem}.pdf").write_bytes(pdf)
    return root


def _scores(paths: list[str], tmp_path) -> tuple[str, str]:
    """score_sections.py's summary lines for `reportsearch outline --json` of the files, each
    named after its sample's .txt (the labels match by file name)."""
    scorer = shared_or_skip("eval", "score_sections.py")
    res = CliRunner().invoke(main, ["outline", *paths, "--json"])
    out = tmp_path / "outline.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for line in res.stdout.splitlines():
            obj = json.loads(line)
            obj["path"] = os.path.splitext(obj["path"])[0] + ".txt"
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    done = subprocess.run([sys.executable, str(scorer), str(out)], capture_output=True, text=True, check=True)
    return tuple(done.stdout.strip().splitlines()[-2:])


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _exact(lines: tuple[str, str]) -> float:
    return float(lines[-1].split()[-1])


def test_every_layout_scores_like_the_text(published, tmp_path):
    ref = _scores([str(p) for p in SAMPLES], tmp_path)
    for name in _layouts():
        got = _scores([str(published / name / f"{p.stem}.pdf") for p in SAMPLES], tmp_path)
        assert abs(_exact(got) - _exact(ref)) <= 0.02, (name, got, ref)
        assert got[0].split("metadata")[1] == ref[0].split("metadata")[1], (name, got, ref)


@pytest.mark.parametrize("layout", ["w26-header-dash", "w38-header-of-total", "redhead-signer-slash", "random-17"])
def test_plain_layouts_give_the_texts_blocks(published, text_outlines, layout):
    for p in SAMPLES:
        got = outline(str(published / layout / f"{p.stem}.pdf"))
        ref = text_outlines[p.name]
        same = ("title", "region", "year", "published") if "redhead" in layout else ("title", "region", "year",
                                                                                      "published", "issuer")
        assert [getattr(got.meta, k) for k in same] == [getattr(ref.meta, k) for k in same], (layout, p.name)
        # white space where a line broke may differ (a space at a break is not drawn)
        assert [_bare(b.text) for b in got.blocks] == [_bare(b.text) for b in ref.blocks], (layout, p.name)
        assert [b.labels for b in got.blocks] == [b.labels for b in ref.blocks], (layout, p.name)


# ------------------------------------------------------------------ fonts

# Reads PDFs in a process where PDFium finds no system font at all, as on a fresh machine: its
# font lookup answers nothing (PDFium scans font folders itself, not through fontconfig), and
# fontconfig is given an empty configuration for anything else that asks.
_NO_FONTS = r"""
import json, sys
import pypdfium2 as pdfium

class NoSystemFonts(pdfium.PdfSysfontBase):
    def EnumFonts(self, _, mapper):
        return None
    def MapFont(self, _, weight, italic, charset, pitch, face, exact):
        return None
    def GetFont(self, _, face):
        return None

NoSystemFonts().setup()
from reportsearch.read import read_document
for path in sys.argv[1:]:
    raw = read_document(path)
    print(json.dumps({"lines": raw.lines, "front": raw.front_matter}, ensure_ascii=False))
"""


def test_reading_does_not_depend_on_installed_fonts(published, text_outlines, tmp_path):
    """The same lines with no system font as with the machine's fonts (CJK fonts or none), and
    the same blocks as the text: a lone 「。」 and text drawn one character per object included."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "FONTCONFIG_PATH": str(tmp_path)}
    paths = [str(published / layout / f"{p.stem}.pdf") for layout in ("w26-header-dash", "perchar-ragged-spaced")
             for p in SAMPLES]
    done = subprocess.run([sys.executable, "-c", _NO_FONTS, *paths], capture_output=True, text=True, env=env,
                          check=True)
    bare = [json.loads(line) for line in done.stdout.splitlines()]
    here = [read_document(p) for p in paths]
    assert [b["lines"] for b in bare] == [r.lines for r in here]
    assert [b["front"] for b in bare] == [r.front_matter for r in here]
    for path, got in zip(paths, bare):
        ref = text_outlines[os.path.basename(path).replace(".pdf", ".txt")]
        lines = [_bare(x) for x in got["lines"]]
        assert all(any(_bare(b.text) in x for x in lines) for b in ref.blocks), path


# ------------------------------------------------------------------ what each layout feature gives

def test_table_rows_read_as_rows(published, text_outlines):
    """A ruled table inside a column of a two-column page, and an unruled one whose cells line
    up, each row one line with its cells two spaces apart, as the DOCX reader gives them."""
    for layout in ("footnote-table-2col", "perchar-ragged-spaced"):
        for p in SAMPLES:
            year = text_outlines[p.name].meta.year
            lines = read_document(str(published / layout / f"{p.stem}.pdf")).lines
            assert f"指标  {year - 1}年  {year}年" in lines, (layout, p.name)
            assert "行政复议案件（件）  312  287" in lines and "行政应诉案件（件）  145  133" in lines, (layout, p.name)
    got = outline(str(published / "footnote-table-2col" / "ruian-2019.pdf"))
    assert any("行政复议案件（件） 312 287" in b.text for b in got.blocks)


def test_red_head_gives_metadata_not_body(published, text_outlines):
    for p in SAMPLES:
        raw = read_document(str(published / "redhead-signer-slash" / f"{p.stem}.pdf"))
        region = text_outlines[p.name].meta.region
        assert raw.front_matter["issuer"] == f"{region}人民政府"
        assert raw.front_matter["doc_number"] == f"{region[0]}政发〔{text_outlines[p.name].meta.year + 1}〕3号"
        assert raw.front_matter["signer"] == "张三"
        text = "\n".join(raw.lines)
        assert "签发人" not in text and "〕3号" not in text and f"{region}人民政府文件" not in text


def test_footnotes_stay_out_of_paragraphs(published):
    note = "①本报告所列数据截至当年12月31日，部分数据为初步统计数。"
    for p in SAMPLES:
        lines = read_document(str(published / "footnote-table-2col" / f"{p.stem}.pdf")).lines
        assert lines.count(note) == 1, p.name
        assert not any("①" in x for x in lines if x != note), p.name  # the raised mark is gone too


@pytest.mark.parametrize("place", ["centre", "outer"])
def test_every_page_number_style_is_furniture(place, tmp_path):
    import makedocs
    text = SAMPLES[1].read_text(encoding="utf-8")
    for k, folio in enumerate(makedocs._FOLIOS):
        lay = makedocs.Layout(chars=30 + k, folio=folio, folio_place=place, header="依法行政工作简报")
        path = tmp_path / f"{k}.pdf"
        path.write_bytes(makedocs.published_pdf(text, lay))
        lines = read_document(str(path)).lines
        assert not any(re.fullmatch(r"[—\-·\s]*(第\s*)?\d+(\s*页)?(\s*共\s*\d+\s*页|/\d+)?[—\-·\s]*", x) for x in lines), folio
        assert not any("依法行政工作简报" in x or re.search(r"第\s*\d+\s*页", x) for x in lines), folio


# ------------------------------------------------------------------ bad PDFs

def _image_only_pdf(width: int, height: int) -> bytes:
    """A one-page PDF whose page is a single 1-bit image of the given size (no text layer)."""
    import zlib
    pixels = zlib.compress(bytes((width + 7) // 8 * height), 9)
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im1 5 0 R>>>>/Contents 4 0 R>>",
            b"<</Length %d>>stream\n%s\nendstream" % (len(content), content),
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/BitsPerComponent 1/ColorSpace/DeviceGray"
            b"/Filter/FlateDecode/Length %d>>stream\n%s\nendstream" % (width, height, len(pixels), pixels)]
    out = b"%PDF-1.4\n"
    for i, body in enumerate(objs, 1):
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    return out + b"trailer\n<</Root 1 0 R>>\n%%EOF\n"


@pytest.mark.slow
def test_bad_pdfs_each_get_one_line_and_the_folder_is_indexed(published, tmp_path):
    import makedocs
    d = tmp_path / "attachments"
    d.mkdir()
    good = (published / "w26-header-dash" / "linfen-2021.pdf").read_bytes()
    (d / "good.pdf").write_bytes(good)
    (d / "good2.pdf").write_bytes((published / "random-17" / "ruian-2019.pdf").read_bytes())
    bad = {
        "truncated.pdf": (good[: len(good) // 2], "damaged PDF"),
        "no-pages.pdf": (b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]"
                         b"/Count 0>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n", "(damaged )?PDF( with no pages)?"),
        "huge-image.pdf": (_image_only_pdf(40000, 40000), "scanned PDF"),  # OCR, or the extra to install
        "locked.pdf": (makedocs.pdf(SAMPLES[0].read_text(encoding="utf-8"), password="secret"), "encrypted PDF"),
    }
    for name, (data, _) in bad.items():
        (d / name).write_bytes(data)
    res = CliRunner().invoke(main, ["index", str(d), "--index", str(tmp_path / "ix"), "-j", "1"])
    assert res.exit_code == 3, res.output
    assert re.search(r"added\s+2\b", res.output), res.output
    warnings = [x for x in res.stderr.splitlines() if x.startswith("warning: ")]
    assert len(warnings) == len(bad), res.stderr
    for name, (_, reason) in bad.items():
        assert sum(bool(re.match(rf"warning: {re.escape(str(d / name))}: {reason}", x)) for x in warnings) == 1, \
            (name, res.stderr)
