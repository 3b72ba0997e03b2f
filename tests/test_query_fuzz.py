"""Arbitrary text thrown at the query language: results or one BadQuery, never anything else."""
from __future__ import annotations

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportsearch.errors import BadQuery
from reportsearch.indexing import build
from reportsearch.search import search

PIECES = st.sampled_from(['"', "“", "”", "(", ")", "（", "）", "OR", "NOT", "AND", "-", "section:", "region:",
                          "year:", "year:2021-2019", "year:>=2021", "：", "，", " ", "复议", "执法人员", "\x00",
                          "\t", "x:y", "section:problems", "存在问题"])
QUERIES = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=12).map("".join),
                    st.lists(PIECES, max_size=12).map(" ".join))


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("fz") / "index")
    build([str(CORPUS / "linfen-2021.txt"), str(CORPUS / "ruian-2019.txt")], d, jobs=1)
    return d


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
def test_any_query_gives_results_or_one_bad_query_error(ix, q):
    try:
        res = search(q, index_dir=ix, limit=3)
    except BadQuery as e:
        msg = str(e)
        assert msg and "\n" not in msg
    else:
        assert res.total >= 0


def test_very_long_query(ix):
    try:
        search("复议 " * 2000, index_dir=ix, limit=3)
    except BadQuery as e:
        assert "\n" not in str(e)
