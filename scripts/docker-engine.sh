#!/usr/bin/env bash
# Start/stop/status of a local Docker engine (Debian's docker.io) without a registry.
# Why: CI machines have only the Docker client; the end-to-end suite needs an engine.
# Usage: scripts/docker-engine.sh start|stop|status
set -euo pipefail

SOCK=/var/run/docker.sock
PIDFILE=/var/run/calloutd-dockerd.pid
LOG=/var/log/calloutd-dockerd.log
START_TIMEOUT=${DOCKER_START_TIMEOUT:-60}
APT_WAIT_TIMEOUT=${DOCKER_APT_WAIT_TIMEOUT:-600}

log() { echo "docker-engine: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

engine_up() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }

apt_busy() {
  # Another session may be installing packages right now; wait instead of fighting for the lock.
  pgrep -x apt-get >/dev/null 2>&1 || pgrep -x apt >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1
}

ensure_installed() {
  if command -v dockerd >/dev/null 2>&1 && dpkg -s docker.io 2>/dev/null | grep -q '^Status: install ok installed'; then
    return 0
  fi
  local waited=0
  while apt_busy; do
    if dpkg -s docker.io 2>/dev/null | grep -q '^Status: install ok installed'; then return 0; fi
    (( waited >= APT_WAIT_TIMEOUT )) && die "apt/dpkg still busy after ${APT_WAIT_TIMEOUT}s; cannot install docker.io"
    (( waited % 15 == 0 )) && log "apt/dpkg busy, waiting for it (${waited}s)"
    sleep 3; waited=$((waited + 3))
  done
  if ! dpkg -s docker.io 2>/dev/null | grep -q '^Status: install ok installed'; then
    log "installing docker.io"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >&2; } \
      || die "apt-get install docker.io failed"
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"
}

start() {
  if engine_up; then log "engine already answering on $SOCK"; return 0; fi
  ensure_installed
  if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    log "dockerd pid $(cat "$PIDFILE") exists but does not answer yet; waiting for it"
  else
    log "starting dockerd (log: $LOG)"
    # setsid: the engine must outlive the caller's process group (a build or test job).
    setsid dockerd --host "unix://$SOCK" </dev/null >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
  fi
  local pid t0=$SECONDS
  pid=$(cat "$PIDFILE")
  until engine_up; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$LOG" >&2 || true; die "dockerd (pid $pid) exited; see $LOG"; }
    (( SECONDS - t0 >= START_TIMEOUT )) && { tail -n 20 "$LOG" >&2 || true; die "docker info did not answer within ${START_TIMEOUT}s; see $LOG"; }
    sleep 0.5
  done
  log "engine up (pid $pid) after $((SECONDS - t0))s"
}

stop() {
  if [[ ! -f $PIDFILE ]]; then
    engine_up && log "engine answers but was not started by this script; leaving it alone" || log "not running"
    return 0
  fi
  local pid; pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping dockerd pid $pid"
    kill -TERM "$pid"
    local t0=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS - t0 >= 30 )); then log "dockerd did not exit after 30s; sending KILL"; kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.5
    done
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  if engine_up; then
    echo "running (server $(docker -H "unix://$SOCK" version --format '{{.Server.Version}}' 2>/dev/null || echo '?')$([[ -f $PIDFILE ]] && echo ", pid $(cat "$PIDFILE")"))"
  else
    echo "stopped"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
