"""Reports as governments publish them: PDF, Word (DOCX, DOC), OFD and traditional characters.

Every fixture is generated here from the sample reports in corpus/, once per test session, and
every format must give the same furniture, metadata, blocks and labels as the sample's text."""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SAMPLES, shared_or_skip
from reportsearch import outline
from reportsearch.cli import main
from reportsearch.report.variants import is_traditional, simplify

# ------------------------------------------------------------------ scoring against the labels

def _score(reports: dict[str, object], tmp_path: pathlib.Path, to_simplified=None) -> tuple[str, str]:
    """score_sections.py's two summary lines for outlines, each named after its sample's .txt
    (the labels match by file name); `to_simplified` converts text so simplified anchors apply."""
    scorer = shared_or_skip("eval", "score_sections.py")
    out = tmp_path / "outline.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for name, report in reports.items():
            obj = report.to_json()
            obj["path"] = str(tmp_path / name)
            if to_simplified:
                obj["title"] = to_simplified(obj["title"]) if obj["title"] else None
                for b in obj["blocks"]:
                    b["text"] = to_simplified(b["text"])
                    b["heading"] = [to_simplified(h) for h in b["heading"]]
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(scorer), str(out)], capture_output=True, text=True, check=True)
    return tuple(res.stdout.strip().splitlines()[-2:])


def _macro(lines: tuple[str, str]) -> float:
    return float(lines[-1].split()[1])


@pytest.fixture(scope="module")
def text_outlines():
    return {p.name: outline(str(p)) for p in SAMPLES}


# ------------------------------------------------------------------ traditional characters

@pytest.fixture(scope="module")
def traditional(tmp_path_factory):
    """A 繁体 copy of every sample, converted by OpenCC (phrases and characters, as a site would)."""
    import opencc
    s2t = opencc.OpenCC("s2t")
    d = tmp_path_factory.mktemp("traditional")
    for p in SAMPLES:
        (d / p.name).write_text(s2t.convert(p.read_text(encoding="utf-8")), encoding="utf-8")
    return d


def test_traditional_copy_scores_like_the_text(traditional, text_outlines, tmp_path):
    import opencc
    t2s = opencc.OpenCC("t2s")
    trad = {p.name: outline(str(traditional / p.name)) for p in SAMPLES}
    assert _score(trad, tmp_path, t2s.convert) == _score(text_outlines, tmp_path)


def test_traditional_report_keeps_its_characters_and_labels(traditional, text_outlines):
    for p in SAMPLES:
        source = (traditional / p.name).read_text(encoding="utf-8")
        assert is_traditional(source.splitlines()) and not is_traditional(p.read_text(encoding="utf-8").splitlines())
        compact = re.sub(r"\s+", "", source)
        got, ref = outline(str(traditional / p.name)), text_outlines[p.name]
        assert [b.labels for b in got.blocks] == [b.labels for b in ref.blocks], p.name
        assert [len(b.heading) for b in got.blocks] == [len(b.heading) for b in ref.blocks], p.name
        for b in got.blocks:  # the original characters, as they stand in the file
            assert re.sub(r"\s+", "", b.text) in compact
        assert sum(simplify(b.text) != b.text for b in got.blocks) >= len(got.blocks) * 0.8
        # Region and issuer are names to group and filter by: simplified. The title is the report's own.
        assert (got.meta.region, got.meta.issuer, got.meta.year, got.meta.published) == (
            ref.meta.region, ref.meta.issuer, ref.meta.year, ref.meta.published)
        assert got.meta.title in source and simplify(got.meta.title) == simplify(ref.meta.title)


def _block_ids(index: str, query: str) -> list[tuple[str, str]]:
    res = CliRunner().invoke(main, ["search", query, "--index", index, "--by", "block", "-n", "100", "--format", "json"])
    assert res.exit_code == 0, res.output
    return [(b["block"], b["text"]) for b in json.loads(res.stdout)["blocks"]]


