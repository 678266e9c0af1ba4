#!/bin/bash
# Session 17, call 3: v30c — staged count tiles through L1 (cp.async.ca), masked-off copies predicated
# off (a zero store) instead of source size 0. A/B count_stages, then ncu of
# the pq-b8-32k count staged (4) and not (1): memory sectors, stall sources.
cd "$(dirname "$0")"
xz -dc ti30c.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
run() { c=$1; shift; echo "== $c $*"; /tmp/ti bench $c --plan "$1"; }
{ for c in seed-pq-32k pq-128k pq-b8-32k; do
    run $c count_stages=1; run $c count_stages=4; run $c count_stages=2; run $c count_stages=3
    run $c count_stages=1; run $c count_stages=4
  done
} > $OUT/k3-ab.txt 2>&1
grep -E "^==|GPU|launch|rror|FAIL" $OUT/k3-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
for s in 4 1; do
  timeout 60 $NCU --set full -k regex:indexer_pq_count -c 1 /tmp/ti bench pq-b8-32k --no-check --plan count_stages=$s > $OUT/k3-ncu-b8-$s.txt 2>&1
  echo "ncu $s rc $? at $SECONDS s"; grep -E "Duration|Executed Ipc A|Registers Per|DRAM Throughput|excessive|L2 Hit Rate|Dynamic Shared" $OUT/k3-ncu-b8-$s.txt | head -10
done
timeout 90 $NCU --section WarpStateStats --section SourceCounters -k regex:indexer_pq_count -c 1 --page source --print-source sass --csv /tmp/ti bench pq-b8-32k --no-check --plan count_stages=4 > $OUT/k3-ncu-b8-4-sass.csv 2>&1
echo "sass rc $? at $SECONDS s"
echo "end $SECONDS s"
