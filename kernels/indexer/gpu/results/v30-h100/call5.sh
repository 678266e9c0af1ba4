#!/bin/bash
# Session 17, call 5 (short: little device time left): v31 default. The
# staged loops on odd shapes against the CPU reference (emit_stages and
# count_stages forced), pq-b8-32k's bench, then the full GPU check.
cd "$(dirname "$0")"
xz -dc ti31.xz > /tmp/ti; chmod +x /tmp/ti
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/tc
edge() { sets="$1"; plan="$2"; rm -rf /tmp/x /tmp/y; /tmp/ti inputs pq-b8-32k --out /tmp/x $sets > /dev/null && echo "== $sets $plan" && /tmp/ti run pq-b8-32k --in /tmp/x --out /tmp/y $sets --plan $plan --check 2>&1 | tail -1; }
{ for shape in "--set B=5 --set H=8 --set Hkv=8 --set Sk=50001 --set heavy=300" \
               "--set B=3 --set H=6 --set Hkv=6 --set Sk=70003 --set heavy=1000" \
               "--set B=9 --set H=4 --set Hkv=4 --set Sk=33333 --set weight_layout=sparse" \
               "--set B=7 --set H=2 --set Hkv=2 --set Sk=41000 --set window=0 --set sink=0"; do
    edge "$shape" emit_stages=2; edge "$shape" emit_stages=3; edge "$shape" count_stages=4; edge "$shape" count_stages=3,emit_stages=2
  done; } > $OUT/k5-edges.txt 2>&1
grep -c "^==" $OUT/k5-edges.txt; grep -v "^==" $OUT/k5-edges.txt | sort | uniq -c | head -8; echo "edges at $SECONDS s"
/tmp/ti bench pq-b8-32k > $OUT/k5-b8.txt 2>&1; grep -E "GPU|launch" $OUT/k5-b8.txt
export TRITIUM_CACHE_DIR=/tmp/none
timeout 160 /tmp/ti check > $OUT/k5-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/k5-check.txt; grep -v " ok" $OUT/k5-check.txt | head -6
echo "end $SECONDS s"
