#!/usr/bin/env bash
# Starts a real, unmodified coturn (Debian package `coturn`, program `turnserver`) in the
# foreground for Conclave's relay-only tests: TURN over UDP and TCP on one address, TURN REST
# credentials only (`use-auth-secret`: user name EXPIRY:NAME, password
# base64(HMAC-SHA1(secret, user name)), refused once EXPIRY has passed), no TLS, no CLI,
# no other user database than a fresh one in DIR. The same settings suit production, plus
# TLS (turns:) and the operator's real addresses; docs/ADMIN.md section 1.4 shows them.
#
#   start-coturn.sh DIR IP PORT
#
# DIR   a folder for the generated configuration and the log (created if missing)
# IP    the address coturn listens and relays on (the test namespace's 198.18.0.1)
# PORT  its TURN port (3478 is the standard one)
#
# COTURN_SECRET (required) is the shared secret; Conclave's server mints credentials with it.
#
# Peers are allowed only in 198.18.0.0/24, the test namespace's range: no relay to loopback,
# nor anywhere else. The script ends by exec'ing turnserver, so the caller's process id is
# coturn's own: stop it with SIGTERM.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 DIR IP PORT" >&2
  exit 64
fi
dir=$1 ip=$2 port=$3

turnserver_bin=${TURNSERVER_BIN:-/usr/bin/turnserver}
if [ ! -x "$turnserver_bin" ]; then
  echo "start-coturn.sh: $turnserver_bin not found; install the Debian package: apt-get install coturn (or cargo xtask setup)" >&2
  exit 69
fi
if [ -z "${COTURN_SECRET:-}" ]; then
  echo "start-coturn.sh: set COTURN_SECRET, the shared secret of the TURN REST credentials" >&2
  exit 64
fi

mkdir -p "$dir"
# A fresh user database each run: nothing from /var/lib/turn, nothing from a previous run.
rm -f "$dir/turndb"

# Written with mode 0600: it holds the secret.
umask 077
cat > "$dir/turnserver.conf" <<CONF
listening-ip=$ip
listening-port=$port
relay-ip=$ip
# Below Linux's ephemeral ports (32768 and up) and apart from Janus' 20000-20999.
min-port=30000
max-port=30999
realm=conclave.test
use-auth-secret
static-auth-secret=$COTURN_SECRET
fingerprint
no-tls
no-dtls
no-cli
no-multicast-peers
no-software-attribute
denied-peer-ip=0.0.0.0-255.255.255.255
allowed-peer-ip=198.18.0.0-198.18.0.255
userdb=$dir/turndb
pidfile=$dir/turnserver.pid
verbose
log-file=$dir/turnserver.log
simple-log
no-stdout-log
CONF

exec "$turnserver_bin" -c "$dir/turnserver.conf"
