#!/bin/bash
# Session 16, call 8: ncu of v28's pq-b8-32k count and seed-pq-32k emit.
cd "$(dirname "$0")"
[ -x /tmp/ti28 ] || { xz -dc ti28.xz > /tmp/ti28; chmod +x /tmp/ti28; }
export TRITIUM_CACHE_DIR=/tmp/defaults
mkdir -p /tmp/r8; NCU=$(command -v ncu || echo /usr/local/cuda/bin/ncu)
timeout 70 $NCU --set full -k regex:indexer_pq_count -c 1 /tmp/ti28 bench pq-b8-32k --no-check > /tmp/r8/c8-ncu-b8count.txt 2>&1; echo "1 rc $? $SECONDS s"
timeout 70 $NCU --section WarpStateStats --section SourceCounters -k regex:indexer_pq_count -c 1 --page source --print-source sass --csv /tmp/ti28 bench pq-b8-32k --no-check > /tmp/r8/c8-ncu-b8count-sass.csv 2>&1; echo "2 rc $? $SECONDS s"
timeout 70 $NCU --set full -k regex:indexer_pq_emit -c 1 /tmp/ti28 bench seed-pq-32k --no-check > /tmp/r8/c8-ncu-seedemit.txt 2>&1; echo "3 rc $? $SECONDS s"
timeout 70 $NCU --section WarpStateStats --section SourceCounters -k regex:indexer_pq_emit -c 1 --page source --print-source sass --csv /tmp/ti28 bench seed-pq-32k --no-check > /tmp/r8/c8-ncu-seedemit-sass.csv 2>&1; echo "4 rc $? $SECONDS s"
grep -E "Duration|Executed Ipc A|Registers Per|Achieved Occ|DRAM Through" /tmp/r8/c8-ncu-b8count.txt /tmp/r8/c8-ncu-seedemit.txt
tar czf $OUT/c8.tgz -C /tmp r8; echo "end $SECONDS s"
