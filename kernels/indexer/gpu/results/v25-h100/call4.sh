#!/bin/bash
# Session 13, call 2: the emit's counts before its chunk in one reduction and
# the count's tile positions shared (ti-e1) against main's 09c372d (ti-new):
# check, the final table, A/B in the same call; exact-gqa-b8-32k's merge warps.
cd "$(dirname "$0")"
xz -dc ti-new.xz > /tmp/ti-old && xz -dc ti-e1.xz > /tmp/ti && chmod +x /tmp/ti /tmp/ti-old
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tcache
/tmp/ti check > $OUT/call4-check.txt 2>&1; tail -2 $OUT/call4-check.txt; grep -v " ok" $OUT/call4-check.txt | head -5
/tmp/ti bench --json $OUT/call4-bench.json > $OUT/call4-bench.txt 2>&1; grep -E "GPU" $OUT/call4-bench.txt
{
for round in 1; do
  for c in seed-pq-32k pq-128k pq-b8-32k; do
    echo "== $c old (09c372d)"; /tmp/ti-old bench $c --no-check
    echo "== $c new"; /tmp/ti bench $c --no-check
  done
done
for w in 4 16; do echo "== exact-gqa-b8-32k merge_warps=$w"; /tmp/ti bench exact-gqa-b8-32k --no-check --plan merge_warps=$w; done
echo "== exact-gqa-b8-32k default"; /tmp/ti bench exact-gqa-b8-32k --no-check
} > $OUT/call4-ab.txt 2>&1
grep -E "^==|GPU|plan:|launches" $OUT/call4-ab.txt | grep -v "^| case"
