#!/bin/bash
# Session 16, call 9: the pq count kernel under a register budget
# (--plan count_maxnreg=128: 2 programs of 8 warps an SM where the grid has
# them), binary ti29 (main + maxnreg). Each variant checked against the
# reference by the bench itself.
cd "$(dirname "$0")"
xz -dc ti29.xz > /tmp/ti29; chmod +x /tmp/ti29
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc9
run() { c=$1; shift; echo "== $c $*"; if [ -n "$1" ]; then /tmp/ti29 bench $c --plan "$1"; else /tmp/ti29 bench $c; fi; }
{
run seed-pq-32k; run seed-pq-32k count_maxnreg=128; run seed-pq-32k count_maxnreg=128,chunk=2048
run seed-pq-32k count_maxnreg=128,heads=1; run seed-pq-32k chunk=2048; run seed-pq-32k
run pq-128k; run pq-128k count_maxnreg=128; run pq-128k count_maxnreg=128,chunk=8192; run pq-128k chunk=8192; run pq-128k
run pq-b8-32k; run pq-b8-32k count_maxnreg=128; run pq-b8-32k count_maxnreg=128,chunk=16384
run pq-b8-32k count_maxnreg=128,chunk=16384,prefetch=0; run pq-b8-32k chunk=16384; run pq-b8-32k
} > /tmp/c9.txt 2>&1
grep -E "^==|GPU|launches|plan:|rror" /tmp/c9.txt | grep -v "^| case"
cp /tmp/c9.txt $OUT/c9.txt; echo "end $SECONDS s"
