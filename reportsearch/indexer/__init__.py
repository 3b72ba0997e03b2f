"""The index: reports written into Whoosh segments with side files, and read back as snapshots.

    files.py      the directory's file names, schema version, default place; opening it; damage
    directory.py  the directory under the write lock: create, refuse foreign files, clean leftovers
    writer.py     a worker parses its files and writes one uncommitted segment (Whoosh + side files)
    sync.py       an index run: what to add, replace or remove; workers; atomic commits (build)
    store.py      the side files' formats: folded texts, block metadata, display data, signature
    snapshot.py   one commit opened for reading, kept open between queries in a process
    tokens.py     folding for matching, jieba words for ranking, the dictionary copy queries read
    places.py     the places above a report's region (GB/T 2260's table, divisions.tsv), for region filters
    features.py   what a block is like beyond its words (figures, names, heading, glossary): ranking evidence

Public: build(paths, index_dir, …) -> IndexSummary; read_index(index_dir, fn); reports(index_dir);
open_index; default_index_dir; index_command; SCHEMA_VERSION; DICT_FILE; SECTION_BITS;
SECTION_ORDER; region_fields(region, year) (what region filters read); labels_of(mask); fold(text),
compact(text) (folded, white space removed); query_words / search_words (a query's jieba words);
Features, features_of(code) (a block's stored ranking evidence), opens_with_heading, count_figures,
count_names.
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "build": "sync", "IndexSummary": "sync",
    "read_index": "snapshot", "reports": "snapshot", "Snapshot": "snapshot",
    "open_index": "files", "default_index_dir": "files", "index_command": "files", "SCHEMA_VERSION": "files",
    "DICT_FILE": "files",
    "region_fields": "places",
    "SECTION_BITS": "store", "SECTION_ORDER": "store", "labels_of": "store", "compact": "store",
    "fold": "tokens", "query_words": "tokens", "search_words": "tokens",
    "Features": "features", "features_of": "features", "opens_with_heading": "features",
    "count_figures": "features", "count_names": "features"})
