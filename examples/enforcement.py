#!/usr/bin/env python3
"""A saved query as a Python script: run a query file, then work with the hits yourself.

    python examples/enforcement.py                 # uses ./index (or $REPORTSEARCH_INDEX)
"""
import collections
import os

import reportsearch

here = os.path.dirname(os.path.abspath(__file__))
queries = reportsearch.load_queries(os.path.join(here, "enforcement.toml"))

for query, result in queries.run():
    print(f"== {query.name}: {result.total} matching blocks")
    for hit in result.hits():
        for snippet in hit.snippets:
            print(f"  {hit.region or '?'} {hit.year or '?'} [{'、'.join(hit.labels) or '其他'}] {snippet.marked()}")

# One query built in code, counted over every matching block, not only the ten shown.
counts = reportsearch.tally("执法 人员", sections=("存在问题",))
print("== 执法 人员 in 存在问题, blocks by region:")
for region, by_section in sorted(counts.regions.items(), key=lambda kv: -sum(kv[1].values())):
    print(f"  {region or '—'}: {sum(by_section.values())}")
print(collections.Counter(counts.sections))
