#!/bin/bash
# Not run (session 22: every device start was refused, then loans were paused).
# To run it: ninja -C build-static tritium-indexer; strip; xz -T2 -6 to ti48.xz in a
# carried folder (e.g. .device-carry/lead17/) beside a copy of this script.
# It answers v37 (pq count + emit in one cooperative launch), v38 (exact selects
# exchanging through global memory) and v36 (exact-gqa-32k cluster=2).
cd "$(dirname "$0")"; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
xz -dc ti48.xz > /tmp/ti; chmod +x /tmp/ti
export TRITIUM_CACHE_DIR=/tmp/tc
# 1. grid_sync correctness first (a hang shows as a timeout).
timeout 120 /tmp/ti check --only grid_sync > $OUT/c1-check-sync.txt 2>&1; echo "check-sync rc $? at $SECONDS s"; cut -c1-150 $OUT/c1-check-sync.txt
# 2. A/B rounds (first checked against the reference).
for r in 1 2; do chk=""; [ $r -gt 1 ] && chk=--no-check
for cp in seed-pq-32k:none seed-pq-32k:grid_sync=1 pq-128k:none pq-128k:grid_sync=1 exact-gqa-32k:none exact-gqa-32k:grid_sync=1 exact-gqa-32k:grid_sync=1,joint=1 exact-gqa-32k:cluster=2 exact-gqa-128k:none exact-gqa-128k:grid_sync=1 exact-gqa-128k:grid_sync=1,joint=1; do
 c=${cp%%:*}; p=${cp#*:}; a=""; [ $p != none ] && a="--plan $p"
 echo "$r $c $p $(timeout 30 /tmp/ti bench $c $chk $a 2>&1 | grep -E 'GPU|rror|launches alone|host' | sed 's/  */ /g' | tr '\n' ' ' | cut -c1-260)" | tee -a $OUT/c1-ab.txt
done; echo "round $r at $SECONDS s"; [ $SECONDS -gt 330 ] && break; done
