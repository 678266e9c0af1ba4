#!/bin/bash
# Session 14, call 1: paired 16-bit counts and the order keys spread over a
# row group's count programs (ti, tt) against main's f16378a (ti-old): check,
# A/B on the pq cases; the pq tuning space (with HEADS=4) on the three pq
# cases, bench with the stored winners; ncu of pq-b8-32k's count launch.
cd "$(dirname "$0")"
for b in ti ti-old tt; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
/tmp/ti check > $OUT/call1-check.txt 2>&1; tail -2 $OUT/call1-check.txt; grep -v " ok" $OUT/call1-check.txt | head -5
{ for round in 1 2; do for c in seed-pq-32k pq-128k pq-b8-32k; do
    echo "== $c old"; /tmp/ti-old bench $c --no-check
    echo "== $c new"; /tmp/ti bench $c --no-check
  done; done
  echo "== seed heads=4 chunk=2048 emit_chunks=4 w16"; /tmp/ti bench seed-pq-32k --no-check --plan heads=4,chunk=2048,emit_chunks=4,select_warps=16
  echo "== 128k heads=4 w16"; /tmp/ti bench pq-128k --no-check --plan heads=4,select_warps=16
  echo "== b8 heads=4 w16"; /tmp/ti bench pq-b8-32k --no-check --plan heads=4,select_warps=16
} > $OUT/call1-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call1-ab.txt | grep -v "^| case"
export TRITIUM_CACHE_DIR=/tmp/tcache
timeout 200 /tmp/tt seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress > $OUT/call1-tune.txt 2>&1
echo "tune rc $?"; grep -iE "winner|stored|best" $OUT/call1-tune.txt | tail -8
/tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --no-check > $OUT/call1-winners.txt 2>&1; grep -E "GPU|plan" $OUT/call1-winners.txt
NCU=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
TRITIUM_CACHE_DIR=/tmp/none timeout 90 $NCU --kernel-name regex:indexer_pq --launch-skip 4 --launch-count 2 --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy /tmp/ti bench pq-b8-32k --no-check > $OUT/call1-ncu-b8.txt 2>&1
grep -E "indexer_pq|Duration|DRAM Through|L2 Cache Through|Hit Rate|Registers Per|Achieved Occ" $OUT/call1-ncu-b8.txt | head -20
