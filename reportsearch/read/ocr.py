"""Scanned PDFs: the page images read by OCR, then the same layout step as a PDF's text layer.

The engine is RapidOCR (`rapidocr`, pinned by the `ocr` extra) on ONNX Runtime, chosen by
measurement (README, Formats): PaddleOCR's PP-OCRv6 small detection and recognition models are
files inside its wheel, and they are given to it by path, so nothing is downloaded. Its 180°
line classifier is not used: on upright scans it turned whole lines upside down, and they were lost.

Each page is rendered at 150 dpi (never more than MAX_PAGE_PIXELS, so a huge page costs what an
A3 page does), the engine gives text boxes, the boxes are deskewed and joined into lines, and
layout.page_lines joins wrapped lines into paragraphs and drops running heads and page numbers.
At most max_pages() pages are read, with a warning naming the limit. Results are cached by the
SHA-256 of the PDF's bytes and the engine's version and settings (cache_dir()), so re-indexing a
folder does not read the same scan twice.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import statistics
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import UnreadableReport
from ..model import RawDocument
from . import budget
from .layout import Line, Page, page_lines

Progress = Callable[[int, int], None]  # (pages done, pages to read)

ENGINE = "rapidocr"
EXTRA = "pip install 'reportsearch[ocr]'"
RENDER_DPI = 150  # body text of 10.5–16 pt is 22–33 px high: enough for PP-OCR, which scales lines to 48 px
MAX_PAGE_PIXELS = 4_500_000  # A3 at 150 dpi; a larger page is rendered smaller
DEFAULT_MAX_PAGES = 60  # reports run to 5–30 pages; a scanned book would take many minutes
_SETTINGS = f"dpi={RENDER_DPI};px={MAX_PAGE_PIXELS};cls=0;v=1"  # what else changes the boxes


@dataclass
class Box:
    """One text box the engine found: its text, score and corners in PDF points (y down)."""

    text: str
    quad: list[tuple[float, float]]
    score: float


# ------------------------------------------------------------------ when to read by OCR

def needs_ocr(pages: list[Page]) -> bool:
    """Whether a PDF's text layer is missing or too thin to be the report: fewer than 20
    characters a page (a scanner app's watermark, a stamped page number)."""
    chars = sum(len(x.text.strip()) for p in pages for x in p.lines)
    return chars < 20 * max(1, len(pages))


# ------------------------------------------------------------------ settings

def max_pages() -> int:
    """The most pages read from one scanned PDF: $REPORTSEARCH_OCR_MAX_PAGES, else 60."""
    try:
        return max(1, int(os.environ.get("REPORTSEARCH_OCR_MAX_PAGES", "")))
    except ValueError:
        return DEFAULT_MAX_PAGES


def cache_dir() -> str:
    """Where OCR results are cached: $REPORTSEARCH_OCR_CACHE, else $XDG_CACHE_HOME/reportsearch/ocr,
    else ~/.cache/reportsearch/ocr."""
    explicit = os.environ.get("REPORTSEARCH_OCR_CACHE")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "reportsearch", "ocr")


_hook: tuple[int, Progress] | None = None  # (process id, callback) set by reporting()


@contextlib.contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Within this block, OCR reports its pages to progress(done, total) — in this process only
    (an index run's forked workers inherit the hook, and must not call it)."""
    global _hook
    before, _hook = _hook, (os.getpid(), progress)
    try:
        yield
    finally:
        _hook = before


def _current_hook() -> Progress | None:
    return _hook[1] if _hook and _hook[0] == os.getpid() else None


# ------------------------------------------------------------------ the engine

class _Engine:
    """RapidOCR with the PP-OCRv6 small models inside its wheel, loaded once per process.

    The models are named by path: given no path, RapidOCR looks its default models up in a
    table of download addresses (and fetches one that is missing or damaged)."""

    def __init__(self) -> None:
        from importlib.metadata import version

        import rapidocr
        from rapidocr import RapidOCR
        models = os.path.join(os.path.dirname(rapidocr.__file__), "models")
        self.version = version(ENGINE)
        self.tag = f"{ENGINE}=={self.version};{_SETTINGS}"
        paths = {task: os.path.join(models, f"PP-OCRv6_{task}_small.onnx") for task in ("det", "rec")}
        for p in paths.values():
            if not os.path.isfile(p):  # a build of rapidocr without its models: never download them
                raise ImportError(f"{p} is missing")
        self._ocr = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                                     "Det.model_path": paths["det"], "Rec.model_path": paths["rec"]})

    def boxes(self, image) -> list[tuple[list[list[float]], str, float]]:
        """Text boxes of a PIL image: (corners in pixels, text, score)."""
        import numpy as np
        out = self._ocr(np.asarray(image.convert("RGB")))
        if out.boxes is None:
            return []
        return [([list(map(float, p)) for p in quad], text, float(score))
                for quad, text, score in zip(out.boxes.tolist(), out.txts, out.scores)]


