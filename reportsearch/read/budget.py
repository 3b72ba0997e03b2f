"""A time budget for reading one file, so that no single file holds an index run hostage.

Reading is linear in a file's size, but a scraped file may still be shaped in a way no rule
foresaw. outline() reads each file under `limit()`: past the budget, the file is given up with a
warning and the run goes on. The budget counts processor time, not the clock: a laptop that
sleeps, or a machine busy with other work, does not use it up. It is a signal timer (SIGPROF),
so it works in index worker processes too (each reads in its main thread); in any other thread
a file is read without one.

Work that is slow by nature and not a sign of a hostile file (OCR of a scanned page) runs
inside `paused()`, with the clock stopped.
"""
from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "REPORTSEARCH_FILE_TIME_LIMIT"
DEFAULT_SECONDS = 60.0  # a long report takes well under a second

_TIMER = getattr(signal, "ITIMER_PROF", None)  # processor time of the process (not on Windows)
_SIGNAL = getattr(signal, "SIGPROF", None)


class OutOfTime(BaseException):
    """A file's reading used up its budget. Not an Exception, so that a reader's `except Exception`
    cannot swallow it; it never leaves outline(), which makes it an UnreadableReport."""


_setting: list[float] = []  # per_file() values in force, innermost last
_running = False  # whether a budget's timer is armed (the signal handler's cue)


def seconds() -> float:
    """The budget for one file now in force, in seconds of processor time (0: none): the
    innermost per_file(), else $REPORTSEARCH_FILE_TIME_LIMIT, else 60."""
    if _setting:
        return _setting[-1]
    try:
        value = float(os.environ.get(ENV, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return value if value >= 0 else DEFAULT_SECONDS


@contextmanager
def per_file(limit: float) -> Iterator[None]:
    """Files read inside the block (also by worker processes started in it) get `limit` seconds
    each; 0 means no limit."""
    _setting.append(max(0.0, float(limit)))
    try:
        yield
    finally:
        _setting.pop()


def _ring(signum, frame) -> None:
    if _running:
        raise OutOfTime()


@contextmanager
def limit() -> Iterator[float]:
    """Run the block within the budget for one file; OutOfTime when it is used up. Yields the
    budget (0: none). Inside another budget, in a thread other than the main one, or while the
    process has its own profiling timer, it adds nothing."""
    global _running
    budget = seconds()
    if (not budget or _running or _TIMER is None or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(_TIMER)[0]):
        yield 0.0
        return
    previous = signal.signal(_SIGNAL, _ring)
    _running = True
    try:
        signal.setitimer(_TIMER, budget)
        yield budget
    finally:
        _running = False  # first: a signal arriving now is ignored
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, previous)


@contextmanager
def paused() -> Iterator[None]:
    """Stop the clock for the block; it goes on with what was left afterwards."""
    global _running
    if not _running or threading.current_thread() is not threading.main_thread():
        yield
        return
    _running = False
    left = signal.setitimer(_TIMER, 0)[0]
    try:
        yield
    finally:
        _running = True
        signal.setitimer(_TIMER, max(left, 1e-3))
