#!/usr/bin/env bash
# Fails when any JUnit report records a skipped test, or when no test ran at all, and prints the totals.
# Fuzz runs (scripts/fuzz.sh) write to runtime/target/fuzz-reports, outside the globs below, so the main totals
# never include them: jazzer-junit reports the @FuzzTests it does not fuzz in a run as skipped. If fuzz reports
# exist they are checked on their own (no failures or errors) and summed separately.
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
fuzz_reports=(**/target/fuzz-reports/TEST-*.xml)
if ((${#fuzz_reports[@]})); then
  python3 - "${fuzz_reports[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
bad = []
tests = 0
for path in sys.argv[1:]:
    s = ET.parse(path).getroot()
    tests += int(s.get("tests", 0))
    if int(s.get("failures", 0)) or int(s.get("errors", 0)):
        bad.append(s.get("name"))
print(f"fuzz reports (not in the totals above): {len(sys.argv) - 1} targets, {tests} runs, "
      f"{len(bad)} with findings{': ' + ', '.join(bad) if bad else ''}")
sys.exit(1 if bad else 0)
PY
fi