@pytest.mark.slow
def test_search_finds_traditional_and_simplified_alike(traditional, tmp_path):
    index = str(tmp_path / "ix")
    # two reports in 繁体, one in 简体
    paths = [str(traditional / "linfen-2021.txt"), str(traditional / "yuwangtai-2022.txt"), str(CORPUS / "ruian-2019.txt")]
    assert CliRunner().invoke(main, ["index", *paths, "--index", index, "-j", "1"]).exit_code == 0
    simplified = _block_ids(index, "复议")
    # OpenCC writes 複議; 復議 is the other traditional form of 复议: both fold to it.
    assert simplified == _block_ids(index, "複議") == _block_ids(index, "復議")  # same blocks, same order
    texts = [t for _, t in simplified]
    assert any("複議" in t for t in texts) and any("复议" in t for t in texts)
    res = CliRunner().invoke(main, ["search", "复议", "--index", index, "--format", "md"])
    assert "**複議**" in res.stdout and "**复议**" in res.stdout  # snippets show the original characters


# ------------------------------------------------------------------ PDF

HEADER = "某某市人民政府办公室 公开版"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """Each sample as a PDF: wrapped justified lines, a running header, page numbers in three
    styles, paragraphs over page breaks and an image-only page; plus one scanned PDF."""
    import makedocs
    d = tmp_path_factory.mktemp("pdf")
    for p in SAMPLES:
        (d / f"{p.stem}.pdf").write_bytes(makedocs.pdf(p.read_text(encoding="utf-8"), header=HEADER))
    (d / "scanned.pdf").write_bytes(makedocs.pdf(SAMPLES[0].read_text(encoding="utf-8"), scanned=True))
    return d


def _same_outline(got, ref):
    assert got.meta == ref.meta
    assert [b.text for b in got.blocks] == [b.text for b in ref.blocks]
    assert [b.labels for b in got.blocks] == [b.labels for b in ref.blocks]
    assert [b.heading for b in got.blocks] == [b.heading for b in ref.blocks]


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_pdf_reads_as_the_text(pdfs, text_outlines, sample):
    _same_outline(outline(str(pdfs / sample.replace(".txt", ".pdf"))), text_outlines[sample])


def test_pdf_layout_furniture_and_wrapping(pdfs):
    from reportsearch.read import pdf
    data = (pdfs / "linfen-2021.pdf").read_bytes()
    pages, _ = pdf.pdf_pages("linfen-2021.pdf", data)
    assert len(pages) >= 5 and not pages[2].lines  # the image-only page
    folios = [x.text for p in pages for x in p.lines if re.search(r"—\s*\d+\s*—|-\s*\d+\s*-|第\s*\d+\s*页", x.text)]
    assert {"— 1 —", "- 2 -", "第 4 页 共 %d 页" % len(pages)} <= set(folios)
    lines = pdf.read_pdf("linfen-2021.pdf", data).lines
    joined = "\n".join(lines)
    assert HEADER not in joined and not re.search(r"—\s*\d+\s*—|第\s*\d+\s*页", joined)
    # a paragraph that runs over a page break comes out whole
    last_of_page = [p.lines[-2].text for p in pages if len(p.lines) > 2][0]  # [-1] is the folio
    assert not last_of_page.endswith("。")
    assert any(last_of_page in x and not x.startswith(last_of_page) for x in lines)
    assert "一、聚焦“一把手”工程,切实履行法治建设第一责任人职责" in lines  # headings kept, alone


NO_OCR = "scanned PDF without a text layer — to read it by OCR: pip install 'reportsearch[ocr]'"


@pytest.fixture
def no_ocr(monkeypatch):
    """As without the ocr extra (test_ocr.py reads scans with it)."""
    from reportsearch.read import ocr
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    monkeypatch.setattr(ocr, "_engine", None)


def test_scanned_pdf_is_named_with_what_to_do(pdfs, no_ocr):
    res = CliRunner().invoke(main, ["outline", str(pdfs / "scanned.pdf")])
    assert res.exit_code == 2
    assert f"warning: {pdfs / 'scanned.pdf'}: {NO_OCR}" in res.stderr


