"""Saved queries: a TOML file of defaults and named queries, checked whole before anything runs.

    #!/usr/bin/env -S reportsearch run
    index = "../index"              # optional, relative to this file

    [defaults]                      # optional: any query option
    section = "存在问题"
    year = "2021-2023"

    [[query]]
    name = "执法人员素质"
    query = "执法 人员 素质"

    [[query]]
    name = "复议应诉"
    query = '"行政复议" -应诉'
    section = ["复议应诉", "存在问题"]
    limit = 20

    [[indicators]]                  # an indicator table (`reportsearch indicators --index`)
    name = "纠错率"
    region = "临汾"                 # optional, as are year and where
    where = ["复议纠错率>20"]

    [[compare]]                     # places × years (`reportsearch compare`)
    name = "府院联动"
    query = "府院联动"
    year = "2019-2023"              # optional, as are section, region, rows and quotes
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import Iterator

from .errors import BadQuery, BadQueryFile
from .facts import CompareResult, IndicatorResult, compare, indicators, parse_where
from .searcher import BY_VALUES, SearchResult, Tally, check, parse_years, search, section_filter, tally

# option → (accepted types, description for messages)
OPTIONS: dict[str, tuple[tuple[type, ...], str]] = {
    "query": ((str,), "a string"),
    "section": ((str, list), "a section name or a list of them"),
    "region": ((str,), "a string"),
    "year": ((str, int), "a year or a range such as \"2019-2022\""),
    "limit": ((int,), "a whole number from 1 to 10000"),
    "by": ((str,), "\"report\" or \"block\""),
}
QUERY_KEYS = ("name", *OPTIONS)
DEFAULT_KEYS = tuple(k for k in OPTIONS if k != "query")
TABLE_KEYS = ("name", "region", "year", "where")  # [[indicators]]
COMPARE_KEYS = ("name", "query", "section", "region", "year", "rows", "quotes")  # [[compare]]
ROWS = ("region", "issuer", "level")
TOP_KEYS = ("index", "defaults", "query", "indicators", "compare")


@dataclass
class SavedQuery:
    """One named query with the options of `reportsearch search`."""

    name: str
    query: str = ""
    sections: tuple[str, ...] = ()
    region: str | None = None
    year: str | None = None
    limit: int = 10
    by: str = "report"
    line: int | None = None

    def run(self, index_dir: str | None = None) -> SearchResult:
        return search(self.query, index_dir=index_dir, sections=self.sections, region=self.region,
                      year=self.year, limit=self.limit, by=self.by)

    def tally(self, index_dir: str | None = None) -> Tally:
        """Every matching block (not only the ones shown), counted by section and region."""
        return tally(self.query, index_dir=index_dir, sections=self.sections, region=self.region, year=self.year)


@dataclass
class SavedTable:
    """One named indicator table with the options of `reportsearch indicators --index`."""

    name: str
    region: str | None = None
    year: str | None = None
    where: tuple[str, ...] = ()
    line: int | None = None

    def run(self, index_dir: str | None = None) -> IndicatorResult:
        return indicators(index_dir=index_dir, region=self.region, year=self.year, where=self.where)


@dataclass
class SavedCompare:
    """One named comparison with the options of `reportsearch compare`."""

    name: str
    query: str
    sections: tuple[str, ...] = ()
    region: str | None = None
    year: str | None = None
    rows: str = "region"
    quotes: bool = True
    line: int | None = None

    def run(self, index_dir: str | None = None) -> CompareResult:
        return compare(self.query, index_dir=index_dir, sections=self.sections, region=self.region, year=self.year,
                       rows=self.rows, quotes=self.quotes)


@dataclass
class QueryFile:
    """A loaded, checked query file."""

    path: str
    queries: list[SavedQuery] = field(default_factory=list)
    index_dir: str | None = None  # from the file's `index` key, resolved against its directory
    tables: list[SavedTable | SavedCompare] = field(default_factory=list)  # [[indicators]], then [[compare]]

    def run_tables(self, index_dir: str | None = None) -> Iterator[tuple[SavedTable | SavedCompare,
                                                                       IndicatorResult | CompareResult]]:
        """Each indicator table and comparison with its result, in file order."""
        for t in self.tables:
            yield t, t.run(index_dir or self.index_dir)

    def run(self, index_dir: str | None = None) -> Iterator[tuple[SavedQuery, SearchResult]]:
        """Each query with its result, in file order (index_dir overrides the file's own)."""
        for q in self.queries:
            yield q, q.run(index_dir or self.index_dir)


def load(path: str) -> QueryFile:
    """Read and check a query file; BadQueryFile lists every problem with file, query and line."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise BadQueryFile(f"cannot read query file {path} ({e.strerror}) — check the path")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadQueryFile(f"{path} is not UTF-8 text — save the query file as UTF-8")
    return loads(text, path)


def loads(text: str, path: str = "<query file>") -> QueryFile:
    """Parse and check query-file text (path is used in messages and to resolve `index`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        where = f"{path}:{m.group(1)}" if m else path
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e)) or "not valid TOML"
        raise BadQueryFile(f"{where}: {msg} — see the query file format in the README")
    lines = _Lines(text)
    problems: list[str] = []

    def problem(line: int | None, what: str, msg: str) -> None:
        problems.append(f"{path}:{line or 1}: {what}{msg}")

    for key in data:
        if key not in TOP_KEYS:
            problem(lines.top_key(key), "", _unknown(key, TOP_KEYS, "top-level key"))
    index_dir = data.get("index")
    if index_dir is not None and not isinstance(index_dir, str):
        problem(lines.top_key("index"), "", "'index' must be a string (a directory path)")
        index_dir = None
    if index_dir:
        index_dir = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.expanduser(index_dir))

    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problem(lines.top_key("defaults"), "", "'defaults' must be a table: [defaults]")
        defaults = {}
    base: dict = {}
    for key, value in defaults.items():
        line = lines.key_in(lines.table("defaults"), key)
        if key not in DEFAULT_KEYS:
            problem(line, "[defaults]: ", _unknown(key, DEFAULT_KEYS, "option"))
            continue
        err = _check_value(key, value)
        if err:
            problem(line, "[defaults]: ", err)
        else:
            base[key] = value

    entries = data.get("query", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problem(lines.top_key("query"), "", "queries are written as [[query]] tables")
        entries = []
    tables = _tables(data, base, lines, problem) + _compares(data, base, lines, problem)
    if not entries and not tables and not problems:
        problem(None, "", "no queries — add a [[query]] table with a name and a query, or an [[indicators]] or "
                          "[[compare]] table")
    queries: list[SavedQuery] = []
    names: dict[str, int | None] = {}
    for i, entry in enumerate(entries):
        start = lines.query(i)
        name = entry.get("name")
        label = f"query {name!r}: " if isinstance(name, str) and name.strip() else f"query #{i + 1}: "
        opts = dict(base)
        ok = True
        for key, value in entry.items():
            line = lines.key_in(start, key)
            if key not in QUERY_KEYS:
                problem(line, label, _unknown(key, QUERY_KEYS, "key"))
                ok = False
                continue
            if key == "name":
                if not isinstance(value, str) or not value.strip():
                    problem(line, label, "'name' must be a non-empty string")
                    ok = False
                continue
            err = _check_value(key, value)
            if err:
                problem(line, label, err)
                ok = False
            else:
                opts[key] = value
        if not ok:
            continue
        q = SavedQuery(
            name=(name or opts.get("query") or f"query {i + 1}").strip(),
            query=opts.get("query", ""),
            sections=tuple([opts["section"]] if isinstance(opts.get("section"), str) else opts.get("section", ())),
            region=opts.get("region"), year=str(opts["year"]) if "year" in opts else None,
            limit=opts.get("limit", 10), by=opts.get("by", "report"), line=start)
        if q.name in names:
            problem(start, label, f"the name is used twice (also on line {names[q.name] or 1}) — names must differ")
            continue
        names[q.name] = start
        try:
            check(q.query, sections=q.sections, region=q.region, year=q.year)
        except BadQuery as e:
            problem(lines.key_in(start, "query") if q.query else start, label, str(e))
            continue
        queries.append(q)
    for t in tables:
        kind = "compare" if isinstance(t, SavedCompare) else "indicators"
        if t.name in names:
            problem(t.line, f"{kind} {t.name!r}: ", f"the name is used twice (also on line {names[t.name] or 1}) "
                    f"— names must differ")
        names[t.name] = t.line
    if problems:
        raise BadQueryFile("\n".join(problems))
    return QueryFile(path=path, queries=queries, index_dir=index_dir, tables=tables)


def _table_entries(data: dict, table: str, keys: tuple[str, ...], inherit: tuple[str, ...], base: dict,
                   lines: "_Lines", problem, special: dict) -> list[tuple[int | None, str | None, str, dict, bool]]:
    """Each [[table]] entry with its keys checked: (line, name, message label, options, ok). Options
    start from [defaults]' `inherit` keys; `special` checks its keys itself: key → fn(value) ->
    (the value to keep, [what is wrong])."""
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problem(lines.top_key(table), "", f"write them as [[{table}]] tables")
        return []
    out = []
    for i, entry in enumerate(entries):
        start = lines.array_table(table, i)
        name = entry.get("name")
        label = f"{table} {name!r}: " if isinstance(name, str) and name.strip() else f"{table} #{i + 1}: "
        opts = {k: v for k, v in base.items() if k in inherit}
        ok = True
        for key, value in entry.items():
            line = lines.key_in(start, key)
            if key not in keys:
                errors = [_unknown(key, keys, "key")]
            elif key == "name":
                errors = [] if isinstance(value, str) and value.strip() else ["'name' must be a non-empty string"]
            elif key in special:
                value, errors = special[key](value)
            else:
                err = _check_value(key, value)
                errors = [err] if err else []
            for err in errors:
                problem(line, label, err)
            ok = ok and not errors
            if not errors and key != "name":
                opts[key] = value
        out.append((start, name, label, opts, ok))
    return out


def _where(value) -> tuple[tuple[str, ...], list[str]]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return (), ["'where' must be a condition such as \"复议纠错率>20\" or a list of them"]
    errors = []
    for v in values:
        try:
            parse_where(v)
        except BadQuery as e:
            errors.append(str(e))
    return tuple(values), errors


def _tables(data: dict, base: dict, lines: "_Lines", problem) -> list[SavedTable]:
    """The [[indicators]] tables, checked (their region and year default to [defaults]')."""
    out = []
    for start, name, _, opts, ok in _table_entries(data, "indicators", TABLE_KEYS, ("region", "year"), base, lines,
                                                   problem, {"where": _where}):
        if ok:
            out.append(SavedTable(name=(name or f"indicators {len(out) + 1}").strip(), region=opts.get("region"),
                                  year=str(opts["year"]) if "year" in opts else None, where=opts.get("where", ()),
                                  line=start))
    return out


def _compares(data: dict, base: dict, lines: "_Lines", problem) -> list[SavedCompare]:
    """The [[compare]] tables, checked (their section, region and year default to [defaults]')."""
    special = {"rows": lambda v: (v, [] if v in ROWS else [f"'rows' must be one of {', '.join(ROWS)}, not {v!r}"]),
               "quotes": lambda v: (v, [] if isinstance(v, bool) else [f"'quotes' must be true or false, not {v!r}"])}
    out = []
    for start, name, label, opts, ok in _table_entries(data, "compare", COMPARE_KEYS, ("section", "region", "year"),
                                                       base, lines, problem, special):
        sections = opts.get("section", ())
        sections = tuple([sections] if isinstance(sections, str) else sections)
        year = str(opts["year"]) if "year" in opts else None
        if not (isinstance(opts.get("query"), str) and opts["query"].strip()):
            problem(start, label, "a comparison needs a query, e.g. query = \"府院联动\"")
            ok = False
        else:  # checked whatever else is wrong: every mistake of the file is reported at once
            try:
                check(opts["query"], sections=sections, region=opts.get("region"), year=year)
            except BadQuery as e:
                problem(lines.key_in(start, "query"), label, str(e))
                ok = False
        if ok:
            out.append(SavedCompare(name=(name or opts["query"]).strip(), query=opts["query"], sections=sections,
                                    region=opts.get("region"), year=year, rows=opts.get("rows", "region"),
                                    quotes=opts.get("quotes", True), line=start))
    return out


def _check_value(key: str, value) -> str | None:
    types, desc = OPTIONS[key]
    if isinstance(value, bool) or not isinstance(value, types):
        return f"'{key}' must be {desc}, not {type(value).__name__} {value!r}"
    if key == "section" and isinstance(value, list) and not all(isinstance(v, str) for v in value):
        return f"'section' must be {desc}"
    if key == "limit" and not 1 <= value <= 10000:
        return f"'limit' must be {desc}, not {value}"
    if key == "by" and value not in BY_VALUES:
        return f"'by' must be {desc}, not {value!r}"
    if key == "region" and not value.strip():
        return "'region' must name a place, e.g. \"临汾\""
    try:
        if key == "section":
            for v in [value] if isinstance(value, str) else value:
                section_filter(v)
        if key == "year":
            parse_years(str(value))
    except BadQuery as e:
        return str(e)
    return None


def _unknown(key: str, known: tuple[str, ...], kind: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"use {', '.join(known)}"
    return f"unknown {kind} '{key}' — {hint}"


class _Lines:
    """Line numbers of tables and keys in TOML text (tomllib keeps none)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = []  # (line number, name, is array table)
        for n, line in enumerate(self.lines, 1):
            m = self._HEADER.match(line)
            if m:
                self.headers.append((n, m.group(1).strip().strip('"\''), line.lstrip().startswith("[[")))

    def query(self, i: int) -> int | None:
        return self.array_table("query", i)

    def array_table(self, table: str, i: int) -> int | None:
        """The line of the i-th [[table]]."""
        starts = [n for n, name, arr in self.headers if arr and name == table]
        return starts[i] if i < len(starts) else self.top_key(table)

    def table(self, name: str) -> int | None:
        return next((n for n, h, arr in self.headers if h == name and not arr), None)

    def _key_re(self, key: str):
        return re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")

    def top_key(self, key: str) -> int | None:
        pat = self._key_re(key)
        first_header = self.headers[0][0] if self.headers else len(self.lines) + 1
        for n, line in enumerate(self.lines[:first_header - 1], 1):
            if pat.match(line):
                return n
        return next((n for n, h, _ in self.headers if h == key), None)

    def key_in(self, start: int | None, key: str) -> int | None:
        """The line of `key = …` in the table that starts on line start."""
        if start is None:
            return None
        pat = self._key_re(key)
        for n in range(start + 1, len(self.lines) + 1):
            line = self.lines[n - 1]
            if self._HEADER.match(line):
                break
            if pat.match(line):
                return n
        return start
