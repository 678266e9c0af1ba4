#!/bin/bash
# Session 16, call 7: the pq tuning space on v28 (tt28 = tritium-tune of
# wip-v28 e456a9d, ti28 = tritium-indexer of it): tune the three pq cases,
# then the stored winners against the planner's defaults, both in this call.
cd "$(dirname "$0")"
for b in ti28 tt28; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
mkdir -p /tmp/r
export TRITIUM_CACHE_DIR=/tmp/defaults
{ for c in seed-pq-32k pq-128k pq-b8-32k; do echo "== $c default"; /tmp/ti28 bench $c --no-check; done; } > /tmp/r/c7-defaults.txt 2>&1
grep -E "^==|GPU|launches" /tmp/r/c7-defaults.txt
export TRITIUM_CACHE_DIR=/tmp/tcache
timeout ${TUNE_SECONDS:-330} /tmp/tt28 seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress > /tmp/r/c7-tune.txt 2>&1; echo "tune rc $? at $SECONDS s"
grep -iE "winner|best|^==" /tmp/r/c7-tune.txt | tail -12
{ for c in seed-pq-32k pq-128k pq-b8-32k; do echo "== $c stored winner"; /tmp/ti28 bench $c --no-check; done
  for c in seed-pq-32k pq-128k pq-b8-32k; do echo "== $c default again"; TRITIUM_CACHE_DIR=/tmp/defaults /tmp/ti28 bench $c --no-check; done; } > /tmp/r/c7-winners.txt 2>&1
grep -E "^==|GPU|plan:|launches" /tmp/r/c7-winners.txt
cp -r /tmp/tcache/tune /tmp/r/tune-store 2>/dev/null
tar czf $OUT/c7.tgz -C /tmp r; echo "end at $SECONDS s"
