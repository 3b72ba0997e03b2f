"""Search results (as rows.py makes them) in CSV, JSON, JSON Lines, Markdown or text; XLSX in xlsx.py,
writing files in files.py."""
from __future__ import annotations

import csv
import enum
import io
import json
import os
import re

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

    @property
    def binary(self) -> bool:
        """Bytes that would garble a terminal (written to a file or a pipe only)."""
        return self is Format.XLSX

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
            "path_display": h.path_display,
            "title": h.title, "region": h.region, "issuer": h.issuer, "year": h.year, "report_year": h.report_year,
            "published": h.published, "sections": h.labels, "heading": h.heading, "text": h.text,
            "matches": [[a, b] for a, b in h.matches], "terms": h.matched_terms,
            "snippets": [{"text": s.text, "start": s.start, "matches": [[a, b] for a, b in s.spans],
                          "marked": s.marked()} for s in h.snippets],
            **({"explain": h.explain} if h.explain is not None else {}),
        }
    rec = {"query": result.query, "name": name or None, "by": result.by, "total_blocks": result.total}
    if result.missing:  # a cluster search without some shards (--partial)
        rec.update(incomplete=True, missing_shards=result.missing)
    if result.by == "block":
        rec["blocks"] = [hit(h) for h in result.blocks]
    else:
        rec["reports"] = [{"rank": r.rank, "score": r.score, "report": r.report_id, "path": r.path,
                           "path_display": r.path_display,
                           "title": r.title, "region": r.region, "year": r.year, "report_year": r.report_year,
                           "hits": [hit(h) for h in r.hits]}
                          for r in result.reports]
    return rec


_ESCAPE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff]")  # json escapes only the C0 controls itself


def json_text(doc, indent: int | None = None) -> str:
    """JSON with Chinese as it is; DEL and the C1 controls (an exact path may hold them) as escapes,
    and a lone surrogate (a path's byte that is not UTF-8, kept by Python's surrogateescape) as its
    \\udcff escape: valid UTF-8, and json.loads gives back a str that opens the file."""
    text = json.dumps(doc, ensure_ascii=False, indent=indent)
    return _ESCAPE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


XLSX_TO_FILE = ("xlsx is a binary format and would garble the terminal — write it to a file with -o answers.xlsx "
                "(or redirect: > answers.xlsx)")


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
        buf.write(json_text(doc, indent=1) + "\n")
    elif fmt == Format.JSONL:
        for n, r in results:
            for row in rows(r, n):
                h, sn = row["_hit"], row["_snippet"]
                rec = {k: row[k] for k in COLUMNS}
                rec.update({"text": h.text, "matches": [[a, b] for a, b in h.matches],
                            "snippet_start": sn.start, "snippet_matches": [[a, b] for a, b in sn.spans]})
                rec["path_display"] = h.path_display
                if r.missing:
                    rec.update(incomplete=True, missing_shards=r.missing)
                buf.write(json_text(rec) + "\n")
    elif fmt == Format.CSV:
        w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
        w.writeheader()
        for n, r in results:
            for row in rows(r, n):
                w.writerow({k: neutralise(v) for k, v in flat(row).items()})
    elif fmt == Format.MD:
        buf.write(markdown(results, tallies))
    elif fmt == Format.TEXT:  # tab-separated: CSV's columns and header, one line per row
        buf.write("\t".join(COLUMNS) + "\n")
        for n, r in results:
            for row in rows(r, n):
                cells = (" ".join(str(neutralise(v)).split("\t")) for v in flat(row).values())
                buf.write("\t".join(" ".join(c.splitlines()) for c in cells) + "\n")
    return buf.getvalue()


def cleaned(results: list[tuple[str, SearchResult]]) -> list[tuple[str, SearchResult]]:
    """Results with control characters taken out of every untrusted string (offsets kept right)."""
    return [(safe.line(n), safe.result(r)) for n, r in results]


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links, tables, strikethrough
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")  # headings, quotes, lists, setext lines


def md_text(value) -> str:
    """A text field as Markdown that shows it as it is: no HTML (< > & as entities), no link, image,
    emphasis, code or table cell of its own, no heading, list or quote at the start of a line, and
    one line."""
    s = " ".join(str(value).splitlines())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINE_START.sub(_escape_line_start, _MD_INLINE.sub(r"\\\1", s))


def _escape_line_start(m: re.Match) -> str:
    """A backslash where CommonMark takes it as an escape: before #, >, +, =, -, or before the . or )
    of 1. (before a digit it would show as a backslash)."""
    lead, mark = m.group(1), m.group(2)
    return f"{lead}{mark[:-1]}\\{mark[-1]}" if mark[0].isdigit() else f"{lead}\\{mark}"


def md_code(value: str) -> str:
    """A code span holding the value as typed (a fence longer than any run of backticks in it)."""
    value = " ".join(value.splitlines())
    fence = "`" * (max((len(r) for r in re.findall("`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _md_snippet(sn) -> str:
    """A snippet with its matches in bold and everything else escaped."""
    out, pos = ["…" if sn.cut_left else ""], 0
    for a, b in sn.spans:
        out += [md_text(sn.text[pos:a]), "**", md_text(sn.text[a:b]), "**"]
        pos = b
    out += [md_text(sn.text[pos:]), "…" if sn.cut_right else ""]
    return "".join(out)


def _md_table(header: list, rows: list[list]) -> list[str]:
    return ["| " + " | ".join(map(md_text, header)) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(map(md_text, r)) + " |" for r in rows]]


def markdown(results: list[tuple[str, SearchResult]], tallies: list[tuple[str, Tally]] | None = None) -> str:
    """Grouped by query, then report, matches in bold: ready to paste into a write-up. Every text from
    a report, a file name or a query is escaped (md_text): it shows as text, whatever it holds."""
    out = []
    for n, r in results:
        out.append(f"## {md_text(n or r.query)}\n")
        if n and n != r.query:
            out.append(f"Query: {md_code(r.query)}\n")
        current = None
        for rank, h in ranked(r):
            if h.report_id != current:
                current = h.report_id
                meta = " · ".join(md_text(x) for x in (h.region, h.year, h.published) if x)
                out.append(f"\n### {rank}. {md_text(h.title or h.path_display)}\n\n{meta}\n")
            tags = md_text("、".join(h.labels) or "其他")
            where = " &gt; ".join(md_text(x) for x in h.heading)
            for sn in h.snippets:
                out.append(f"- **\\[{tags}\\]** {_md_snippet(sn)}" + (f" *（{where}）*" if where else ""))
        if not r.hits():
            out.append("No matches.")
        out.append("")
    if tallies:
        sec, reg = summary_rows(tallies)
        out += ["## Summary: matching blocks by section", "", *_md_table(SECTION_HEADER, sec), "",
                "## Summary: matching blocks by region and section", "", *_md_table(REGION_HEADER, reg), ""]
    return "\n".join(out) + "\n"


