#!/usr/bin/env bash
# Configures and builds Tritium into build/ (or $TRITIUM_BUILD_DIR).
# Extra arguments go to CMake, e.g. -DTRITIUM_STATIC_TOOLS=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TRITIUM_BUILD_DIR:-$root/build}
cmake -G Ninja -S "$root" -B "$build" \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release} "$@"
cmake --build "$build"
