"""Segmentation: jieba words for ranking, character bigrams for exact matching, and folding.

Two token streams per text:
- words: jieba's search mode (`cut_for_search`), so 行政复议体制改革 also yields 行政, 复议,
  行政复议, 体制, 改革 — the overlapping sub-words make a search for 复议 score blocks that
  only say 行政复议. Used for BM25 ranking; no positions needed.
- grams: overlapping character bigrams of the folded text, with positions. A query string of
  n characters is the phrase of its n-1 bigrams, which matches exactly the blocks that contain
  the string: exact phrases and sub-word matches by construction, whatever jieba made of the
  surrounding text (jieba's segmentation depends on context, so word tokens alone cannot
  promise that every block containing a string is found).

Queries need jieba too, and loading its dictionary takes ~0.6 s. The index keeps a copy of
jieba's prefix dictionary in SQLite (`jieba-dict.sqlite`), and queries run jieba's own
algorithm over it, looking words up on demand: the same segmentation, without the load.
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import unicodedata
from functools import lru_cache

from .variants import simplified_char

DICT_FILE = "jieba-dict.sqlite"


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch  # keep offsets: only 1:1 foldings (full-width → half-width, compatibility forms)
    n = simplified_char(n)  # 復議 → 复议: OpenCC's character table, one for one
    if n.isspace():
        return " "
    return n.lower()


def fold(text: str) -> str:
    """Text with full-width/half-width, case and traditional/simplified characters folded,
    character for character (offsets kept)."""
    return "".join(map(_fold_char, text))


def grams(text: str) -> list[str]:
    """Overlapping bigrams of the folded text with white space removed; the last character
    also alone, so that a one-character query (a prefix of some bigram) finds it at the end."""
    s = fold(text).replace(" ", "")
    if not s:
        return []
    out = [s[i:i + 2] for i in range(len(s) - 1)]
    out.append(s[-1])
    return out


def query_grams(s: str) -> list[str]:
    """The bigram phrase for a query string (one character: that character, matched as a prefix)."""
    s = fold(s).replace(" ", "")
    if len(s) <= 1:
        return [s] if s else []
    return [s[i:i + 2] for i in range(len(s) - 1)]


def _quiet_jieba():
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
        freq = _SqliteFreq(path)
        tk.FREQ, tk.total, tk.initialized = freq, freq.total(), True
        _query_tokenizers[path] = tk
    return _query_tokenizers[path]


def query_words(text: str, index_dir: str | None) -> list[str]:
    """jieba's precise-mode words of an unquoted query term, folded, punctuation dropped."""
    return _keep_words(query_tokenizer(index_dir).cut(fold(text)))


def search_words(text: str, index_dir: str | None) -> list[str]:
    """jieba's search-mode words of a query term (the ones the body field was indexed with)."""
    return words(text, query_tokenizer(index_dir))
