#!/usr/bin/env bash
# Installs what Tritium needs to build and test, from Debian packages only.
# Idempotent: packages already present are not fetched again, so the README's
# commands can call it every time.
set -euo pipefail

packages=(
  cmake ninja-build g++ python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # LLVM's CMake config refers to these libraries.
  libzstd-dev zlib1g-dev libxml2-dev libedit-dev libcurl4-openssl-dev
  nlohmann-json3-dev catch2
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The CUDA toolkit (ptxas, nvJitLink, libdevice) is expected under /usr/local/cuda;
# without it, tests that assemble PTX skip with a message.
[ -x /usr/local/cuda/bin/ptxas ] || echo "install-deps: note: /usr/local/cuda/bin/ptxas not found; PTX assembly tests will skip"
