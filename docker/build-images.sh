#!/usr/bin/env bash
# Builds the calloutd images without any registry:
#   calloutd-base:<hash>|latest  Debian bookworm minbase made with debootstrap and `docker import`
#   calloutd-peer:latest         FROM the base; client/server hosts
#   calloutd-daemon:latest       FROM the base + callouts/target/calloutd.jar (runtime + built-in callouts)
# Usage: docker/build-images.sh [all|base|peer|daemon]...   (default: all; works from any cwd;
#        all skips the daemon image with a warning when the jar is missing, daemon fails instead)
# Env:   CALLOUTD_JAR (default <repo>/callouts/target/calloutd.jar)
#        CALLOUTD_DEBIAN_MIRROR (default: taken from this machine's apt sources)
#        CALLOUTD_REBUILD_BASE=1 forces a new base even if the hash tag exists
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
JAR=${CALLOUTD_JAR:-$REPO/callouts/target/calloutd.jar}
SUITE=bookworm
VARIANT=minbase
# Everything the daemon and the peers need; keep it lean (Depends only, no Recommends).
PACKAGES=(openjdk-17-jre-headless iproute2 iputils-ping iperf3 socat curl python3 python3-scapy
          tcpdump procps ca-certificates)
RECIPE_VERSION=1   # bump when the rootfs recipe below changes without a package change
# Legacy builder: `FROM` a local image never contacts a registry and needs no buildx plugin.
export DOCKER_BUILDKIT=0

T_START=$SECONDS
log() { echo "build-images: [$((SECONDS - T_START))s] $*" >&2; }
die() { echo "build-images: ERROR: $*" >&2; exit 1; }

command -v docker >/dev/null || die "docker client not found"
docker info >/dev/null 2>&1 || die "Docker engine not answering; run scripts/docker-engine.sh start"

# Serialize concurrent runs (several test runs or agents on one engine).
exec 9>/var/lock/calloutd-build-images.lock
flock -w 900 9 || die "another build-images.sh held the lock for 15 minutes"

base_hash() {
  printf '%s\n' "$SUITE" "$VARIANT" "recipe=$RECIPE_VERSION" $(printf '%s\n' "${PACKAGES[@]}" | sort) \
    | sha256sum | cut -c1-12
}

# First http(s) URI serving $SUITE main from the apt sources (deb822 first, then one-line format).
debian_mirror() {
  if [[ -n ${CALLOUTD_DEBIAN_MIRROR:-} ]]; then echo "$CALLOUTD_DEBIAN_MIRROR"; return; fi
  local f uri
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    uri=$(awk -v suite="$SUITE" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "" && !found) { split(uris, u, " "); print u[1]; found = 1 } types = suites = uris = "" }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, ""); if (key == "types") types = $0; else if (key == "suites") suites = $0; else if (key == "uris") uris = $0 }
      END { flush() }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    uri=$(awk -v suite="$SUITE" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' "$f")
    [[ -n $uri ]] && { echo "$uri"; return; }
  done
  return 1
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

build_base() {
  local tag; tag="calloutd-base:$(base_hash)"
  if [[ -z ${CALLOUTD_REBUILD_BASE:-} ]] && image_exists "$tag"; then
    docker tag "$tag" calloutd-base:latest
    log "base $tag exists; reused"
    BASE_TAG=$tag; return
  fi
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 || die "apt-get install debootstrap failed"
  }
  local mirror; mirror=$(debian_mirror) || die "no '$SUITE' source found in /etc/apt/sources.list(.d); set CALLOUTD_DEBIAN_MIRROR"
  [[ $mirror =~ ^https?:// ]] || die "apt source '$mirror' is not http(s); debootstrap cannot use it; set CALLOUTD_DEBIAN_MIRROR"
  local root; root=$(mktemp -d /var/tmp/calloutd-rootfs.XXXXXX)
  trap 'rm -rf --one-file-system "$root"' EXIT
  log "debootstrap --variant=$VARIANT $SUITE from $mirror"
  local t0=$SECONDS
  local incl; incl=$(IFS=,; echo "${PACKAGES[*]}")
  debootstrap --variant="$VARIANT" --include="$incl" "$SUITE" "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -n 30 "$root.log" >&2; die "debootstrap failed (full log: $root.log)"; }
  rm -f "$root.log"
  # Lean rootfs: package caches and docs are not needed at run time.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
         "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log
  log "debootstrap done in $((SECONDS - t0))s ($(du -sh "$root" | cut -f1))"
  t0=$SECONDS
  tar --numeric-owner -C "$root" -c . \
    | docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$tag" >/dev/null \
    || die "docker import failed"
  docker tag "$tag" calloutd-base:latest
  log "imported $tag in $((SECONDS - t0))s"
  rm -rf --one-file-system "$root"; trap - EXIT
  BASE_TAG=$tag
}

build_from_base() { # name dockerfile-dir context-dir
  local t0=$SECONDS
  local out
  out=$(docker build -q --build-arg "BASE=$BASE_TAG" -t "$1:latest" -f "$2/Dockerfile" "$3" 2>&1) \
    || { echo "$out" >&2; die "docker build $1 failed"; }
  log "$1:latest built in $((SECONDS - t0))s"
}

build_peer() { build_from_base calloutd-peer "$HERE/images/peer" "$HERE/images/peer"; }

build_daemon() {
  [[ -f $JAR ]] || die "daemon jar $JAR missing; build it: mvn -B -ntp -q -pl callouts -am package -DskipTests"
  local ctx; ctx=$(mktemp -d /var/tmp/calloutd-daemon-ctx.XXXXXX)
  cp "$HERE/images/daemon/Dockerfile" "$HERE/images/daemon/calloutd-entrypoint.sh" "$JAR" "$ctx/"
  [[ $(basename "$JAR") == calloutd.jar ]] || mv "$ctx/$(basename "$JAR")" "$ctx/calloutd.jar"
  # Same mtime every time so the layer cache depends on content only.
  touch -d @0 "$ctx/calloutd.jar" "$ctx/calloutd-entrypoint.sh"
  build_from_base calloutd-daemon "$ctx" "$ctx" || { rm -rf "$ctx"; exit 1; }
  rm -rf "$ctx"
}

build_daemon_if_jar() {
  if [[ -f $JAR ]]; then build_daemon; else log "WARNING: $JAR missing; calloutd-daemon not (re)built"; fi
}

BASE_TAG=
targets=("$@"); (( ${#targets[@]} )) || targets=(all)
build_base
for t in "${targets[@]}"; do
  case "$t" in
    base) ;;
    peer) build_peer ;;
    daemon) build_daemon ;;
    # all tolerates a missing jar: CI may build images before Maven packages the daemon.
    all) build_peer; build_daemon_if_jar ;;
    *) die "usage: $0 [all|base|peer|daemon]..." ;;
  esac
done
# Rebuilds leave the previous daemon/peer images untagged; drop them (only ours, only untagged).
docker image prune -f --filter label=io.calloutd.image >/dev/null 2>&1 || true
log "done"
