#!/usr/bin/env bash
# Fuzzes the Triton IR front door with libFuzzer for $1 seconds (default 300),
# seeded with the corpus. Crashing inputs land in build-fuzz/crashes/; keep
# each (after fixing the bug) under tests/fuzz/regressions/, where lit
# replays it through tritiumc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
command -v clang++-14 >/dev/null || apt-get install -y -qq clang-14 libclang-rt-14-dev
CC=clang-14 CXX=clang++-14 TRITIUM_BUILD_DIR="$root/build-fuzz" \
  "$root/scripts/build.sh" -DTRITIUM_BUILD_FUZZERS=ON -DTRITIUM_BUILD_TESTS=OFF
work="$root/build-fuzz/work"
mkdir -p "$work/corpus" "$root/build-fuzz/crashes"
find "$root/tests" -name '*.ttir' -o -name '*.mlir' | xargs -I{} cp {} "$work/corpus/"
cd "$work"
"$root/build-fuzz/bin/tritium-parse-fuzzer" corpus \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
  -artifact_prefix="$root/build-fuzz/crashes/" -print_final_stats=1 \
  -jobs=1 -workers=1 "${@:2}"
