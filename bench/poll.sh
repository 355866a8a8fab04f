#!/usr/bin/env bash
# bench/poll.sh - how many events per second a polling intake stores from a fast source.
#
# What it measures
#   bench/fast_okta.py serves COUNT Okta System Log events in pages of PAGE (pre-rendered, over
#   HTTPS with a CA made here, SSWS token checked). A node polls it with builtin:okta-poller
#   (every 1 s, max_events_per_page = PAGE, no page budget in the way) into an intake of
#   FORMAT (`okta`: the real normalization; `json`: keeps the object, to see the polling path's
#   own cost). From the node's "Ready." to COUNT events stored: events/s, and the node's CPU
#   per 100k events. Every page is a component call (the poller parses the page and hands each
#   event back as text), a commit with its cursor, then the next request.
#
# Usage
#   bench/poll.sh                       # 100,000 events, pages of 1,000, format okta
#   FORMAT=json COUNT=200000 bench/poll.sh
# Environment
#   COUNT (100000), PAGE (1000), FORMAT (okta), BIN (target/release/intake-edge), KEEP (0)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
ROOT=$(dirname "$BENCH_DIR")
BIN=${BIN:-$ROOT/target/release/intake-edge}
COUNT=${COUNT:-100000}
PAGE=${PAGE:-1000}
FORMAT=${FORMAT:-okta}
TOKEN=bench-okta-token-0123456789
[[ -x $BIN ]] || die "no release binary at $BIN (cargo build --release)"
dir=$(mktemp -d /tmp/bench-poll.XXXXXX)
KEEP=${KEEP:-0}
FAKE_PID=""
trap 'stop_server; [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null; if [[ $KEEP == 1 ]]; then log "kept $dir"; else rm -rf "$dir"; fi' EXIT
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >ext
openssl x509 -req -in req.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cert.pem -days 2 -extfile ext 2>/dev/null
fake_port=$(free_port)
log "generating $COUNT Okta events in pages of $PAGE"
python3 "$BENCH_DIR/fast_okta.py" "$fake_port" cert.pem key.pem "$TOKEN" "$COUNT" "$PAGE" >fake.out &
FAKE_PID=$!
for ((i = 0; i < 1200; i++)); do grep -q READY fake.out 2>/dev/null && break; sleep 0.1; done
grep -q READY fake.out || die "the fake did not start"
cat >intakes.toml <<TOML
[syslog]
enabled = false
[relp]
enabled = false

[[intake]]
name = "okta-bench"
format = "$FORMAT"
entity = "bench"
key = "bench-poll-intake-key-0123456789"
[intake.poll]
component = "builtin:okta-poller"
url = "https://127.0.0.1:$fake_port"
secret = "okta"
ca_file = "$dir/ca.pem"
every = "1s"
start_at = "24h"
delay = "0s"
max_events_per_page = $PAGE
max_pages = 100000
requests_per_second = 1000
TOML
export INTAKE_EDGE_SECRET_OKTA="{ type = \"token\", scheme = \"SSWS\", token = \"$TOKEN\" }"
count() {
  python3 -c "
import sqlite3, sys
try:
    c = sqlite3.connect('file:$dir/data/events.sqlite3?mode=ro', uri=True, timeout=1)
    print(c.execute(\"SELECT coalesce(sum(events), 0) FROM blocks WHERE intake = 'okta-bench'\").fetchone()[0])
except Exception:
    print(0)"
}
start_server "$BIN" intakes.toml "$dir/data" "$(free_port)" "$dir/node.log"
t0=$(date +%s.%N)
c0=$(proc_cpu_ticks "$SERVER_PID")
f0=$(proc_cpu_ticks "$FAKE_PID")
# No progress for 60 s: the node failed (its log says why).
last=0
seen=$(date +%s)
while (($(count) < COUNT)); do
  n=$(count)
  if ((n != last)); then last=$n; seen=$(date +%s); fi
  (($(date +%s) - seen < 60)) || { tail -n 3 "$dir/node.log" >&2; die "no event stored for 60 s ($n of $COUNT)"; }
  sleep 0.05
done
t1=$(date +%s.%N)
c1=$(proc_cpu_ticks "$SERVER_PID")
f1=$(proc_cpu_ticks "$FAKE_PID")
stored=$(count)
python3 -c "
import sys
n, t0, t1, c, f, hz = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
dt = t1 - t0
print(f'poll ({sys.argv[7]}, pages of {sys.argv[8]}): stored {n} events in {dt:.2f} s = {n / dt:,.0f} events/s; '
      f'node cpu {c / hz:.2f} s = {c / hz / n * 1e5:.3f} s/100k ({c / hz / n * 1e6:.1f} us/event); fake cpu {f / hz:.2f} s')
" "$COUNT" "$t0" "$t1" "$((c1 - c0))" "$((f1 - f0))" "$CLK_TCK" "$FORMAT" "$PAGE"
[[ $stored == "$COUNT" ]] || die "stored $stored, expected $COUNT"
