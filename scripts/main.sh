#!/usr/bin/env bash
# The README's main job: install what is needed, build, compile every bundled
# kernel (the Triton IR corpus under tests/corpus) with tritiumc to PTX in
# build/kernels/, and, where a GPU is present, run each compiled kernel beside
# Triton's own PTX for it on random inputs (tritium-gpu-check).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TRITIUM_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

out="$build/kernels"
rm -rf "$out"
mkdir -p "$out"
compiled=0
not_lowered=()
while IFS= read -r ttir; do
  name=$(basename "$ttir" .ttir)
  [ "$(basename "$(dirname "$ttir")")" = "$name" ] || continue # skip duplicates under shared-triton-ir
  set +e
  # Compile with the launch configuration Triton used (NAME.json).
  config=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j.get("num_warps") or 4, j.get("num_stages") or 3)' \
    "${ttir%.ttir}.json" 2>/dev/null || echo "4 3")
  read -r warps stages <<<"$config"
  "$build/bin/tritiumc" "$ttir" --emit=ptx --arch=sm_90a --num-warps="$warps" \
    --num-stages="$stages" -o "$out/$name.ptx" 2>"$out/$name.log"
  status=$?
  set -e
  if [ $status -eq 0 ]; then
    mv "$out/$name.json" "$out/$name.meta.json"
    compiled=$((compiled + 1))
  elif [ $status -eq 1 ]; then
    not_lowered+=("$name")
    rm -f "$out/$name.ptx"
  else
    echo "main: tritiumc crashed on $name (exit $status); see $out/$name.log" >&2
    exit 1
  fi
done < <(find "$root/tests/corpus" -name '*.ttir' | sort)
echo "main: compiled $compiled kernels to PTX in $out"
if ((${#not_lowered[@]})); then
  echo "main: ${#not_lowered[@]} use ops not lowered yet: ${not_lowered[*]}"
fi

# The indexer's kernels (kernels/indexer, written with the C++ builder) for
# every benchmark case, compiled to cubins in the runtime's disk cache.
"$build/bin/tritium-indexer" precompile

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 &&
   [ -x "$build/bin/tritium-gpu-check" ]; then
  "$build/bin/tritium-gpu-check" --corpus "$root/tests/corpus" --all \
    --candidate-dir "$out"
  "$build/bin/tritium-indexer" check
else
  echo "main: no GPU (or no CUDA toolkit for tritium-gpu-check) here: kernels compiled, not run"
fi
