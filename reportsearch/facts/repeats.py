"""Problems that come back: statements of a report's 存在问题 that restate one of an earlier report
of the same body (a region and a genre), and files that hold the same report twice.

A problem is a unit of a 存在问题 block: a clause, or an 一是… item, without the lead-in and the
closing every report writes (在肯定成绩的同时，我们也清醒看到…, 对此，我们将…) and without what
states no problem. Two units are compared by the Jaccard similarity of the character bigrams of their
core wording (hedges such as 仍, 还, 有待 left out), computed exactly through an inverted index of the
body's earlier units: units are short (14 characters on average), so exact sets are both cheaper and
more accurate than MinHash signatures."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Mapping, Sequence

from ..errors import BadArgument
from ..model import Report, Section, body_key

THRESHOLD = 0.35  # core-wording Jaccard from which a later unit restates an earlier one (tuned on half)
MIN_UNIT = 5  # characters (punctuation aside): a shorter clause joins the next one
DUPLICATE = 0.8  # share of the smaller report's sentences found in the other: the same report
MIN_SENTENCES = 5  # a report needs this many distinct sentences to be judged a duplicate

_PROBLEMS = Section.PROBLEMS.value


@dataclass
class Doc:
    """A report as recurring reads it: its body, year, path and blocks (index, text, section labels)."""

    body: str
    year: int | None
    path: str
    blocks: list[tuple[int, str, tuple[str, ...]]]


@dataclass
class Unit:
    """One problem statement: a clause or an item of a 存在问题 block, and where it stands."""

    block: int
    start: int
    end: int
    text: str
    shingles: frozenset[str] = field(repr=False, compare=False)


@dataclass
class Quote:
    """One side of a pair: the report's year and path, the block's index and the unit's text."""

    year: int
    path: str
    block: int
    quote: str

    def to_json(self) -> dict:
        return {"year": self.year, "path": self.path, "block": self.block, "quote": self.quote}


@dataclass
class Pair:
    """A problem of a later report that restates one of an earlier report of the same body."""

    body: str
    earlier: Quote
    later: Quote
    similarity: float

    def to_json(self) -> dict:
        return {"body": self.body, "similarity": round(self.similarity, 3),
                "earlier": self.earlier.to_json(), "later": self.later.to_json()}


@dataclass
class Summary:
    """How many problems of one report its body had admitted before: in the previous report, and at all."""

    body: str
    year: int
    path: str
    problems: int
    previous_year: int | None
    previous_path: str | None
    in_previous: int
    in_any_earlier: int

    def text(self) -> str:
        if self.previous_year is None:
            return f"{self.problems} problems admitted in {self.year}, the body's first report"
        return (f"{self.in_previous} of {self.problems} problems admitted in {self.year} were already "
                f"admitted in {self.previous_year}")


@dataclass
class Duplicate:
    """Two files that hold the same report; `dropped` is left out of recurrence (when in one body)."""

    kept: str
    dropped: str
    kept_body: str
    dropped_body: str
    similarity: float

    @property
    def same_body(self) -> bool:
        return self.kept_body == self.dropped_body


@dataclass
class Recurrence:
    """What recurring found: the pairs, one summary per report that has problems, and duplicate files."""

    pairs: list[Pair]
    summaries: list[Summary]
    duplicates: list[Duplicate]
    places: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # body → (region, issuer)
    ids: dict[str, str] = field(default_factory=dict)  # path → report id in the index


# --- reading a report ---------------------------------------------------------------------------

def doc(report: Report | Doc, body: str | None = None) -> Doc:
    """A Doc from a parsed Report (all its blocks, numbered in order), or the Doc itself."""
    if isinstance(report, Doc):
        return report
    m = report.meta
    return Doc(body=body if body is not None else body_of(report), year=m.year, path=report.path,
               blocks=[(i, b.text, tuple(s.value for s in b.labels)) for i, b in enumerate(report.blocks)])


def body_of(report: Report) -> str:
    """A report's body: its region and genre (the 法治政府 report of a named issuer is its own body)."""
    m = report.meta
    return body_key(m.region, m.issuer, m.title)


# --- problem units ------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？!?；;：:]*[。！？!?；;：:]?")
_CLAUSE = re.compile(r"[^，,]*[，,]?")
_PUNCT = re.compile(r"[\W_]+")
# An item marker at the start of a clause: 一是, 第二, 首先, （三）, 2.
_MARKER = re.compile(r"\s*(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，、]?|首先[，、]?|其次[，、]?|再次[，、]?|"
                     r"最后[，、]?|此外[，、]?|另外[，、]?|同时[，、]?|一方面[，、]?|另一方面[，、]?|"
                     r"[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)")
