#!/bin/sh
# Configures the CMake build: clang++-22 + lld-22 and ccache when present,
# linking the shared libMLIR.so.
set -eu
BUILD_DIR=${1:-build}
BUILD_TYPE=${2:-Release}
LLVM_PREFIX=/usr/lib/llvm-22

set -- -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
  -DMLIR_DIR=$LLVM_PREFIX/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=$LLVM_PREFIX/bin/lit

if [ -x $LLVM_PREFIX/bin/clang++ ]; then
  set -- "$@" -DCMAKE_C_COMPILER=$LLVM_PREFIX/bin/clang \
    -DCMAKE_CXX_COMPILER=$LLVM_PREFIX/bin/clang++
  if [ -x $LLVM_PREFIX/bin/ld.lld ]; then set -- "$@" -DLLVM_USE_LINKER=lld; fi
fi
if command -v ccache >/dev/null 2>&1; then
  set -- "$@" -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
exec cmake "$@"
