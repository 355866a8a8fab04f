#!/usr/bin/env bash
# bench/syslog.sh - syslog-over-TLS throughput of intake-edge (release build) vs rsyslog, on 127.0.0.1.
#
# What it measures
#   loggen (syslog-ng's load generator, scripts/loggen) sends N RFC 5424 messages of SIZE bytes
#   (default 1,000,000 x 200) carrying [SEKOIA@53288 intake_key="KEY"], over TLS (`loggen -U`),
#   on ONE connection at full speed (-r 100000000), to:
#     ours     intake-edge serve --syslog: the key routes every message to a `builtin:plain`
#              intake; events are committed to the SQLite store (WAL, synchronous=FULL).
#              rustls negotiates TLS 1.3 and sends no session tickets (loggen never reads).
#     rsyslog  a private rsyslogd: imtcp + TLS (gtls driver, authMode anon -> TLS 1.2
#              ECDHE-RSA-AES256-GCM, like the lab's imtcp-gtls anchor; RSYSLOG_DRIVER=ossl
#              for OpenSSL capped at TLS 1.2) -> omfile, one write() per batch, NO fsync.
#   Both get the same certificate (a test CA made with openssl in the temp dir) and, in the same
#   script run, the same loggen command; per framing: octet-counted (-P, RFC 5425/6587) and LF
#   (-P -F). Each run uses a fresh server (empty store / output file). Before its first run,
#   each server gets one `openssl s_client` connection (no messages, outside the measurement)
#   to show the TLS version and cipher that OpenSSL's defaults (loggen's) negotiate.
#   Arrivals are counted on the server side (loggen's own rate line is quantised to 0.5 s and
#   counts what it wrote, not what arrived): ours = SUM(events) of intake_daily (updated in the
#   same transaction as the rows), rsyslog = lines in its output file, polled every 20 ms.
#
# How to read a result line / the summary
#   msg/s       N / seconds from loggen start until the server holds N (rsyslog: its file has N
#               lines). Includes the TLS handshake and the store's last commit.
#   srv cpu     server utime+stime (/proc/PID/stat, all threads) over that same window;
#               s/100k = per 100,000 messages (lower is better). rss = peak RSS (VmHWM), MiB.
#   loggen cpu  loggen's user+sys CPU (it shares the 2 CPUs with the server; `ran` = its wall time).
#   other       the rest of the box's busy CPU in the window (other processes: noise; the 20-ms
#               poller's own CPU is left out). box busy = all busy CPU / (nproc x window).
#   stored      ours: the blocks' event counts after a graceful stop (SIGTERM); rsyslog:
#               lines in its file after SIGTERM.
#   result      OK; OK-NOISY (other > 10 % of the box: such a run is repeated up to RETRY_NOISY
#               times and the least noisy attempt is kept: the detail lines show every attempt,
#               the summary table the kept one; still NOISY = rerun on a quiet box); FAIL with reasons:
#               lost messages (stored < N), more stored than sent, the wait hit TIMEOUT or stalled
#               STALL s, rows with status 1, or a server that did not exit 0 on SIGTERM.
#   ratio       ours/rsyslog msg/s per framing (> 1 = we are faster), and the s/100k ratio
#               (< 1 = we use less CPU per message).
#   Note: ours commits durably (fsync per commit); rsyslog only write()s to the page cache.
#   With PROFILE=1 a last, shorter run (PROFILE_N, octet-counted) is sampled with
#   `perf record -g -p <server>`: CPU share by thread (`perf report --sort comm`) and the top 25
#   symbols by self time. The summary's exit status ignores the profile run's figures.
#   The script exits 1 if any run FAILed.
#
# Usage
#   bench/syslog.sh                        # N=1000000, octet + lf, ours + rsyslog
#   N=200000 FRAMINGS=octet PROFILE=1 bench/syslog.sh
# Environment
#   N (1000000), SIZE (200)  messages per run and loggen -s (bytes of the RFC 5424 message)
#   FRAMINGS ("octet lf")    octet = loggen -U -P; lf = loggen -U -P -F
#   SERVERS ("ours rsyslog") which servers to run
#   RSYSLOG_DRIVER (gtls)    rsyslog imtcp TLS driver: gtls (TLS 1.2) or ossl (capped at TLS 1.2)
#   TIMEOUT (300)            max seconds per run from loggen start (also loggen -I)
#   STALL (30)               give up a run when the count has not moved for this many seconds
#   RETRY_NOISY (2)          repeat an OK-NOISY run up to this many times (keep the least noisy)
#   PROFILE (0)              1 = add the perf profile run; PROFILE_N (300000) messages
#   INTAKE_EDGE_BIN          bench this binary instead of building target/release/intake-edge
#   QUIET_WAIT (30)          before each run wait up to this many seconds for an idle box; 0 = no
#   KEEP (0)                 1 = keep the temp dir (configs, logs, stores, rsyslog outputs)
# Needs rsyslogd (+ rsyslog-gnutls/-openssl), scripts/loggen (scripts/install-deps.sh), openssl,
# python3, ss; perf (linux-perf) for PROFILE=1. Everything listens on 127.0.0.1 only; rsyslogd
# runs in the foreground with private config, pid file and work dir; only PIDs started here are
# ever signalled.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"
# shellcheck source-path=SCRIPTDIR source=stream_lib.sh
. "$BENCH_DIR/stream_lib.sh"

