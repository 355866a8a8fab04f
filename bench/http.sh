#!/usr/bin/env bash
# bench/http.sh - HTTPS intake throughput of intake-edge (release build) on 127.0.0.1.
#
# What it measures
#   One scenario = one FRESH data dir + server (empty SQLite store, self-signed TLS), one client:
#     plain/single      POST /plain, 1 event per request, `plain` intake       (wrk, HTTP/1.1)
#     plain/batch100    POST /plain/batch, 100 events per request, `plain`     (wrk)
#     plain/batch1000   POST /plain/batch, 1000 events per request, `plain`    (wrk)
#     json/batch100     POST /plain/batch, 100 JSON objects per request, `json` (wrk)
#     json/batch1000    POST /plain/batch, 1000 JSON objects per request, `json` (wrk)
#     h2-json/batch1000 the same as json/batch1000 over HTTP/2                (h2load)
#   Events are ~200-byte lines (nginx-style access logs / web+auth JSON records, varying
#   sequence numbers), generated once by bench/gen_events.py; the wrk script (bench/wrk/post.lua)
#   formats every request once per thread, so the client spends its CPU on TLS and I/O only.
#   Each scenario runs a warm-up of WARMUP s (not reported, but its events count in the store
#   cross-check) and then the measured run of DURATION s. Only the measured run is reported.
#
# How to read a result line / the summary
#   req/s, ev/s   2xx responses / measured seconds, and that x events per request.
#   db            the blocks' event counts after a graceful stop (SIGTERM) vs events
#                 acknowledged with a 2xx (warm-up + measured). db may exceed acked by the
#                 requests in flight when the client stopped (at most connections x streams per
#                 run, shown as "+N in flight"); fewer rows than acked, rows with status 1, or
#                 more than the in-flight bound is a MISMATCH.
#   non2xx        responses >= 400 (wrk counts status > 399; h2load 3xx/4xx/5xx). sockerr:
#                 connect/read/write/timeout errors (wrk) or failed streams (h2load).
#   srv cpu s     server utime+stime (/proc/PID/stat) over the measured run only;
#                 s/100k = that per 100,000 events stored (lower is better).
#   wasm%, wr%    share of srv cpu spent in the component threads (wasm-worker-*: sandboxed
#                 normalization, instance calls included) and in the store writer thread
#                 (store-writer: SQLite inserts, fsync), from /proc/PID/task/*/stat.
#   cli cpu s     client (wrk/h2load) user+sys CPU over the measured run.
#   other cpu s   the rest of the box's busy time in that window (other processes: noise).
#                 box busy = (srv + cli + other) / (nproc x seconds). Client and server share
#                 the CPUs (2 on the lab VM): ev/s is bounded by that split, not by the server.
#   rss           server peak RSS (VmHWM) read just before stopping it (whole life, warm-up too).
#   p50/p99       client latency percentiles of the measured run (wrk's histogram; h2load's
#                 --log-file per-request times).
#   [server log: N WARN/ERROR lines] counts the server's warnings, minus rustls' "Illegal SNI"
#                 one, which wrk triggers once per connection (it sends 127.0.0.1 as SNI).
#   result        OK, OK-NOISY (other processes used > 10 % of the box: rerun on a quiet box),
#                 or FAIL with the reasons.
#   The script exits 1 if any scenario had non-2xx answers, socket errors, a store mismatch,
#   or a server that did not exit 0 on SIGTERM.
#
# Usage
#   bench/http.sh                       # all scenarios, DURATION=10 s, WARMUP=2 s
#   DURATION=30 ONLY='json' bench/http.sh
# Environment
#   DURATION (10)          measured seconds per scenario (whole seconds; "10s" accepted)
#   WARMUP (2)             warm-up seconds per scenario, 0 = none
#   ONLY                   extended regex: run only the scenarios whose name matches
#   WRK_SINGLE (-t2 -c128) wrk threads/connections for plain/single
#   WRK_BATCH (-t1 -c8)    wrk threads/connections for the batch scenarios
#   H2LOAD_OPTS (-t1 -c2 -m4)  h2load threads/connections/streams per connection
#   Defaults picked on the 2-CPU lab VM (4-s sweeps, quiet box): /plain rises with concurrency
#   (the server groups commits) up to ~128 connections, then flattens; batch x1000 is flat from
#   4 to 32 requests in flight (server-bound) while latency grows with them, so 8 in flight
#   (wrk -c8; h2load 2 connections x 4 streams) for both HTTP/1.1 and HTTP/2.
#   STATUS_DETAIL (0)      1 = wrk counts every non-2xx status code (costs client CPU)
#   INTAKE_EDGE_BIN        use this binary instead of building target/release/intake-edge
#   QUIET_WAIT (30)        before each scenario wait up to this many seconds for an idle box
#                          (other processes skew everything on 2 CPUs); 0 = don't wait
#   KEEP (0)               1 = keep the temp dir (server logs, stores, client outputs)
# Needs wrk, h2load (nghttp2-client), python3; sqlite3 optional (python3's module otherwise).
# Everything listens on 127.0.0.1 only; each client run is bounded by `timeout`.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"

