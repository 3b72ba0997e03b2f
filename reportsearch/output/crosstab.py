"""Comparison tables and recurring problems written out: JSON Lines (one object per cell, or per pair),
JSON, CSV, Markdown and tab-separated text; XLSX in xlsx.py, the terminal in render.py."""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ..searcher import printable_path
from . import safe
from .formats import Format, json_text, md_text
from .rows import neutralise, tab_row

if TYPE_CHECKING:
    from ..facts import CompareResult, Recurrence

CELL_COLUMNS = ["place", "year", "blocks", "reports", "of", "share", "quote", "path", "block"]
PAIR_COLUMNS = ["region", "issuer", "similarity", "earlier_year", "earlier_quote", "later_year", "later_quote",
                "earlier_path", "earlier_block", "later_path", "later_block"]


def cell_records(result: CompareResult) -> list[dict]:
    """One record per cell with a match, in table order; the place under the name of the rows."""
    out = []
    for row in result.rows:
        for col in result.cols:
            c = result.cell(row, col)
            if c is None:
                continue
            quotes = [{"text": safe.text(c.quote), "path": c.quote_path, "path_display": printable_path(c.quote_path),
                       "block": c.quote_block}] if c.quote else []
            out.append({result.rows_by: _known(row), result.cols_by: _known(col), "blocks": c.blocks, "reports": c.reports,
                        "of": c.of, "share": round(c.share, 4), "quotes": quotes})
    return out



def _known(value):
    """A place or year as JSON and CSV give it: null (empty) where reports did not say (the
    (unknown) row or column of the table)."""
    from ..facts import UNKNOWN

    return None if value == UNKNOWN else value


def compare_text(result: CompareResult, fmt: Format) -> str:
    """A comparison in a text format: JSON Lines (a cell a line), JSON, CSV, Markdown or text."""
    records = cell_records(result)
    if fmt == Format.JSONL:
        return "".join(json_text(r) + "\n" for r in records)
    if fmt == Format.JSON:
        doc = {"query": result.query, "rows": result.rows_by, "cols": result.cols_by, "blocks": result.total,
               "reports": result.reports, "cells": records,
               "row_totals": {r: {"blocks": t.blocks, "reports": t.reports, "of": t.of}
                              for r, t in result.row_totals.items()},
               "col_totals": {str(c): {"blocks": t.blocks, "reports": t.reports, "of": t.of}
                              for c, t in result.col_totals.items()}}
        return json_text(doc, indent=1) + "\n"
    if fmt == Format.MD and not result.rows:
        return f"## {md_text(result.query)}: blocks by {result.rows_by} and {result.cols_by}\n\nNo matches.\n"
    if fmt == Format.MD:
        head = f"| {result.rows_by} | " + " | ".join(str(c) for c in result.cols) + " | total |"
        lines = [f"## {md_text(result.query)}: blocks by {result.rows_by} and {result.cols_by}", "", head,
                 "|---|" + "---:|" * (len(result.cols) + 1)]
        for row in result.rows:
            cells = [result.cell(row, c) for c in result.cols]
            lines.append(f"| {md_text(row)} | " + " | ".join(f"{c.blocks} ({c.reports}/{c.of})" if c else ""
                                                        for c in cells) + f" | {result.row_totals[row].blocks} |")
        lines.append("| total | " + " | ".join(str(result.col_totals[c].blocks) for c in result.cols)
                     + f" | {result.total} |")
        lines += ["", "Each cell: matching blocks (reports with a match / the place's reports that year).", ""]
        quoted = [r for r in records if r["quotes"]]
        if quoted:
            lines += ["### Best sentence of each cell", ""]
            lines += [f"- **{md_text(r[result.rows_by])} {md_text(r[result.cols_by])}**: {md_text(r['quotes'][0]['text'])}"
                      for r in quoted]
            lines.append("")
        return "\n".join(lines)
    rows = [{result.rows_by: r[result.rows_by], result.cols_by: r[result.cols_by], "blocks": r["blocks"], "reports": r["reports"],
             "of": r["of"], "share": r["share"], "quote": r["quotes"][0]["text"] if r["quotes"] else "",
             "path": r["quotes"][0]["path_display"] if r["quotes"] else "",
             "block": r["quotes"][0]["block"] if r["quotes"] else ""} for r in records]
    return _table(rows, [result.rows_by, result.cols_by, *CELL_COLUMNS[2:]], fmt)


