"""Ranking: BM25F over the query's jieba words, counted in each matching block, its heading and its
report's title (weighted and length-normalised per field, saturated once), with report-level
document frequencies from Whoosh's bigram postings."""
from __future__ import annotations

import math
from itertools import compress, repeat
from operator import add, mul, sub, truediv

from .match import segment_matches, segment_texts

K1, B = 1.2, 0.75  # BM25's usual constants (Whoosh's defaults)


FIELD_WEIGHT = {"text": 1.0, "heading": 2.0, "title": 2.0}  # BM25F: a word in the heading or title counts twice


def _idf(snap, word: str) -> float:
    """Whoosh's idf, over reports: log(N / (df + 1)) + 1, df from the word's bigram postings (over
    every shard of a sharded index: Snapshot.doc_freq)."""
    return math.log(max(1, snap.reports) / (snap.doc_freq(word) + 1)) + 1


def scored(snap, compiled):
    """Per segment with a matching block: (segment index, segment, matching blocks, their scores,
    each report's range in them — see segment_matches). The score is BM25F over the query's
    words: a word's counts in the block, its heading and its report's title are each normalised
    by their field's length and weighted (FIELD_WEIGHT), added up, and saturated once — so a word
    in both a short block and its heading (a heading block, or the first lines under it) does not
    score twice. Broad queries score tens of thousands of blocks, so a segment's blocks are scored
    a word at a time in C-level loops (map, count)."""
    words = [(w.encode("utf-8"), _idf(snap, w) * (K1 + 1)) for w in compiled.words]
    heads = [w for w, _ in words]
    k1, text_norm, base_norm = K1, B / snap.avg_text, 1 - B
    title_norm = FIELD_WEIGHT["title"] / (1 - B)
    heading_weight = FIELD_WEIGHT["heading"]
    if not words:
        for si, seg, blocks, groups in segment_matches(snap, compiled.plan):
            yield si, seg, blocks, [0.0] * len(blocks), groups
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
        yield si, seg, blocks, scores, groups
