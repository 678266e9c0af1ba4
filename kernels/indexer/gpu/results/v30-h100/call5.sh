#!/bin/bash
# Session 17, call 5: v31 default (the pq-b8-32k emit's tuple-index tiles
# staged 2 deep): GPU check, the bench table, the seed's pipelines.
cd "$(dirname "$0")"
xz -dc ti31.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 170 /tmp/ti check > $OUT/k5-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/k5-check.txt; grep -v " ok" $OUT/k5-check.txt | head -6
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 100 /tmp/ti bench --json $OUT/k5-bench.json > $OUT/k5-bench.txt 2>&1; echo "bench rc $? at $SECONDS s"; grep -E "GPU|\| (seed|pq|exact)" $OUT/k5-bench.txt
[ $SECONDS -lt 330 ] && {
mkdir -p /tmp/o
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/k5-seed_pipeline.txt 2>&1; tail -4 $OUT/k5-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/k5-torch_exact.txt 2>&1; head -5 $OUT/k5-torch_exact.txt | cut -c1-200
}
echo "end $SECONDS s"
