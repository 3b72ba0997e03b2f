"""A sharded index's manifest: which shard directories make up the index, and the commit
(Whoosh generation) of each that readers use.

A sharded index directory holds N shard directories, each an index as a single one is, and
`shards.json`. A report lives in the shard its identity (writer.report_id) hashes to, so an
incremental run finds it there again. Shards commit their generations first; the manifest,
written to a temporary file and renamed over the old one, then names them all at once: that
rename is the commit of the whole index. Readers open each shard at the generation the manifest
names, never at a later one, so a report that moved from one shard to another is found in
exactly one of them whatever moment a reader or a killed run catches.
"""
from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass

from ..errors import IndexDamaged, IndexIncompatible
from .files import SCHEMA_VERSION, index_command

MANIFEST = "shards.json"
SHARD_DIR = re.compile(r"^shard-\d{3}-of-\d{3}$")  # a shard's directory name (shard_name)
FORMAT = 1


@dataclass
class Manifest:
    """The committed state of a sharded index: its shard directories (names inside the index
    directory), the generation of each, and a sequence number that grows with every commit."""

    dirs: list[str]
    generations: list[int]
    sequence: int = 0
    uid: str = ""  # made when the index is created, kept by its commits: tells a new index at the same path

    @property
    def count(self) -> int:
        return len(self.dirs)


def shard_name(i: int, n: int) -> str:
    """The directory of shard i of n (the count is in the name, so a resharded index never reuses one)."""
    return f"shard-{i:03d}-of-{n:03d}"


def shard_of(report_id: str, n: int) -> int:
    """The shard a report lives in: its identity (a hex digest) modulo the shard count."""
    return int(report_id[:12], 16) % n


def manifest_path(index_dir: str) -> str:
    return os.path.join(index_dir, MANIFEST)


def stamp(index_dir: str) -> tuple | None:
    """What changes whenever the manifest is replaced (its inode, size and time), or None when the
    directory holds no manifest (not a sharded index)."""
    try:
        st = os.stat(manifest_path(index_dir))
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def read_manifest(index_dir: str) -> Manifest | None:
    """The manifest, checked; None when there is none. A garbled one: IndexDamaged; another schema:
    IndexIncompatible (the one-line `--rebuild` message a single index gives)."""
    rebuild = f"run `{index_command(index_dir, '--rebuild')}` with the report paths to rebuild it"
    try:
        with open(manifest_path(index_dir), encoding="utf-8") as f:
            raw = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise IndexDamaged(f"the index at {index_dir} is damaged ({type(e).__name__}: {MANIFEST}) — {rebuild}")
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA_VERSION:
        version = raw.get("schema") if isinstance(raw, dict) else None
        raise IndexIncompatible(f"the index at {index_dir} has schema version {version}, this reportsearch uses "
                                f"{SCHEMA_VERSION} — {rebuild}")
    try:
        shards = raw["shards"]
        dirs = [s["dir"] for s in shards]
        gens = [s["generation"] for s in shards]
        seq = int(raw.get("sequence", 0))
        uid = str(raw.get("uid", ""))
        # exactly shard-000-of-00N … in order: any other name (empty, `..`, one twice, one left out)
        # would read some shards as the whole index, or make a rebuild delete what is not a shard
        if not dirs or dirs != [shard_name(i, len(dirs)) for i in range(len(dirs))]:
            raise ValueError("shard names")
        if any(type(g) is not int or g < 0 for g in gens):
            raise ValueError("generations")
    except (KeyError, TypeError, ValueError) as e:
        raise IndexDamaged(f"the index at {index_dir} is damaged ({type(e).__name__}: {MANIFEST}) — {rebuild}")
    return Manifest(dirs, gens, seq, uid)


def write_manifest(index_dir: str, manifest: Manifest) -> None:
    """Commit: the manifest written to a temporary file, flushed to disk, and renamed over the old
    one (atomic on POSIX); then the directory entry flushed too."""
    body = {"schema": SCHEMA_VERSION, "format": FORMAT, "uid": manifest.uid, "sequence": manifest.sequence,
            "shards": [{"dir": d, "generation": g} for d, g in zip(manifest.dirs, manifest.generations)]}
    path = manifest_path(index_dir)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(body, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    try:
        fd = os.open(index_dir, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def refuse_shard(index_dir: str) -> None:
    """A shard is an index of its own, but not one to give as --index: written alone it would commit
    past the generation the manifest names (and Whoosh's commit deletes that one: the whole sharded
    index damaged); read alone it answers with one shard's statistics and its latest commit rather
    than the manifest's. IndexIncompatible pointing at the index."""
    real = os.path.realpath(index_dir)
    parent = os.path.dirname(real)
    if SHARD_DIR.match(os.path.basename(real)) and os.path.exists(os.path.join(parent, MANIFEST)):
        shown = os.path.dirname(os.path.normpath(index_dir)) or "."
        raise IndexIncompatible(f"{index_dir} is a shard of the sharded index at {shown} — give that: "
                                f"--index {shlex.quote(shown)}; nothing was changed")
