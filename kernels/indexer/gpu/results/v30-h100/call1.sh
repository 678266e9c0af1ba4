#!/bin/bash
# Session 17, call 1: v30 — the pq count loop's code tiles staged in shared
# memory (tt.num_stages, tritium-stage-loads). Binary ti30 (default
# count_stages=4); count_stages=1 is the old register prefetch (main).
cd "$(dirname "$0")"
xz -dc ti30.xz > /tmp/ti30; chmod +x /tmp/ti30
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 200 /tmp/ti30 check > $OUT/k1-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -2 $OUT/k1-check.txt; grep -v " ok" $OUT/k1-check.txt | head -8
export TRITIUM_CACHE_DIR=/tmp/tc
run() { c=$1; shift; echo "== $c $*"; /tmp/ti30 bench $c --plan "$1"; }
{ for c in seed-pq-32k pq-128k pq-b8-32k; do
    run $c count_stages=1; run $c count_stages=4; run $c count_stages=2; run $c count_stages=3
    run $c count_stages=5; run $c count_stages=6; run $c count_stages=1; run $c count_stages=4
  done
} > $OUT/k1-ab.txt 2>&1
grep -E "^==|GPU|launch|rror|FAIL" $OUT/k1-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
[ -n "$NCU" ] && [ $SECONDS -lt ${NCU_BEFORE:-420} ] && {
  timeout 60 $NCU --set full -k regex:indexer_pq_count -c 1 /tmp/ti30 bench seed-pq-32k --no-check > $OUT/k1-ncu-count.txt 2>&1
  echo "ncu rc $? at $SECONDS s"; grep -E "Duration|Warp Cycles Per Issued|Executed Ipc A|Registers Per|DRAM Throughput|Shared Memory Config|Dynamic Shared" $OUT/k1-ncu-count.txt | head -10
}
echo "end $SECONDS s"
