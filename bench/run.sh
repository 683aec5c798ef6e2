#!/bin/sh
# `make bench`: tfc against ONNX Runtime and PyTorch on GPT-2 124M.
#
#   bench/run.sh [BUILD_DIR]          (BUILD_DIR/bin/tfc must be built)
#
# Installs what the peers need when it is missing, then runs bench/bench.py
# (see docs/performance.md):
#   - onnxruntime-node from npm, into $BENCH_CACHE/npm, with
#     ONNXRUNTIME_NODE_INSTALL=skip (its install script would fetch GPU
#     binaries and fail; the CPU library ships in the package);
#   - libopenblas0-pthread with apt-get, for PyTorch. Installing it would make
#     it the system-wide libblas.so.3 (highest priority); the previous
#     alternative is put back, and only the PyTorch process uses it, through
#     LD_LIBRARY_PATH.
# A failed install is reported and that engine is skipped; the others run.
#
# Environment:
#   REPS=5          repetitions (interleaved); REPS=1 for a quick check
#   THREADS="1 2"   thread counts
#   ENGINES="tfc onnxruntime pytorch"
#   SEED=2          seed of the random checkpoint (scripts/gen_hf_model.py)
#   BENCH_WORK      work folder (default BUILD_DIR/bench: model, ONNX graph,
#                   executable, logs/, report.txt, results.json)
#   BENCH_CACHE     install folder (default .cache/bench)
#   ORT_VERSION     onnxruntime-node version (default 1.30.0)
set -u
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.." || exit 1
REPS=${REPS:-5}
THREADS=${THREADS:-"1 2"}
ENGINES=${ENGINES:-"tfc onnxruntime pytorch"}
SEED=${SEED:-2}
BENCH_WORK=${BENCH_WORK:-$BUILD_DIR/bench}
BENCH_CACHE=${BENCH_CACHE:-.cache/bench}
ORT_VERSION=${ORT_VERSION:-1.30.0}
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
PY=/usr/bin/python3

if [ ! -x "$BUILD_DIR/bin/tfc" ]; then
  echo "bench: $BUILD_DIR/bin/tfc not found (run 'make bench')"
  exit 1
fi
LOGS=$BENCH_WORK/logs
mkdir -p "$LOGS" "$BENCH_CACHE"
rm -f "$LOGS"/*  # this run's logs only

wants() {
  case " $ENGINES " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

# -- onnxruntime-node --------------------------------------------------------
NPM_DIR=$BENCH_CACHE/npm
if wants onnxruntime; then
  installed=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' \
    "$NPM_DIR/node_modules/onnxruntime-node/package.json" 2>/dev/null)
  if [ "$installed" != "$ORT_VERSION" ]; then
    echo "bench: installing onnxruntime-node@$ORT_VERSION into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1
    then
      echo "bench: node/npm not found; onnxruntime will be skipped"
    elif ! (cd "$NPM_DIR" &&
      ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix . --no-audit \
        --no-fund --loglevel=error "onnxruntime-node@$ORT_VERSION") \
      >"$LOGS/npm-install.log" 2>&1; then
      echo "bench: npm install failed (log $LOGS/npm-install.log):"
      tail -n 5 "$LOGS/npm-install.log" | sed 's/^/    | /'
    fi
  fi
fi

# -- OpenBLAS (pthread) for PyTorch -------------------------------------------
blas_alt() {
  update-alternatives --query "$1" 2>/dev/null | sed -n 's/^Value: //p'
}
if wants pytorch && [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  echo "bench: installing libopenblas0-pthread (apt-get)"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  arch=$(dpkg --print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
  blas_before=$(blas_alt "libblas.so.3-$arch")
  lapack_before=$(blas_alt "liblapack.so.3-$arch")
  {
    $SUDO apt-get install -y -q --no-install-recommends libopenblas0-pthread ||
      { $SUDO apt-get update -q &&
        $SUDO apt-get install -y -q --no-install-recommends \
          libopenblas0-pthread; }
  } >"$LOGS/apt-openblas.log" 2>&1 ||
    {
      echo "bench: apt-get failed (log $LOGS/apt-openblas.log):"
      tail -n 5 "$LOGS/apt-openblas.log" | sed 's/^/    | /'
    }
  # Put the system-wide BLAS back as it was.
  for pair in "libblas.so.3-$arch $blas_before" \
    "liblapack.so.3-$arch $lapack_before"; do
    # shellcheck disable=SC2086 # split "name value"
    set -- $pair
    if [ $# -eq 2 ] && [ "$(blas_alt "$1")" != "$2" ]; then
      echo "bench: restoring the $1 alternative to $2"
      $SUDO update-alternatives --set "$1" "$2" >/dev/null
    fi
  done
fi

# -- the benchmark ------------------------------------------------------------
exec "$PY" bench/bench.py --build-dir "$BUILD_DIR" --work "$BENCH_WORK" \
  --npm-dir "$NPM_DIR/node_modules" --openblas-dir "$OPENBLAS_DIR" \
  --reps "$REPS" --threads "$THREADS" --engines "$ENGINES" --seed "$SEED"
