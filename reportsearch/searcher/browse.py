"""Reading the index without a query: one report's blocks (`show`), every block's text (recall
checks), and what the index holds (`stats`)."""
from __future__ import annotations

import os
from collections import Counter

from ..errors import ReportSearchError
from ..indexer import SECTION_ORDER, default_index_dir, labels_of, read_index
from ..model import OTHER
from ..report import missing_parts
from .query import section_filter
from .results import exact_path, printable_path


def find_report(ref: str, snap) -> tuple:
    """The report an id, a path, or a unique piece of a path or title refers to: (segment, doc, metadata).
    A path may be given exactly (as the file system has it, as JSON's `path` holds it) or as
    `search` prints it (path_display: \\xff for a byte that is not UTF-8, \\n for a newline)."""
    reports = list(snap.each_report())
    refs = {ref, os.path.abspath(ref)}
    exact = [r for r in reports if r[2]["id"] == ref or refs & _names(r[2])]
    if not exact:
        exact = [r for r in reports if any(ref in n for n in _names(r[2])) or ref in (r[2].get("title") or "")]
    if not exact:
        raise ReportSearchError(f"no report in the index matches '{printable_path(ref)}' — see "
                                f"`reportsearch stats` or give the path you indexed")
    if len(exact) > 1:
        names = ", ".join(printable_path(os.path.basename(exact_path(r[2]))) for r in exact[:5])
        raise ReportSearchError(f"'{printable_path(ref)}' matches {len(exact)} reports ({names}…) — be more "
                                f"specific")
    return exact[0]


def _names(meta: dict) -> set[str]:
    """A report's path exactly, as stored, and as printed."""
    return {exact_path(meta), meta["path"], printable_path(meta["path"])}


_META_KEYS = ("title", "region", "issuer", "year", "report_year", "published")


def report_blocks(ref: str, index_dir: str | None = None, section: str | None = None) -> dict:
    """A report from the index with its blocks in order (optionally only one section's)."""
    sec = section_filter(section) if section else None
    wanted = None if not section else sec.value if sec else OTHER

    def run(snap):
        seg, doc, meta = find_report(ref, snap)
        blocks = seg.display(doc)
        out = [b for b in blocks if wanted is None or wanted in (b["labels"] or [OTHER])]
        return {"id": meta["id"], "path": meta["path"],
                "meta": dict({k: meta.get(k) for k in _META_KEYS}, blocks=meta["n"]), "blocks": out}
    return read_index(index_dir or default_index_dir(), run)


def all_blocks(index_dir: str | None = None) -> dict[str, str]:
    """block id → text for every block in the index (for recall checks: slow on a large index)."""
    def run(snap):
        out = {}
        for seg, doc, meta in snap.each_report():
            for i, b in enumerate(seg.display(doc)):
                out[f"{meta['id']}:{i}"] = b["text"]
        return out
    return read_index(index_dir or default_index_dir(), run)


def index_stats(index_dir: str | None = None) -> dict:
    """Reports by year and region, blocks by section, and the reports with no 存在问题 or no 下一步计划
    part (usually a reading failure a user should see): `missing` holds (path, title, the parts)."""
    def run(snap):
        years: Counter = Counter()
        regions: Counter = Counter()
        sections: Counter = Counter()
        missing = []
        n_reports = n_blocks = 0
        for seg, doc, meta in snap.each_report():
            n_reports += 1
            years[meta.get("year") or "—"] += 1
            regions[meta.get("region") or "—"] += 1
            labels = []
            for b in range(meta["b0"], meta["b0"] + meta["n"]):
                n_blocks += 1
                labels.append(labels_of(seg.data.masks[b]))
                for lab in labels[-1] or [OTHER]:
                    sections[lab] += 1
            lacking = missing_parts(labels)
            if lacking:
                missing.append((meta["path"], meta.get("title"), [s.value for s in lacking]))
        order = SECTION_ORDER + [OTHER]
        return {"reports": n_reports, "blocks": n_blocks,
                "sections": [(k, sections[k]) for k in order if sections[k]],
                "years": sorted(years.items(), key=lambda kv: str(kv[0])),
                "regions": sorted(regions.items(), key=lambda kv: (-kv[1], str(kv[0]))),
                "missing": sorted(missing)}
    return read_index(index_dir or default_index_dir(), run)
