#!/bin/sh
# Entrypoint of the calloutd daemon image. Runs the gateway with the mounted policy file:
#   CALLOUTD_CONFIG          policy file (default /etc/calloutd/policy.yaml; skipped when absent)
#   CALLOUTD_INSIDE / _OUTSIDE             interface names, or
#   CALLOUTD_INSIDE_PREFIX / _OUTSIDE_PREFIX  the start of an IPv4 address on them (e.g. 198.18.10.):
#                            Docker does not promise which ethN gets which network.
# Further arguments are passed to `calloutd run` (e.g. --capture-drops /var/log/calloutd/drops.pcapng).
# With a first argument that is a calloutd command (replay, demo, run, bench, --help), the jar runs it as given.
set -eu
jar=/opt/calloutd/calloutd.jar
case "${1:-}" in
  run|replay|demo|bench|--help|-h|--version|-V) exec java -XX:+UseTransparentHugePages -jar "$jar" "$@" ;;
esac
ifname_for() { ip -o -4 addr show | awk -v p="$1" 'index($4, p) == 1 { print $2; exit }'; }
inside=${CALLOUTD_INSIDE:-}
outside=${CALLOUTD_OUTSIDE:-}
[ -n "$inside" ] || [ -z "${CALLOUTD_INSIDE_PREFIX:-}" ] || inside=$(ifname_for "$CALLOUTD_INSIDE_PREFIX")
[ -n "$outside" ] || [ -z "${CALLOUTD_OUTSIDE_PREFIX:-}" ] || outside=$(ifname_for "$CALLOUTD_OUTSIDE_PREFIX")
if [ -z "$inside" ] || [ -z "$outside" ]; then
  echo "calloutd: set CALLOUTD_INSIDE/CALLOUTD_OUTSIDE or CALLOUTD_INSIDE_PREFIX/CALLOUTD_OUTSIDE_PREFIX" >&2
  ip -o -4 addr show >&2
  exit 64
fi
config=${CALLOUTD_CONFIG:-/etc/calloutd/policy.yaml}
set -- --gateway --inside "$inside" --outside "$outside" "$@"
if [ -f "$config" ]; then
  set -- "$@" --config "$config"
else
  echo "calloutd: no policy file at $config; running without one (default PERMIT)" >&2
fi
echo "calloutd: inside=$inside outside=$outside config=$config"
# exec: java becomes PID 1 so `docker stop` delivers SIGTERM to the daemon itself.
exec java -XX:+UseTransparentHugePages -jar "$jar" run "$@"