FRAMINGS=${FRAMINGS:-octet lf}
SERVERS=${SERVERS:-ours rsyslog}
RSYSLOG_DRIVER=${RSYSLOG_DRIVER:-gtls}
PROFILE=${PROFILE:-0}
PROFILE_N=${PROFILE_N:-300000}
DUPS_FAIL=1
declare -A TLS_SEEN=()   # server -> "protocol cipher" of a probe connection (first run only)

loggen_args() {   # loggen_args FRAMING PORT
  LG_ARGS=(-U -P)
  [[ $1 == lf ]] && LG_ARGS+=(-F)
  LG_ARGS+=(-p "$SDATA" -r 100000000 -I "$TIMEOUT" -n "$N" -s "$SIZE" 127.0.0.1 "$2")
}

run_case() {
  local framing=$1 server=$2
  local sc="syslog-$framing" dir=$TMP/$server-$framing
  mkdir -p "$dir"
  if ((QUIET_WAIT > 0)) && ! wait_quiet "$QUIET_WAIT"; then
    log "$sc/$server: the box is still busy after ${QUIET_WAIT}s (other processes): measuring anyway"
  fi
  local final rc notes=()
  M_RELAY_PID="" M_LIMIT=$TIMEOUT
  if [[ $server == ours ]]; then
    start_ours "$dir"
    M_SRV_PID=$SERVER_PID M_COUNT=(--db "$dir/data/events.sqlite3")
    [[ -n ${TLS_SEEN[ours]:-} ]] || TLS_SEEN[ours]=$(tls_probe "$SYSLOG_PORT")
    loggen_args "$framing" "$SYSLOG_PORT"
    log "$sc/ours: loggen ${LG_ARGS[*]:0:3}... N=$N -> intake-edge $SERVER_PID 127.0.0.1:$SYSLOG_PORT"
    measure_run "$dir" "${LG_ARGS[@]}"
    stop_server; rc=$STOP_RC
    local total err warns totals
    read -r total _ err < <(db_counts "$dir/data/events.sqlite3")
    final=$total
    # Disk: the store's files after the graceful stop, against the bytes loggen sent.
    local store_bytes
    store_bytes=$(cat "$dir/data/events.sqlite3"* 2>/dev/null | wc -c)
    notes+=("$(python3 -c "import sys; s,n,z=map(int,sys.argv[1:]); print(f'disk: store {s} B = {s/max(n,1):.1f} B/event = {s/max(n*z,1):.3f} x raw ({n} x {z} B)')" "$store_bytes" "$total" "$SIZE")")
    ((err == 0)) || { rc="$rc, $err rows with status 1"; }
    IFS='|' read -r warns totals < <(our_log_notes "$dir/server.log")
    ((warns == 0)) || notes+=("server log: $warns WARN/ERROR lines")
    [[ -z $totals ]] || notes+=("$totals")
    [[ $KEEP == 1 ]] || rm -rf "$dir/data"
  else
    local port extra=""
    port=$(free_port)
    [[ $RSYSLOG_DRIVER == ossl ]] && extra='gnutlsPriorityString="MaxProtocol=TLSv1.2"'
    mkdir -p "$dir/work"
    render "$BENCH_DIR/rsyslog/imtcp_tls.conf.in" "$dir/rsyslog.conf" WORK="$dir/work" PKI="$PKI" \
      PORT="$port" DRIVER="$RSYSLOG_DRIVER" DRIVER_EXTRA="$extra" QSIZE="$QSIZE" OUTFILE="$dir/out.log"
    start_rsyslog "$dir/rsyslog.conf" "$dir/rsyslogd.out" "$port"
    M_SRV_PID=$RS_PID M_COUNT=(--file "$dir/out.log")
    [[ -n ${TLS_SEEN[rsyslog]:-} ]] || TLS_SEEN[rsyslog]=$(tls_probe "$port")
    loggen_args "$framing" "$port"
    log "$sc/rsyslog: loggen ${LG_ARGS[*]:0:3}... N=$N -> rsyslogd $RS_PID imtcp/$RSYSLOG_DRIVER 127.0.0.1:$port"
    measure_run "$dir" "${LG_ARGS[@]}"
    stop_pid "$RS_PID" 30; rc=$STOP_RC
    final=$(wc -l <"$dir/out.log" 2>/dev/null || echo 0)
    local said
    said=$(rsyslog_notes "$dir/rsyslogd.out")
    [[ -z $said ]] || notes+=("$said")
    [[ $KEEP == 1 ]] || rm -f "$dir/out.log"
  fi
  record_run "$sc" "$server" "$final" "$rc" 0 "${notes[@]}"
}