# ------------------------------------------------------------------ DOCX

TABLE = [["指标", "2021年", "2022年"], ["行政复议案件（件）", "312", "287"], ["行政应诉案件（件）", "145", "133"]]


@pytest.fixture(scope="module")
def docxs(tmp_path_factory):
    """Each sample as .docx: 一、 and （一） headings in Heading 1/2 styles, numbered by Word's
    automatic numbering (not in the text); one with typed numbers and a table."""
    import makedocs
    d = tmp_path_factory.mktemp("docx")
    for p in SAMPLES:
        (d / f"{p.stem}.docx").write_bytes(makedocs.docx(p.read_text(encoding="utf-8")))
    (d / "typed-table.docx").write_bytes(makedocs.docx(SAMPLES[0].read_text(encoding="utf-8"),
                                                       auto_numbering=False, table=TABLE))
    return d


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_docx_with_automatic_numbering_reads_as_the_text(docxs, text_outlines, sample):
    import docx
    path = docxs / sample.replace(".txt", ".docx")
    typed = [p.text for p in docx.Document(str(path)).paragraphs]
    assert not any(re.match(r"[一二三四五六七八九十]+、", t) for t in typed)  # Word draws the numbers
    _same_outline(outline(str(path)), text_outlines[sample])


def test_docx_table_rows_and_heading_styles_without_numbers(docxs, tmp_path, text_outlines):
    import docx

    from reportsearch.read import read_document
    got = outline(str(docxs / "typed-table.docx"))
    lines = read_document(str(docxs / "typed-table.docx")).lines
    assert "指标  2021年  2022年" in lines and "行政复议案件（件）  312  287" in lines
    assert any("行政复议案件（件） 312 287" in b.text for b in got.blocks)
    # an unnumbered heading (style Heading 1, or a Normal paragraph with an outline level) keeps its level
    d = docx.Document()
    d.add_paragraph("某某县人民政府关于2021年度法治政府建设情况的报告")
    d.add_paragraph("现将我县2021年度法治政府建设情况报告如下，请予审议。")
    d.add_paragraph("总体情况", style="Heading 1")
    d.add_paragraph("2021年，我县坚持以习近平法治思想为指导，全面推进依法行政，行政复议案件办理质量明显提升。")
    outlined = d.add_paragraph("存在的问题")
    outlined._p.get_or_add_pPr().append(docx.oxml.parse_xml(
        '<w:outlineLvl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="0"/>'))
    d.add_paragraph("一是执法人员素质有待提高，部分执法人员对新法掌握不够。二是行政复议应诉能力仍需加强。")
    d.save(tmp_path / "styles.docx")
    r = outline(str(tmp_path / "styles.docx"))
    by_text = {b.text[:6]: b for b in r.blocks}
    assert by_text["2021年，"].heading == ["总体情况"]
    assert by_text["一是执法人员"].heading == ["存在的问题"]
    assert any(s.value == "存在问题" for s in by_text["一是执法人员"].labels)


# ------------------------------------------------------------------ OFD

@pytest.fixture(scope="module")
def ofds(tmp_path_factory):
    """Each sample as an OFD written as its XML: justified lines, running header, page numbers."""
    import makedocs
    d = tmp_path_factory.mktemp("ofd")
    for p in SAMPLES:
        (d / f"{p.stem}.ofd").write_bytes(makedocs.ofd(p.read_text(encoding="utf-8"), header=HEADER))
    return d


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_ofd_reads_as_the_text(ofds, text_outlines, sample):
    _same_outline(outline(str(ofds / sample.replace(".txt", ".ofd"))), text_outlines[sample])