DURATION=$(seconds "${DURATION:-10}")
WARMUP=$(seconds "${WARMUP:-2}")
ONLY=${ONLY:-}
WRK_SINGLE=${WRK_SINGLE:--t2 -c128}
WRK_BATCH=${WRK_BATCH:--t1 -c8}
H2LOAD_OPTS=${H2LOAD_OPTS:--t1 -c2 -m4}
STATUS_DETAIL=${STATUS_DETAIL:-0}
KEEP=${KEEP:-0}
QUIET_WAIT=$(seconds "${QUIET_WAIT:-30}")
NCPU=$(nproc)

PLAIN_KEY="bench-plain-key-$RANDOM$RANDOM-0001"
JSON_KEY="bench-json-key-$RANDOM$RANDOM-0002"

#        name               client path         intake per-request distinct-bodies
SCENARIOS=(
  "plain/single      wrk    /plain       plain  1     2000"
  "plain/batch100    wrk    /plain/batch plain  100   32"
  "plain/batch1000   wrk    /plain/batch plain  1000  8"
  "json/batch100     wrk    /plain/batch json   100   32"
  "json/batch1000    wrk    /plain/batch json   1000  8"
  "h2-json/batch1000 h2load /plain/batch json   1000  1"
)

TMP=""
RESULTS=()    # one "|"-separated summary row per scenario
FAILED=0

cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]]; then
    log "stopping server $SERVER_PID"
    stop_server || true
  fi
  if [[ -n $TMP && -d $TMP ]]; then
    if [[ $KEEP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}

check_tools() {
  require_tool wrk wrk
  require_tool h2load nghttp2-client
  require_tool python3 python3
  require_tool timeout coreutils
}

build() {
  if [[ -n ${INTAKE_EDGE_BIN:-} ]]; then
    BIN=$INTAKE_EDGE_BIN
  else
    require_tool cargo "cargo (or install Rust with rustup)"
    log "cargo build --release -p intake-edge"
    (cd "$ROOT" && cargo build --release -p intake-edge --quiet) ||
      die "cargo build --release -p intake-edge failed (set INTAKE_EDGE_BIN to bench a prebuilt binary)"
    BIN=$ROOT/target/release/intake-edge
  fi
  [[ -x $BIN ]] || die "no executable at $BIN"
}

# Run a private copy, so a rebuild of target/ during the bench doesn't swap the binary; note
# what it was built from. Disable every optional listener (tables of the sample intakes.toml
# with an `enabled` key: syslog, relp, ...) that this build accepts, so only HTTPS on
# 127.0.0.1 is served; check_loopback_only catches anything missed.
prepare_binary() {
  cp "$BIN" "$TMP/intake-edge"
  BUILD_INFO="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n $(git -C "$ROOT" status --porcelain -- host components 2>/dev/null) ]]; then
    BUILD_INFO+="+uncommitted"
  fi
  BUILD_INFO+=", binary $(date -r "$BIN" -u +%FT%TZ)"
  BIN=$TMP/intake-edge
  CONFIG_EXTRA=""
  local sections="syslog relp" sec try probe=$TMP/probe.toml
  if [[ -f $ROOT/intakes.toml ]]; then
    sections+=" $(awk '/^\[[a-z_]+\][ \t]*(#.*)?$/ {sub(/\].*/, ""); sec = substr($0, 2)}
      /^enabled[ \t]*=/ && sec != "" {print sec}' "$ROOT/intakes.toml")"
  fi
  for sec in $(tr ' ' '\n' <<<"$sections" | sort -u); do
    try=$CONFIG_EXTRA$'\n'"[$sec]"$'\n''enabled = false'$'\n'
    write_config "$probe" "$PLAIN_KEY" "$JSON_KEY" "$try"
    if "$BIN" check --config "$probe" >/dev/null 2>&1; then CONFIG_EXTRA=$try; fi
  done
}

# ---- clients -------------------------------------------------------------------------------
# run_client CLIENT URL KEY CONTENT_TYPE BODY_FILE SECONDS OUT_PREFIX
# Sets: C_OK (2xx responses), C_NON2XX, C_SOCKERR, C_INFLIGHT (requests sent but not answered
# when the client stopped: an upper bound), C_SECS, C_P50, C_P99 (ms), C_CPU (client CPU s).
run_client() {
  local client=$1 url=$2 key=$3 ctype=$4 body=$5 secs=$6 out=$7
  local limit=$((secs + 30))
  local TIMEFORMAT='%3U %3S'
  case $client in
    wrk)
      local opts conns
      if [[ $url == */plain ]]; then read -r -a opts <<<"$WRK_SINGLE"
      else read -r -a opts <<<"$WRK_BATCH"; fi
      { time BODY_FILE=$body INTAKE_KEY=$key CONTENT_TYPE=$ctype STATUS_DETAIL=$STATUS_DETAIL \
          timeout "$limit" wrk "${opts[@]}" -d "${secs}s" --latency -s "$BENCH_DIR/wrk/post.lua" "$url" \
          >"$out.out" 2>"$out.err"; } 2>"$out.time" ||
        { cat "$out.err" >&2; die "wrk failed ($out.out)"; }
      local r
      r=$(grep '^WRK_RESULT ' "$out.out") || die "no WRK_RESULT in $out.out"
      local req st
      req=$(kv requests "$r"); st=$(kv errors_status "$r")
      C_NON2XX=$st
      [[ $STATUS_DETAIL == 1 ]] && C_NON2XX=$(kv non2xx_detail "$r")
      C_OK=$((req - C_NON2XX))
      C_SOCKERR=$(( $(kv errors_connect "$r") + $(kv errors_read "$r") + $(kv errors_write "$r") \
        + $(kv errors_timeout "$r") ))
      conns=$(sed -nE 's/.*-c *([0-9]+).*/\1/p' <<<"${opts[*]}"); conns=${conns:-10}
      C_INFLIGHT=$((conns + C_SOCKERR))
      C_SECS=$(awk -v d="$(kv duration_us "$r")" 'BEGIN {printf "%.3f", d / 1e6}')
      C_P50=$(awk -v v="$(kv p50_us "$r")" 'BEGIN {printf "%.1f", v / 1000}')
      C_P99=$(awk -v v="$(kv p99_us "$r")" 'BEGIN {printf "%.1f", v / 1000}')
      C_CODES=$(kv codes "$r")
      ;;
    h2load)
      local hdr=(-H "x-sekoiaio-intake-key: $key") opts
      read -r -a opts <<<"$H2LOAD_OPTS"
      [[ -n $ctype ]] && hdr+=(-H "content-type: $ctype")
      { time timeout "$limit" h2load "${opts[@]}" -D "$secs" --log-file="$out.log" "${hdr[@]}" \
          -d "$body" "$url" >"$out.out" 2>"$out.err"; } 2>"$out.time" ||
        { cat "$out.err" "$out.out" >&2; die "h2load failed ($out.out)"; }
      local line codes
      line=$(grep '^requests:' "$out.out") || die "no 'requests:' in $out.out"
      codes=$(grep '^status codes:' "$out.out")
      # requests: T total, S started, D done, OK succeeded, F failed, E errored, TO timeout
      local started ndone failed s2 s3 s4 s5
      read -r _ _ _ started _ ndone _ _ _ failed _ <<<"${line//,/}"
      read -r _ _ s2 _ s3 _ s4 _ s5 _ <<<"${codes//,/}"
      C_OK=$s2
      C_NON2XX=$((s3 + s4 + s5))
      C_SOCKERR=$failed
      C_INFLIGHT=$((started - ndone + failed))
      C_SECS=$(sed -nE 's/^finished in ([0-9.]+)s.*/\1/p' "$out.out")
      C_CODES="-"
      read -r C_P50 C_P99 < <(cut -f3 "$out.log" | sort -n | awk '
        {v[NR] = $1} END {
          if (NR == 0) {print "nan nan"; exit}
          i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
          i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
          printf "%.1f %.1f\n", v[i50] / 1000, v[i99] / 1000}')
      ;;
    *) die "unknown client $client" ;;
  esac
  C_CPU=$(awk '{printf "%.2f", $1 + $2}' "$out.time")
}

