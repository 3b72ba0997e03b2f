#!/usr/bin/env python3
"""A saved query as a Python script: run a query file, then work with the hits yourself.

    python examples/enforcement.py                 # uses ./index (or $REPORTSEARCH_INDEX)
"""
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
print(f"== 执法 人员 in 存在问题: {counts.blocks} blocks in {counts.reports} reports, blocks by region:")
# region_blocks counts each block once; counts.regions[region] counts a block under each of its
# labels (a block about 行政执法 in 存在问题 is in both), so its values do not add up to blocks.
for region, n in sorted(counts.region_blocks.items(), key=lambda kv: (-kv[1], kv[0])):
    labels = "、".join(f"{label} {k}" for label, k in counts.regions[region].most_common())
    print(f"  {region or '—'}: {n}    ({labels})")
print("blocks per label:", dict(counts.sections.most_common()))
