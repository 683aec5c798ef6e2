#!/bin/sh
# `make run`: compile the bundled default model and run it.
#  - models/gpt2-fortunes (a small GPT-2 trained on Debian's fortunes):
#    compiled to an executable that continues a prompt;
#  - models/examples/transformer_block.mlir: one transformer block compiled
#    from tfm IR, run on seeded random inputs.
set -eu
BUILD_DIR=${1:-build}
PROMPT=${PROMPT:-"Once upon a time"}
cd "$(dirname "$0")/.."
TFC="$BUILD_DIR/bin/tfc"
OUT="$BUILD_DIR/run"
mkdir -p "$OUT"

echo "== tfm IR example: models/examples/transformer_block.mlir"
"$TFC" compile models/examples/transformer_block.mlir -o "$OUT/transformer_block"
"$OUT/transformer_block" --seed 1

if [ -f models/gpt2-fortunes/config.json ]; then
  echo
  echo "== bundled model: models/gpt2-fortunes"
  "$TFC" compile models/gpt2-fortunes -o "$OUT/gpt2-fortunes" --progress
  "$OUT/gpt2-fortunes" -p "$PROMPT" -n 48 --temp 0.8 --seed 7
fi
