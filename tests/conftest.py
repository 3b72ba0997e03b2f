"""Shared fixtures: the sample corpus, ../shared when present, and an index in a temp dir."""
from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SAMPLES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Tests never touch ./index or the user's home (nor its OCR cache): both point into the temp dir."""
    monkeypatch.setenv("REPORTSEARCH_INDEX", str(tmp_path / "env-index"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("XDG_CACHE_HOME", "REPORTSEARCH_OCR_CACHE", "REPORTSEARCH_OCR_MAX_PAGES"):  # OCR's cache: in HOME
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sample_text():
    def read(name: str) -> str:
        return (CORPUS / name).read_text(encoding="utf-8")
    return read


def shared_or_skip(*parts: str) -> pathlib.Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (only in the project's workplace)")
    return path
