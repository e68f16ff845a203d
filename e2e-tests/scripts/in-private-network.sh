#!/usr/bin/env bash
# Runs a command inside the private network namespace that `unshare -n` (or -rn) just made:
# loopback up, plus a veth pair carrying test addresses (198.18.0.0/24, the benchmarking
# range), because WebRTC stacks gather no candidates on loopback alone. Nothing inside
# can reach any network outside this namespace.
#
# Firefox gathers no ICE candidates at all without a default route, so the namespace gets
# one: via ve1's address, the other end of the veth pair, which is inside this namespace
# too. Packets for any other address go to that peer and die there: nothing leaves.
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
ip route add default via 198.18.0.2 dev ve0

exec "$@"