# ---- one scenario --------------------------------------------------------------------------
run_scenario() {
  local name=$1 client=$2 path=$3 intake=$4 per=$5 nbodies=$6
  local dir=$TMP/${name//\//_}
  mkdir -p "$dir"
  local key=$PLAIN_KEY ctype=""
  if [[ $intake == json ]]; then key=$JSON_KEY; ctype=application/json; fi

  python3 "$BENCH_DIR/gen_events.py" --kind "$intake" --per-body "$per" --bodies "$nbodies" \
    --out "$dir/bodies"
  write_config "$dir/intakes.toml" "$PLAIN_KEY" "$JSON_KEY" "$CONFIG_EXTRA"
  local port
  port=$(free_port)
  local url=https://127.0.0.1:$port$path
  local copts=$H2LOAD_OPTS
  if [[ $client == wrk ]]; then
    copts=$WRK_BATCH; [[ $path == /plain ]] && copts=$WRK_SINGLE
  fi
  log "$name: $client $copts, $per event(s)/request, ${WARMUP}s warm-up + ${DURATION}s -> $url"

  if ((QUIET_WAIT > 0)) && ! wait_quiet "$QUIET_WAIT"; then
    log "$name: the box is still busy after ${QUIET_WAIT}s (other processes): measuring anyway"
  fi
  start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$port" "$dir/server.log"
  local pid=$SERVER_PID
  check_loopback_only "$pid"

  local w_ok=0 w_non2xx=0 w_sockerr=0 w_inflight=0
  if ((WARMUP > 0)); then
    run_client "$client" "$url" "$key" "$ctype" "$dir/bodies" "$WARMUP" "$dir/warmup"
    w_ok=$C_OK w_non2xx=$C_NON2XX w_sockerr=$C_SOCKERR w_inflight=$C_INFLIGHT
  fi

  local cpu0 cpu1 sys0 sys1 hwm rc wasm0 wasm1 wr0 wr1
  cpu0=$(proc_cpu_ticks "$pid"); sys0=$(sys_busy_ticks)
  wasm0=$(proc_threads_ticks "$pid" wasm-worker); wr0=$(proc_threads_ticks "$pid" store-writer)
  run_client "$client" "$url" "$key" "$ctype" "$dir/bodies" "$DURATION" "$dir/run"
  cpu1=$(proc_cpu_ticks "$pid"); sys1=$(sys_busy_ticks)
  wasm1=$(proc_threads_ticks "$pid" wasm-worker); wr1=$(proc_threads_ticks "$pid" store-writer)
  hwm=$(proc_hwm_kib "$pid")
  stop_server; rc=$STOP_RC

  local db_total db_ok db_err
  read -r db_total db_ok db_err < <(db_counts "$dir/data/events.sqlite3")

  local ok=$C_OK secs=$C_SECS
  local acked=$(((w_ok + ok) * per))
  local bound=$(((w_inflight + C_INFLIGHT) * per))
  local non2xx=$((w_non2xx + C_NON2XX)) sockerr=$((w_sockerr + C_SOCKERR))
  local srv_ticks=$((cpu1 - cpu0))
  local srv_cpu cli_cpu=$C_CPU other_cpu rps eps per100k rss_mib busy_pct
  srv_cpu=$(ticks_to_s "$srv_ticks")
  other_cpu=$(awk -v s="$(ticks_to_s $((sys1 - sys0)))" -v a="$srv_cpu" -v b="$cli_cpu" \
    'BEGIN {o = s - a - b; if (o < 0) o = 0; printf "%.2f", o}')
  busy_pct=$(awk -v t=$((sys1 - sys0)) -v hz="$CLK_TCK" -v n="$NCPU" -v d="$secs" \
    'BEGIN {printf "%.0f", 100 * t / hz / (n * d)}')
  rps=$(awk -v r="$ok" -v d="$secs" 'BEGIN {printf "%.1f", r / d}')
  eps=$(awk -v r="$ok" -v n="$per" -v d="$secs" 'BEGIN {printf "%.0f", r * n / d}')
  per100k=$(awk -v c="$srv_cpu" -v r="$ok" -v n="$per" \
    'BEGIN {e = r * n; if (e > 0) printf "%.3f", c * 100000 / e; else print "nan"}')
  rss_mib=$(awk -v k="$hwm" 'BEGIN {printf "%.0f", k / 1024}')
  local wasm_pct wr_pct
  wasm_pct=$(awk -v w=$((wasm1 - wasm0)) -v t="$srv_ticks" 'BEGIN {if (t > 0) printf "%.0f", 100 * w / t; else print "nan"}')
  wr_pct=$(awk -v w=$((wr1 - wr0)) -v t="$srv_ticks" 'BEGIN {if (t > 0) printf "%.0f", 100 * w / t; else print "nan"}')

  local verdict=OK problems=()
  ((non2xx == 0)) || problems+=("$non2xx non-2xx${C_CODES:+ ($C_CODES)}")
  ((sockerr == 0)) || problems+=("$sockerr socket errors")
  ((db_err == 0)) || problems+=("$db_err events stored with status 1")
  if ((db_ok < acked)); then
    problems+=("store MISMATCH: $db_ok ok rows < $acked acked")
  elif ((db_total > acked + bound)); then
    problems+=("store MISMATCH: $db_total rows > $acked acked + $bound in-flight bound")
  fi
  [[ $rc == 0 ]] || problems+=("server exit status $rc")
  local warns
  warns=$(grep -E '"level":"(WARN|ERROR)"' "$dir/server.log" | grep -vc "Illegal SNI extension" || true)
  ((${#problems[@]} == 0)) || { verdict=FAIL; FAILED=1; }
  # other processes took > 10 % of the box during the measured run: the figures are skewed
  if [[ $verdict == OK ]] && awk -v o="$other_cpu" -v n="$NCPU" -v d="$secs" \
    'BEGIN {exit !(o > 0.1 * n * d)}'; then
    verdict=OK-NOISY
  fi

  printf '%-18s %-6s %9s req/s %9s ev/s | db %s = acked %s +%s in flight | non2xx %s sockerr %s' \
    "$name" "$client" "$rps" "$eps" "$db_total" "$acked" "$((db_total - acked))" "$non2xx" "$sockerr"
  printf ' | srv cpu %ss = %s s/100k ev (wasm %s%%, writer %s%%) | cli cpu %ss | other %ss | box busy %s%% | rss %s MiB' \
    "$srv_cpu" "$per100k" "$wasm_pct" "$wr_pct" "$cli_cpu" "$other_cpu" "$busy_pct" "$rss_mib"
  printf ' | p50 %s ms p99 %s ms | %s' "$C_P50" "$C_P99" "$verdict"
  ((${#problems[@]} == 0)) || printf ' (%s)' "$(IFS=';'; echo "${problems[*]}")"
  ((warns == 0)) || printf ' [server log: %s WARN/ERROR lines]' "$warns"
  printf '\n'

  RESULTS+=("$name|$client $copts|$rps|$eps|$db_total|$acked|$non2xx|$sockerr|$srv_cpu|$per100k|$wasm_pct|$wr_pct|$cli_cpu|$other_cpu|$rss_mib|$C_P50|$C_P99|$verdict")
}

print_summary() {
  local fmt='%-18s %-20s %8s %9s %9s %9s %6s %5s %7s %7s %5s %4s %7s %6s %5s %7s %7s %s\n'
  echo
  echo "== intake-edge HTTPS bench: ${DURATION}s measured (+${WARMUP}s warm-up, not counted), $NCPU CPUs shared by client and server, $(date -u +%FT%TZ)"
  echo "   build $BUILD_INFO"
  # shellcheck disable=SC2059
  printf "$fmt" scenario client req/s ev/s db_rows acked non2xx sockE srv_cpu s/100k wasm% wr% cli_cpu other rssMB p50_ms p99_ms result
  local row
  for row in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$row"
    # shellcheck disable=SC2059
    printf "$fmt" "${f[@]}"
  done
}

main() {
  check_tools
  build
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/intake-bench.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  prepare_binary
  log "binary $BIN ($BUILD_INFO), temp dir $TMP"
  local s ran=0
  for s in "${SCENARIOS[@]}"; do
    read -r -a a <<<"$s"
    [[ -z $ONLY || ${a[0]} =~ $ONLY ]] || continue
    run_scenario "${a[@]}"
    ran=$((ran + 1))
  done
  ((ran > 0)) || die "no scenario matches ONLY='$ONLY'"
  print_summary
  if ((FAILED)); then
    echo "RESULT: FAIL (see the scenarios marked FAIL)"
    return 1
  fi
  echo "RESULT: OK"
}

main "$@"
