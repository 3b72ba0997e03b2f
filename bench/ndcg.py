#!/usr/bin/env python3
"""Ranking quality: nDCG@10 of reportsearch on a judged set of information needs.

    python bench/ndcg.py --index IX --root CORPUS              # nDCG@10 per need and the mean
    python bench/ndcg.py --index IX --root CORPUS --unjudged   # top-10 blocks not yet graded

CORPUS is the directory that was indexed (the bulk corpus or the bench's slice of it): blocks
are named by the report's path relative to it, so judgements survive re-indexing and hold on
the slice and the full corpus alike.

- `bench/needs.tsv`: one information need per line — id, what the user wants to know, the
  query, and its filters (`section=存在问题 year=2021-2023 region=广州`, `-` for none; several
  sections separated by commas).
- `bench/judgements.tsv`: one graded block per line — need id, the query and filters it was
  pooled with, the block key (`REPORT-PATH#HASH`: the path relative to the corpus, and the first
  12 hex digits of the SHA-1 of the block's text, folded and without white space), the grade
  (2 answers the need, 1 related, 0 not) and the block's first 30 characters for the reader.

The ranking judged is `reportsearch.search(query, by="block", limit=10, **filters)`. Gains are
2^grade − 1, discounted by log2(rank + 1); the ideal ordering is of every block judged for the
need. A block in the top 10 that nobody judged counts 0 and is listed by `--unjudged`.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import sys
import unicodedata
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
NEEDS = os.path.join(HERE, "needs.tsv")
JUDGEMENTS = os.path.join(HERE, "judgements.tsv")
DEPTH = 10
COLUMNS = ["need", "query", "filters", "block", "grade", "excerpt"]
# mean nDCG@10 of the ranking before issue 21 (BM25F alone, schema 5), on the slice, with today's
# judgements of the 26 needs (the ranking before issue 11 scored 0.786 on the first 14); see README
BEFORE: float | None = 0.785


@dataclass
class Need:
    """An information need: what the user wants, and the query and filters they would type."""

    id: str
    description: str
    query: str
    filters: dict = field(default_factory=dict)  # keyword arguments of reportsearch.search

    @property
    def filter_text(self) -> str:
        return format_filters(self.filters)


@dataclass
class Ranked:
    """One block of a ranking: its key, rank and text."""

    rank: int
    key: str
    path: str
    text: str
    labels: list[str]


@dataclass
class Score:
    """nDCG@k of one need, with the grades of its ranking (None: not judged)."""

    need: Need
    ndcg: float | None  # None when no block is judged relevant for the need
    grades: list[int | None]
    ranked: list[Ranked]

    @property
    def unjudged(self) -> list[Ranked]:
        return [r for r, g in zip(self.ranked, self.grades) if g is None]

    def precision(self, k: int = DEPTH, grade: int = 2) -> float:
        """P@k at a grade: the share of the k places holding a block judged at least `grade`
        (a place left empty or unjudged counts as not)."""
        return sum(1 for g in self.grades[:k] if g is not None and g >= grade) / k


def fold(text: str) -> str:
    """The matching semantics of the README: full-width/half-width and case folded, no white space."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        n = n if len(n) == 1 else ch
        if not n.isspace():
            out.append(n.lower())
    return "".join(out)


