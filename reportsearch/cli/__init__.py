"""The command line: click commands that parse their options, call one library function each and hand
the result to output/render.py. The only stage that imports click.

    app.py        the group, one-line errors and exit codes, consoles, the options commands share
    reading.py    outline, index, show, stats
    searching.py  search, run
    facts.py      indicators, compare, recurring
"""
from . import facts, reading, searching  # noqa: F401 (each registers its commands on main)
from .app import Exit, main

__all__ = ["Exit", "main"]
