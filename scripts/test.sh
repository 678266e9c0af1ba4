#!/usr/bin/env bash
# The README's test command: install what is needed, build, run every test
# (lit + FileCheck, Catch2 unit tests) through ctest. Exits non-zero when a
# test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${TRITIUM_BUILD_DIR:-$root/build}"
ctest --output-on-failure
