#!/usr/bin/env bash
# Fuzzes every Jazzer @FuzzTest target for a bounded time (FUZZ_SECONDS each, default 20).
# jazzer-junit fuzzes only ONE @FuzzTest per JVM and reports the others as skipped, so each target gets its own
# surefire run (profile "fuzz" in runtime/pom.xml). Reports go to runtime/target/fuzz-reports (never counted by
# check-test-reports.sh); corpus and findings (crash-*) stay under runtime/target/fuzz; logs under
# runtime/target/fuzz-logs. Any finding, failed/skipped target, or a target that did not fuzz fails the script.
# Run after the module is built (e.g. after `mvn verify`); extra arguments go to every mvn call (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
targets=(
  io.calloutd.packet.PacketParserFuzzTest#parserNeverThrowsAndStaysInBounds
  io.calloutd.packet.IpHeaderViewsFuzzTest#ipHeaderViews
  io.calloutd.packet.TransportHeaderViewsFuzzTest#transportHeaderViews
  io.calloutd.fragment.ReassemblerFuzzTest#fuzzReassembler
  io.calloutd.fragment.FragmenterRoundTripFuzzTest#fragmentThenReassembleGivesTheSameBytes
  io.calloutd.gso.GsoFrameFuzzTest#gsoFrameNeverThrowsAndSegmentsStayInBounds
)
out=runtime/target
rm -rf "$out/fuzz" "$out/fuzz-reports" "$out/fuzz-logs"
mkdir -p "$out/fuzz" "$out/fuzz-logs"
failed=()
summary=()
start_all=$SECONDS
for target in "${targets[@]}"; do
  class="${target%%#*}"
  log="$out/fuzz-logs/${target//#/.}.log"
  echo "fuzz: $target for ${seconds}s"
  start=$SECONDS
  status=0
  mvn -B -ntp -pl runtime -am -Pfuzz test-compile surefire:test "-Dtest=$target" \
      -Dsurefire.failIfNoSpecifiedTests=false "-Djazzer.max_duration=${seconds}s" "$@" >"$log" 2>&1 || status=$?
  # libFuzzer's closing lines: "Done <runs> runs in <s> second(s)" and the last "exec/s: <n>".
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
  rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  report="$out/fuzz-reports/TEST-$class.xml"
  verdict=ok
  if ((status != 0)); then
    verdict="FAILED (mvn exit $status, see $log)"
  elif [[ -z "$runs" ]]; then
    verdict="DID NOT FUZZ (no libFuzzer summary in $log)"
  elif [[ ! -f "$report" ]] || ! python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot()
bad = sum(int(s.get(k, 0)) for k in ("failures", "errors", "skipped"))
sys.exit(1 if bad or int(s.get("tests", 0)) == 0 else 0)
PY
  then
    verdict="FAILED (report $report has failures, errors or skips)"
  fi
  summary+=("$(printf '%-80s %-22s %8s exec/s  %4ss wall  %s' "$target" "${runs:-?}" "${rate:-?}" $((SECONDS - start)) "$verdict")")
  [[ $verdict == ok ]] || failed+=("$target")
done
shopt -s nullglob
findings=("$out"/fuzz/crash-* "$out"/fuzz/Crash_* "$out"/fuzz/timeout-* "$out"/fuzz/oom-*)
echo
echo "fuzz summary (${seconds}s per target, $((SECONDS - start_all))s total):"
printf '  %s\n' "${summary[@]}"
if ((${#findings[@]})); then
  echo "findings kept under $out/fuzz:"
  printf '  %s\n' "${findings[@]}"
fi
if ((${#failed[@]} || ${#findings[@]})); then
  echo "fuzz: FAILED: ${failed[*]:-} ${#findings[@]} finding file(s)" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets fuzzed without findings"
