#!/bin/bash
# Session 19 call 3 (lean: little device time left): ti39 = main (run()
# replays its two launches as one CUDA graph; count without the L2-ahead
# hint by default). 1. the table (each case checked against the reference
# first; wall lat = run() + sync, now a graph replay; the one-by-one
# launches beside it); 2. the full check (graph replays, direct launches,
# two buffer sets in turn); 3. the pipelines if time is left.
cd "$(dirname "$0")"
xz -dc ti39.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 60 /tmp/ti bench --json $OUT/c3-bench.json > $OUT/c3-bench.txt 2>&1; grep -E "\| (seed|pq|exact)|host part" $OUT/c3-bench.txt; echo "bench at $SECONDS s"
export TRITIUM_CACHE_DIR=/tmp/none
timeout 150 /tmp/ti check > $OUT/c3-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/c3-check.txt; grep -v " ok" $OUT/c3-check.txt | head -8; grep -cE "direct|buffer sets" $OUT/c3-check.txt
mkdir -p /tmp/o
if [ $SECONDS -lt 200 ]; then
OUT=/tmp/o timeout 30 python3 seed_pipeline_pq.py > $OUT/c3-seed_pipeline.txt 2>&1; tail -4 $OUT/c3-seed_pipeline.txt | cut -c1-250; echo "seedpipe at $SECONDS s"
OUT=/tmp/o timeout 30 python3 torch_pipeline_exact.py > $OUT/c3-torch_exact.txt 2>&1; head -5 $OUT/c3-torch_exact.txt | cut -c1-250; echo "exactpipe at $SECONDS s"
fi
echo "end $SECONDS s"
