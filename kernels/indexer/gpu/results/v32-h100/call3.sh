#!/bin/bash
# Session 18, one call for everything (device starts are scarce):
# ti32 = main + tx.prefetch_l2 (--plan count_l2_ahead, off by default).
# 1. A/B of the count's L2 depth on the pq cases (each run checked against
#    the reference); 2. the full check (count_l2_ahead=3 on every key-major
#    pq shape included); 3. the final table: bench --json of every case,
#    the pq cases again with the best depth, and the seed's pipelines.
cd "$(dirname "$0")"
xz -dc ti32.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
{ for c in pq-b8-32k pq-128k seed-pq-32k; do for p in none count_l2_ahead=1 count_l2_ahead=2 count_l2_ahead=4; do
  echo "== $c $p"; if [ $p = none ]; then /tmp/ti bench $c; else /tmp/ti bench $c --plan $p; fi; done; done; } > $OUT/a3-ab.txt 2>&1
grep -E "^==|GPU|launch" $OUT/a3-ab.txt | grep -v "^| case"; echo "ab at $SECONDS s"
export TRITIUM_CACHE_DIR=/tmp/none
timeout 220 /tmp/ti check > $OUT/a3-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/a3-check.txt; grep -v " ok" $OUT/a3-check.txt | head -6; grep -c "count_l2_ahead" $OUT/a3-check.txt
export TRITIUM_CACHE_DIR=/tmp/tc
timeout 100 /tmp/ti bench --json $OUT/a3-bench.json > $OUT/a3-bench.txt 2>&1; grep -E "\| (seed|pq|exact)" $OUT/a3-bench.txt; echo "bench at $SECONDS s"
best=$(python3 - $OUT/a3-ab.txt <<'PY'
import re,sys,collections
t=collections.defaultdict(float); cur=None
for l in open(sys.argv[1]):
    m=re.match(r'== (\S+) (\S+)',l)
    if m: cur=m.group(2); continue
    m=re.search(r'GPU\s+([0-9.]+) us',l)
    if m and cur: t[cur]+=float(m.group(1))
print(min(t,key=t.get) if t else 'none')
PY
)
echo "best depth: $best"
[ "$best" != none ] && { timeout 60 /tmp/ti bench seed-pq-32k pq-128k pq-b8-32k --plan $best --json $OUT/a3-bench-best.json > $OUT/a3-bench-best.txt 2>&1; grep -E "\| (seed|pq)" $OUT/a3-bench-best.txt; }
echo "best at $SECONDS s"
mkdir -p /tmp/o
OUT=/tmp/o timeout 90 python3 seed_pipeline_pq.py > $OUT/a3-seed_pipeline.txt 2>&1; tail -4 $OUT/a3-seed_pipeline.txt | cut -c1-220
OUT=/tmp/o timeout 90 python3 torch_pipeline_exact.py > $OUT/a3-torch_exact.txt 2>&1; head -6 $OUT/a3-torch_exact.txt | cut -c1-220
echo "end $SECONDS s"
