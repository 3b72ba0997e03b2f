"""Scanned copies of a sample report: pages drawn as images, wrapped into a PDF with no text layer.

Used by tests/test_ocr.py and bench/ocr.py. The pages look like a 公文 printed and scanned:
GB/T 9704 margins, 16 pt body text (about 28 characters a line), a paragraph's first line
indented two characters, a centred title, a running header, page numbers in three styles, then
the scan's faults — a slight skew, grey paper, speckle noise, blur and JPEG compression.

The font is Noto Serif SC or Noto Sans SC from the PyPI package pylopdf-fonts-zh-cn (SIL Open
Font License 1.1), which the test extra installs: drawing never depends on the machine's fonts.
"""
from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass

from makedocs import wrap

MM = 1 / 25.4  # inches per millimetre
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
LEFT_MM, RIGHT_MM, TOP_MM, BOTTOM_MM = 28.0, 26.0, 37.0, 35.0  # GB/T 9704 type area 156 × 225 mm
FOLIOS = ["— {n} —", "-{n}-", "第{n}页 共{total}页"]


@dataclass
class Scan:
    """How one scanned copy looks: resolution, face, size, faults, furniture."""

    dpi: int = 200
    face: str = "serif"  # "serif" (宋体-like) or "sans" (黑体-like)
    size_pt: float = 16.0  # 三号, the size of 公文 body text
    leading: float = 1.75  # line pitch in ems
    skew_deg: float = 0.4  # the largest rotation; each page draws its own within ±skew_deg
    noise: float = 18.0  # grey-level spread of the speckle noise
    blur: float = 0.5  # Gaussian blur radius in pixels
    jpeg_quality: int = 70
    header: str | None = "法治政府建设年度报告"
    folio: int = 0  # index into FOLIOS
    seed: int = 0


def font_path(face: str) -> str:
    """The Noto SC font file the test extra installs (pylopdf-fonts-zh-cn)."""
    import pylopdf_fonts_zh_cn as fonts
    return str(fonts.serif_path() if face == "serif" else fonts.sans_path())


def paragraphs(text: str) -> list[str]:
    """The sample's non-empty lines, stripped: one paragraph each."""
    return [x.strip() for x in text.splitlines() if x.strip()]


def _is_title(par: str, i: int) -> bool:
    return i < 6 and len(par) <= 40 and "报告" in par and not re.search(r"[，。：:]", par)


@dataclass
class Row:
    """One drawn line: its text, left edge and top in pixels, and whether it is a title."""

    text: str
    x: float
    y: float
    title: bool = False


def _fonts(scan: Scan):
    from PIL import ImageFont

    em = round(scan.size_pt / 72 * scan.dpi)
    other = "sans" if scan.face == "serif" else "serif"
    return (ImageFont.truetype(font_path(scan.face), em),
            ImageFont.truetype(font_path(other), round(em * 1.35)),
            ImageFont.truetype(font_path(scan.face), round(em * 0.7)))


def layout(text: str, scan: Scan = Scan()) -> tuple[list[list[Row]], list[tuple[str, str]]]:
    """The report's lines placed on pages (pixels), and each page's running header and folio."""
    body, title, _ = _fonts(scan)
    px = scan.dpi * MM
    w = round(PAGE_W_MM * px)
    left, right = LEFT_MM * px, w - RIGHT_MM * px
    top, bottom = TOP_MM * px, round(PAGE_H_MM * px) - BOTTOM_MM * px
    em = body.size
    pitch = em * scan.leading
    pages: list[list[Row]] = [[]]
    y = top
    for i, par in enumerate(paragraphs(text)):
        if _is_title(par, i):
            rows = [Row(par, (left + right - title.getlength(par)) / 2, 0.0, True)]
        else:
            rows = [Row(line, left + (2 * em if k == 0 else 0), 0.0)
                    for k, line in enumerate(wrap(par, right - left, body.getlength, 2 * em, slack=0.5, keep_closing=True))]
        for row in rows:
            if y + pitch > bottom:
                pages.append([])
                y = top
            row.y = y
            pages[-1].append(row)
            y += pitch * (1.6 if row.title else 1.0)
    furniture = [(scan.header or "", FOLIOS[scan.folio % len(FOLIOS)].format(n=n, total=len(pages)))
                 for n in range(1, len(pages) + 1)]
    return pages, furniture


def page_images(text: str, scan: Scan = Scan()):
    """The report drawn as scanned page images (greyscale PIL images)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(scan.seed)
    body, title, small = _fonts(scan)
    px = scan.dpi * MM
    w, h = round(PAGE_W_MM * px), round(PAGE_H_MM * px)
    left, right = LEFT_MM * px, w - RIGHT_MM * px
    top, bottom = TOP_MM * px, h - BOTTOM_MM * px
    em = body.size
    pages, furniture = layout(text, scan)
    out = []
    for n, (rows, (header, folio)) in enumerate(zip(pages, furniture), start=1):
        img = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(img)
        if header:
            d.text(((w - small.getlength(header)) / 2, top - 2.2 * em), header, font=small, fill=0)
            d.line([(left, top - 1.1 * em), (right, top - 1.1 * em)], fill=0, width=max(1, round(px * 0.3)))
        for row in rows:
            d.text((row.x, row.y), row.text, font=title if row.title else body, fill=0)
        # 公文 style puts 「— n —」 outside on alternate sides; the other styles are centred
        width = small.getlength(folio)
        fx = (w - width) / 2 if scan.folio else (right - width if n % 2 else left)
        d.text((fx, bottom + 1.5 * em), folio, font=small, fill=0)
        out.append(_age(img, scan, rnd))
    return out


def _age(img, scan: Scan, rnd: random.Random):
    """The faults of a scan: skew, grey paper with a coarse grain and specks of dust, blur."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    angle = rnd.uniform(-scan.skew_deg, scan.skew_deg)
    img = img.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    if scan.noise:
        w, h = img.size
        grain = Image.effect_noise((w // 3, h // 3), scan.noise).resize((w, h), Image.BILINEAR)
        paper = grain.point(lambda v: max(0, min(255, v - 128 + 236)))
        d = ImageDraw.Draw(paper)
        for _ in range(60):  # dust: dots a few pixels across
            x, y, r = rnd.uniform(0, w), rnd.uniform(0, h), rnd.uniform(0.5, 2.5) * scan.dpi / 200
            d.ellipse([x - r, y - r, x + r, y + r], fill=rnd.randint(60, 180))
        img = ImageChops.darker(img, paper)
    if scan.blur:
        img = img.filter(ImageFilter.GaussianBlur(scan.blur))
    return img


def scanned_pdf(text: str, scan: Scan = Scan()) -> bytes:
    """A PDF whose pages are only JPEG images of the report: no text layer, no fonts."""
    images = page_images(text, scan)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=float(scan.dpi),
                   quality=scan.jpeg_quality)
    return buf.getvalue()


# Varied copies: each sample is scanned in its own way (resolution, face, faults, furniture).
VARIANTS = [
    Scan(dpi=200, face="serif", skew_deg=0.5, folio=0, seed=1),
    Scan(dpi=150, face="sans", skew_deg=0.3, noise=24, blur=0.3, folio=1, header="某某市人民政府", seed=2),
    Scan(dpi=300, face="serif", size_pt=15, skew_deg=0.8, folio=2, header=None, seed=3),
    Scan(dpi=240, face="sans", size_pt=16, leading=1.6, skew_deg=0.6, jpeg_quality=55, seed=4),
    Scan(dpi=180, face="serif", size_pt=14, skew_deg=0.2, noise=30, blur=0.8, folio=1, seed=5),
]
