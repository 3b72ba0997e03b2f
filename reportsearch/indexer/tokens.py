"""Segmentation: jieba words for ranking, and folding for matching.

Matching compares folded text (full-width/half-width and case folded, character for character)
with white space removed: a block matches a string if its folded text contains it. Exact phrases
and sub-word matches hold by construction, whatever jieba made of the surrounding text.

Ranking counts the query's jieba words (search mode, so 行政复议 also yields 行政 and 复议) in each
matching block, its heading and its report's title (BM25F, in searcher/rank.py).

Queries need jieba, and loading its dictionary takes ~0.6 s. The index keeps a copy of jieba's
prefix dictionary in SQLite (`jieba-dict.sqlite`), and queries run jieba's own algorithm over it,
looking words up on demand: the same segmentation, without the load.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import unicodedata
from functools import lru_cache

from ..report import simplified_char
from .files import DICT_FILE, damaged


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch  # keep offsets: only 1:1 foldings (full-width → half-width, compatibility forms)
    n = simplified_char(n)  # 復議 → 复议: OpenCC's character table, one for one
    if n.isspace():
        return " "
    return n.lower()


class _FoldTable(dict):
    """str.translate's table for fold: each character's folding, worked out on first sight."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Text with full-width/half-width, case and traditional/simplified characters folded,
    character for character (offsets kept)."""
    return text.translate(_FOLD)


def _quiet_jieba():
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        # jieba imports pkg_resources (a fifth of a second) only to open its own data files, and
        # opens them directly when that import fails: make it fail, for this import only.
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def cache_dir() -> str | None:
    """Our own cache directory ($XDG_CACHE_HOME/reportsearch or ~/.cache/reportsearch, mode 0700),
    or None if it cannot be made ours."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "reportsearch")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
        if st.st_uid == os.getuid() and os.access(path, os.W_OK | os.X_OK):
            return path
    except OSError:
        pass
    return None


def index_tokenizer():
    """jieba's default tokenizer, initialised (at index time; ~0.6 s once per process).

    jieba keeps its prefix dictionary as a cache file in the shared /tmp by default: a file of
    another user there cannot be replaced (jieba then prints a traceback and leaves a 9 MB
    temporary file each run), and one planted by someone else would be loaded. So the cache lives
    in our own cache directory, or, when there is none, in a private temporary directory removed
    afterwards; a failure to write it is not worth a message (it only costs the next run 0.6 s)."""
    jieba = _quiet_jieba()
    tk = jieba.dt
    if tk.initialized:
        return tk
    own = cache_dir()
    where = own or tempfile.mkdtemp(prefix="reportsearch-jieba-")
    before = set(os.listdir(where))
    tk.tmp_dir, tk.cache_file = where, "jieba.cache"
    jieba.setLogLevel(logging.CRITICAL)  # "Dump cache file failed" comes with a traceback
    try:
        tk.initialize()
    finally:
        jieba.setLogLevel(logging.WARNING)
        if own is None:
            shutil.rmtree(where, ignore_errors=True)
        else:  # a cache write that failed half-way leaves jieba's temporary file behind
            for name in set(os.listdir(where)) - before - {"jieba.cache"}:
                try:
                    os.unlink(os.path.join(where, name))
                except OSError:
                    pass
    return tk


def _keep_words(tokens) -> list[str]:
    """jieba tokens folded, with white space and punctuation-only tokens dropped."""
    out = []
    for w in tokens:
        w = fold(w).strip()
        if w and any(c.isalnum() for c in w):
            out.append(w)
    return out


def words(text: str, tokenizer=None) -> list[str]:
    """jieba search-mode words of a text, folded, without spaces and punctuation."""
    return _keep_words((tokenizer or index_tokenizer()).cut_for_search(fold(text)))  # 復議 ranks as 复议


# ------------------------------------------------------------------ query-time dictionary

class _SqliteFreq:
    """jieba's FREQ mapping, read from SQLite on demand (only the prefixes a query touches)."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._cache: dict[str, int | None] = {}

    def get(self, key: str, default=None):
        if key not in self._cache:
            row = self._db.execute("SELECT n FROM freq WHERE w = ?", (key,)).fetchone()
            self._cache[key] = row[0] if row else None
        v = self._cache[key]
        return default if v is None else v

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def total(self) -> int:
        return self._db.execute("SELECT n FROM meta WHERE k = 'total'").fetchone()[0]


def dictionary_ok(path: str) -> bool:
    """Whether the index's dictionary copy exists and reads (a damaged one is rewritten)."""
    if not os.path.isfile(path):
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            total = db.execute("SELECT n FROM meta WHERE k = 'total'").fetchone()
            some = db.execute("SELECT n FROM freq WHERE w = ?", ("中国",)).fetchone()
            return bool(total and total[0] > 0 and some)
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False


def write_dictionary(index_dir: str) -> str:
    """Store jieba's prefix dictionary in the index directory (atomically) for fast queries."""
    path = os.path.join(index_dir, DICT_FILE)
    if os.path.exists(path):
        return path
    tk = index_tokenizer()
    tmp = path + f".{os.getpid()}.tmp"
    db = sqlite3.connect(tmp)
    db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
    db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, n INTEGER)")
    db.executemany("INSERT INTO freq VALUES (?, ?)", tk.FREQ.items())
    db.execute("INSERT INTO meta VALUES ('total', ?)", (tk.total,))
    db.commit()
    db.close()
    os.replace(tmp, path)
    return path


_query_tokenizers: dict[str, object] = {}


def query_tokenizer(index_dir: str | None):
    """A jieba Tokenizer over the index's SQLite dictionary; jieba's own if there is none."""
    path = os.path.join(index_dir, DICT_FILE) if index_dir else None
    if not path or not os.path.exists(path):
        return index_tokenizer()
    if path not in _query_tokenizers:
        jieba = _quiet_jieba()
        tk = jieba.Tokenizer()
        try:
            freq = _SqliteFreq(path)
            tk.FREQ, tk.total, tk.initialized = freq, freq.total(), True
        except (sqlite3.DatabaseError, TypeError) as e:  # not a database, or no total in it
            raise damaged(index_dir, e)
        _query_tokenizers[path] = tk
    return _query_tokenizers[path]


def search_words(text: str, index_dir: str | None) -> list[str]:
    """jieba's search-mode words of a query term (the ones the body field was indexed with)."""
    return words(text, query_tokenizer(index_dir))
