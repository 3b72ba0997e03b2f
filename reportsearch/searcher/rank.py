"""Ranking, first pass: BM25F over the query's jieba words, counted in each matching block, its
heading and its report's title (weighted and length-normalised per field, saturated once), with
report-level document frequencies from Whoosh's bigram postings — times a prior for what the block
is like (its stored features, indexer/features.py):

- concreteness: figures and named documents (《…》) raise it, saturating: 1 + 0.6 · c / (c + 1),
  where c counts figures and each name as half a figure. Judged blocks with a figure answered the
  need 70% of the time, blocks without 50% (bench/needs.tsv, the pool before this ranking);
- a bare heading (no figure) × 0.3: it names a topic and answers nothing (31% of judged headings
  answered a need, none of those without a figure); it stays in the results, ranked down;
- a block that opens with its own heading × 0.7: the run-in title and general summary of a part
  (（七）全面推进乡村振兴，…); 25–34% answered, against about 60% of the others;
- a glossary entry × 0.4: it defines a term the body uses, and should come after the body;
- boilerplate × 0.6: the address to the delegates and the standard preamble, without a figure.

The heading field of a block that opens with its own heading holds its parents' headings (the
index stores it so): a heading's weight goes to the blocks under it, not to its own block twice.

The second pass (refine.py) weighs where the query's words stand: together, and near the figures.
Its factor is at most 1, so this pass's score bounds the final one, and only blocks that can still
reach the top are read.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, mul, sub, truediv

from ..indexer import features_of
from .match import segment_matches, segment_texts

K1, B = 1.2, 0.75  # BM25's usual constants (Whoosh's defaults)


FIELD_WEIGHT = {"text": 1.0, "heading": 2.0, "title": 2.0}  # BM25F: a word in the heading or title counts twice


@dataclass(frozen=True)
class Priors:
    """The weights of a block's features in its score (see the module docstring for the evidence)."""

    concreteness: float = 0.6  # the most a block's figures and names add (× 1 + this, saturating)
    name_value: float = 0.5  # a 《…》 name counts as half a figure
    heading_only: float = 0.3
    headed: float = 0.7
    glossary: float = 0.4
    boilerplate: float = 0.6

    def concrete(self, figures: int, names: int) -> float:
        """The concreteness factor of so many figures and names: 1 + w · c / (c + 1)."""
        c = figures + self.name_value * names
        return 1 + self.concreteness * c / (c + 1)

    def parts(self, code: int) -> dict[str, float]:
        """The factors a block with this feature code gets, by name (only those that are not 1)."""
        f = features_of(code)
        out: dict[str, float] = {}
        if f.figures or f.names:
            out["concreteness"] = self.concrete(f.figures, f.names)
        if f.heading_only and not f.figures:  # a heading with a figure is a one-line item: 城镇新增就业2.3万人
            out["heading_only"] = self.heading_only
        if f.headed:
            out["headed"] = self.headed
        if f.glossary:
            out["glossary"] = self.glossary
        if f.boilerplate:
            out["boilerplate"] = self.boilerplate
        return out

    def factor(self, code: int) -> float:
        return math.prod(self.parts(code).values())


PRIORS = Priors()


class _Factors(dict):
    """feature code → its prior factor, computed once per code (a few hundred distinct codes)."""

    def __init__(self, priors: Priors) -> None:
        super().__init__()
        self.priors = priors

    def __missing__(self, code: int) -> float:
        v = self[code] = self.priors.factor(code)
        return v


_factors = _Factors(PRIORS)


def current_priors() -> Priors:
    """The weights the first pass uses (the second pass divides by its concreteness factor)."""
    return _factors.priors


def _idf(snap, word: str) -> float:
    """Whoosh's idf, over reports: log(N / (df + 1)) + 1, df from the word's bigram postings (over
    every shard of a sharded index: Snapshot.doc_freq)."""
    return math.log(max(1, snap.reports) / (snap.doc_freq(word) + 1)) + 1


