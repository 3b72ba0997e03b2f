"""The index: reports written into Whoosh segments with side files, and read back as snapshots.

    files.py      the directory's file names, schema version, default place; opening it; damage
    directory.py  the directory under the write lock: create, refuse foreign files, clean leftovers
    writer.py     a worker parses its files and writes one uncommitted segment (Whoosh + side files)
    sync.py       an index run: what to add, replace or remove; workers; atomic commits
    shards.py     a sharded index run: reports routed to shards by identity, built locally or on a cluster
    manifest.py   a sharded index's manifest: its shards and the commit of each (the index's commit)
    cluster.py    the Dask cluster: its address, a client, tasks run on its workers (dask loaded only here)
    store.py      the side files' formats: folded texts, block metadata, display data, signature
    snapshot.py   one commit opened for reading (all shards of a sharded one), kept open in a process
    tokens.py     folding for matching, jieba words for ranking, the dictionary copy queries read
    places.py     the places above a report's region (GB/T 2260's table, divisions.tsv), for region filters
    features.py   what a block is like beyond its words (figures, names, heading, glossary): ranking evidence

Public: build(paths, index_dir, …, shards=N, cluster=ADDRESS) -> IndexSummary; read_index(index_dir, fn);
reports(index_dir); open_index; default_index_dir; index_command; SCHEMA_VERSION; DICT_FILE; SECTION_BITS;
SECTION_ORDER; region_fields(region, year) (what region filters read); labels_of(mask); fold(text),
compact(text) (folded, white space removed); search_words (a query's jieba words);
Features, features_of(code) (a block's stored ranking evidence), opens_with_heading, count_figures,
count_names; for searching shards where they live: read_manifest(index_dir) -> Manifest | None,
open_shard(dir, generation), shard_stamp(dir, generation) (None: that commit is gone), averages(totals) (BM25F's average lengths from summed lengths),
cluster_address, connect(address), workers(client).
"""
from ..lazy import exports

__getattr__, __dir__ = exports(__name__, {
    "build": "shards", "IndexSummary": "sync",
    "read_manifest": "manifest", "Manifest": "manifest", "open_shard": "snapshot", "averages": "snapshot",
    "shard_stamp": "snapshot",
    "cluster_address": "cluster", "connect": "cluster", "workers": "cluster",
    "read_index": "snapshot", "reports": "snapshot", "Snapshot": "snapshot",
    "open_index": "files", "default_index_dir": "files", "index_command": "files", "SCHEMA_VERSION": "files",
    "DICT_FILE": "files",
    "region_fields": "places",
    "SECTION_BITS": "store", "SECTION_ORDER": "store", "labels_of": "store", "compact": "store",
    "fold": "tokens", "search_words": "tokens",
    "Features": "features", "features_of": "features", "opens_with_heading": "features",
    "count_figures": "features", "count_names": "features"})