# The lead-in: 在肯定成绩的同时，我们也清醒地认识到，发展中还存在不少困难和问题，主要是：
_LEAD_IN = re.compile(
    r"成绩|的同时|清醒|认识到|体会到|看到|回顾|总结过去|知忧|思危|居安|安不忘危|忧患意识|主要(?:体现|表现|原因)|"
    r"^(?:但|但是|同时)?(?:主要|突出|具体)(?:是|有)$|(?:体现|表现)(?:在|为|是)$|^(?:问题|困难)|"
    r"(?:困难|问题|矛盾|不足|差距|挑战|短板)(?:和|与|、)(?:困难|问题|矛盾|不足|差距|挑战|短板)|"
    r"(?:存在|面临|有)(?:着)?(?:一些|不少|诸多|许多|很多)(?:的)?(?:突出|深层次)?(?:的)?(?:困难|问题|不足|矛盾|挑战)|"
    r"^各位代表|前进(?:道路|中)上?的|工作中(?:还)?(?:存在|有)|^政府工作(?:中)?(?:还|仍)?(?:存在|有)|"
    r"^我们(?:坚持|深|也)|^必须坚持|存在(?:的)?问题$|^在.{2,12}方面$")
# The closing: 对此，我们将…; 这些问题，我们一定高度重视，切实加以解决。 It and all after it are dropped.
_CLOSING = re.compile(
    r"^(?:对此|对这些|对于这些|面对这些|针对这些|这些|解决这些|我们(?:将|要|一定|必须|会)|我们一定|"
    r"必须高度重视|我们要直面)|加以解决|认真解决|切实解决|努力解决|着力解决|高度重视|(?:我们|必须|务必).*(?:解决|克服)$|"
    r"这些(?:矛盾|问题|困难|不足|差距)|上述(?:问题|困难|矛盾)|直面问题|正视(?:这些|差距|问题|困难)|勇于面对|"
    r"迎难而上")


# A problem says what is wrong: a unit without any of these words is a task, an achievement or a
# heading that a coarse 存在问题 block carried along, and is no problem.
_CUE = re.compile(
    r"不|未|没|无|难|低|弱|小|少|慢|缓|差|滞|薄|短|欠|压力|矛盾|困|艰|繁|严峻|严重|峻|险|患|问题|待|需|沉重|较重|"
    r"偏重|过重|加重|制约|瓶颈|"
    r"下行|增多|乏|偏|窄|紧|复杂|加剧|扩大|拉大|突出|单一|粗放|脆|隐|违|腐|官僚|形式主义|浪费|缺|落后|过|任重道远|"
    r"挑战|障碍|掣肘|冲击|影响|下降|下滑|回落|减少|收窄|萎缩|放缓|增加|增大|上升|蔓延|时有发生|频发|多发|存在|"
    r"有限|攀升|空间|分化|波动|乱|债|高峰")
_FIGURE = re.compile(r"\d")  # a statement with figures is about its own year: 还有5项没有完成, 233项重点任务
# Words that hedge or place a problem without changing it (仍, 还, 进一步, 有待, 一些, 我市…): left out
# of the comparison, so that 营商环境仍需改善 and 营商环境有待改善 are the same statement.
_HEDGE = re.compile(
    r"当前|目前|现在|我市|我省|我区|我州|我县|全市|全省|全区|本市|仍然|依然|依旧|仍|还|尚|也|都|较为|比较|相对|较|"
    r"十分|非常|很|更加|更|进一步|持续|日益|日趋|逐步|有待|亟待|亟需|急需|需要|仍需|还需|尚需|有所|一定|一些|部分|"
    r"少数|个别|有的|不少|许多|诸多|等|的|了|着|之|在|和|与|及")


def normalise(text: str) -> str:
    """A unit's text for comparison: without punctuation, spaces and hedging words."""
    return _HEDGE.sub("", _PUNCT.sub("", text))


