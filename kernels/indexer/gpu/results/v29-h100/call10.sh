#!/bin/bash
# Session 16, call 10: more count programs (2 an SM under count_maxnreg=128)
# with the emit programs kept as many (emit_chunks doubled).
cd "$(dirname "$0")"
[ -x /tmp/ti29 ] || { xz -dc ti29.xz > /tmp/ti29; chmod +x /tmp/ti29; }
export TRITIUM_CACHE_DIR=/tmp/tc9
run() { c=$1; shift; echo "== $c $*"; if [ -n "$1" ]; then /tmp/ti29 bench $c --plan "$1"; else /tmp/ti29 bench $c; fi; }
{
run seed-pq-32k count_maxnreg=128,chunk=2048,emit_chunks=4; run seed-pq-32k chunk=2048,emit_chunks=4; run seed-pq-32k count_maxnreg=128; run seed-pq-32k
run pq-128k count_maxnreg=128,chunk=8192,emit_chunks=4; run pq-128k chunk=8192,emit_chunks=4; run pq-128k count_maxnreg=128; run pq-128k
run pq-b8-32k count_maxnreg=128,chunk=16384,emit_chunks=2; run pq-b8-32k chunk=16384,emit_chunks=2; run pq-b8-32k count_maxnreg=128; run pq-b8-32k
run pq-b8-32k count_maxnreg=128,prefetch=0; run pq-b8-32k count_maxnreg=112
} > /tmp/c10.txt 2>&1
grep -E "^==|GPU|launches|rror" /tmp/c10.txt | grep -v "^| case"
cp /tmp/c10.txt $OUT/c10.txt; echo "end $SECONDS s"
