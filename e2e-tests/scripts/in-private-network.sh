#!/usr/bin/env bash
# Runs a command inside the private network namespace that `unshare -n` (or -rn) just made:
# loopback up, plus a veth pair carrying test addresses (198.18.0.0/24, the benchmarking
# range), because WebRTC stacks gather no candidates on loopback alone. Nothing inside
# can reach any network outside this namespace.
set -euo pipefail

if ip route get 1.1.1.1 >/dev/null 2>&1; then
  echo "in-private-network.sh: a route leaves this namespace; run it under 'unshare -n'" >&2
  exit 1
fi

ip link set lo up
ip link add ve0 type veth peer name ve1
ip addr add 198.18.0.1/24 dev ve0
ip addr add 198.18.0.2/24 dev ve1
ip link set ve0 up
ip link set ve1 up

exec "$@"
