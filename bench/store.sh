#!/usr/bin/env bash
# bench/store.sh - what the store costs on disk, and how fast it reads back.
#
# What it measures
#   A fresh release server (HTTPS only, `plain` intake, store defaults) receives COUNT lines of
#   LINE_BYTES bytes through POST /plain/batch (1000 per request, bench/store_fill.py, two
#   keep-alive connections). After a graceful stop (SIGTERM), the store's files are measured:
#   bytes per event and against the raw bytes sent. Then, with the server stopped, READ_RUNS
#   timed runs each of `intake-edge events get RANDOM_ID` and `events list --intake bench-plain
#   --limit 100` (the whole CLI process: start, open, read, print): p50 and p99; and one read of
#   the whole store in ID order from the start (`events list --after 0`): events/s.
#   The syslog size (1M x 200 B over TLS, against raw) is printed by bench/syslog.sh.
#
# Usage
#   bench/store.sh                         # 1,000,000 x 11 B
#   COUNT=10000000 bench/store.sh          # the 10M-event store of the read latencies
# Environment
#   COUNT (1000000), LINE_BYTES (11), READ_RUNS (100), BIN (target/release/intake-edge),
#   KEEP (0: 1 keeps the temp dir with its store)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
COUNT=${COUNT:-1000000}
LINE_BYTES=${LINE_BYTES:-11}
READ_RUNS=${READ_RUNS:-100}
PLAIN_KEY=bench-store-plain-key-0123456789
JSON_KEY=bench-store-json-key-0123456789ab
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
dir=$(mktemp -d /tmp/bench-store.XXXXXX)
KEEP=${KEEP:-0}
trap 'stop_server; if [[ $KEEP == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi' EXIT
# HTTPS only: the default syslog port may be taken on this box.
write_config "$dir/intakes.toml" "$PLAIN_KEY" "$JSON_KEY" "$(printf '[syslog]\nenabled = false')"
port=$(free_port)
start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$port" "$dir/server.log"
log "filling: $COUNT x $LINE_BYTES B -> intake-edge $SERVER_PID 127.0.0.1:$port"
python3 "$BENCH_DIR/store_fill.py" send "$port" "$PLAIN_KEY" "$COUNT" "$LINE_BYTES" "$dir/ids.txt"
stop_server
read -r total ok err < <(db_counts "$dir/data/events.sqlite3")
store_bytes=$(cat "$dir/data/events.sqlite3"* | wc -c)
python3 -c "
import sys
s, n, z = map(int, sys.argv[1:])
print(f'stored {n} events of {z} B: store {s} B on disk = {s / max(n, 1):.1f} B/event = {s / max(n * z, 1):.2f} x raw')
" "$store_bytes" "$total" "$LINE_BYTES"
((total == COUNT && err == 0)) || die "stored $total ($ok ok, $err errors), sent $COUNT"
python3 "$BENCH_DIR/store_fill.py" time "$BIN" "$dir/intakes.toml" "$dir/data" "$dir/ids.txt" "$READ_RUNS"
