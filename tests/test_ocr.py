"""Scanned PDFs read by OCR: a scanned copy of a sample reads like its text, progress, the page
limit, the cache, a thin text layer, and a folder indexed without the ocr extra.

OCR is slow (seconds a page), so one sample is scanned and read once for the module; the other
tests read one page each or come from the cache. bench/ocr.py measures all five samples."""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import CORPUS

pytest.importorskip("rapidocr", reason="the ocr extra is not installed")

import ocrdocs  # noqa: E402

from reportsearch.cli import main  # noqa: E402
from reportsearch.errors import UnreadableReport  # noqa: E402
from reportsearch.read import ocr  # noqa: E402
from reportsearch.report import outline  # noqa: E402

SAMPLE = "ruian-2019"  # six pages; its 复议 paragraphs sit on pages 3–5
SCAN = ocrdocs.VARIANTS[1]  # 150 dpi, sans, grain, header, 「-n-」 folios


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """The sample's scanned copy, read once by OCR; its progress calls and cache directory."""
    d = tmp_path_factory.mktemp("scan")
    pdf = d / f"{SAMPLE}.pdf"
    pdf.write_bytes(ocrdocs.scanned_pdf((CORPUS / f"{SAMPLE}.txt").read_text(encoding="utf-8"), SCAN))
    calls: list[tuple[int, int]] = []
    cache = d / "cache"
    raw = ocr.read_scanned(str(pdf), pdf.read_bytes(), progress=lambda *a: calls.append(a), cache=str(cache))
    return pdf, raw, calls, cache


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s.replace("，", ",").replace("（", "(").replace("）", ")").replace("：", ":"))


def test_scanned_copy_reads_like_the_text(scan, monkeypatch):
    pdf, raw, _, cache = scan
    monkeypatch.setenv("REPORTSEARCH_OCR_CACHE", str(cache))
    got, ref = outline(str(pdf)), outline(str(CORPUS / f"{SAMPLE}.txt"))
    assert got.meta == ref.meta  # title, region, issuer, year and date, read from the scan
    assert got.warnings[0].startswith("no text layer: text read by OCR (rapidocr 3.10.0, 6 pages)")
    # furniture dropped: no running header, no folio
    assert not any(SCAN.header in b.text or re.fullmatch(r"-?\d+-?", b.text) for b in got.blocks)
    # each of the text's blocks is found, with its labels, in a block of the scan
    scanned = [(_norm(b.text), b.labels) for b in got.blocks]
    same = sum(any(_norm(b.text)[:24] in t and labels == b.labels for t, labels in scanned)
               for b in ref.blocks)
    assert same >= 0.9 * len(ref.blocks), (same, len(ref.blocks))


def test_search_finds_the_scans_review_blocks(scan, tmp_path, monkeypatch):
    pdf, _, _, cache = scan
    monkeypatch.setenv("REPORTSEARCH_OCR_CACHE", str(cache))  # the module's OCR, not a second one
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / f"{SAMPLE}.txt").write_bytes((CORPUS / f"{SAMPLE}.txt").read_bytes())
    found = {}
    for name, folder in (("text", texts), ("scan", pdf.parent)):
        ix = tmp_path / f"ix-{name}"
        res = CliRunner().invoke(main, ["index", str(folder), "--index", str(ix), "-j", "1"])
        assert res.exit_code == 0, res.output
        res = CliRunner().invoke(main, ["search", "复议", "--index", str(ix), "--by", "block",
                                        "--format", "json", "-n", "1000"])
        found[name] = [_norm(h["text"]) for h in json.loads(res.stdout)["blocks"]]
    assert len(found["text"]) == 3
    assert all(any(t[:20] in s for s in found["scan"]) for t in found["text"]), found


def test_progress_is_reported_per_page(scan):
    _, _, calls, _ = scan
    assert calls == [(i, 6) for i in range(7)]


def test_the_cache_serves_a_second_read_without_ocr(scan, monkeypatch):
    pdf, raw, _, cache = scan
    files = os.listdir(cache)
    assert len(files) == 1 and re.fullmatch(r"[0-9a-f]{64}\.json", files[0])  # no temporary file left
    monkeypatch.setattr(ocr.engine(), "boxes", lambda image: pytest.fail("OCR ran again"))
    again = ocr.read_scanned(str(pdf), pdf.read_bytes(), cache=str(cache))
    assert again.lines == raw.lines and again.warnings == raw.warnings