def scored(snap, compiled):
    """Per segment with a matching block: (segment index, segment, matching blocks, their first-pass
    scores, each report's range in them — see segment_matches — the blocks' folded texts and their
    feature codes; no texts or codes for a query without words to rank by).

    The score is BM25F over the query's words times the block's prior: a word's counts in the
    block, its heading and its report's title are each normalised by their field's length and
    weighted (FIELD_WEIGHT), added up, and saturated once — so a word in both a short block and
    its heading does not score twice. Broad queries score tens of thousands of blocks, so a
    segment's blocks are scored a word at a time in C-level loops (map, count)."""
    factors = _factors
    words = [(w.encode("utf-8"), _idf(snap, w) * (K1 + 1)) for w in compiled.words]
    heads = [w for w, _ in words]
    k1, text_norm, base_norm = K1, B / snap.avg_text, 1 - B
    title_norm = FIELD_WEIGHT["title"] / (1 - B)
    heading_weight = FIELD_WEIGHT["heading"]
    if not words:
        for si, seg, blocks, groups in segment_matches(snap, compiled.plan):
            yield si, seg, blocks, [0.0] * len(blocks), groups, None, None
        return
    for si, seg, blocks, groups, texts, counts in segment_texts(snap, compiled.plan, heads):
        data = seg.data
        if len(blocks) * 8 > len(data.masks):  # many blocks: every block's norm, kept for later queries
            norms = list(map(seg.norms(base_norm, text_norm).__getitem__, blocks))
        else:  # base_norm + text_norm * (length without the newline)
            norms = list(map(add, repeat(base_norm), map(mul, repeat(text_norm), map(sub, map(len, texts), repeat(1)))))
        titles = []  # per report with a word in its title: (first, end, each word's title term)
        in_title = seg.titles_with(heads)
        for doc, i, j in groups if in_title else ():
            if doc in in_title:
                ft = data.docs[doc]["ft"].encode("utf-8")
                tn = title_norm / (1 + B / (1 - B) * len(ft) / snap.avg_title)
                titles.append((i, j, tuple(ft.count(w) * tn for w in heads)))
        hids = list(map(data.heading_of.__getitem__, blocks))
        hs = list(set(hids))  # the distinct headings of these blocks
        heading_texts = seg.headings(hs)
        # per word, each block's heading + title term (None: the word is in none of them)
        others: list[list[float] | None] = [None] * len(heads)
        for k, w in enumerate(heads):
            in_heads = list(map(bytes.count, heading_texts, repeat(w)))
            if any(in_heads):
                hns = [heading_weight / (1 - B + B * len(h) / snap.avg_heading) for h in compress(heading_texts, in_heads)]
                terms = dict(zip(compress(hs, in_heads), map(mul, compress(in_heads, in_heads), hns)))
                others[k] = list(map(terms.get, hids, repeat(0.0)))
            if any(t[k] for _, _, t in titles):
                other = others[k] = others[k] or [0.0] * len(blocks)
                for i, j, title in titles:
                    other[i:j] = map(add, other[i:j], repeat(title[k]))
        scores = None
        for k, (w, c) in enumerate(words):
            got = counts.get(w)
            tfs = map(truediv, map(bytes.count, texts, repeat(w)) if got is None else got, norms)
            if others[k] is not None:
                tfs = map(add, tfs, others[k])
            tfs = list(tfs)
            got = list(map(truediv, map(mul, repeat(c), tfs), map(add, repeat(k1), tfs)))  # c * tf / (k1 + tf)
            scores = got if scores is None else list(map(add, scores, got))
        codes = list(map(data.codes.__getitem__, blocks))
        scores = list(map(mul, scores, map(factors.__getitem__, codes)))
        yield si, seg, blocks, scores, groups, texts, codes


def explain_first_pass(snap, compiled, seg, b: int) -> dict:
    """The first-pass score of block b of a segment, taken apart: per query word its counts in the
    block's text, heading and title, its idf and its BM25F part; then the prior's factors. The
    same formulas as scored(), for one block (tests hold the two equal)."""
    priors = current_priors()
    data = seg.data
    text = data.text[data.starts[b]:data.starts[b + 1] - 1]
    heading = seg.headings([data.heading_of[b]])[0]
    doc = data.doc_of[b]
    title = data.docs[doc]["ft"].encode("utf-8")
    norm = (1 - B) + B / snap.avg_text * len(text)
    hn = FIELD_WEIGHT["heading"] / (1 - B + B * len(heading) / snap.avg_heading)
    tn = FIELD_WEIGHT["title"] / (1 - B) / (1 + B / (1 - B) * len(title) / snap.avg_title)
    words, bm25f = [], 0.0
    for w in compiled.words:
        wb = w.encode("utf-8")
        idf = _idf(snap, w)
        n_text, n_head, n_title = text.count(wb), heading.count(wb), title.count(wb)
        tf = n_text / norm + n_head * hn + n_title * tn
        part = idf * (K1 + 1) * tf / (K1 + tf)
        bm25f += part
        words.append({"word": w, "text": n_text, "heading": n_head, "title": n_title, "idf": round(idf, 4),
                      "score": round(part, 4)})
    code = data.codes[b]
    f = features_of(code)
    parts = priors.parts(code)
    return {"bm25f": round(bm25f, 4), "words": words,
            "features": {"figures": f.figures, "names": f.names, "heading_only": f.heading_only,
                         "headed": f.headed, "glossary": f.glossary, "boilerplate": f.boilerplate},
            "prior": {k: round(v, 4) for k, v in parts.items()}, "prior_factor": round(math.prod(parts.values()), 4),
            "first_pass": bm25f * math.prod(parts.values())}
