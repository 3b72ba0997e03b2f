"""Public names that load on first use.

The top package and the stage packages name their public functions in a table and import each
from its module only when it is first asked for: `reportsearch search` then imports neither the
reading nor the indexing stage, nor openpyxl or PDFium (tests/test_architecture.py holds this)."""
from __future__ import annotations

import importlib
import sys
from typing import Callable


def exports(package: str, table: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """__getattr__ and __dir__ for `package`. `table` maps a public name to the module that defines it
    ("sync"), or to a module and another name ("sync:build")."""

    def __getattr__(name: str):
        where = table.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = where.partition(":")
        value = getattr(importlib.import_module(f".{module}", package), attr or name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__
