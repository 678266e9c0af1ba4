#!/bin/bash
# Session 14, last try with little device time left: check of ti (2101585)
# and A/B against ti-old (f16378a) on the pq cases.
cd "$(dirname "$0")"
for b in ti ti-old; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 100 /tmp/ti check > $OUT/call1b-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -2 $OUT/call1b-check.txt; grep -v " ok" $OUT/call1b-check.txt | head -5
{ for c in seed-pq-32k pq-128k pq-b8-32k; do
    for b in ti-old ti; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done; } > $OUT/call1b-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call1b-ab.txt | grep -v "^| case"; echo "end at $SECONDS s"
