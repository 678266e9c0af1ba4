#!/bin/bash
# Session 15, call 3. Binaries: ti-old = main f16378a kernels; ti = v26 patch
# (2101585); ti-new = v27 (wip-v27: v26 + stores keep coalesced data
# layouts + loop histograms in shared memory); tt-new = tritium-tune of v27;
# cnew/ = corpus PTX of v27's tritiumc (only reshape_trans_cat changed).
cd "$(dirname "$0")"
for b in ti ti-old ti-new tt-new; do xz -dc $b.xz > /tmp/$b; chmod +x /tmp/$b; done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
export TRITIUM_CACHE_DIR=/tmp/none
timeout 150 /tmp/ti-new check > $OUT/call3-check.txt 2>&1; echo "check rc $? at $SECONDS s"; tail -2 $OUT/call3-check.txt; grep -v " ok" $OUT/call3-check.txt | head -8
{ for c in seed-pq-32k pq-128k pq-b8-32k; do
    for b in ti-old ti ti-new; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
  for c in exact-gqa-32k exact-gqa-128k exact-gqa-b8-32k; do
    for b in ti-old ti-new; do echo "== $c $b"; /tmp/$b bench $c --no-check; done
  done
} > $OUT/call3-ab.txt 2>&1
grep -E "^==|GPU" $OUT/call3-ab.txt | grep -v "^| case"; echo "ab done at $SECONDS s"
chmod +x gpu-check; timeout 60 ./gpu-check --corpus ../../tests/corpus --all --candidate-dir cnew --no-timing > $OUT/call3-corpus.txt 2>&1; echo "corpus rc $? at $SECONDS s"; grep -E "reshape_trans_cat|FAIL|ERROR|passed|PASS" $OUT/call3-corpus.txt | tail -4
timeout 90 /tmp/ti-new bench --json $OUT/call3-bench.json > $OUT/call3-bench.txt 2>&1; grep -E "GPU|\| (seed|pq|exact)" $OUT/call3-bench.txt
mkdir -p /tmp/o
[ $SECONDS -lt ${PIPE_BEFORE:-300} ] && {
OUT=/tmp/o timeout 80 python3 seed_pipeline_pq.py > $OUT/call3-seed_pipeline.txt 2>&1; tail -4 $OUT/call3-seed_pipeline.txt | cut -c1-200
OUT=/tmp/o timeout 80 python3 torch_pipeline_exact.py > $OUT/call3-torch_exact.txt 2>&1; head -5 $OUT/call3-torch_exact.txt | cut -c1-200
}
echo "pipelines done at $SECONDS s"
left=$((${CALL_SECONDS:-420} - SECONDS))
[ $left -gt 60 ] && { export TRITIUM_CACHE_DIR=/tmp/tcache
  timeout $((left - 30)) /tmp/tt-new seed-pq-32k pq-b8-32k pq-128k --warmup-ms 10 --measure-ms 30 --no-progress
  echo "== stored winners"; timeout 20 /tmp/ti-new bench seed-pq-32k pq-128k pq-b8-32k --no-check
} > $OUT/call3-tune.txt 2>&1
grep -iE "^==|winner|stored|GPU" $OUT/call3-tune.txt | tail -12; echo "end at $SECONDS s"
