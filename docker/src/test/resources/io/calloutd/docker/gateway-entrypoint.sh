#!/bin/sh
# Entrypoint of the firewall container in the end-to-end lab. Docker does not promise which ethN
# gets which network, so find the interfaces by their subnet before starting the daemon.
set -eu
ifname_for() { ip -o -4 addr show | awk -v p="$1" 'index($4, p) == 1 { print $2; exit }'; }
inside=$(ifname_for "$CALLOUTD_INSIDE_PREFIX")
outside=$(ifname_for "$CALLOUTD_OUTSIDE_PREFIX")
if [ -z "$inside" ] || [ -z "$outside" ]; then
  echo "calloutd-lab: cannot find interfaces for $CALLOUTD_INSIDE_PREFIX / $CALLOUTD_OUTSIDE_PREFIX" >&2
  ip -o -4 addr show >&2
  exit 64
fi
echo "calloutd-lab: inside=$inside outside=$outside"
# exec: java becomes PID 1 so `docker stop` delivers SIGTERM to the daemon itself.
# With CALLOUTD_CONFIG the policy file is applied at start and re-read on SIGHUP.
exec java -jar /opt/calloutd/calloutd.jar run --gateway --inside "$inside" --outside "$outside" \
  --stats-file "$CALLOUTD_STATS_FILE" ${CALLOUTD_CONFIG:+--config "$CALLOUTD_CONFIG"}
