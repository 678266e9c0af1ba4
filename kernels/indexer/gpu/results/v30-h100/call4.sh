#!/bin/bash
# Session 17, call 4: v31 — the pq emit's tuple-index tiles staged in
# shared memory (emit_stages=N; the copies before the loop hoisted above
# the threshold search), A/B against the default (register prefetch where
# the emit has an SM a program, none on pq-b8-32k).
cd "$(dirname "$0")"
xz -dc ti31.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
run() { c=$1; shift; echo "== $c $*"; /tmp/ti bench $c ${1:+--plan $1}; }
{ for c in pq-b8-32k pq-128k seed-pq-32k; do
    run $c; run $c emit_stages=2; run $c emit_stages=3; run $c emit_stages=4
    run $c; run $c emit_stages=3
  done
} > $OUT/k4-ab.txt 2>&1
grep -E "^==|GPU|launch|rror|FAIL" $OUT/k4-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
