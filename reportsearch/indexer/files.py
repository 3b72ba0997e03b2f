"""The index directory: its file names and schema version, where it is by default, opening it, and
the one-line messages for an index that is missing, of another schema, or damaged."""
from __future__ import annotations

import json
import os

from ..errors import IndexDamaged, IndexIncompatible, IndexMissing

DICT_FILE = "jieba-dict.sqlite"  # the copy of jieba's dictionary that queries read (tokens.py)
SCHEMA_VERSION = 6  # 3: one document per report, bigram sets; block texts and display data in side files;
                    # 4: a bit-sliced signature of the blocks' bigrams; 5: headings apart from the JSON;
                    # 6: each report's figures (indicators), report_year, and the places above its region
                    #    (GB/T 2260) with the place's own names; per block its ranking features
                    #    (features.py), and a block that opens with its own heading ranked by its parents'
META_FILE = "reportsearch.json"
INDEX_NAME = "reportsearch"
DEFAULT_INDEX = "index"


def default_index_dir() -> str:
    """--index, else $REPORTSEARCH_INDEX, else ./index."""
    return os.environ.get("REPORTSEARCH_INDEX") or DEFAULT_INDEX


def index_command(index_dir: str, *args: str) -> str:
    """A whole `reportsearch index …` command to suggest in a message, quoted for the shell, with
    --index when the index is not the one the command would use by default."""
    import shlex

    words = ["reportsearch", "index", *args]
    if os.path.abspath(index_dir) != os.path.abspath(default_index_dir()):
        words += ["--index", index_dir]
    return " ".join(shlex.quote(w) for w in words)


def _rebuild_hint(index_dir: str) -> str:
    return f"run `{index_command(index_dir, '--rebuild')}` with the report paths to rebuild it"


def _foreign(index_dir: str) -> list[str]:
    """Up to three names in the directory that no index writes (sorted): the user's own files."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return []
    ours = ("_" + INDEX_NAME, INDEX_NAME, DICT_FILE, "shard-", "shards.json")
    return sorted(n for n in names if n not in ("README.md", ".gitkeep") and not n.startswith(ours))[:3]


def _check_meta(index_dir: str) -> None:
    meta_path = os.path.join(index_dir, META_FILE)
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        others = _foreign(index_dir)
        if others:  # the user's own files: `index` never writes there, so no rebuild is offered
            raise IndexIncompatible(f"{index_dir} is not a reportsearch index (it holds {', '.join(others)}) — "
                                    f"choose another --index")
        raise IndexIncompatible(f"{index_dir} is not a reportsearch index — choose another --index, "
                                f"or {_rebuild_hint(index_dir)}")
    if not isinstance(meta, dict) or meta.get("schema") != SCHEMA_VERSION:
        version = meta.get("schema") if isinstance(meta, dict) else None
        raise IndexIncompatible(
            f"the index at {index_dir} has schema version {version}, this reportsearch uses "
            f"{SCHEMA_VERSION} — {_rebuild_hint(index_dir)}")


def _missing(index_dir: str) -> bool:
    return not os.path.isdir(index_dir) or not [e for e in os.listdir(index_dir) if e not in ("README.md", ".gitkeep")]


# Errors that reading a damaged index file raises (Whoosh's and ours); never used to hide other bugs.
def damage_errors() -> tuple:
    import pickle
    import sqlite3
    import struct
    import zlib
    return (OSError, ValueError, EOFError, KeyError, IndexError, TypeError, AttributeError, struct.error,
            zlib.error, pickle.UnpicklingError, sqlite3.DatabaseError, UnicodeDecodeError)


def damaged(index_dir: str, e: BaseException) -> IndexDamaged:
    what = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
    name = f": {os.path.basename(e.filename)}" if isinstance(e, OSError) and e.filename else ""
    return IndexDamaged(f"the index at {index_dir} is damaged ({what}{name}) — {_rebuild_hint(index_dir)}")


def open_index(index_dir: str | None = None):
    """Open an existing index (Whoosh's) for reading. Raises IndexMissing / IndexIncompatible / IndexDamaged."""
    from whoosh import index

    index_dir = index_dir or default_index_dir()
    if _missing(index_dir):
        raise IndexMissing(f"no index at {index_dir} — run `{index_command(index_dir, 'corpus/')}` first")
    _check_meta(index_dir)
    try:
        return index.open_dir(index_dir, indexname=INDEX_NAME)
    except index.EmptyIndexError:
        raise IndexMissing(f"no index at {index_dir} — run `{index_command(index_dir, 'corpus/')}` first")
    except damage_errors() as e:
        raise damaged(index_dir, e)
