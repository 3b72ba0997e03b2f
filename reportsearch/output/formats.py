"""Search results (as rows.py makes them) in CSV, JSON, JSON Lines, Markdown or text; XLSX in xlsx.py,
writing files in files.py."""
from __future__ import annotations

import csv
import enum
import io
import json
import os

from ..errors import ExportError
from ..searcher import Hit, SearchResult, Tally
from . import safe
from .rows import COLUMNS, REGION_HEADER, SECTION_HEADER, flat, neutralise, ranked, rows, summary_rows


class Format(str, enum.Enum):
    """Output formats for search results."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MD = "md"
    XLSX = "xlsx"

    @classmethod
    def from_path(cls, path: str) -> "Format":
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        try:
            return cls({"markdown": "md", "txt": "text"}.get(ext, ext))
        except ValueError:
            raise ExportError(f"cannot tell the format of {path} from its extension — "
                              f"use .csv .xlsx .json .jsonl .md .txt or pass --format")


def json_record(result: SearchResult, name: str = "") -> dict:
    """A whole result as JSON: per hit its score, labels, metadata, text and match offsets."""
    def hit(h: Hit) -> dict:
        return {
            "rank": h.rank, "score": h.score, "block": h.block_id, "report": h.report_id, "path": h.path,
            "title": h.title, "region": h.region, "issuer": h.issuer, "year": h.year, "report_year": h.report_year,
            "published": h.published, "sections": h.labels, "heading": h.heading, "text": h.text,
            "matches": [[a, b] for a, b in h.matches], "terms": h.matched_terms,
            "snippets": [{"text": s.text, "start": s.start, "matches": [[a, b] for a, b in s.spans],
                          "marked": s.marked()} for s in h.snippets],
        }
    rec = {"query": result.query, "name": name or None, "by": result.by, "total_blocks": result.total}
    if result.missing:  # a cluster search without some shards (--partial)
        rec.update(incomplete=True, missing_shards=result.missing)
    if result.by == "block":
        rec["blocks"] = [hit(h) for h in result.blocks]
    else:
        rec["reports"] = [{"rank": r.rank, "score": r.score, "report": r.report_id, "path": r.path,
                           "title": r.title, "region": r.region, "year": r.year,
                           "report_year": r.report_year, "hits": [hit(h) for h in r.hits]}
                          for r in result.reports]
    return rec


XLSX_TO_FILE = "xlsx is a binary format — write it to a file with -o answers.xlsx"


def _summary_json(tallies: list[tuple[str, Tally]]) -> dict:
    sec, reg = summary_rows(tallies)
    return {"sections": [dict(zip(SECTION_HEADER, r)) for r in sec],
            "regions": [dict(zip(REGION_HEADER, r)) for r in reg]}


def to_text(results: list[tuple[str, SearchResult]], fmt: Format,
            tallies: list[tuple[str, Tally]] | None = None) -> str:
    """Results in one of the text formats, ready to print or write (tallies: a query file's summary).
    No control character from a report or file name gets into the output."""
    results = cleaned(results)
    buf = io.StringIO()
    if fmt == Format.XLSX:
        raise ExportError(XLSX_TO_FILE)
    if fmt == Format.JSON:
        recs = [json_record(r, n) for n, r in results]
        if tallies is not None:
            doc = {"queries": recs, "summary": _summary_json(tallies)}
        else:
            doc = recs[0] if len(recs) == 1 else recs
        json.dump(doc, buf, ensure_ascii=False, indent=1)
        buf.write("\n")
    elif fmt == Format.JSONL:
        for n, r in results:
            for row in rows(r, n):
                h, sn = row["_hit"], row["_snippet"]
                rec = {k: row[k] for k in COLUMNS}
                rec.update({"text": h.text, "matches": [[a, b] for a, b in h.matches],
                            "snippet_start": sn.start, "snippet_matches": [[a, b] for a, b in sn.spans]})
                if r.missing:
                    rec.update(incomplete=True, missing_shards=r.missing)
                buf.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif fmt == Format.CSV:
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for n, r in results:
            for row in rows(r, n):
                w.writerow({k: neutralise(v) for k, v in flat(row).items()})
    elif fmt == Format.MD:
        buf.write(markdown(results, tallies))
    elif fmt == Format.TEXT:
        for n, r in results:
            for row in rows(r, n):
                f = flat(row)
                buf.write(f"{f['rank']}\t{f['title']}\t{f['region']}\t{f['year']}\t{f['sections']}\t{f['snippet']}\n")
    return buf.getvalue()


def cleaned(results: list[tuple[str, SearchResult]]) -> list[tuple[str, SearchResult]]:
    """Results with control characters taken out of every untrusted string (offsets kept right)."""
    return [(safe.line(n), safe.result(r)) for n, r in results]


def _md_table(header: list, rows: list[list]) -> list[str]:
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    return ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(map(cell, r)) + " |" for r in rows]]


def markdown(results: list[tuple[str, SearchResult]], tallies: list[tuple[str, Tally]] | None = None) -> str:
    """Grouped by query, then report, matches in bold: ready to paste into a write-up."""
    out = []
    for n, r in results:
        out.append(f"## {n or r.query}\n")
        if n and n != r.query:
            out.append(f"Query: `{r.query}`\n")
        current = None
        for rank, h in ranked(r):
            if h.report_id != current:
                current = h.report_id
                meta = " · ".join(str(x) for x in (h.region, h.year, h.published) if x)
                out.append(f"\n### {rank}. {h.title or h.path}\n\n{meta}\n")
            tags = "、".join(h.labels) or "其他"
            where = " > ".join(h.heading)
            for sn in h.snippets:
                out.append(f"- **[{tags}]** {sn.marked('**', '**')}" + (f" *（{where}）*" if where else ""))
        if not r.hits():
            out.append("No matches.")
        out.append("")
    if tallies:
        sec, reg = summary_rows(tallies)
        out += ["## Summary: matching blocks by section", "", *_md_table(SECTION_HEADER, sec), "",
                "## Summary: matching blocks by region and section", "", *_md_table(REGION_HEADER, reg), ""]
    return "\n".join(out) + "\n"


