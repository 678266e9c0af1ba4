#!/bin/bash
# Session 21 call 1: ti44 = main a724a2d + cluster_buffers (uncommitted at
# build time). 1. A/B round 1 (checked): select_cluster and cluster_buffers
# on the exact cases; 2. full check (graph replays in run(), variants);
# 3. table; 4. pipelines; 5. A/B round 2; 6. ncu if time is left.
cd "$(dirname "$0")"
xz -dc ti44.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
ab() { for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
  for p in none cluster_buffers=2 select_cluster=1 select_cluster=1,cluster_buffers=2 select_cluster=1,joint=1 select_cluster=1,joint=1,cluster_buffers=2; do
  if [ $p = cluster_buffers=2 ] && [ $c != exact-gqa-128k ]; then continue; fi
  echo "== $1 $c $p"; if [ $p = none ]; then timeout 40 /tmp/ti bench $c $2; else timeout 40 /tmp/ti bench $c $2 --plan $p; fi; done; done; }
ab 1 "" > $OUT/d1-ab1.txt 2>&1
grep -E "^==|GPU|rror" $OUT/d1-ab1.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-120; echo "ab1 at $SECONDS s"
timeout 200 /tmp/ti check > $OUT/d1-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/d1-check.txt; grep -v " ok" $OUT/d1-check.txt | head -8; grep -cE "select_cluster|cluster_buffers" $OUT/d1-check.txt
timeout 60 /tmp/ti bench --json $OUT/d1-bench.json > $OUT/d1-bench.txt 2>&1; grep -E "\| (seed|pq|exact)|host part" $OUT/d1-bench.txt; echo "bench at $SECONDS s"
mkdir -p /tmp/o
if [ $SECONDS -lt 380 ]; then
OUT=/tmp/o timeout 40 python3 seed_pipeline_pq.py > $OUT/d1-seed_pipeline.txt 2>&1; tail -4 $OUT/d1-seed_pipeline.txt | cut -c1-250; echo "seedpipe at $SECONDS s"
OUT=/tmp/o timeout 40 python3 torch_pipeline_exact.py > $OUT/d1-torch_exact.txt 2>&1; head -5 $OUT/d1-torch_exact.txt | cut -c1-250; echo "exactpipe at $SECONDS s"
fi
if [ $SECONDS -lt 400 ]; then
ab 2 --no-check > $OUT/d1-ab2.txt 2>&1
grep -E "^==|GPU|rror" $OUT/d1-ab2.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-120; echo "ab2 at $SECONDS s"
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
if [ $SECONDS -lt 450 ]; then
  timeout 45 $NCU --set full -k regex:indexer_exact_select -c 1 /tmp/ti bench exact-gqa-32k --no-check --plan select_cluster=1,joint=1 > $OUT/d1-ncu-cluster32k.txt 2>&1
  grep -E "Duration|DRAM Throughput|Cluster|Registers" $OUT/d1-ncu-cluster32k.txt | head -8
fi
echo "end $SECONDS s"
