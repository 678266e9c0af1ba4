#!/bin/bash
# Not run (session 13: device time ran out). Carry with tt.xz (a stripped static
# tritium-tune) and ti-e1.xz (a stripped static tritium-indexer) beside it.
# Session 13, call 3: the pq tuning space with the counts path's knobs, on
# seed-pq-32k and pq-b8-32k (trimmed to the device time left); then bench
# with the stored winners and with none.
cd "$(dirname "$0")"
xz -dc tt.xz > /tmp/tt && xz -dc ti-e1.xz > /tmp/ti && chmod +x /tmp/tt /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tcache
timeout 90 /tmp/tt seed-pq-32k pq-b8-32k --warmup-ms 10 --measure-ms 30 --no-progress > $OUT/call5-tune.txt 2>&1
echo "tune rc $?"; grep -iE "winner|default|best|^seed|^pq" $OUT/call5-tune.txt | tail -12
{ echo "== stored winners"; /tmp/ti bench seed-pq-32k pq-b8-32k --no-check
  echo "== planner (no store)"; TRITIUM_CACHE_DIR=/tmp/none /tmp/ti bench seed-pq-32k pq-b8-32k --no-check; } > $OUT/call5-bench.txt 2>&1
grep -E "^==|GPU|plan:" $OUT/call5-bench.txt