@pytest.fixture(scope="module")
def first_page(scan, tmp_path_factory):
    """The scan read again with a limit of one page (its own cache entry): the progress calls."""
    pdf, _, _, _ = scan
    cache = tmp_path_factory.mktemp("cache-limit")
    calls: list[tuple[int, int]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPORTSEARCH_OCR_MAX_PAGES", "1")
        raw = ocr.read_scanned(str(pdf), pdf.read_bytes(), progress=lambda *a: calls.append(a),
                               cache=str(cache))
    return raw, calls, cache


def test_the_page_limit_reads_the_first_pages_with_a_warning(scan, first_page):
    _, whole, _, _ = scan
    part, calls, _ = first_page
    assert calls == [(0, 1), (1, 1)]
    assert part.warnings[-1] == ("OCR read the first 1 of 6 pages "
                                 "(set REPORTSEARCH_OCR_MAX_PAGES to read more)")
    # one page cannot show its running header repeating: it is kept, the rest as in the whole
    assert [x for x in part.lines if x != SCAN.header][:2] == whole.lines[:2]
    assert len("".join(part.lines)) < len("".join(whole.lines)) / 3


def test_a_damaged_cache_entry_is_read_again(scan, first_page, monkeypatch):
    pdf, _, _, _ = scan
    part, _, cache = first_page
    [entry] = cache.iterdir()
    entry.write_text('{"total": 6, "sizes": [[595', encoding="utf-8")  # cut off
    monkeypatch.setenv("REPORTSEARCH_OCR_MAX_PAGES", "1")
    calls: list[tuple[int, int]] = []
    again = ocr.read_scanned(str(pdf), pdf.read_bytes(), progress=lambda *a: calls.append(a),
                             cache=str(cache))
    assert calls == [(0, 1), (1, 1)] and again.lines == part.lines  # read by OCR again
    assert json.loads(entry.read_text(encoding="utf-8"))["total"] == 6  # and written whole


def test_skew_is_turned_back(scan):
    """The boxes of a real page turned by 2° more give the same lines."""
    _, _, _, cache = scan
    found = json.loads(open(os.path.join(cache, os.listdir(cache)[0]), encoding="utf-8").read())
    (w, h), boxes = found["sizes"][0], found["pages"][0]
    a = math.radians(2)

    def turn(x, y):
        return (w / 2 + (x - w / 2) * math.cos(a) - (y - h / 2) * math.sin(a),
                h / 2 + (x - w / 2) * math.sin(a) + (y - h / 2) * math.cos(a))
    straight = ocr.page_from_boxes([ocr.Box(t, [tuple(p) for p in q], s) for q, t, s in boxes], w, h)
    turned = ocr.page_from_boxes([ocr.Box(t, [turn(*p) for p in q], s) for q, t, s in boxes], w, h)
    assert [x.text for x in turned.lines] == [x.text for x in straight.lines]
    assert len(straight.lines) >= 20  # one line per drawn line, not one per box
    for x, y in zip(straight.lines, turned.lines):
        assert abs(x.x0 - y.x0) < 2 and abs(x.top - y.top) < 2


def test_a_watermark_text_layer_is_not_the_report(tmp_path, monkeypatch):
    """A scanner app stamps a line of text on each scanned page: the page is still read by OCR."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    monkeypatch.setenv("REPORTSEARCH_OCR_CACHE", str(tmp_path / "cache"))
    text = (CORPUS / "zaozhuang-2021.txt").read_text(encoding="utf-8")
    image = ocrdocs.page_images(text, ocrdocs.VARIANTS[3])[0]
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "zaozhuang-2021.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.drawImage(ImageReader(image), 0, 0, 595, 842)
    c.setFont("STSong-Light", 8)
    c.drawString(480, 20, "扫描全能王 创建")
    c.showPage()
    c.save()
    from reportsearch.read import pdf
    pages, _ = pdf.pdf_pages(str(path), path.read_bytes())
    assert [x.text for x in pages[0].lines] == ["扫描全能王 创建"]  # a text layer, but only this
    raw = pdf.read_pdf(str(path), path.read_bytes())
    assert raw.warnings[0].startswith("no text layer: text read by OCR")
    assert "枣庄市2021年度法治政府建设情况报告" in raw.lines


def test_a_scan_without_text_is_named(tmp_path):
    """A scanned chart (bars, no words) is one line, and OCR is not repeated for it."""
    from PIL import Image, ImageDraw
    page = Image.new("L", (827, 1170), 255)
    d = ImageDraw.Draw(page)
    for i, h in enumerate((200, 420, 310, 520, 460)):
        d.rectangle([120 + i * 120, 900 - h, 190 + i * 120, 900], fill=60)
    path = tmp_path / "chart.pdf"
    page.save(path, "PDF", resolution=100.0)
    for _ in range(2):
        with pytest.raises(UnreadableReport) as e:
            ocr.read_scanned(str(path), path.read_bytes(), cache=str(tmp_path / "cache"),
                             progress=lambda *a: pytest.fail("OCR ran again") if _ else None)
        assert e.value.reason == "scanned PDF, and OCR found no text on its 1 page"


def test_without_the_extra_a_scan_is_named_and_the_folder_indexed(scan, tmp_path, monkeypatch):
    pdf, _, _, _ = scan
    d = tmp_path / "reports"
    d.mkdir()
    (d / "scan.pdf").write_bytes(pdf.read_bytes())
    (d / "a.txt").write_bytes((CORPUS / "linfen-2021.txt").read_bytes())
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if not installed
    monkeypatch.setattr(ocr, "_engine", None)
    res = CliRunner().invoke(main, ["index", str(d), "--index", str(tmp_path / "ix"), "-j", "1"])
    assert res.exit_code == 3, res.output
    assert re.search(r"added\s+1\b", res.output)
    warnings = [x for x in res.stderr.splitlines() if x.startswith("warning: ")]
    assert warnings == [f"warning: {d / 'scan.pdf'}: scanned PDF without a text layer — to read it by OCR: "
                        "pip install 'reportsearch[ocr]'"]


def test_the_ocr_engine_prints_nothing_of_its_own(tmp_path):
    """The engine's own log lines (coloured, timestamped) never reach the terminal: a page with no
    words gives the one warning line, nothing else."""
    from PIL import Image
    path = tmp_path / "blank.pdf"
    Image.new("L", (827, 1170), 255).save(path, "PDF", resolution=100.0)
    res = subprocess.run([sys.executable, "-m", "reportsearch", "outline", str(path)], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, REPORTSEARCH_OCR_CACHE=str(tmp_path / "c")))
    assert res.stderr.splitlines() == [f"warning: {path}: scanned PDF, and OCR found no text on its 1 page",
                                       "error: no report could be read — check the paths and file formats "
                                       "(.txt .md .html .pdf .docx .doc .ofd)"]
