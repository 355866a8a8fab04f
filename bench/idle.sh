#!/usr/bin/env bash
# What idle connections cost: N connections (default 10,000; half HTTPS with one request
# answered and kept alive, half syslog/TLS with one message sent), all idle at once, against the
# release build with its defaults but for the idle timeouts (raised to 600 s so that the HTTPS
# ones stay open while they are counted). Prints the server's resident memory idle and with the
# connections open, the cost per connection, and the time a new client takes to get an answer.
#
#   bench/idle.sh [N]          env: BIN (default target/release/intake-edge),
#                              ONLY=https|syslog (all connections to one listener)
#
# Needs python3; raises its own and the server's open-file limit (ulimit -n).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

count=${1:-10000}
BIN=${BIN:-target/release/intake-edge}
[[ -x $BIN ]] || die "no $BIN: cargo build --release -p intake-edge"
ulimit -n $((count + 4096)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
trap 'stop_server; rm -rf "$work"' EXIT
key="bench-idle-plain-key-0000000001"
write_config "$work/intakes.toml" "$key" "bench-idle-json-key-00000000002" \
  "[limits]
idle_timeout_secs = 600
first_byte_timeout_secs = 600
max_connections = $((count + 100))

[syslog]
idle_timeout_secs = 600"
https=$(free_port); syslog=$(free_port)
start_server "$BIN" "$work/intakes.toml" "$work/data" "$https" "$work/server.log" \
  --syslog "127.0.0.1:$syslog"
sleep 1
log "server $SERVER_PID ready; opening $count connections"
python3 bench/idle_conns.py --pid "$SERVER_PID" --https "$https" --syslog "$syslog" \
  --ca "$work/data/tls/ca.pem" --key "$key" --count "$count" ${ONLY:+--only "$ONLY"} ${SILENT:+--silent}
