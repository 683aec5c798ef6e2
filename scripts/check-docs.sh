#!/bin/sh
# The dialect and pass reference in docs/reference/ is generated from ODS;
# fail if the committed copy differs from what the build generates.
#   scripts/check-docs.sh [build]          check
#   scripts/check-docs.sh [build] --update refresh docs/reference/
set -eu
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
cmake --build "$BUILD_DIR" --target tfc-docs >/dev/null
status=0
for f in TfmDialect TfmPasses ConversionPasses CodegenPasses; do
  gen="$BUILD_DIR/docs/$f.md"
  doc="docs/reference/$f.md"
  if [ "${2:-}" = "--update" ]; then
    mkdir -p docs/reference
    cp "$gen" "$doc"
  elif ! cmp -s "$gen" "$doc"; then
    echo "docs: $doc is stale; run 'make docs'"
    status=1
  fi
done
[ $status -eq 0 ] && [ "${2:-}" != "--update" ] && echo "docs: reference up to date"
exit $status