_engine: _Engine | None = None


def engine(path: str = "") -> _Engine:
    """The loaded engine, or UnreadableReport naming the extra to install."""
    global _engine
    if _engine is None:
        try:
            _engine = _Engine()
        except ModuleNotFoundError as e:
            if e.name and e.name.split(".")[0] in (ENGINE, "onnxruntime", "cv2", "numpy", "omegaconf"):
                raise UnreadableReport(path, f"scanned PDF without a text layer — to read it by OCR: {EXTRA}")
            raise
        except ImportError as e:  # installed, but a library or model file it needs is not
            raise UnreadableReport(path, f"scanned PDF, and OCR could not start ({e}) — "
                                         f"reinstall with {EXTRA}")
    return _engine


# ------------------------------------------------------------------ reading

def read_scanned(path: str, data: bytes, *, progress: Progress | None = None,
                 cache: str | None = None) -> RawDocument:
    """A scanned PDF's report lines, read by OCR (or from the cache), with a warning saying so.

    progress(done, total) is called before the first page and after each one (default: the
    callback given to reporting()); cache is the cache directory (default: cache_dir(); "" for
    none). Raises UnreadableReport when the OCR extra is not installed."""
    ocr = engine(path)
    progress = progress if progress is not None else _current_hook()
    cache = cache_dir() if cache is None else cache
    limit = max_pages()
    digest = hashlib.sha256(data)
    digest.update(f"\0{ocr.tag};pages={limit}".encode())
    key = digest.hexdigest()
    warnings: list[str] = []
    found = _load(cache, key) if cache else None
    if found is None:
        with budget.paused():  # OCR is bounded by its own page cap, not by the per-file time budget
            found = _recognise(path, data, ocr, limit, progress)
        if cache:
            problem = _store(cache, key, found)
            if problem:
                warnings.append(f"OCR result not cached in {cache} ({problem}); "
                                "the next index run reads the scan again")
    total, sizes, boxes = found["total"], found["sizes"], found["pages"]
    pages = [page_from_boxes([Box(t, [tuple(p) for p in q], s) for q, t, s in bs], w, h)
             for (w, h), bs in zip(sizes, boxes)]
    lines = page_lines(pages)
    if not any(x.strip() for x in lines):
        raise UnreadableReport(path, f"scanned PDF, and OCR found no text on its {_pages(len(pages))}")
    warnings.insert(0, f"no text layer: text read by OCR ({ENGINE} {ocr.version}, {_pages(len(pages))}) — "
                       f"check quotations against the scan")
    if total > len(pages):
        warnings.append(f"OCR read the first {len(pages)} of {total} pages (set REPORTSEARCH_OCR_MAX_PAGES "
                        f"to read more)")
    return RawDocument(path, lines, {}, "pdf", warnings)


def _pages(n: int) -> str:
    return f"{n} page{'s' if n != 1 else ''}"


