#!/bin/bash
# Session 14, call 1: the pq tuning space (with HEADS=4 configs) on the three
# pq cases, then bench with the stored winners against the planner's plans,
# heads=4 by hand, and ncu of pq-b8-32k's and seed-pq-32k's count launches.
cd "$(dirname "$0")"
xz -dc tt.xz > /tmp/tt && xz -dc ti-e1.xz > /tmp/ti && chmod +x /tmp/tt /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tcache
timeout 240 /tmp/tt seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress > $OUT/call1-tune.txt 2>&1
echo "tune rc $?"; grep -iE "winner|stored|best" $OUT/call1-tune.txt | tail -12
{ echo "== stored winners"; /tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --no-check
  echo "== planner (no store)"; TRITIUM_CACHE_DIR=/tmp/none /tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --no-check
  export TRITIUM_CACHE_DIR=/tmp/none
  echo "== seed heads=4 chunk=2048 emit_chunks=4 w16"; /tmp/ti bench seed-pq-32k --no-check --plan heads=4,chunk=2048,emit_chunks=4,select_warps=16
  echo "== 128k heads=4 w16"; /tmp/ti bench pq-128k --no-check --plan heads=4,select_warps=16
  echo "== b8 heads=4 w16"; /tmp/ti bench pq-b8-32k --no-check --plan heads=4,select_warps=16
} > $OUT/call1-bench.txt 2>&1
grep -E "^==|GPU|plan:|^\| (seed|pq)" $OUT/call1-bench.txt
NCU=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1); echo "ncu: $NCU"
for c in pq-b8-32k seed-pq-32k; do
  TRITIUM_CACHE_DIR=/tmp/none timeout 100 $NCU --kernel-name indexer_pq_count --launch-skip 3 --launch-count 1 --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy /tmp/ti bench $c --no-check > $OUT/call1-ncu-$c.txt 2>&1
  grep -E "Duration|DRAM Through|L2 Cache Through|Memory Through|Hit Rate|Registers|Achieved Occ|Warp Cycles Per Issued" $OUT/call1-ncu-$c.txt | head -12
done
