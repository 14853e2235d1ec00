#!/usr/bin/env bash
# Installs what the daemon, the demo and the test suite need on a Debian machine (idempotent), and starts a
# Docker engine when one is not answering. Run as root.
set -euo pipefail
packages=(openjdk-17-jdk-headless maven iproute2 iputils-ping procps libpcap0.8 tshark tcpdump iperf3 socat
          python3-scapy docker.io debootstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "host-setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer once, non-interactively.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
modprobe tun 2>/dev/null || true
[[ -c /dev/net/tun ]] || { echo "host-setup: /dev/net/tun is missing" >&2; exit 1; }
here="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -x "$here/scripts/docker-engine.sh" ]]; then
  "$here/scripts/docker-engine.sh" start
fi