def block_key(path: str, text: str, root: str) -> str:
    """A block's name that survives re-indexing: report path inside the corpus + text hash."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root)).replace(os.sep, "/")
    return f"{rel}#{hashlib.sha1(fold(text).encode('utf-8')).hexdigest()[:12]}"


def parse_filters(text: str) -> dict:
    """`section=存在问题,下一步计划 year=2020-2022 region=X` → keyword arguments of search()."""
    out: dict = {}
    for part in text.split():
        if part == "-":
            continue
        name, sep, value = part.partition("=")
        if not sep or name not in ("section", "year", "region"):
            raise ValueError(f"bad filter {part!r}: use section=…, year=… or region=…")
        if name == "section":
            out["sections"] = tuple(value.split(","))
        else:
            out[name] = value
    return out


def format_filters(filters: dict) -> str:
    parts = []
    if filters.get("sections"):
        parts.append("section=" + ",".join(filters["sections"]))
    for name in ("year", "region"):
        if filters.get(name):
            parts.append(f"{name}={filters[name]}")
    return " ".join(parts) or "-"


def _rows(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r and not r[0].startswith("#")]


def load_needs(path: str = NEEDS) -> list[Need]:
    rows = _rows(path)
    if rows and rows[0][0] == "need":
        rows = rows[1:]
    return [Need(r[0], r[1], r[2], parse_filters(r[3])) for r in rows]


def load_judgements(path: str = JUDGEMENTS) -> dict[str, dict[str, int]]:
    """need id → block key → grade. A later line for the same block wins."""
    out: dict[str, dict[str, int]] = {}
    if not os.path.exists(path):
        return out
    rows = _rows(path)
    if rows and rows[0][0] == "need":
        rows = rows[1:]
    for r in rows:
        grade = int(r[4])
        if grade not in (0, 1, 2):
            raise ValueError(f"{path}: grade {grade} of {r[3]} is not 0, 1 or 2")
        out.setdefault(r[0], {})[r[3]] = grade
    return out


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg(ranked: list[str], judged: dict[str, int], k: int = DEPTH) -> float | None:
    """nDCG@k of a ranking of block keys; unjudged blocks count 0. None if nothing judged relevant."""
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg([judged.get(key, 0) for key in ranked[:k]]) / ideal


def rank(need: Need, index_dir: str, root: str, k: int = DEPTH) -> list[Ranked]:
    """The top k blocks reportsearch gives for the need (the public library call)."""
    import reportsearch
    res = reportsearch.search(need.query, index_dir=index_dir, by="block", limit=k, **need.filters)
    return [Ranked(i + 1, block_key(h.path, h.text, root), h.path, h.text, list(h.labels))
            for i, h in enumerate(res.hits()[:k])]


def evaluate(index_dir: str, root: str, needs: list[Need] | None = None,
             judgements: dict[str, dict[str, int]] | None = None, k: int = DEPTH) -> list[Score]:
    needs = load_needs() if needs is None else needs
    judgements = load_judgements() if judgements is None else judgements
    out = []
    for need in needs:
        judged = judgements.get(need.id, {})
        ranked = rank(need, index_dir, root, k)
        out.append(Score(need, ndcg([r.key for r in ranked], judged, k), [judged.get(r.key) for r in ranked], ranked))
    return out


def mean(scores: list[Score]) -> float | None:
    xs = [s.ndcg for s in scores if s.ndcg is not None]
    return sum(xs) / len(xs) if xs else None


def mean_precision(scores: list[Score], k: int = DEPTH) -> float | None:
    xs = [s.precision(k) for s in scores if s.ndcg is not None]
    return sum(xs) / len(xs) if xs else None


def coverage(scores: list[Score]) -> tuple[int, int]:
    """(judged, shown) blocks over all rankings."""
    shown = sum(len(s.grades) for s in scores)
    return shown - sum(len(s.unjudged) for s in scores), shown


def _safe(text: str) -> str:
    """Report text for a terminal or a TSV cell: no control characters, tabs or line breaks."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="a reportsearch index of CORPUS")
    ap.add_argument("--root", required=True, help="the directory that was indexed")
    ap.add_argument("--needs", default=NEEDS)
    ap.add_argument("--judgements", default=JUDGEMENTS)
    ap.add_argument("--unjudged", action="store_true",
                    help="list top-10 blocks without a grade, as judgements.tsv lines with the grade empty")
    ap.add_argument("--text", action="store_true", help="with --unjudged: also print each block's text to read")
    args = ap.parse_args(argv)
    scores = evaluate(args.index, args.root, load_needs(args.needs), load_judgements(args.judgements))
    if args.unjudged:
        for s in scores:
            for r in s.unjudged:
                print("\t".join([s.need.id, s.need.query, s.need.filter_text, r.key, "", _safe(r.text[:30])]))
                if args.text:
                    print(f"#   {s.need.description} | rank {r.rank} | {','.join(r.labels)}\n#   {_safe(r.text)}\n")
        return 0
    print("| need | query | filters | nDCG@10 | P@10 (grade 2) | judged in top 10 |\n|---|---|---|---|---|---|")
    for s in scores:
        value = "—" if s.ndcg is None else f"{s.ndcg:.3f}"
        judged = len(s.grades) - len(s.unjudged)
        print(f"| {s.need.id} {s.need.description} | {s.need.query} | {s.need.filter_text} | {value} | "
              f"{s.precision():.1f} | {judged}/{len(s.grades)} |")
    m, p = mean(scores), mean_precision(scores)
    judged, shown = coverage(scores)
    print(f"\nmean nDCG@10 over {sum(s.ndcg is not None for s in scores)} needs: "
          f"{'—' if m is None else f'{m:.3f}'}, P@10 (grade 2) {'—' if p is None else f'{p:.3f}'}; "
          f"{judged} of {shown} top-10 blocks judged")
    if judged < shown:
        print("grade the others: python bench/ndcg.py --index IX --root CORPUS --unjudged --text", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
