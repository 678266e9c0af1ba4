#!/bin/bash
# Session 14, call 1. Binaries: ti-old = main's f16378a; ti-mid = 0f375e2
# (16-bit counts two chunks a word, order keys spread over a row group's
# count programs); ti = ti-mid + each head's codes in a [tile, M] load of
# their own + histogram bins zeroed 16 bytes a store; tt = tritium-tune of ti.
# check; A/B old / mid / new on the pq cases, old / new on exact; the pq
# tuning space (with HEADS=4); bench with the winners; ncu of b8's count.
cd "$(dirname "$0")"
for b in ti ti-mid ti-old tt; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 200 /tmp/ti check > $OUT/call1-check.txt 2>&1; echo "check rc $?"; tail -2 $OUT/call1-check.txt; grep -v " ok" $OUT/call1-check.txt | head -5
{ for round in 1 2; do for c in seed-pq-32k pq-128k pq-b8-32k; do
    for b in ti-old ti-mid ti; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done; done
  for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
    for b in ti-old ti; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
} > $OUT/call1-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call1-ab.txt | grep -v "^| case"
export TRITIUM_CACHE_DIR=/tmp/tcache
timeout 150 /tmp/tt seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress > $OUT/call1-tune.txt 2>&1
echo "tune rc $?"; grep -iE "winner|stored|best" $OUT/call1-tune.txt | tail -8
{ echo "== stored winners"; /tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --no-check
  export TRITIUM_CACHE_DIR=/tmp/none
  echo "== seed heads=4 chunk=2048 emit_chunks=4 w16"; /tmp/ti bench seed-pq-32k --no-check --plan heads=4,chunk=2048,emit_chunks=4,select_warps=16
  echo "== 128k heads=4 w16"; /tmp/ti bench pq-128k --no-check --plan heads=4,select_warps=16
  echo "== b8 heads=4 w16"; /tmp/ti bench pq-b8-32k --no-check --plan heads=4,select_warps=16
} > $OUT/call1-more.txt 2>&1; grep -E "^==|GPU" $OUT/call1-more.txt
NCU=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
TRITIUM_CACHE_DIR=/tmp/none timeout 60 $NCU --kernel-name regex:indexer_pq --launch-skip 4 --launch-count 2 --section SpeedOfLight --section WarpStateStats --section Occupancy /tmp/ti bench pq-b8-32k --no-check > $OUT/call1-ncu-b8.txt 2>&1
grep -E "indexer_pq|Duration|DRAM Through|L2 Cache Through|Registers Per|Achieved Occ|Issued Instr" $OUT/call1-ncu-b8.txt | head -16
