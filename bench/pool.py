#!/usr/bin/env python3
"""Pooling and blind grading for the judged set (bench/ndcg.py).

    python bench/pool.py add   --index IX --root CORPUS --pool POOL.tsv   # top-10 blocks without a grade
    python bench/pool.py sheet --pool POOL.tsv > SHEET.txt                 # what a grader reads
    python bench/pool.py grade --pool POOL.tsv --grades GRADES.txt         # `id grade` lines, from the sheet
    python bench/pool.py commit --pool POOL.tsv                            # graded lines into judgements.tsv

`add` runs the ranking of whichever reportsearch is imported (run it once per ranking to compare,
e.g. with PYTHONPATH pointing at an older checkout) and appends each top-10 block that has no grade
and is not in the pool yet. `sheet` prints the ungraded blocks of the pool in an order shuffled
by their keys, each with an opaque id, the need's description and the block's text only: a grader
does not see the query, the report, the rank or which ranking found the block. `grade` records
the grades (2 answers the need, 1 related, 0 not); `commit` appends the graded lines to the
judgements file in its format and empties the pool of them.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ndcg  # noqa: E402

POOL_COLUMNS = ["need", "query", "filters", "block", "grade", "excerpt", "text"]


def _read(path: str) -> list[list[str]]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r and r[0] != "need"]


def _write(path: str, rows: list[list[str]]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(POOL_COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    os.replace(tmp, path)


def sheet_id(need: str, key: str) -> str:
    """An opaque id of a pooled block: says nothing of its report, rank or ranking."""
    return hashlib.sha1(f"{need}|{key}".encode("utf-8")).hexdigest()[:8]


def add(args) -> int:
    needs = ndcg.load_needs(args.needs)
    judged = ndcg.load_judgements(args.judgements)
    rows = _read(args.pool)
    have = {(r[0], r[3]) for r in rows}
    added = 0
    for s in ndcg.evaluate(args.index, args.root, needs, judged):
        for r in s.unjudged:
            if (s.need.id, r.key) in have:
                continue
            have.add((s.need.id, r.key))
            rows.append([s.need.id, s.need.query, s.need.filter_text, r.key, "", ndcg._safe(r.text[:30]),
                         ndcg._safe(r.text)])
            added += 1
    _write(args.pool, rows)
    print(f"{added} blocks added to {args.pool}; {sum(not r[4] for r in rows)} to grade", file=sys.stderr)
    return 0


def sheet(args) -> int:
    needs = {n.id: n for n in ndcg.load_needs(args.needs)}
    todo = [r for r in _read(args.pool) if not r[4]]
    todo.sort(key=lambda r: hashlib.sha1(("shuffle|" + r[3]).encode("utf-8")).hexdigest())
    for r in todo:
        print(f"[{sheet_id(r[0], r[3])}] need: {needs[r[0]].description}\n{r[6]}\n")
    print(f"{len(todo)} blocks to grade", file=sys.stderr)
    return 0


def grade(args) -> int:
    grades = {}
    with open(args.grades, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and not line.startswith("#"):
                if parts[1] not in ("0", "1", "2"):
                    sys.exit(f"{args.grades}: grade {parts[1]!r} of {parts[0]} is not 0, 1 or 2")
                grades[parts[0]] = parts[1]
    rows = _read(args.pool)
    used = 0
    for r in rows:
        g = grades.get(sheet_id(r[0], r[3]))
        if g is not None:
            r[4] = g
            used += 1
    _write(args.pool, rows)
    print(f"{used} grades recorded; {sum(not r[4] for r in rows)} blocks still to grade", file=sys.stderr)
    return 0


def commit(args) -> int:
    rows = _read(args.pool)
    done = [r for r in rows if r[4]]
    with open(args.judgements, "a", encoding="utf-8") as f:
        for r in done:
            f.write("\t".join(r[:6]) + "\n")
    _write(args.pool, [r for r in rows if not r[4]])
    print(f"{len(done)} grades appended to {args.judgements}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["add", "sheet", "grade", "commit"])
    ap.add_argument("--grades", help="grade: a file of `id grade` lines (from reading the sheet)")
    ap.add_argument("--pool", required=True)
    ap.add_argument("--index")
    ap.add_argument("--root")
    ap.add_argument("--needs", default=ndcg.NEEDS)
    ap.add_argument("--judgements", default=ndcg.JUDGEMENTS)
    args = ap.parse_args(argv)
    if args.command == "add" and not (args.index and args.root):
        ap.error("add needs --index and --root")
    if args.command == "grade" and not args.grades:
        ap.error("grade needs --grades FILE")
    return {"add": add, "sheet": sheet, "grade": grade, "commit": commit}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
