#!/bin/bash
# Session 16: binaries ti-old = main (v25 kernels), ti-new = v27 (wip-v27),
# ti28 = v28 (wip-v28: v27 + the pq emit's sparse_list writes as sparse stores).
# check of ti28 (ti-new too if it fails), A/B, corpus, final table with the
# pipelines, ncu of v28's pq kernels (seed-pq-32k), then v28's sparse=0 A/B.
cd "$(dirname "$0")"
for b in ti-old ti-new ti28; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 150 /tmp/ti28 check > $OUT/c6-check.txt 2>&1; rc=$?; echo "check ti28 rc $rc at $SECONDS s"; tail -2 $OUT/c6-check.txt; grep -v " ok" $OUT/c6-check.txt | head -8
[ $rc -ne 0 ] && { timeout 150 /tmp/ti-new check > $OUT/c6-check-v27.txt 2>&1; echo "check ti-new rc $? at $SECONDS s"; tail -2 $OUT/c6-check-v27.txt; grep -v " ok" $OUT/c6-check-v27.txt | head -8; }
export TRITIUM_CACHE_DIR=/tmp/tcache
{ for c in seed-pq-32k pq-128k pq-b8-32k; do
    for b in ti-old ti-new ti28; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
  for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
    for b in ti-old ti28; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
} > $OUT/c6-ab.txt 2>&1
grep -E "^==|GPU" $OUT/c6-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
chmod +x gpu-check; timeout 60 ./gpu-check --corpus ../../tests/corpus --all --candidate-dir cnew --no-timing > $OUT/c6-corpus.txt 2>&1; echo "corpus rc $? at $SECONDS s"; grep -E "reshape_trans_cat|FAIL|ERROR|passed|PASS" $OUT/c6-corpus.txt | tail -4
timeout 90 /tmp/ti28 bench --json $OUT/c6-bench.json > $OUT/c6-bench.txt 2>&1; grep -E "GPU|\| (seed|pq|exact)" $OUT/c6-bench.txt
mkdir -p /tmp/o
[ $SECONDS -lt ${PIPE_BEFORE:-300} ] && {
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/c6-seed_pipeline.txt 2>&1; tail -4 $OUT/c6-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/c6-torch_exact.txt 2>&1; head -5 $OUT/c6-torch_exact.txt | cut -c1-200
}
echo "pipelines done at $SECONDS s"
NCU=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
[ -n "$NCU" ] && [ $SECONDS -lt ${NCU_BEFORE:-380} ] && {
  for k in emit count; do
    timeout 60 $NCU --set full -k regex:indexer_pq_$k -c 1 /tmp/ti28 bench seed-pq-32k --no-check > $OUT/c6-ncu-$k.txt 2>&1
    timeout 60 $NCU --section WarpStateStats --section SourceCounters -k regex:indexer_pq_$k -c 1 --page source --print-source sass --csv /tmp/ti28 bench seed-pq-32k --no-check > $OUT/c6-ncu-$k-sass.csv 2>&1
    echo "ncu $k rc $? at $SECONDS s"; grep -E "Duration|Warp Cycles Per Issued|Executed Ipc A" $OUT/c6-ncu-$k.txt | head -4
  done
}
left=$((${CALL_SECONDS:-480} - SECONDS))
[ $left -gt 40 ] && { for c in seed-pq-32k pq-128k pq-b8-32k; do
    echo "== $c ti28 sparse=0"; /tmp/ti28 bench $c --no-check --plan sparse=0
    echo "== $c ti28"; /tmp/ti28 bench $c --no-check; done
} > $OUT/c6-ab2.txt 2>&1
grep -E "^==|GPU" $OUT/c6-ab2.txt | grep -v "^| case"; echo "end at $SECONDS s"