def shingles(key: str) -> frozenset[str]:
    """The character bigrams of a normalised text (the text itself when shorter)."""
    return frozenset(key[i:i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset([key])


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def problem_units(text: str, block: int = 0) -> list[Unit]:
    """The problem statements of one 存在问题 block: clauses (and 一是… items), without the lead-in,
    the closing and what states no problem; a clause shorter than MIN_UNIT joins the next."""
    spans: list[tuple[int, int]] = []
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group(0)
        if not sentence.strip():
            continue
        if _CLOSING.search(_PUNCT.sub("", sentence)):
            break
        clauses = [cm for cm in _CLAUSE.finditer(sentence) if cm.group(0).strip()]
        if len(clauses) <= 2 and _LEAD_IN.search(_PUNCT.sub("", clauses[0].group(0))):
            continue  # a couplet opening the block: 成绩属于过去，未来任重道远。
        pending: int | None = None  # the start of a short clause waiting for the next
        for cm in clauses:
            start, end = sm.start() + cm.start(), sm.start() + cm.end()
            marker = _MARKER.match(text, start, end)
            if marker and marker.end() < end:
                start = marker.end()
            key = _PUNCT.sub("", text[start:end])
            if not key or _LEAD_IN.search(key):
                pending = None
                continue
            if pending is not None:
                start = pending
            if len(_PUNCT.sub("", text[start:end])) < MIN_UNIT:
                pending = start
                continue
            pending = None
            spans.append((start, end))
        if pending is not None:  # a short last clause (…，等等) joins the one right before it in its sentence
            if spans and spans[-1][0] >= sm.start() and not _PUNCT.sub("", text[spans[-1][1]:pending]):
                spans[-1] = (spans[-1][0], sm.end())
            else:
                spans.append((pending, sm.end()))
    units = []
    for start, end in spans:
        u = _unit(text, block, start, end)
        if u.text and _CUE.search(u.text) and not _FIGURE.search(u.text):
            units.append(u)
    return units


_TAIL = re.compile(r"(?:[，,；;]?\s*等等)?[\s，,；;。：:！？!?]*$")  # …仍不同程度存在，等等。


def _unit(text: str, block: int, start: int, end: int) -> Unit:
    quote = _TAIL.sub("", text[start:end].strip())
    if quote:
        start = text.index(quote, start)
    return Unit(block=block, start=start, end=start + len(quote), text=quote,
                shingles=shingles(normalise(quote)))


def units_of(d: Doc) -> list[Unit]:
    """The problem units of a report, block by block."""
    out: list[Unit] = []
    for index, text, labels in d.blocks:
        if _PROBLEMS in labels:
            out.extend(problem_units(text, index))
    return out


# --- duplicate reports --------------------------------------------------------------------------

_COMMON = 20  # a paragraph found in more reports than this (an opening, a closing) says nothing of identity
_CANDIDATE = 0.2  # share of the smaller report's paragraphs found verbatim in the other: worth a closer look
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _paragraphs(d: Doc) -> set[int]:
    """Hashes of a report's blocks of twenty characters or more, verbatim (cheap: no normalising)."""
    return {hash(text) for _, text, _ in d.blocks if len(text) >= 20}


def _sentences(d: Doc) -> set[str]:
    """A report's sentences of eight characters or more, punctuation and spacing aside."""
    out = set()
    for _, text, _ in d.blocks:
        for s in _SENTENCE_END.split(text):
            key = _PUNCT.sub("", s)
            if len(key) >= 8:
                out.add(key)
    return out


def _keep_order(d: Doc) -> tuple:
    """Which copy of a report to keep: one filed under its body's own name (淮安市/2016.md rather than
    淮南市/2016.md for the body 淮安市), then the earliest year and path."""
    region = d.body.split()[0] if d.body.strip() else d.body
    return (d.body, region not in d.path, d.year if d.year is not None else 10 ** 6, d.path)


def find_duplicates(docs: Sequence[Doc]) -> list[Duplicate]:
    """Pairs of files that hold the same report. Reports sharing verbatim paragraphs are candidates;
    a candidate pair is the same report when the smaller shares at least DUPLICATE of its distinct
    sentences (punctuation aside) with the other. Each duplicate file is named once, beside the file
    kept (see _keep_order)."""
    sets = [_paragraphs(d) for d in docs]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in s:
            postings[h].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if 1 < len(ids) <= _COMMON:
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[ids[x], ids[y]] += 1
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    score: dict[int, float] = {}
    sentences: dict[int, set[str]] = {}
    for (a, b), n in sorted(shared.items()):
        if n / min(len(sets[a]), len(sets[b])) < _CANDIDATE:
            continue
        sa = sentences.setdefault(a, _sentences(docs[a]))
        sb = sentences.setdefault(b, _sentences(docs[b]))
        smaller = min(len(sa), len(sb))
        if smaller < MIN_SENTENCES or len(sa & sb) / smaller < DUPLICATE:
            continue
        sim = len(sa & sb) / smaller
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        score[a] = max(score.get(a, 0.0), sim)
        score[b] = max(score.get(b, 0.0), sim)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in score:
        groups[find(i)].append(i)
    out = []
    for members in groups.values():
        members.sort(key=lambda i: _keep_order(docs[i]))
        keep = docs[members[0]]
        for i in members[1:]:
            out.append(Duplicate(kept=keep.path, dropped=docs[i].path, kept_body=keep.body,
                                 dropped_body=docs[i].body,
                                 similarity=score[i]))
    out.sort(key=lambda d: (d.kept_body, d.kept, d.dropped))
    return out


# --- recurrence ---------------------------------------------------------------------------------

def recurring_bodies(bodies: Mapping[str, Sequence[Report | Doc]], *, threshold: float = THRESHOLD,
              lookback: int | None = None,
              progress: Callable[[int, int], None] | None = None) -> Recurrence:
    """Problems of each body's later reports that restate one of its earlier reports.

    `bodies` maps a body (a region and a genre) to its reports, Report objects or Docs. A later unit
    is paired with every unit of an earlier report (of a strictly earlier year; only the `lookback`
    latest earlier years when given) whose similarity reaches `threshold`. Files that hold the same
    report are found across all bodies; within a body only the first is read. Reports without a
    year cannot be ordered and are left out. `progress(done, total)` is called after each body."""
    if not 0 < threshold <= 1:
        raise BadArgument(f"threshold must be above 0 and at most 1, not {threshold!r}")
    if lookback is not None and (isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 1):
        raise BadArgument(f"lookback must be a whole number of years from 1, or None, not {lookback!r}")
    grouped = {body: [doc(r, body) for r in reports] for body, reports in bodies.items()}
    duplicates = find_duplicates([d for ds in grouped.values() for d in ds])
    dropped = {(x.dropped_body, x.dropped) for x in duplicates if x.same_body}
    pairs: list[Pair] = []
    summaries: list[Summary] = []
    total = len(grouped)
    for n, (body, ds) in enumerate(sorted(grouped.items()), 1):
        kept = sorted((d for d in ds if d.year is not None and (body, d.path) not in dropped),
                      key=lambda d: (d.year, d.path))
        body_pairs, body_summaries = _body(body, kept, threshold, lookback)
        pairs.extend(body_pairs)
        summaries.extend(body_summaries)
        if progress is not None:
            progress(n, total)
    return Recurrence(pairs=pairs, summaries=summaries, duplicates=duplicates)


def _body(body: str, docs: list[Doc], threshold: float,
          lookback: int | None) -> tuple[list[Pair], list[Summary]]:
    """One body's pairs and summaries; docs sorted by year."""
    reports = [(d, us) for d, us in ((d, units_of(d)) for d in docs) if us]
    owner: list[int] = []  # unit id -> report index
    flat: list[Unit] = []  # unit id -> unit
    postings: dict[str, list[int]] = defaultdict(list)  # shingle -> ids of the units indexed so far
    indexed = 0
    years: list[int] = []  # the distinct years indexed so far, in order
    pairs: list[Pair] = []
    summaries: list[Summary] = []
    for li, (later, lunits) in enumerate(reports):
        while indexed < li and reports[indexed][0].year < later.year:  # index every report of an earlier year
            for u in reports[indexed][1]:
                for s in u.shingles:
                    postings[s].append(len(flat))
                owner.append(indexed)
                flat.append(u)
            if not years or years[-1] != reports[indexed][0].year:
                years.append(reports[indexed][0].year)
            indexed += 1
        allowed = set(years[-lookback:]) if lookback else None
        previous = indexed - 1 if indexed else None
        in_previous = in_any = 0
        for u in lunits:
            # Counter counts in C; a Jaccard of t needs at least t·|u| shared shingles.
            counts = Counter(chain.from_iterable(postings.get(s, ()) for s in u.shingles))
            need = threshold * len(u.shingles)
            found = []
            for uid, c in counts.items():
                if c < need:
                    continue
                eu = flat[uid]
                sim = c / (len(u.shingles) + len(eu.shingles) - c)
                earlier = reports[owner[uid]][0]
                if sim >= threshold and (allowed is None or earlier.year in allowed):
                    found.append((owner[uid], eu, sim))
            found.sort(key=lambda x: (-reports[x[0]][0].year, reports[x[0]][0].path, x[1].block, x[1].start))
            for ei, eu, sim in found:
                earlier = reports[ei][0]
                pairs.append(Pair(body=body, similarity=sim,
                                  earlier=Quote(earlier.year, earlier.path, eu.block, eu.text),
                                  later=Quote(later.year, later.path, u.block, u.text)))
            in_previous += any(ei == previous for ei, _, _ in found)
            in_any += bool(found)
        before = reports[previous][0] if previous is not None else None
        summaries.append(Summary(body=body, year=later.year, path=later.path, problems=len(lunits),
                                 previous_year=before.year if before else None,
                                 previous_path=before.path if before else None,
                                 in_previous=in_previous, in_any_earlier=in_any))
    return pairs, summaries
