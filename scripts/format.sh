#!/bin/sh
# clang-format (LLVM style, .clang-format) over every C/C++ source.
#   scripts/format.sh          reformat in place
#   scripts/format.sh --check  list files that need formatting; fail if any
set -eu
cd "$(dirname "$0")/.."
CF=$(command -v clang-format-22 || echo /usr/lib/llvm-22/bin/clang-format)
if [ ! -x "$CF" ]; then
  echo "format: clang-format-22 not found (scripts/install-deps.sh installs it)"
  exit 1
fi
files=$(git ls-files --cached --others --exclude-standard \
  '*.cpp' '*.h' '*.c' | grep -v '\.inc$' || true)
[ -n "$files" ] || exit 0
if [ "${1:-}" = "--check" ]; then
  bad=""
  for f in $files; do
    [ -f "$f" ] || continue
    if ! "$CF" --dry-run --Werror "$f" >/dev/null 2>&1; then bad="$bad $f"; fi
  done
  if [ -n "$bad" ]; then
    echo "format: these files need clang-format (run 'make format'):"
    for f in $bad; do echo "  $f"; done
    exit 1
  fi
  echo "format: $(echo "$files" | wc -w) files clean"
else
  echo "$files" | xargs "$CF" -i
fi