def _recognise(path: str, data: bytes, ocr: _Engine, limit: int, progress: Progress | None) -> dict:
    """OCR the first `limit` pages: their sizes in points and boxes in points."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise UnreadableReport(path, f"damaged PDF ({e}) — open and save it again")
    try:
        total = len(doc)
        todo = min(total, limit)
        sizes, pages = [], []
        if progress:
            progress(0, todo)
        for i in range(todo):
            try:
                page = doc[i]
                w, h = page.get_size()
                scale = min(RENDER_DPI / 72, math.sqrt(MAX_PAGE_PIXELS / max(w * h, 1.0)))
                image = page.render(scale=scale, grayscale=True).to_pil()
                page.close()
            except pdfium.PdfiumError as e:
                raise UnreadableReport(path, f"damaged PDF (page {i + 1} cannot be drawn: {e}) — "
                                             f"open and save it again")
            sizes.append((w, h))
            pages.append([([[x / scale, y / scale] for x, y in quad], text, round(score, 3))
                          for quad, text, score in ocr.boxes(image)])
            if progress:
                progress(i + 1, todo)
    finally:
        doc.close()
    return {"total": total, "sizes": sizes, "pages": pages}


def _load(cache: str, key: str) -> dict | None:
    """A cached result, or None when there is none or it does not parse (then OCR runs again)."""
    try:
        with open(os.path.join(cache, key + ".json"), encoding="utf-8") as f:
            found = json.load(f)
        if {"total", "sizes", "pages"} <= set(found) and len(found["sizes"]) == len(found["pages"]):
            return found
    except (OSError, ValueError, TypeError):
        pass
    return None


def _store(cache: str, key: str, found: dict) -> str | None:
    """Write a result atomically (a temporary file renamed into place); the reason if it failed."""
    tmp = None
    try:
        os.makedirs(cache, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ocr-", suffix=".tmp", dir=cache)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(found, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, os.path.join(cache, key + ".json"))
        return None
    except OSError as e:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return e.strerror or str(e)


# ------------------------------------------------------------------ boxes to lines

def _skew(boxes: list[Box]) -> float:
    """The page's skew in radians: the median slope of the long boxes' top and bottom edges."""
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = b.quad
        if x1 - x0 > 3 * abs(y3 - y0) > 0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
            angles.append(math.atan2(y2 - y3, x2 - x3))
    angle = statistics.median(angles) if angles else 0.0
    return angle if abs(angle) < math.radians(10) else 0.0


def _latin(a: str, b: str) -> bool:
    return bool(re.match(r"[A-Za-z0-9]", a[-1:]) and re.match(r"[A-Za-z0-9]", b[:1]))


def page_from_boxes(boxes: list[Box], width: float, height: float) -> Page:
    """A page's lines from its text boxes: the skew turned back, boxes side by side joined into
    one line (a space where a wide gap or two Latin words part them), lines top to bottom."""
    angle = _skew(boxes)
    cos, sin = math.cos(-angle), math.sin(-angle)
    cx, cy = width / 2, height / 2
    rects = []
    for b in boxes:
        if not b.text.strip():
            continue
        pts = [(cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
               for x, y in b.quad]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        rects.append((min(xs), min(ys), max(xs), max(ys), b.text.strip()))
    rects.sort(key=lambda r: (r[1] + r[3]) / 2)
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for r in rects:
        mid, half = (r[1] + r[3]) / 2, (r[3] - r[1]) / 2
        for row in reversed(rows[-3:]):  # a box on the same line, to the side of the ones found
            top, bottom = min(x[1] for x in row), max(x[3] for x in row)
            if top < mid < bottom and abs(mid - (top + bottom) / 2) < max(half, (bottom - top) / 2) * 0.6 \
                    and all(r[0] >= x[2] - 2 or r[2] <= x[0] + 2 for x in row):
                row.append(r)
                break
        else:
            rows.append([r])
    lines = []
    for row in rows:
        row.sort(key=lambda r: r[0])
        em = statistics.median(r[3] - r[1] for r in row)
        text = row[0][4]
        for a, b in zip(row, row[1:]):
            text += (" " if b[0] - a[2] > 1.5 * em or _latin(text, b[4]) else "") + b[4]
        lines.append(Line(text, row[0][0], min(r[1] for r in row), row[-1][2], max(r[3] for r in row)))
    lines.sort(key=lambda x: x.top)
    return Page(width, height, lines)
