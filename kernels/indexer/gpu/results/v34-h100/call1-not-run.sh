#!/bin/bash
# Session 20 call 1: ti43 = main 115eac0 or later (select_cluster=1 and
# select_cluster=1,joint=1 as options; defaults = 0c33e77's kernels).
# 1. A/B round 1 (checked) of select_cluster on the exact cases; 2. the full
# check (graph replays in run(), direct launches, two buffer sets, the
# cluster-select variants); 3. the table (wall lat = run() + sync, a graph
# replay); 4. A/B round 2; 5. pipelines; 6. ncu if time is left.
# Not run in session 20 (every start refused, then loans paused). To run
# it: ninja -C build-static tritium-indexer; strip it; xz -6 it to ti43.xz
# in a carried folder beside this script and shared/bench's
# seed_pipeline_pq.py and torch_pipeline_exact.py. It replaces v33's
# call3-not-run.sh (the same table and check, plus the A/B).
cd "$(dirname "$0")"
xz -dc ti43.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
ab() { for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do for p in none select_cluster=1 select_cluster=1,joint=1; do
  echo "== $1 $c $p"; if [ $p = none ]; then timeout 40 /tmp/ti bench $c $2; else timeout 40 /tmp/ti bench $c $2 --plan $p; fi; done; done; }
ab 1 "" > $OUT/d1-ab1.txt 2>&1
grep -E "^==|GPU|rror" $OUT/d1-ab1.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-120; echo "ab1 at $SECONDS s"
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 230 /tmp/ti check > $OUT/d1-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/d1-check.txt; grep -v " ok" $OUT/d1-check.txt | head -8; grep -cE "select_cluster" $OUT/d1-check.txt
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 60 /tmp/ti bench --json $OUT/d1-bench.json > $OUT/d1-bench.txt 2>&1; grep -E "\| (seed|pq|exact)|host part" $OUT/d1-bench.txt; echo "bench at $SECONDS s"
if [ $SECONDS -lt 380 ]; then
ab 2 --no-check > $OUT/d1-ab2.txt 2>&1
grep -E "^==|GPU|rror" $OUT/d1-ab2.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-120; echo "ab2 at $SECONDS s"
fi
mkdir -p /tmp/o
if [ $SECONDS -lt 420 ]; then
OUT=/tmp/o timeout 40 python3 seed_pipeline_pq.py > $OUT/d1-seed_pipeline.txt 2>&1; tail -4 $OUT/d1-seed_pipeline.txt | cut -c1-250; echo "seedpipe at $SECONDS s"
OUT=/tmp/o timeout 40 python3 torch_pipeline_exact.py > $OUT/d1-torch_exact.txt 2>&1; head -5 $OUT/d1-torch_exact.txt | cut -c1-250; echo "exactpipe at $SECONDS s"
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
if [ $SECONDS -lt 470 ]; then
  timeout 45 $NCU --set full -k regex:indexer_exact_select -c 1 /tmp/ti bench exact-gqa-32k --no-check --plan select_cluster=1,joint=1 > $OUT/d1-ncu-cluster32k.txt 2>&1
  grep -E "Duration|DRAM Throughput|Cluster|Registers" $OUT/d1-ncu-cluster32k.txt | head -8
fi
echo "end $SECONDS s"
