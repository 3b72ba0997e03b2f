"""The query language: words, "phrases", OR (|), NOT/-, parentheses and field filters, compiled to a plan
that engine.py runs over the index (strings each block must contain, filters, and the words to rank by).

    section:存在问题 执法 人员        "行政复议" year:2021-2023        复议 -应诉
    (复议 OR 应诉) region:临汾 year:>=2021        section:problems 执法人员

Words are all required. A word, like a quoted phrase, must occur in the block as one contiguous
string (also inside longer words: 复议 finds 行政复议); jieba's words of it only rank. Quotes are
for phrases that hold spaces, operators or field names.
Chinese punctuation (“ ” ： （ ） ，) is accepted everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import BadQuery
from ..indexer import fold, search_words
from ..model import OTHER, Section

FIELDS = ("section", "region", "year")
_PUNCT = str.maketrans({"（": "(", "）": ")", "：": ":", "，": " ", "、": " ", "\u3000": " ", "＂": '"', "｜": "|",
                        "＝": "=", "＞": ">", "＜": "<", "－": "-", "—": "-", "～": "-", "~": "-"})
_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "‘": "’", "'": "'"}
_TOKEN = re.compile(r'\s+|\(|\)|\||[^\s()|"“”「」『』]+')
MAX_QUERY_CHARS = 2000
MAX_TERMS = 64  # more is a paste accident, not a query


@dataclass
class Term:
    """A word or a quoted phrase that a block's text must contain as one string."""

    text: str
    phrase: bool = False


@dataclass
class Filter:
    """section:… region:… year:…"""

    name: str
    value: str


@dataclass
class Not:
    child: object


@dataclass
class And:
    children: list = field(default_factory=list)


@dataclass
class Or:
    children: list = field(default_factory=list)