def test_ofd_pages_in_reading_order_without_furniture(ofds, tmp_path):
    import zipfile

    from reportsearch.read import read_document
    lines = read_document(str(ofds / "ruian-2019.ofd")).lines
    joined = "\n".join(lines)
    assert HEADER not in joined and not re.search(r"—\s*\d+\s*—|第\s*\d+\s*页", joined)
    # TextObjects written in reverse order on every page still read top to bottom
    src = zipfile.ZipFile(ofds / "ruian-2019.ofd")
    with zipfile.ZipFile(tmp_path / "reversed.ofd", "w") as out:
        for info in src.infolist():
            xml = src.read(info).decode()
            if info.filename.endswith("Content.xml"):
                objs = re.findall(r"<ofd:TextObject .*?</ofd:TextObject>", xml)
                xml = xml.replace("".join(objs), "".join(reversed(objs)))
            out.writestr(info, xml)
    assert read_document(str(tmp_path / "reversed.ofd")).lines == lines
    (tmp_path / "broken.ofd").write_bytes(b"PK\x03\x04 not really a zip")
    res = CliRunner().invoke(main, ["outline", str(tmp_path / "broken.ofd")])
    assert res.exit_code == 2 and "broken.ofd: damaged OFD file" in res.stderr


# ------------------------------------------------------------------ DOC (Word 97–2003)

@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """Each sample as a .doc, converted from .docx by LibreOffice (skipped where it is not installed):
    typed numbers for every sample, and one with Word's automatic numbering."""
    import shutil as sh

    import makedocs
    soffice = sh.which("soffice") or sh.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed: no way to write .doc fixtures")
    d = tmp_path_factory.mktemp("doc")
    sources = []
    for p in SAMPLES:
        (d / f"{p.stem}.docx").write_bytes(makedocs.docx(p.read_text(encoding="utf-8"), auto_numbering=False))
        sources.append(str(d / f"{p.stem}.docx"))
    (d / "auto-numbered.docx").write_bytes(makedocs.docx(SAMPLES[0].read_text(encoding="utf-8")))
    sources.append(str(d / "auto-numbered.docx"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to", "doc",
                    "--outdir", str(d), *sources], check=True, capture_output=True, timeout=300)
    for s in sources:
        pathlib.Path(s).unlink()
    return d


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_doc_reads_as_the_text_with_antiword(docs, text_outlines, sample, monkeypatch):
    import shutil as sh

    from reportsearch.read import doc
    if not sh.which("antiword"):
        pytest.skip("antiword is not installed (apt-get install antiword)")
    monkeypatch.setattr(doc, "CONVERTERS", ("antiword",))
    _same_outline(outline(str(docs / sample.replace(".txt", ".doc"))), text_outlines[sample])


@pytest.mark.slow
def test_doc_with_automatic_numbering_reads_as_the_text_with_libreoffice(docs, text_outlines, monkeypatch):
    from reportsearch.read import doc
    monkeypatch.setattr(doc, "CONVERTERS", ("soffice", "libreoffice"))
    _same_outline(outline(str(docs / "auto-numbered.doc")), text_outlines[SAMPLES[0].name])


def test_doc_without_a_converter_says_what_to_install(tmp_path, monkeypatch):
    import shutil as sh
    monkeypatch.setattr(sh, "which", lambda name: None)
    path = tmp_path / "报告.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    res = CliRunner().invoke(main, ["outline", str(path)])
    assert res.exit_code == 2
    assert (f"warning: {path}: needs a converter for .doc — apt-get install antiword (or libreoffice-writer), "
            f"or save it as .docx") in res.stderr


# ------------------------------------------------------------------ every format, one pipeline

def test_every_format_scores_like_the_text(pdfs, docxs, ofds, text_outlines, tmp_path):
    """score_sections.py on each format's outlines (named after the sample's .txt) is within
    0.01 of the text's, with the same metadata and furniture counts."""
    ref = _score(text_outlines, tmp_path)
    for folder, suffix in ((pdfs, ".pdf"), (docxs, ".docx"), (ofds, ".ofd")):
        got = _score({p.name: outline(str(folder / (p.stem + suffix))) for p in SAMPLES}, tmp_path)
        assert abs(_macro(got) - _macro(ref)) <= 0.01, (suffix, got, ref)
        assert got[0].split(", metadata")[1] == ref[0].split(", metadata")[1], (suffix, got, ref)
        assert "furniture leaked 0/" in got[0], (suffix, got)


