#!/usr/bin/env bash
# Fails when any JUnit report records a skipped test, or when no test ran at all, and prints the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob globstar
reports=(**/target/surefire-reports/TEST-*.xml **/target/failsafe-reports/TEST-*.xml)
if ((${#reports[@]} == 0)); then
  echo "check-test-reports: no test reports found" >&2
  exit 1
fi
python3 - "${reports[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
tests = failures = errors = skipped = 0
skipped_cases = []
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for s in suites:
        tests += int(s.get("tests", 0)); failures += int(s.get("failures", 0))
        errors += int(s.get("errors", 0)); skipped += int(s.get("skipped", 0))
        for c in s.iter("testcase"):
            if c.find("skipped") is not None:
                skipped_cases.append(f'{c.get("classname")}.{c.get("name")}')
passed = tests - failures - errors - skipped
print(f"test reports: {len(sys.argv) - 1} suites, {tests} tests")
for c in skipped_cases:
    print(f"SKIPPED (not allowed): {c}")
print(f"{passed} passed, {failures + errors} failed, {skipped} skipped")
sys.exit(1 if (failures or errors or skipped or tests == 0) else 0)
PY
