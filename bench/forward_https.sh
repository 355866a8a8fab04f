#!/usr/bin/env bash
# bench/forward_https.sh - how fast a node forwards its stored events to an upstream intake-edge
# node over HTTPS (`[[forward]] type = "https"`, `endpoint = "batch"` with the events' IDs).
#
# What it measures
#   Node B (the upstream) starts once to make its TLS identity, then stops. Node A (`plain`
#   intake, one `[[forward]]` to B, trusting B's generated CA) is filled with COUNT lines of
#   LINE_BYTES bytes through POST /plain/batch while B is down. Then B starts again and the
#   backlog drains: the time until `intake-edge forward status` shows lag 0, events/s, and the
#   CPU of A and of B per 100k events forwarded (both on the same CPUs: B runs each event
#   through its own `plain` component and stores it). B's stored count must equal COUNT.
#
# Usage
#   bench/forward_https.sh                 # 500,000 x 150 B
#   COUNT=1000000 GZIP=false bench/forward_https.sh
# Environment
#   COUNT (500000), LINE_BYTES (150), GZIP (true), BATCH_EVENTS (8192), BIN
#   (target/release/intake-edge), KEEP (0: 1 keeps the temp dir).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
COUNT=${COUNT:-500000}
LINE_BYTES=${LINE_BYTES:-150}
GZIP=${GZIP:-true}
BATCH_EVENTS=${BATCH_EVENTS:-8192}
PLAIN_KEY=bench-forward-plain-key-0123456789
JSON_KEY=bench-forward-json-key-0123456789a
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
dir=$(mktemp -d /tmp/bench-forward-https.XXXXXX)
KEEP=${KEEP:-0}
B_PID=""
trap 'stop_server; if [[ -n $B_PID ]]; then SERVER_PID=$B_PID; stop_server; fi; if [[ $KEEP == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi' EXIT
noise=$'[syslog]\nenabled = false\n[relp]\nenabled = false'
# B: the same intakes and keys, nothing forwarded.
write_config "$dir/b.toml" "$PLAIN_KEY" "$JSON_KEY" "$noise"
b_port=$(free_port)
start_server "$BIN" "$dir/b.toml" "$dir/b" "$b_port" "$dir/b.log"
B_PID=$SERVER_PID
SERVER_PID=$B_PID stop_server
B_PID=""
[[ -f $dir/b/tls/ca.pem ]] || die "B made no CA at $dir/b/tls/ca.pem"
write_config "$dir/a.toml" "$PLAIN_KEY" "$JSON_KEY" "$(printf '%s\n[[forward]]\nname = "upstream"\ntype = "https"\nurl = "https://127.0.0.1:%s"\nca_file = "%s"\ngzip = %s\nbatch_events = %s\nkeys = { "bench-plain" = "%s" }' "$noise" "$b_port" "$dir/b/tls/ca.pem" "$GZIP" "$BATCH_EVENTS" "$PLAIN_KEY")"
a_port=$(free_port)
start_server "$BIN" "$dir/a.toml" "$dir/a" "$a_port" "$dir/a.log"
A_PID=$SERVER_PID
log "filling A (B down): $COUNT x $LINE_BYTES B -> intake-edge $A_PID 127.0.0.1:$a_port"
python3 "$BENCH_DIR/store_fill.py" send "$a_port" "$PLAIN_KEY" "$COUNT" "$LINE_BYTES" "$dir/ids.txt"
status() { "$BIN" forward status --config "$dir/a.toml" --data-dir "$dir/a"; }
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
[[ $(status | field lag_events) == "$COUNT" ]] || die "expected a backlog of $COUNT: $(status)"
a0=$(proc_cpu_ticks "$A_PID")
start_server "$BIN" "$dir/b.toml" "$dir/b" "$b_port" "$dir/b.log"
B_PID=$SERVER_PID
SERVER_PID=$A_PID
t0=$(date +%s.%N)
b0=$(proc_cpu_ticks "$B_PID")
log "B $B_PID on 127.0.0.1:$b_port: draining (gzip $GZIP, batch_events $BATCH_EVENTS)"
while [[ $(status | field lag_events) != 0 ]]; do sleep 0.1; done
t1=$(date +%s.%N)
a1=$(proc_cpu_ticks "$A_PID")
b1=$(proc_cpu_ticks "$B_PID")
stored=$("$BIN" intakes list --json --config "$dir/b.toml" --data-dir "$dir/b" | python3 -c "
import json, sys
print(sum(l.get('events_7d', l.get('events', 0)) for l in map(json.loads, sys.stdin) if l['name'] == 'bench-plain'))")
python3 -c "
import sys
n, t0, t1, a, b, hz = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
dt = t1 - t0
print(f'https: forwarded {n} events of ~{sys.argv[7]} B raw in {dt:.2f} s = {n / dt:,.0f} events/s; '
      f'node A cpu {a / hz:.2f} s = {a / hz / n * 1e5:.3f} s/100k; upstream B cpu {b / hz:.2f} s = {b / hz / n * 1e5:.3f} s/100k')
" "$COUNT" "$t0" "$t1" "$((a1 - a0))" "$((b1 - b0))" "$CLK_TCK" "$LINE_BYTES"
log "B stored: $stored"
[[ $stored == "$COUNT" ]] || die "B stored $stored events, A forwarded $COUNT"