@pytest.mark.slow
def test_index_a_mixed_directory_names_each_unreadable_file(pdfs, docxs, ofds, traditional, tmp_path, no_ocr):
    import shutil as sh

    import makedocs
    d = tmp_path / "mixed"
    d.mkdir()
    sample = SAMPLES[0].read_text(encoding="utf-8")
    good = {
        "a.txt": SAMPLES[0].read_bytes(),
        "b.md": ("---\ntitle: 瑞安市法治政府建设报告\n---\n" + SAMPLES[1].read_text(encoding="utf-8")).encode(),
        "c.html": ("<html><body><form>" + "".join(f"<p>{x}</p>" for x in SAMPLES[2].read_text(
            encoding="utf-8").splitlines()) + "</form></body></html>").encode("gb18030"),
        "d.pdf": (pdfs / "zaozhuang-2021.pdf").read_bytes(),
        "e.docx": (docxs / "zhaoqing-2023.docx").read_bytes(),
        "f.ofd": (ofds / "linfen-2021.ofd").read_bytes(),
        "g-繁體.txt": (traditional / "ruian-2019.txt").read_bytes(),
    }
    bad = {
        "scan.pdf": ((pdfs / "scanned.pdf").read_bytes(), NO_OCR),
        "locked.pdf": (makedocs.pdf(sample, password="secret"), "encrypted PDF (needs a password) — save it without one"),
        "broken.docx": (b"PK\x03\x04" + bytes(100), "damaged Word file"),
        "broken.ofd": (b"PK\x03\x04" + bytes(100), "damaged OFD file"),
        "empty.txt": (b"", "empty file"),
    }
    for name, data in good.items():
        (d / name).write_bytes(data)
    for name, (data, _) in bad.items():
        (d / name).write_bytes(data)
    has_converter = any(sh.which(x) for x in ("soffice", "libreoffice", "antiword"))
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # not a real Word file
    res = CliRunner().invoke(main, ["index", str(d), "--index", str(tmp_path / "ix"), "-j", "1"])
    assert res.exit_code == 3, res.output
    assert re.search(rf"added\s+{len(good)}\b", res.output), res.output
    for name, (_, reason) in bad.items():
        assert f"warning: {d / name}: {reason}" in res.stderr, (name, res.stderr)
    doc_reason = "could not" if has_converter else "needs a converter for .doc — apt-get install antiword"
    assert f"warning: {d / 'old.doc'}: " in res.stderr and doc_reason in res.stderr, res.stderr
    assert len([x for x in res.stderr.splitlines() if x.startswith("warning: ")]) == len(bad) + 1
    show = CliRunner().invoke(main, ["search", "行政复议", "--index", str(tmp_path / "ix"), "--format", "json", "-n", "20"])
    paths = {os.path.basename(r["path"]) for r in json.loads(show.stdout)["reports"]}
    assert {"d.pdf", "e.docx", "f.ofd", "g-繁體.txt"} <= paths, paths


@pytest.fixture(scope="module")
def office_pdfs(tmp_path_factory):
    """Each sample's .docx as LibreOffice exports it to PDF (skipped without LibreOffice): ragged
    right, no first-line indent, space between paragraphs, fonts switching for Latin text."""
    import shutil as sh

    import makedocs
    soffice = sh.which("soffice") or sh.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    d = tmp_path_factory.mktemp("office-pdf")
    for p in SAMPLES:
        (d / f"{p.stem}.docx").write_bytes(makedocs.docx(p.read_text(encoding="utf-8"), auto_numbering=False))
    subprocess.run([soffice, f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(d), *[str(d / f"{p.stem}.docx") for p in SAMPLES]],
                   check=True, capture_output=True, timeout=300)
    return d


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_pdf_exported_by_an_office_suite_reads_as_the_text(office_pdfs, text_outlines, sample):
    _same_outline(outline(str(office_pdfs / sample.replace(".txt", ".pdf"))), text_outlines[sample])