# PROFILE=1: perf samples (-g, 999 Hz) of a fresh server during PROFILE_N octet-counted messages.
profile_run() {
  require_tool perf linux-perf
  local dir=$TMP/profile saveN=$N
  mkdir -p "$dir"
  N=$PROFILE_N
  ((QUIET_WAIT > 0)) && { wait_quiet "$QUIET_WAIT" || log "profile: the box is still busy: profiling anyway"; }
  start_ours "$dir"
  perf record -g -F 999 -p "$SERVER_PID" -o "$dir/perf.data" >"$dir/perf.out" 2>&1 &
  local perf_pid=$!
  BG_PIDS+=("$perf_pid")
  sleep 0.5
  M_SRV_PID=$SERVER_PID M_RELAY_PID="" M_LIMIT=$TIMEOUT M_COUNT=(--db "$dir/data/events.sqlite3")
  loggen_args octet "$SYSLOG_PORT"
  log "profile: perf record -g -p $SERVER_PID, $N octet-counted messages"
  measure_run "$dir" "${LG_ARGS[@]}"
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" || true
  forget_pid "$perf_pid"
  stop_server
  echo
  echo "== profile: intake-edge under perf record -g -F 999 (attached after Ready), $N x ${SIZE} B octet-counted over TLS"
  printf '   %s msg/s (perf overhead included), srv cpu %ss = %s s/100k, loggen cpu %ss, other %ss, status %s\n' \
    "$(rate "$M_ARRIVED" "$M_SECS")" "$M_SRV_CPU" "$(per100k "$M_SRV_CPU" "$M_ARRIVED")" "$M_LG_CPU" "$M_OTHER" "$M_STATUS"
  echo "-- by thread (perf report --sort comm, share of the server's samples)"
  perf report -i "$dir/perf.data" --stdio --no-children -g none --sort comm 2>/dev/null |
    grep -v '^#' | sed '/^[[:space:]]*$/d' | head -n 15 || true
  echo "-- top 25 symbols by self time (perf report --sort dso,sym)"
  perf report -i "$dir/perf.data" --stdio --no-children -g none --sort dso,sym 2>/dev/null |
    grep -v '^#' | sed '/^[[:space:]]*$/d' | cut -c1-150 | head -n 25 || true
  N=$saveN
  [[ $KEEP == 1 ]] || rm -rf "$dir/data"
}

main() {
  stream_setup
  local f s
  for f in $FRAMINGS; do
    [[ $f == octet || $f == lf ]] || die "unknown framing '$f' (octet, lf)"
    for s in $SERVERS; do
      [[ $s == ours || $s == rsyslog ]] || die "unknown server '$s' (ours, rsyslog)"
      run_retrying run_case "$f" "$s"
    done
  done
  echo
  echo "== syslog over TLS: loggen 1 connection, N=$N x ${SIZE} B RFC 5424 + key SD, $NCPU CPUs shared by loggen and server, $(date -u +%FT%TZ)"
  echo "   ours: build $BUILD_INFO, rustls, SQLite synchronous=FULL; rsyslog $(rsyslogd -v | awk 'NR == 1 {print $2}'): imtcp $RSYSLOG_DRIVER -> omfile, no fsync"
  echo "   TLS (openssl s_client probe, OpenSSL defaults like loggen): ours ${TLS_SEEN[ours]:--}; rsyslog ${TLS_SEEN[rsyslog]:--}"
  print_table
  for f in $FRAMINGS; do
    local ro rr co cr
    ro=$(result_field "syslog-$f" ours 4); rr=$(result_field "syslog-$f" rsyslog 4)
    co=$(result_field "syslog-$f" ours 6); cr=$(result_field "syslog-$f" rsyslog 6)
    printf 'ratio ours/rsyslog syslog-%-6s msg/s %s / %s = %sx   cpu per 100k %s / %s = %s\n' \
      "$f" "$ro" "$rr" "$(ratio "$ro" "$rr")" "$co" "$cr" "$(ratio "$co" "$cr")"
  done
  [[ $PROFILE == 1 ]] && profile_run
  if ((FAILED)); then
    echo "RESULT: FAIL (see the runs marked FAIL)"
    return 1
  fi
  echo "RESULT: OK"
}

main "$@"
