"""The shape of the package (ARCHITECTURE.md), checked from an import graph built from the source.

A stage is a subpackage; data flows one way: read → report → indexer → searcher → facts → output,
with the CLI and saved query files on top and the plain data model, errors and lazy exports below.
A stage uses another only through the public names its __init__ lists."""
from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "reportsearch"
STAGES = ["read", "report", "indexer", "searcher", "facts", "output"]  # in the order data flows
BASE = {"model", "errors", "lazy"}  # below every stage
ABOVE = {"queryfile": 1, "cli": 2, "__main__": 3}  # above every stage, in this order
MAX_LINES = 600
MAX_TOP_MODULES = 8


def _modules() -> dict[str, ast.Module]:
    """Dotted name under reportsearch ('' for the package, 'indexer' for its __init__) → parsed source."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return (PACKAGE / name.replace(".", "/") / "__init__.py").exists() if name else True


def _lazy_table(tree: ast.Module) -> dict[str, str]:
    """The public names a package's `exports(__name__, {...})` call lists → their modules."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "exports":
            return {k.value: v.value.partition(":")[0] for k, v in zip(node.args[1].keys, node.args[1].values)}
    return {}


def _imports(name: str, tree: ast.Module):
    """(target module, names imported, via package) for every import in a module, also inside
    functions. Relative imports are resolved; imports of other packages are left out."""
    package = name if _is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + (node.module.split(".") if node.module else []))
            elif node.module and node.module.split(".")[0] == "reportsearch":
                target = node.module.partition(".")[2]
            else:
                continue
            names = [a.name for a in node.names]
            table = _lazy_table(MODULES[target]) if target in MODULES else {}
            subs = [n for n in names if f"{target}.{n}".strip(".") in MODULES and n not in table]
            if subs:  # `from .output import render`: the submodule itself
                for n in subs:
                    yield f"{target}.{n}".strip("."), [], False
                names = [n for n in names if n not in subs]
            if names:
                yield target, names, True
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "reportsearch":
                    yield a.name.partition(".")[2], [], False


def _graph() -> dict[str, set[str]]:
    """Module → modules it imports; a package's __init__ imports what its lazy table names."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, tree in MODULES.items():
        for target, names, _ in _imports(name, tree):
            if target in MODULES and target != name:
                graph[name].add(target)
        table = _lazy_table(tree)
        for public, module in table.items():
            dotted = f"{name}.{module}".strip(".")
            if dotted in MODULES:
                graph[name].add(dotted)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def _level(module: str) -> float:
    top = module.split(".")[0]
    if top in STAGES:
        return 1 + STAGES.index(top)
    if top in ABOVE:
        return 1 + len(STAGES) + ABOVE[top]
    return 0  # model, errors, lazy, and the package itself


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_stages_import_only_earlier_stages():
    wrong = []
    for name, tree in MODULES.items():
        if not name:
            continue
        for target, _, _ in _imports(name, tree):
            if target and _level(target) > _level(name):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_other_stages_are_used_through_their_public_names():
    """`from ..indexer import read_index`, never `from ..indexer.snapshot import …`; and only names
    the stage's __init__ lists."""
    wrong = []
    for name, tree in MODULES.items():
        own = name.split(".")[0]
        for target, names, via_package in _imports(name, tree):
            stage = target.split(".")[0]
            if stage not in STAGES or stage == own:
                continue
            public = set(_lazy_table(MODULES[stage])) | _eager_public(stage)
            if target != stage and target.partition(".")[2] not in _eager_public(stage):
                wrong.append(f"{name} imports {target}, inside the {stage} stage")
            elif via_package and not set(names) <= public:
                wrong.append(f"{name} imports {sorted(set(names) - public)} from {stage}, which it does not list")
    assert wrong == []


def _eager_public(stage: str) -> set[str]:
    """Names a stage's __init__ defines or imports itself (read/ imports its readers eagerly)."""
    out = set()
    for node in MODULES[stage].body:
        if isinstance(node, ast.ImportFrom):
            out.update(a.asname or a.name for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return out


def test_the_house_has_its_rooms():
    stages = [s for s in STAGES if s in MODULES]
    assert len(stages) >= 4, stages
    top = [m for m in MODULES if m and "." not in m and m not in STAGES]
    assert len(top) + 1 <= MAX_TOP_MODULES, top  # + the package's own __init__
    for s in stages:
        doc = ast.get_docstring(MODULES[s])
        assert doc and len(doc) > 80, f"{s}/__init__.py says what the stage does"
        table = _lazy_table(MODULES[s])
        # a public name that is also a module's name would be hidden by importing that module
        assert not {n for n in table if f"{s}.{n}" in MODULES}, s


def test_modules_stay_small():
    long = {}
    for path in PACKAGE.rglob("*.py"):
        n = path.read_text(encoding="utf-8").count("\n")
        if n > MAX_LINES:
            long[str(path.relative_to(ROOT))] = n
    assert long == {}


def test_only_the_cli_imports_click():
    users = [name for name, tree in MODULES.items() for node in ast.walk(tree)
             if (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "click" for a in node.names))
             or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "click" and not node.level)]
    assert all(u == "cli" or u.startswith("cli.") for u in users), users


@pytest.mark.slow
def test_a_search_imports_neither_the_reading_stage_nor_the_heavy_libraries(tmp_path):
    """A search loads the index and search stages only: no openpyxl, python-docx, PDFium or OpenCC,
    and none of the reading or indexing code (cold start)."""
    from reportsearch.indexer import build

    ix = str(tmp_path / "ix")
    build([str(ROOT / "corpus")], ix, jobs=1)
    code = ("import sys\nfrom reportsearch.cli import main\n"
            f"try:\n    main(['search', '复议', '--index', {ix!r}])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    loaded = set(res.stderr.split())
    assert "reportsearch.searcher.engine" in loaded, res.stderr[-500:]
    heavy = {"openpyxl", "docx", "pypdfium2", "opencc", "lxml", "reportsearch.read", "reportsearch.report.pipeline",
             "reportsearch.indexer.writer", "reportsearch.indexer.sync", "reportsearch.output.xlsx", "dask",
             "distributed"}
    assert heavy & loaded == set()


@pytest.mark.slow
def test_a_local_sharded_index_run_and_search_import_no_dask(tmp_path):
    """Dask is for a cluster: a sharded index built in local processes and searched here never loads it."""
    ix = str(tmp_path / "ix")
    code = ("import sys\nfrom reportsearch.cli import main\n"
            f"for args in (['index', {str(ROOT / 'corpus')!r}, '--index', {ix!r}, '--shards', '2'],"
            f" ['search', '复议', '--index', {ix!r}]):\n"
            "    try:\n        main(args)\n    except SystemExit as e:\n        assert e.code == 0, e.code\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if k != "REPORTSEARCH_CLUSTER"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr[-800:]
    loaded = set(res.stderr.strip().splitlines()[-1].split())
    assert "reportsearch.indexer.shards" in loaded and "reportsearch.searcher.engine" in loaded
    assert {m for m in loaded if m.split(".")[0] in ("dask", "distributed")} == set()
