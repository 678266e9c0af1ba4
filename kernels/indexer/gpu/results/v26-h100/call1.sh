#!/bin/bash
# Session 14, call 1. Binaries: ti-old = main's f16378a; ti-mid = 0f375e2
# (16-bit counts two chunks a word, order keys spread over a row group's
# count programs); ti = 2101585 (ti-mid + each head's codes in a [tile, M]
# load of their own + histogram bins cleared 16 bytes a store); tt =
# tritium-tune of ti. check; the final table with the seed's pipelines in the
# same call; A/B old / mid / new (pq), old / new (exact); then, in the time
# left, the pq tuning space (with HEADS=4), the winners and heads=4 by hand.
cd "$(dirname "$0")"
for b in ti ti-mid ti-old tt; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 120 /tmp/ti check > $OUT/call1-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -2 $OUT/call1-check.txt; grep -v " ok" $OUT/call1-check.txt | head -5
{ for round in 1; do for c in seed-pq-32k pq-128k pq-b8-32k; do
    for b in ti-old ti-mid ti; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done; done
  for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
    for b in ti-old ti; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
} > $OUT/call1-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call1-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
timeout 90 /tmp/ti bench --json $OUT/call1-bench.json > $OUT/call1-bench.txt 2>&1; grep -E "GPU|\| (seed|pq|exact)" $OUT/call1-bench.txt
mkdir -p /tmp/o
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/call1-seed_pipeline.txt 2>&1; tail -4 $OUT/call1-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/call1-torch_exact.txt 2>&1; head -5 $OUT/call1-torch_exact.txt | cut -c1-200
echo "pipelines done at $SECONDS s"
left=$((430 - SECONDS))
{ export TRITIUM_CACHE_DIR=/tmp/tcache
  [ $left -gt 60 ] && timeout $((left - 40)) /tmp/tt seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress
  echo "== stored winners"; timeout 20 /tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --no-check
  export TRITIUM_CACHE_DIR=/tmp/none
  echo "== b8 heads=4 w16"; timeout 10 /tmp/ti bench pq-b8-32k --no-check --plan heads=4,select_warps=16
  echo "== 128k heads=4 w16"; timeout 10 /tmp/ti bench pq-128k --no-check --plan heads=4,select_warps=16
} > $OUT/call1-tune.txt 2>&1
grep -iE "^==|winner|stored|GPU" $OUT/call1-tune.txt | tail -14; echo "end at $SECONDS s"
