#!/usr/bin/env bash
# Runs every test: unit tests, the privileged namespace/TUN integration tests and the Docker end-to-end suite,
# then fuzzes every Jazzer target for a bounded time (scripts/fuzz.sh).
# Needs root. A skipped test fails the run: privileged tests must really run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
if [[ $(id -u) != 0 ]]; then
  echo "test-all: run as root (the suite creates network namespaces, TUN devices and containers)" >&2
  exit 2
fi
"$here/scripts/host-setup.sh"
if [[ -x "$here/docker/build-images.sh" ]]; then
  "$here/docker/build-images.sh"
fi
mvn -B -ntp verify "$@"
"$here/scripts/check-test-reports.sh"
# Bounded coverage-guided fuzzing, one JVM per @FuzzTest target (FUZZ_SECONDS each); its reports stay out of
# the totals above. A finding fails the run.
exec "$here/scripts/fuzz.sh"
