#!/usr/bin/env bash
# Starts a real, unmodified Janus (Debian package `janus`, 1.1.x) in the foreground for
# Conclave's tests: only the VideoRoom plugin and the WebSocket transport, no Admin API,
# no STUN server, ICE candidates only on IFACE, no static rooms (Conclave's server
# creates every room).
#
#   start-janus.sh DIR IFACE WS_IP WS_PORT
#
# DIR      a folder for the generated configuration (created if missing)
# IFACE    the only interface ICE may use (for example lo, or ve0 in a test namespace)
# WS_IP    the address the Janus WebSocket API binds to (for example 127.0.0.1)
# WS_PORT  its port
#
# With JANUS_VIDEOROOM_ADMIN_KEY set, the VideoRoom requires that key to create rooms (as an
# operator should configure it: Conclave's server holds the key, participants do not).
#
# Used by signaling-server/tests/janus_rooms.rs and by the Playwright harness. The script
# ends by exec'ing janus, so the caller's process id is Janus' own: stop it with SIGTERM.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 DIR IFACE WS_IP WS_PORT" >&2
  exit 64
fi
dir=$1 iface=$2 ws_ip=$3 ws_port=$4

janus_bin=${JANUS_BIN:-/usr/bin/janus}
lib=${JANUS_LIB_DIR:-/usr/lib/x86_64-linux-gnu/janus}
if [ ! -x "$janus_bin" ]; then
  echo "start-janus.sh: $janus_bin not found; install the Debian package: apt-get install janus (or cargo xtask setup)" >&2
  exit 69
fi

# Comma-separated names of the .so files in folder $1, except $2.
others() {
  local folder=$1 keep=$2 names=()
  if [ -d "$folder" ]; then
    for path in "$folder"/*.so; do
      [ -e "$path" ] || continue
      local name
      name=$(basename "$path")
      [ "$name" = "$keep" ] || names+=("$name")
    done
  fi
  local IFS=,
  echo "${names[*]}"
}

mkdir -p "$dir"

cat > "$dir/janus.jcfg" <<JCFG
general: {
	configs_folder = "$dir"
	plugins_folder = "$lib/plugins"
	transports_folder = "$lib/transports"
	events_folder = "$lib/events"
	loggers_folder = "$lib/loggers"
	debug_level = 4
	debug_timestamps = true
	server_name = "conclave-test-janus"
	session_timeout = 60
}
certificates: {
}
media: {
	rtp_port_range = "20000-20999"
}
nat: {
	nice_debug = false
	ice_enforce_list = "$iface"
}
plugins: {
	disable = "$(others "$lib/plugins" libjanus_videoroom.so)"
}
transports: {
	disable = "$(others "$lib/transports" libjanus_websockets.so)"
}
loggers: {
	disable = "$(others "$lib/loggers" none)"
}
events: {
	broadcast = false
}
JCFG

cat > "$dir/janus.transport.websockets.jcfg" <<JCFG
general: {
	json = "compact"
	ws = true
	ws_port = $ws_port
	ws_ip = "$ws_ip"
	wss = false
}
admin: {
	admin_ws = false
	admin_wss = false
}
JCFG

admin_key_line=""
if [ -n "${JANUS_VIDEOROOM_ADMIN_KEY:-}" ]; then
  admin_key_line="admin_key = \"$JANUS_VIDEOROOM_ADMIN_KEY\""
fi
cat > "$dir/janus.plugin.videoroom.jcfg" <<JCFG
general: {
	$admin_key_line
}
JCFG

# -N: no log on stdout; the log goes to DIR/janus.log instead.
exec "$janus_bin" -C "$dir/janus.jcfg" -F "$dir" -o -N -L "$dir/janus.log" -E "$iface"
