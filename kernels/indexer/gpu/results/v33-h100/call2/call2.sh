#!/bin/bash
# Session 19 call 2: ti37 = main (count_l2_fetch=128 the pq default; bench
# prints the host part of a call and the graph's wall latency).
# 1. A/B around the new default (first round checked); 2. the full check;
# 3. the table and the pipelines; 4. nsys of seed-pq-32k's graph replays
# (each kernel's duration and the gap between them); 5. ncu of the b8 count.
cd "$(dirname "$0")"
xz -dc ti37.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
{ for r in 1 2; do for c in seed-pq-32k pq-128k pq-b8-32k; do for p in none count_l2_fetch=0 count_l2_fetch=64 count_l2_ahead=0 count_l2_ahead=2; do
  nc=""; [ $r -gt 1 ] && nc="--no-check"
  echo "== $r $c $p"; if [ $p = none ]; then /tmp/ti bench $c $nc; else /tmp/ti bench $c $nc --plan $p; fi; done; done; done; } > $OUT/c2-ab.txt 2>&1
grep -E "^==|GPU" $OUT/c2-ab.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-110; echo "ab at $SECONDS s"
export TRITIUM_CACHE_DIR=/tmp/none
timeout 250 /tmp/ti check > $OUT/c2-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/c2-check.txt; grep -v " ok" $OUT/c2-check.txt | head -8
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 100 /tmp/ti bench --json $OUT/c2-bench.json > $OUT/c2-bench.txt 2>&1; grep -E "\| (seed|pq|exact)|host part" $OUT/c2-bench.txt; echo "bench at $SECONDS s"
mkdir -p /tmp/o
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/c2-seed_pipeline.txt 2>&1; tail -4 $OUT/c2-seed_pipeline.txt | cut -c1-200; echo "seedpipe at $SECONDS s"
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/c2-torch_exact.txt 2>&1; head -5 $OUT/c2-torch_exact.txt | cut -c1-200; echo "exactpipe at $SECONDS s"
NSYS=$(command -v nsys || ls /usr/local/cuda/bin/nsys /opt/nvidia/nsight-systems*/bin/nsys /usr/local/cuda/nsight-systems*/bin/nsys 2>/dev/null | head -1)
echo "nsys: $NSYS"
if [ -n "$NSYS" ] && [ $SECONDS -lt 450 ]; then
  cd /tmp && timeout 60 $NSYS profile -o /tmp/seedrep --force-overwrite true --cuda-graph-trace=node /tmp/ti bench seed-pq-32k pq-b8-32k --no-check > /dev/null 2>&1
  timeout 40 $NSYS stats --report cuda_gpu_trace --format csv /tmp/seedrep.nsys-rep 2>/dev/null | grep -E "indexer_pq" | tail -400 > $OUT/c2-nsys-trace.csv
  wc -l $OUT/c2-nsys-trace.csv; cd - > /dev/null
fi
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
if [ $SECONDS -lt 500 ]; then
  timeout 50 $NCU --set full -k regex:indexer_pq_count -c 1 /tmp/ti bench pq-b8-32k --no-check > $OUT/c2-ncu-b8count.txt 2>&1
  grep -E "Duration|DRAM Throughput|L2 Hit Rate|Memory Throughput" $OUT/c2-ncu-b8count.txt | head -5
fi
echo "end $SECONDS s"
