#!/bin/bash
# Session 19 call 1: ti36 = main (3aa81b4's default kernels, byte-identical
# IR, + --plan emit_bins=N and count_l2_fetch=B). 1. A/B of the emit's
# binned threshold and the count's L2 fill size on the pq cases (first round
# checked against the reference);
# 2. the full check (main's own binary; emit_bins=12 and =1 on every pq
# shape); 3. the table and the pipelines; 4. ncu of the binned seed emit.
cd "$(dirname "$0")"
xz -dc ti36.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
{ for r in 1 2; do for c in seed-pq-32k pq-128k pq-b8-32k; do for p in none emit_bins=12 count_l2_fetch=128 count_l2_fetch=256 emit_bins=12,count_l2_fetch=256; do
  nc=""; [ $r -gt 1 ] && nc="--no-check"
  echo "== $r $c $p"; if [ $p = none ]; then /tmp/ti bench $c $nc; else /tmp/ti bench $c $nc --plan $p; fi; done; done; done; } > $OUT/b1-ab.txt 2>&1
grep -E "^==|GPU|launches" $OUT/b1-ab.txt | grep -v "^| case" | sed 's/  */ /g' | cut -c1-150; echo "ab at $SECONDS s"
export TRITIUM_CACHE_DIR=/tmp/none
timeout 260 /tmp/ti check > $OUT/b1-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/b1-check.txt; grep -v " ok" $OUT/b1-check.txt | head -8; grep -c "emit_bins\|count_l2_fetch" $OUT/b1-check.txt
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 100 /tmp/ti bench --json $OUT/b1-bench.json > $OUT/b1-bench.txt 2>&1; grep -E "\| (seed|pq|exact)" $OUT/b1-bench.txt; echo "bench at $SECONDS s"
mkdir -p /tmp/o
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/b1-seed_pipeline.txt 2>&1; tail -4 $OUT/b1-seed_pipeline.txt | cut -c1-220; echo "seedpipe at $SECONDS s"
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/b1-torch_exact.txt 2>&1; head -6 $OUT/b1-torch_exact.txt | cut -c1-220; echo "exactpipe at $SECONDS s"
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
if [ $SECONDS -lt 480 ]; then
  timeout 50 $NCU --section WarpStateStats --section SourceCounters --section SpeedOfLight -k regex:indexer_pq_emit -c 1 --page source --print-source sass --csv /tmp/ti bench seed-pq-32k --no-check --plan emit_bins=12 > $OUT/b1-ncu-seedemit-bins-sass.csv 2>&1
  timeout 40 $NCU --section SpeedOfLight --section LaunchStats --section Occupancy -k regex:indexer_pq_emit -c 1 /tmp/ti bench seed-pq-32k --no-check --plan emit_bins=12 > $OUT/b1-ncu-seedemit-bins.txt 2>&1
  grep -E "Duration|Registers Per" $OUT/b1-ncu-seedemit-bins.txt | head -3
fi
echo "end $SECONDS s"
