#!/bin/bash
# Session 15, minimal call (little device time left): check of v27 (ti-new),
# A/B against main's kernels (ti-old) on every case, the corpus with v27's
# tritiumc PTX; then, time allowing, the final table and the pipelines.
cd "$(dirname "$0")"
for b in ti-old ti-new; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 120 /tmp/ti-new check > $OUT/call4-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -1 $OUT/call4-check.txt; grep -v " ok" $OUT/call4-check.txt | head -6
{ for c in seed-pq-32k pq-128k pq-b8-32k exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
    for b in ti-old ti-new; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done; } > $OUT/call4-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call4-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
chmod +x gpu-check; timeout 40 ./gpu-check --corpus ../../tests/corpus --all --candidate-dir cnew --no-timing > $OUT/call4-corpus.txt 2>&1; echo "corpus rc $? at $SECONDS s"; grep -E "reshape_trans_cat|FAIL|ERROR" $OUT/call4-corpus.txt | tail -3; tail -1 $OUT/call4-corpus.txt
[ $SECONDS -lt ${TABLE_BEFORE:-200} ] && { timeout 60 /tmp/ti-new bench --json $OUT/call4-bench.json > $OUT/call4-bench.txt 2>&1; grep -E "GPU" $OUT/call4-bench.txt; }
mkdir -p /tmp/o
[ $SECONDS -lt ${PIPE_BEFORE:-230} ] && {
OUT=/tmp/o timeout 70 python3 seed_pipeline_pq.py > $OUT/call4-seed_pipeline.txt 2>&1; tail -4 $OUT/call4-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o timeout 70 python3 torch_pipeline_exact.py > $OUT/call4-torch_exact.txt 2>&1; head -5 $OUT/call4-torch_exact.txt | cut -c1-200
}
echo "end at $SECONDS s"
