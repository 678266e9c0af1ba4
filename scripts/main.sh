#!/usr/bin/env bash
# The README's main job: install what is needed, build, compile every bundled
# kernel (the Triton IR corpus under tests/corpus) with tritiumc into
# build/kernels/, and run them where a GPU is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TRITIUM_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

out="$build/kernels"
mkdir -p "$out"
compiled=0
failed=0
for ttir in $(find "$root/tests/corpus" -name '*.ttir' | sort); do
  name=$(basename "$ttir" .ttir)
  if "$build/bin/tritiumc" "$ttir" --emit=ttir -o "$out/$name.ttir"; then
    compiled=$((compiled + 1))
  else
    echo "main: $name failed to compile" >&2
    failed=$((failed + 1))
  fi
done
echo "main: compiled $compiled kernels into $out ($failed failed)"

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  echo "main: GPU present; running kernels on it is not implemented yet (see README, 'What works today')"
else
  echo "main: no GPU here: kernels compiled, not run"
fi
[ "$failed" -eq 0 ]