def _lex(q: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: 'phrase', 'word', '(', ')' and '|' (OR)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(q):
        ch = q[i]
        if ch in _QUOTES:
            close = _QUOTES[ch]
            j = q.find(close, i + 1)
            if j == -1 and close != ch:
                j = q.find(ch, i + 1)
            if j == -1:
                raise BadQuery(f"unbalanced quote {ch} in the query — close the phrase with {close}")
            prefix = out[-1] if out and out[-1][0] == "word" and out[-1][1].endswith((":", "-")) else None
            text = q[i + 1:j]
            if prefix and prefix[1].endswith(":"):
                out[-1] = ("word", prefix[1] + text)  # region:"开封市" → a filter
            elif prefix and prefix[1] == "-":
                out[-1] = ("-", "-")
                out.append(("phrase", text))
            else:
                out.append(("phrase", text))
            i = j + 1
            continue
        segment_end = i
        while segment_end < len(q) and q[segment_end] not in _QUOTES:
            segment_end += 1
        part = q[i:segment_end].translate(_PUNCT)
        for m in _TOKEN.finditer(part):
            t = m.group(0)
            if t.isspace():
                continue
            out.append((t, t) if t in ("(", ")", "|") else ("word", t))
        i = segment_end
    return out


_OPERATORS = {"or": "OR", "and": "AND", "not": "NOT"}  # any case: `or` is OR (search "or" as a phrase)
MAX_DEPTH = 100  # nesting that means something (redundant parentheses are dropped)


def _op(tok) -> str | None:
    if tok is None:
        return None
    if tok[0] == "-" or tok == ("word", "-"):
        return "NOT"
    if tok[0] == "|":  # 复议|应诉, as in most search boxes
        return "OR"
    return _OPERATORS.get(tok[1].lower()) if tok[0] == "word" else None


def _negative_word(tok) -> bool:
    """-word (but not -2021, a number)."""
    return tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1 and not re.match(r"^-\d", tok[1])


class _Level:
    """One level of parentheses being read: its OR branches, the current AND run, pending NOTs."""

    def __init__(self, nots: int = 0) -> None:
        self.branches: list = []
        self.run: list = []
        self.nots = 0  # NOTs waiting for their term
        self.outer_nots = nots  # NOTs in front of the ( that opened this level

    def close(self):
        if not self.run:
            raise BadQuery("empty query or empty parentheses — type words to search for")
        self.branches.append(self.run[0] if len(self.run) == 1 else And(self.run))
        self.run = []
        return self.branches[0] if len(self.branches) == 1 else Or(self.branches)


def _negate(node, times: int):
    for _ in range(times % 2):
        node = node.child if isinstance(node, Not) else Not(node)
    return node


def _depth(node) -> int:
    """Nesting depth of a syntax tree (iteratively: the tree may be deep)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, Not):
            stack.append((n.child, d + 1))
        elif isinstance(n, (And, Or)):
            stack.extend((c, d + 1) for c in n.children)
    return deepest


def _parse_tokens(tokens: list[tuple[str, str]]):
    """The syntax tree of the tokens, read without recursion (so that no nesting depth can crash
    it): OR binds loosest, then AND (or juxtaposition), then NOT / -word; parentheses group."""
    levels = [_Level()]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        level = levels[-1]
        op = _op(tok)
        if op == "NOT":
            if i >= len(tokens) or tokens[i][0] == ")" or _op(tokens[i]) == "OR":
                raise BadQuery("NOT needs a term after it — e.g. `复议 NOT 应诉` or `复议 -应诉`")
            level.nots += 1
            continue
        if op == "AND":
            continue
        if op == "OR":
            if not level.run or level.nots:
                raise BadQuery("OR needs a term on both sides — e.g. `复议 OR 应诉`")
            if i >= len(tokens) or tokens[i][0] == ")":
                raise BadQuery("OR needs a term on both sides — e.g. `复议 OR 应诉`")
            level.branches.append(level.run[0] if len(level.run) == 1 else And(level.run))
            level.run = []
            continue
        if tok[0] == "(":
            levels.append(_Level(level.nots))
            level.nots = 0
            continue
        if tok[0] == ")":
            if len(levels) == 1:
                raise BadQuery("unbalanced ) in the query — remove it or add the matching (")
            done = levels.pop()
            node = done.close()
            levels[-1].run.append(_negate(node, done.outer_nots))
            continue
        if _negative_word(tok):
            stripped = tok[1].lstrip("-")
            level.nots += len(tok[1]) - len(stripped)
            if not stripped:
                raise BadQuery("NOT needs a term after it — e.g. `复议 NOT 应诉` or `复议 -应诉`")
            tok = ("word", stripped)
        node = _primary(tok)
        level.run.append(_negate(node, level.nots))
        level.nots = 0
    if len(levels) > 1:
        raise BadQuery("unbalanced ( in the query — add the matching )")
    if not levels[0].run and levels[0].branches:
        raise BadQuery("OR needs a term on both sides — e.g. `复议 OR 应诉`")
    node = levels[0].close()
    if _depth(node) > MAX_DEPTH:
        raise BadQuery(f"the query nests more than {MAX_DEPTH} levels deep — simplify it")
    return node


def _primary(tok):
    kind, text = tok
    if kind == "phrase":
        if not fold(text).strip():
            raise BadQuery("empty phrase \"\" in the query — put words between the quotes")
        return Term(text, phrase=True)
    m = re.match(r"^([A-Za-z]+):(.*)$", text)
    if m:
        name = m.group(1).lower()
        if name not in FIELDS:
            raise BadQuery(f"unknown field '{m.group(1)}:' — use section:, region: or year:")
        if not m.group(2):
            raise BadQuery(f"{name}: needs a value — e.g. section:存在问题, region:临汾, year:2021-2023")
        return Filter(name, m.group(2))
    return Term(text)


def parse(q: str):
    """The query's syntax tree. Raises BadQuery with a one-line explanation."""
    if "\x00" in q:
        q = q.replace("\x00", " ")
    q = "".join(c if c.isprintable() or c.isspace() else " " for c in q)
    if len(q) > MAX_QUERY_CHARS:
        raise BadQuery(f"query too long ({len(q)} characters, at most {MAX_QUERY_CHARS}) — shorten it")
    tokens = _lex(q)
    if not tokens:
        raise BadQuery("empty query — type words to search for, e.g. `行政复议`")
    terms = sum(1 for kind, _ in tokens if kind in ("word", "phrase"))
    if terms > MAX_TERMS:
        raise BadQuery(f"query has {terms} terms, at most {MAX_TERMS} — split it into several searches")
    return _parse_tokens(tokens)


SHORT_NAMES = {Section.LEADERSHIP: "领导", Section.ENFORCEMENT: "执法", Section.REVIEW: "复议",
               Section.PROBLEMS: "问题", Section.PLANS: "计划"}  # as the summary tables show them


def parse_section(value: str) -> Section:
    """A section from its name, English alias or short name (问题 计划 …)."""
    try:
        return Section.parse(value)
    except ValueError:
        for s, short in SHORT_NAMES.items():
            if value.strip() == short:
                return s
        names = ", ".join(f"{s.value} ({s.alias}, {SHORT_NAMES[s]})" for s in Section)
        raise BadQuery(f"unknown section '{one_line(value)}' — use one of {names}, or {OTHER} (other)")


def section_filter(value: str) -> Section | None:
    """parse_section, or None for 其他 / other (blocks without a label)."""
    if value.strip().lower() in (OTHER, "other"):
        return None
    return parse_section(value)


def parse_years(value: str) -> tuple[int | None, int | None]:
    """year:2021, year:2019-2022, year:>=2021, year:<2020 → (start, end), inclusive."""
    v = value.strip().replace(" ", "")
    m = re.fullmatch(r"(\d{4})", v)
    if m:
        return int(v), int(v)
    m = re.fullmatch(r"(\d{4})-(\d{4})", v) or re.fullmatch(r"(\d{4})\.\.(\d{4})", v)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a > b:
            raise BadQuery(f"year range {one_line(value)} runs backwards — write year:{b}-{a}")
        return a, b
    m = re.fullmatch(r"(>=|<=|>|<)(\d{4})", v)
    if m:
        op, y = m.group(1), int(m.group(2))
        return {">=": (y, None), ">": (y + 1, None), "<=": (None, y), "<": (None, y - 1)}[op]
    raise BadQuery(f"cannot read year '{one_line(value)}' — use year:2021, year:2019-2022 or year:>=2021")


@dataclass
class Has:
    """Blocks whose folded text (white space removed) contains every one of these strings."""

    pieces: list[str]


@dataclass
class InSection:
    """Blocks labelled with one of the sections in the mask (store.SECTION_BITS); mask 0: blocks with
    none of the five labels (其他)."""

    mask: int


@dataclass
class InRegion:
    """Blocks of reports whose place, or a place above it, has this string in its folded name; exact
    (region:=广东): reports whose place alone is named so, with or without its unit."""

    text: str
    exact: bool = False


@dataclass
class InYears:
    """Blocks of reports about a year in [start, end] (either end open)."""

    start: int | None
    end: int | None


@dataclass
class Compiled:
    """The plan (Has/InSection/InRegion/InYears under And/Or/Not), the strings to highlight (positive
    terms only), the jieba words to rank by, and warnings about the query (read, but maybe not meant)."""

    plan: object
    highlights: list[str]
    words: list[str]
    warnings: list[str] = field(default_factory=list)


_OPTION_LIKE = re.compile(r"^(-[A-Za-z]|--[A-Za-z][A-Za-z-]*)$")  # -s, -n, --limit; not -应诉, -2021, -PPP


def option_warnings(q: str) -> list[str]:
    """A warning for each word of the query that looks like a command-line option (`'营商环境 -s plans'`:
    options typed inside the quotes), which the query reads as a NOT term (or, after two dashes, a word)."""
    out = []
    for kind, text in _lex(q):
        if kind == "word" and _OPTION_LIKE.match(text):
            name = text.lstrip("-")
            read = f"NOT {name}" if text.count("-") % 2 else f"the word {name}"
            out.append(f"`{text}` in the query looks like an option but is read as {read} — put options "
                       f"outside the query's quotes, e.g. reportsearch search '营商环境' -s plans")
    return out


def _compact(s: str) -> str:
    return fold(s).replace(" ", "")


def one_line(text: str) -> str:
    """A value typed by the user, for a message: every run of white space (line breaks, tabs, U+2028)
    as one space, so the message stays one line."""
    return " ".join(str(text).split())


def nothing_to_search(text: str) -> str:
    """The message for a term without a letter, digit or character to look for, saying what it holds."""
    import unicodedata

    kinds = {unicodedata.category(c)[0] for c in text if not c.isspace()}
    what = " and ".join(name for k, name in (("P", "punctuation"), ("S", "symbols or emoji")) if k in kinds)
    shown = one_line(text)
    if not shown:
        return "the quoted text holds only white space and has nothing to search for — use words"
    return f"'{shown}' has nothing to search for (only {what or 'marks'}) — use words"


def _text_query(term: Term, index_dir: str | None, highlights: list[str] | None,
                words: list[str] | None) -> Has:
    """A word or a phrase: blocks whose folded text holds it as one contiguous string (also inside
    longer words). jieba's search-mode words of it are what ranking counts."""
    text = _compact(term.text)
    if not any(c.isalnum() for c in text):  # as check() decides
        raise BadQuery(nothing_to_search(term.text))
    if highlights is not None:
        highlights.append(term.text)
    if words is not None:
        words.extend(w for w in (_compact(x) for x in search_words(term.text, index_dir)) if w)
    return Has([text])


def _filter_query(f: Filter):
    if f.name == "section":
        from ..indexer import SECTION_BITS
        sec = section_filter(f.value)
        return InSection(0 if sec is None else SECTION_BITS[sec.value])  # 0: a block in none of the five
    if f.name == "region":
        value = _compact(f.value)
        exact = value.startswith("=")
        if not value.lstrip("="):
            raise BadQuery("region: needs a place name — e.g. region:临汾, or region:=广东 for the place alone")
        return InRegion(value.lstrip("="), exact)
    start, end = parse_years(f.value)
    return InYears(start, end)


def _compile(node, index_dir, highlights, words, negated=False):
    if isinstance(node, Term):
        return _text_query(node, index_dir, None if negated else highlights, None if negated else words)
    if isinstance(node, Filter):
        return _filter_query(node)
    if isinstance(node, Not):
        return Not(_compile(node.child, index_dir, highlights, words, not negated))
    kids = [_compile(c, index_dir, highlights, words, negated) for c in node.children]
    return And(kids) if isinstance(node, And) else Or(kids)


def _parts(q: str, sections, region, year) -> list:
    """The parsed query and the option filters, as nodes that must all match."""
    parts: list = []
    if q and q.strip():
        parts.append(parse(q))
    if sections:
        parts.append(Or([Filter("section", s) for s in sections]) if len(sections) > 1 else Filter("section", sections[0]))
    if region:
        parts.append(Filter("region", region))
    if year:
        parts.append(Filter("year", year))
    if not parts:
        raise BadQuery("empty query — type words to search for, e.g. `行政复议`, or give a filter such as -s 存在问题")
    return parts


def check_region_option(region: str | None) -> None:
    """A region option given empty ('' from a script's empty variable) is a mistake, not "every region"."""
    if region is not None and not region.strip():
        raise BadQuery("the region option is empty — give a place, e.g. 临汾, or =广东 for the place alone")


def report_filters(region: str | None = None, year: str | int | None = None) -> list:
    """The report-level filters (InRegion, InYears) of a region and a year option, checked (BadQuery)."""
    check_region_option(region)
    nodes = []
    if region:
        nodes.append(_filter_query(Filter("region", region)))
    if year is not None and str(year).strip():
        nodes.append(_filter_query(Filter("year", str(year))))
    return nodes


def check(q: str, *, sections: tuple[str, ...] = (), region: str | None = None, year: str | None = None) -> None:
    """Raise BadQuery if the query or a filter is malformed, without an index (and without jieba)."""
    def walk(node) -> None:
        if isinstance(node, Term):
            if not any(c.isalnum() for c in fold(node.text)):
                raise BadQuery(nothing_to_search(node.text))
        elif isinstance(node, Filter):
            _filter_query(node)
        elif isinstance(node, Not):
            walk(node.child)
        else:
            for c in node.children:
                walk(c)
    for part in _parts(q, sections, region, year):
        walk(part)


def compile_query(q: str, *, sections: tuple[str, ...] = (), region: str | None = None,
                  year: str | None = None, index_dir: str | None = None) -> Compiled:
    """Parse the query and the option filters into one plan over blocks."""
    parts = _parts(q, sections, region, year)
    highlights: list[str] = []
    words: list[str] = []
    compiled = [_compile(p, index_dir, highlights, words) for p in parts]
    seen: set[str] = set()
    uniq = [h for h in highlights if not (_compact(h) in seen or seen.add(_compact(h)))]
    return Compiled(And(compiled) if len(compiled) > 1 else compiled[0], uniq, list(dict.fromkeys(words)),
                    option_warnings(q) if q else [])
