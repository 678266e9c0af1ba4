#!/bin/bash
# Not run (session 21: too little device time left). ti45 = main bddf744 or later (two cluster-sum buffers the default).
# To run it: ninja -C build-static tritium-indexer; strip; xz -6 to ti45.xz
# in a carried folder beside this script.
# Then: do cheaper cluster sums make clustered merges pay on exact-gqa-32k and
# exact-gqa-b8-32k (v18: clusters of 2 within 0.5 µs of one program)?
cd "$(dirname "$0")"
xz -dc ti45.xz > /tmp/ti; chmod +x /tmp/ti
export TRITIUM_CACHE_DIR=/tmp/tc
for r in 1 2 3; do chk=""; [ $r -gt 1 ] && chk=--no-check
for cp in exact-gqa-32k:none exact-gqa-32k:cluster=2 exact-gqa-32k:cluster=4 exact-gqa-32k:cluster=2,cluster_buffers=1 exact-gqa-b8-32k:none exact-gqa-b8-32k:cluster=2; do
 c=${cp%%:*}; p=${cp#*:}; a=""; [ $p != none ] && a="--plan $p"
 echo "$r $c $p $(timeout 30 /tmp/ti bench $c $chk $a 2>&1 | grep -E 'GPU|rror|launches alone' | sed 's/  */ /g' | tr '\n' ' ' | cut -c1-150)" | tee -a $OUT/d4.txt
done; echo "round $r at $SECONDS s"; done
# The whole check with its kernels compiled on every core first (new in
# session 21, not yet run on a GPU host): its time and verdicts.
timeout 200 /tmp/ti check > $OUT/d4-check.txt 2>&1; echo "check rc $? at $SECONDS s"; head -1 $OUT/d4-check.txt; tail -1 $OUT/d4-check.txt; grep -v " ok" $OUT/d4-check.txt | head -5
