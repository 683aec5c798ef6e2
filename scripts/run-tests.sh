#!/bin/sh
# Runs every test suite (lit: IR, driver, runtime, end-to-end; GoogleTest
# through lit), the format check and the docs freshness check, then prints
# one summary. Exits non-zero if anything failed.
set -u
BUILD_DIR=${1:-build}
LIT=/usr/lib/llvm-22/bin/lit
cd "$(dirname "$0")/.."

status=0
summary=""
step() {
  name=$1; shift
  start=$(date +%s)
  if "$@"; then result=PASS; else result=FAIL; status=1; fi
  summary="$summary
  $result  $name ($(( $(date +%s) - start )) s)"
}

step "lit + unit tests" "$LIT" -sv --xunit-xml-output "$BUILD_DIR/test-results.xml" \
  "$BUILD_DIR/test"
step "clang-format" scripts/format.sh --check
step "generated docs up to date" scripts/check-docs.sh "$BUILD_DIR"

echo
echo "== tfc test summary ==$summary"
if [ -f "$BUILD_DIR/test-results.xml" ]; then
  /usr/bin/python3 - "$BUILD_DIR/test-results.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
tests = sum(int(s.get("tests", 0)) for s in suites)
fails = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skips = sum(int(s.get("skipped", 0)) for s in suites)
print(f"  lit: {tests} tests, {fails} failed, {skips} skipped")
PY
fi
[ $status -eq 0 ] && echo "ALL PASSED" || echo "FAILURES (see above)"
exit $status