def pair_records(rec: Recurrence) -> list[dict]:
    """One record per pair: the body's region and issuer, the similarity, the earlier and later quote."""
    out = []
    for p in rec.pairs:
        region, issuer = rec.places.get(p.body, (None, None))
        out.append({"region": region, "issuer": issuer, "body": p.body, "similarity": round(p.similarity, 3),
                    "earlier": _side(rec, p.earlier), "later": _side(rec, p.later)})
    return out


def _side(rec: Recurrence, q) -> dict:
    rid = rec.ids.get(q.path)
    return {"year": q.year, "path": q.path, "path_display": printable_path(q.path),
            "block": f"{rid}:{q.block}" if rid else q.block, "quote": safe.text(q.quote)}


def recurring_text(rec: Recurrence, fmt: Format) -> str:
    """Recurring problems in a text format: JSON Lines (a pair a line), JSON (pairs, summaries and
    duplicate files), CSV, Markdown or text."""
    pairs = pair_records(rec)
    if fmt == Format.JSONL:
        return "".join(json_text(p) + "\n" for p in pairs)
    summaries = [{"body": s.body, "year": s.year, "path": s.path, "problems": s.problems,
                  "previous_year": s.previous_year, "in_previous": s.in_previous, "in_any_earlier": s.in_any_earlier,
                  "text": s.text()} for s in rec.summaries]
    duplicates = [{"kept": d.kept, "dropped": d.dropped, "same_body": d.same_body, "similarity": round(d.similarity, 3)}
                  for d in rec.duplicates]
    if fmt == Format.JSON:
        return json_text({"pairs": pairs, "summaries": summaries, "duplicates": duplicates}, indent=1) + "\n"
    if fmt == Format.MD:
        lines = ["## Recurring problems", ""]
        by_body: dict[str, list[dict]] = {}
        for p in pairs:
            by_body.setdefault(p["body"], []).append(p)
        for s in summaries:
            if s["previous_year"] is not None:
                lines.append(f"- {md_text(s['body'])}: {md_text(s['text'])}")
        lines.append("")
        for body, ps in by_body.items():
            lines += [f"### {md_text(body)}", ""]
            for p in ps:
                lines.append(f"- {p['later']['year']} ← {p['earlier']['year']} ({p['similarity']:.2f}): "
                             f"{md_text(p['later']['quote'])} ← {md_text(p['earlier']['quote'])}")
            lines.append("")
        for d in duplicates:
            lines.append(f"- duplicate: {md_text(printable_path(d['dropped']))} holds the same report as "
                         f"{md_text(printable_path(d['kept']))}")
        return "\n".join(lines) + "\n"
    rows = [{"region": p["region"], "issuer": p["issuer"], "similarity": p["similarity"],
             "earlier_year": p["earlier"]["year"], "earlier_quote": p["earlier"]["quote"],
             "later_year": p["later"]["year"], "later_quote": p["later"]["quote"],
             "earlier_path": p["earlier"]["path_display"], "earlier_block": p["earlier"]["block"],
             "later_path": p["later"]["path_display"], "later_block": p["later"]["block"]} for p in pairs]
    return _table(rows, PAIR_COLUMNS, fmt)


def _table(rows: list[dict], columns: list[str], fmt: Format) -> str:
    buf = io.StringIO()
    if fmt == Format.CSV:
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: neutralise(safe.line(v) if isinstance(v, str) else v) for k, v in row.items()})
        return buf.getvalue()
    buf.write(tab_row(columns))
    for row in rows:
        buf.write(tab_row(row[k] for k in columns))
    return buf.getvalue()
