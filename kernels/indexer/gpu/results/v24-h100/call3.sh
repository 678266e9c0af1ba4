#!/bin/bash
# Session 13, call 1: the landed defaults (HEAD) as one build: check, the final
# table, the seed's pipelines in the same call, then A/B of the v23 plans and
# of pq-b8-32k's emit prefetch.
cd "$(dirname "$0")"
xz -dc ti-new.xz > /tmp/ti && chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tcache
/tmp/ti check > $OUT/call3-check.txt 2>&1; tail -2 $OUT/call3-check.txt
/tmp/ti bench --json $OUT/call3-bench.json > $OUT/call3-bench.txt 2>&1; grep -E "GPU|plan" $OUT/call3-bench.txt
mkdir -p /tmp/o
OUT=/tmp/o python3 seed_pipeline_pq.py > $OUT/call3-seed_pipeline.txt 2>&1; tail -4 $OUT/call3-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o python3 torch_pipeline_exact.py > $OUT/call3-torch_exact.txt 2>&1; head -5 $OUT/call3-torch_exact.txt | cut -c1-200
{
for c in seed-pq-32k pq-128k pq-b8-32k; do
  echo "== $c default"; /tmp/ti bench $c --no-check
  echo "== $c heads=1,prefetch=0 (v23)"; /tmp/ti bench $c --no-check --plan heads=1,prefetch=0
done
echo "== pq-b8-32k prefetch=1 (emit prefetching)"; /tmp/ti bench pq-b8-32k --no-check --plan prefetch=1
echo "== pq-b8-32k default again"; /tmp/ti bench pq-b8-32k --no-check
} > $OUT/call3-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call3-ab.txt
