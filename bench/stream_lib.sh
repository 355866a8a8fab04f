# shellcheck shell=bash disable=SC2034  # SC2034: the variables set here are read by the callers
# Helpers shared by bench/syslog.sh and bench/relp.sh (loggen-driven stream benches: our server
# vs a private rsyslogd). Sourced after lib.sh; expects BENCH_DIR and ROOT set, `set -euo pipefail`.

LOGGEN=${LOGGEN:-$ROOT/scripts/loggen}
N=${N:-1000000}
SIZE=${SIZE:-200}
TIMEOUT=$(seconds "${TIMEOUT:-300}")
STALL=$(seconds "${STALL:-30}")
QUIET_WAIT=$(seconds "${QUIET_WAIT:-30}")
KEEP=${KEEP:-0}
NCPU=$(nproc)
if ! [[ $N =~ ^[0-9]+$ ]] || ((N == 0)); then die "bad N='$N'"; fi
if ! [[ $SIZE =~ ^[0-9]+$ ]] || ((SIZE < 140)); then die "bad SIZE='$SIZE' (loggen -P needs >= 140)"; fi
# rsyslog queues must hold the whole burst: a full in-memory queue drops after timeoutEnqueue
QSIZE=$((N + 10000 > 100000 ? N + 10000 : 100000))

INTAKE_KEY="bench-stream-key-$RANDOM$RANDOM-0001"
JSON_KEY="bench-stream-json-$RANDOM$RANDOM-0002"
SDATA="[SEKOIA@53288 intake_key=\"$INTAKE_KEY\"]"

TMP=""
PKI=""
BG_PIDS=()     # processes this script started besides our server: cleanup stops them by PID
RESULTS=()     # "|"-separated summary rows
FAILED=0

# ---- set-up --------------------------------------------------------------------------------
stream_check_tools() {
  require_tool rsyslogd "rsyslog rsyslog-gnutls rsyslog-openssl rsyslog-relp"
  require_tool openssl openssl
  require_tool python3 python3
  require_tool ss iproute2
  require_tool timeout coreutils
  "$LOGGEN" --help >/dev/null 2>&1 || die "loggen does not run ($LOGGEN): run scripts/install-deps.sh"
}

# Same policy as bench/http.sh: build unless INTAKE_EDGE_BIN is set, then run a private copy so
# a rebuild of target/ during the bench doesn't swap the binary.
stream_build() {
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
  cp "$BIN" "$TMP/intake-edge"
  BUILD_INFO="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n $(git -C "$ROOT" status --porcelain -- host components 2>/dev/null) ]]; then
    BUILD_INFO+="+uncommitted"
  fi
  BUILD_INFO+=", binary $(date -r "$BIN" -u +%FT%TZ)"
  BIN=$TMP/intake-edge
}

# make_pki DIR: test CA, server cert (CN/SAN localhost + IP 127.0.0.1), client cert (CN
# client.test), RSA 2048 (accepted by rustls, gtls, ossl and librelp alike).
make_pki() {
  local d=$1
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=intake-edge bench CA" \
      -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    local name cn san
    for name in server client; do
      if [[ $name == server ]]; then cn=localhost san="DNS:localhost,IP:127.0.0.1"
      else cn=client.test san="DNS:client.test"; fi
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$name.key" -out "$name.csr"
      printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
        "$san" >"$name.ext"
      openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
        -extfile "$name.ext" -out "$name.pem"
      rm -f "$name.csr" "$name.ext"
    done
    chmod 600 ./*.key
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; die "test PKI generation failed"; }
}

# stream_setup: tools, temp dir + traps, binary, PKI. The caller defines cleanup() (or uses
# stream_cleanup) before calling this.
stream_setup() {
  stream_check_tools
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/intake-bench.XXXXXX")
  trap stream_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  stream_build
  PKI=$TMP/pki
  make_pki "$PKI"
  log "binary $BIN ($BUILD_INFO), temp dir $TMP"
}

# kill_tree PID: SIGTERM to PID and all its descendants (found through /proc, by PID only).
kill_tree() {
  local pid=$1 c kids
  [[ -d /proc/$pid ]] || return 0
  kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
  for c in $kids; do kill_tree "$c"; done
  kill -TERM "$pid" 2>/dev/null || true
}

forget_pid() {
  local p keep=()
  for p in "${BG_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  BG_PIDS=("${keep[@]}")
}

# stop_pid PID [GRACE_S]: SIGTERM, SIGKILL after GRACE_S (30), reap. Sets STOP_RC.
stop_pid() {
  local pid=$1 grace=${2:-30} i rc=0
  STOP_RC=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    # a zombie child is gone for our purposes: `wait` reaps it below
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
    log "process $pid ignored SIGTERM for ${grace}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  forget_pid "$pid"
  STOP_RC=$rc
}

stream_cleanup() {
  local rc=$? p
  for p in "${BG_PIDS[@]}"; do kill_tree "$p"; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n $SERVER_PID ]]; then
    log "stopping server $SERVER_PID"
    stop_server || true
  fi
  if [[ -n $TMP && -d $TMP ]]; then
    if [[ $KEEP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}

# render IN OUT KEY=VALUE...: replace @KEY@ placeholders; die if one is left.
render() {
  local in=$1 out=$2 kvp text left
  shift 2
  text=$(<"$in")
  for kvp in "$@"; do text=${text//"@${kvp%%=*}@"/"${kvp#*=}"}; done
  left=$(grep -oE '@[A-Z_]+@' <<<"$text" | sort -u | tr '\n' ' ' || true)
  [[ -z $left ]] || die "render $in: unset placeholders $left"
  printf '%s\n' "$text" >"$out"
}

# wait_listen PORT PID [SECONDS]: until PID listens on 127.0.0.1:PORT (ss, no connect: a plain
# connect() to a TLS port makes rsyslog log an aborted handshake).
wait_listen() {
  local port=$1 pid=$2 max=${3:-30} i
  for ((i = 0; i < max * 10; i++)); do
    ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid," && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_rsyslog CONF OUTFILE PORT: a private foreground rsyslogd (-n, own pid file; the config
# sets its own workDirectory). Sets RS_PID. Its stderr goes to OUTFILE.
start_rsyslog() {
  local conf=$1 out=$2 port=$3
  rsyslogd -N1 -f "$conf" >"$out.check" 2>&1 || { cat "$out.check" >&2; die "rsyslogd -N1 rejects $conf"; }
  rsyslogd -n -f "$conf" -i "${conf%.conf}.pid" >"$out" 2>&1 &
  RS_PID=$!
  BG_PIDS+=("$RS_PID")
  if ! wait_listen "$port" "$RS_PID" 30; then
    cat "$out" >&2
    die "rsyslogd ($conf) is not listening on 127.0.0.1:$port"
  fi
  check_loopback_only "$RS_PID"
}

# tls_probe PORT: "TLSv1.3 TLS_AES_256_GCM_SHA384" as negotiated by `openssl s_client` with its
# defaults (OpenSSL 3, like loggen's), or "?" (one extra connection without messages).
tls_probe() {
  timeout 10 openssl s_client -connect "127.0.0.1:$1" -brief </dev/null 2>&1 |
    awk -F': ' '/^Protocol version/ {p = $2} /^Ciphersuite/ {c = $2} END {print (p == "" ? "?" : p " " c)}' || true
}

# our_config FILE: the registry (lib.sh write_config) + the test PKI's server certificate.
# OURS_CONFIG_EXTRA (TOML, optional) is appended: settings to compare, e.g. $'[relp]\nbatch_events = 256'.
our_config() {
  write_config "$1" "$INTAKE_KEY" "$JSON_KEY" "[tls]
cert = \"$PKI/server.pem\"
key = \"$PKI/server.key\"
${OURS_CONFIG_EXTRA:-}"
}

# start_ours DIR: fresh store in DIR/data, every listener on a free 127.0.0.1 port.
# Sets SERVER_PID, SYSLOG_PORT, RELP_PORT.
start_ours() {
  local dir=$1 https
  our_config "$dir/intakes.toml"
  https=$(free_port); SYSLOG_PORT=$(free_port); RELP_PORT=$(free_port)
  start_server "$BIN" "$dir/intakes.toml" "$dir/data" "$https" "$dir/server.log" \
    --syslog "127.0.0.1:$SYSLOG_PORT" --relp "127.0.0.1:$RELP_PORT"
  check_loopback_only "$SERVER_PID"
}

# our_log_notes LOGFILE: "N WARN/ERROR lines; listener totals" of our server's JSON log.
our_log_notes() {
  python3 - "$1" <<'EOF'
import json, sys
warn, totals = 0, []
for line in open(sys.argv[1], errors="replace"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    f = r.get("fields", {})
    if r.get("level") in ("WARN", "ERROR"):
        warn += 1
    if f.get("message") == "Listener totals.":
        c = " ".join(kv for kv in f.get("counts", "").split() if not kv.endswith("=0"))
        if c:
            totals.append("%s: %s" % (f.get("listener", "?"), c))
print("%d|%s" % (warn, "; ".join(totals)))
EOF
}

# ---- one measured run ----------------------------------------------------------------------
# measure_run DIR LOGGEN_ARGS...: start loggen (background), wait until the count source
# M_COUNT (array: --db FILE or --file FILE) holds N, M_LIMIT s passed, or STALL s without
# progress. CPU of M_SRV_PID (and M_RELAY_PID if set) and the box are sampled at loggen start
# and when the wait ends. Sets M_ARRIVED M_SECS M_STATUS M_SRV_CPU M_RELAY_CPU M_LG_CPU
# M_LG_WALL M_LG_RC M_POLL_CPU M_OTHER M_BUSY M_SRV_RSS M_RELAY_RSS (CPU in s, RSS in MiB).
measure_run() {
  local dir=$1
  shift
  local s0 s1 r0=0 r1=0 b0 b1 t0 t1 lgpid res watch=$M_SRV_PID
  [[ -n $M_RELAY_PID ]] && watch+=",$M_RELAY_PID"
  s0=$(proc_cpu_ticks "$M_SRV_PID")
  [[ -n $M_RELAY_PID ]] && r0=$(proc_cpu_ticks "$M_RELAY_PID")
  b0=$(sys_busy_ticks)
  t0=$EPOCHREALTIME
  (
    TIMEFORMAT='%3R %3U %3S'
    time timeout -s TERM $((M_LIMIT + 30)) "$LOGGEN" "$@" >"$dir/loggen.out" 2>"$dir/loggen.err"
  ) 2>"$dir/loggen.time" &
  lgpid=$!
  BG_PIDS+=("$lgpid")
  # the poller runs in the background too: `wait` lets the INT/TERM traps run at once
  (
    TIMEFORMAT='%3U %3S'
    time python3 "$BENCH_DIR/wait_count.py" "${M_COUNT[@]}" --target "$N" --t0 "$t0" \
      --timeout "$M_LIMIT" --stall "$STALL" --watch "$watch" >"$dir/poll.out"
  ) 2>"$dir/poll.time" &
  local pollpid=$!
  BG_PIDS+=("$pollpid")
  wait "$pollpid" || die "wait_count.py failed: $(cat "$dir/poll.time")"
  forget_pid "$pollpid"
  res=$(<"$dir/poll.out")
  s1=$(proc_cpu_ticks "$M_SRV_PID")
  [[ -n $M_RELAY_PID ]] && r1=$(proc_cpu_ticks "$M_RELAY_PID")
  b1=$(sys_busy_ticks)
  t1=$EPOCHREALTIME
  M_SRV_RSS=$(awk -v k="$(proc_hwm_kib "$M_SRV_PID")" 'BEGIN {printf "%.0f", k / 1024}')
  M_RELAY_RSS=-
  [[ -n $M_RELAY_PID ]] && M_RELAY_RSS=$(awk -v k="$(proc_hwm_kib "$M_RELAY_PID")" 'BEGIN {printf "%.0f", k / 1024}')
  read -r M_ARRIVED M_SECS M_STATUS <<<"$res"
  [[ $M_STATUS == reached ]] || kill_tree "$lgpid"
  M_LG_RC=0
  wait "$lgpid" || M_LG_RC=$?
  forget_pid "$lgpid"
  local lg_wall=0 lg_u=0 lg_s=0 p_u=0 p_s=0
  [[ -s $dir/loggen.time ]] && read -r lg_wall lg_u lg_s < <(tail -n 1 "$dir/loggen.time")
  [[ -s $dir/poll.time ]] && read -r p_u p_s < <(tail -n 1 "$dir/poll.time")
  M_LG_WALL=$lg_wall
  M_LG_CPU=$(awk -v a="$lg_u" -v b="$lg_s" 'BEGIN {printf "%.2f", a + b}')
  M_POLL_CPU=$(awk -v a="$p_u" -v b="$p_s" 'BEGIN {printf "%.2f", a + b}')
  M_SRV_CPU=$(ticks_to_s $((s1 - s0)))
  M_RELAY_CPU=-
  [[ -n $M_RELAY_PID ]] && M_RELAY_CPU=$(ticks_to_s $((r1 - r0)))
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  M_OTHER=$(awk -v box="$(ticks_to_s $((b1 - b0)))" -v s="$M_SRV_CPU" -v r="${M_RELAY_CPU/-/0}" \
    -v l="$M_LG_CPU" -v p="$M_POLL_CPU" 'BEGIN {o = box - s - r - l - p; if (o < 0) o = 0; printf "%.2f", o}')
  M_BUSY=$(awk -v t=$((b1 - b0)) -v hz="$CLK_TCK" -v n="$NCPU" -v d="$wall" \
    'BEGIN {printf "%.0f", 100 * t / hz / (n * d)}')
  M_WALL=$wall
}

# noisy OTHER_S WALL_S: other processes used > 10 % of the box.
noisy() { awk -v o="$1" -v n="$NCPU" -v d="$2" 'BEGIN {exit !(o > 0.1 * n * d)}'; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN {if (s > 0) printf "%.0f", n / s; else print "nan"}'; }
per100k() { awk -v c="$1" -v n="$2" 'BEGIN {if (n > 0 && c != "-") printf "%.3f", c * 100000 / n; else print "-"}'; }
ratio() {
  [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]] || { echo -; return 0; }
  awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'
}

# Summary table: RESULTS rows are
# scenario|server|arrived|secs|msg/s|srv_cpu|s/100k|rssMB|relay_cpu|relay_rssMB|lg_cpu|other|busy%|final|result
print_table() {
  local fmt='%-16s %-8s %8s %8s %8s %7s %7s %6s %7s %6s %6s %6s %5s %8s %s\n' row
  # shellcheck disable=SC2059
  printf "$fmt" scenario server arrived secs msg/s srv_cpu s/100k rssMB rly_cpu rlyMB lg_cpu other busy% stored result
  for row in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$row"
    # shellcheck disable=SC2059
    printf "$fmt" "${f[@]}"
  done
}

# result_field SCENARIO SERVER INDEX: a field of the matching RESULTS row.
result_field() {
  local row
  for row in "${RESULTS[@]}"; do
    IFS='|' read -r -a f <<<"$row"
    if [[ ${f[0]} == "$1" && ${f[1]} == "$2" ]]; then printf '%s\n' "${f[$3]}"; return 0; fi
  done
  echo -
}

# record_run SCENARIO SERVER FINAL SERVER_RC CAPPED [NOTE...]: verdict, detail line, RESULTS row.
# FINAL = messages stored / lines written after the server stopped. CAPPED=1: a run that may
# end at its time budget (M_LIMIT) by design. DUPS_FAIL=1: FINAL > N is a failure (syslog: no
# resends), else a note (RELP resends unacknowledged frames after a reconnect).
record_run() {
  local sc=$1 srv=$2 final=$3 rc=$4 capped=$5
  shift 5
  local notes=("$@") problems=() verdict=OK r
  r=$(rate "$M_ARRIVED" "$M_SECS")
  if [[ $capped == 1 && $M_STATUS == timeout ]]; then
    verdict=CAPPED
    notes+=("time-capped at ${M_LIMIT}s: msg/s = the $M_ARRIVED of $N that arrived by then")
  elif [[ $M_STATUS != reached ]]; then
    problems+=("wait ended '$M_STATUS' after ${M_SECS}s at $M_ARRIVED of $N")
  fi
  if [[ $verdict != CAPPED ]] && ((final < N)); then
    problems+=("LOST $((N - final)) of $N (stored after stop: $final)")
  fi
  if ((final > N)); then
    if [[ ${DUPS_FAIL:-1} == 1 ]]; then problems+=("$((final - N)) more stored than sent")
    else notes+=("$((final - N)) duplicates (resent after a reconnect?)"); fi
  fi
  [[ $rc == 0 ]] || problems+=("server exit status $rc")
  [[ $M_LG_RC == 0 || $M_STATUS != reached ]] || notes+=("loggen exit status $M_LG_RC")
  if ((${#problems[@]})); then verdict=FAIL; FAILED=1
  elif noisy "$M_OTHER" "$M_WALL"; then verdict+=-NOISY; fi
  local p100k
  p100k=$(per100k "$M_SRV_CPU" "$M_ARRIVED")
  printf '%-16s %-8s %8s msg/s | %s of %s in %ss | srv cpu %ss = %s s/100k, rss %s MiB' \
    "$sc" "$srv" "$r" "$M_ARRIVED" "$N" "$M_SECS" "$M_SRV_CPU" "$p100k" "$M_SRV_RSS"
  [[ $M_RELAY_CPU == - ]] || printf ' | relay cpu %ss, rss %s MiB' "$M_RELAY_CPU" "$M_RELAY_RSS"
  printf ' | loggen cpu %ss (ran %ss) | other %ss, box busy %s%% | stored %s | %s' \
    "$M_LG_CPU" "$M_LG_WALL" "$M_OTHER" "$M_BUSY" "$final" "$verdict"
  ((${#problems[@]} == 0)) || printf ' (%s)' "$(IFS=';'; echo "${problems[*]}")"
  ((${#notes[@]} == 0)) || printf ' [%s]' "$(IFS=';'; echo "${notes[*]}")"
  printf '\n'
  RESULTS+=("$sc|$srv|$M_ARRIVED|$M_SECS|$r|$M_SRV_CPU|$p100k|$M_SRV_RSS|$M_RELAY_CPU|$M_RELAY_RSS|$M_LG_CPU|$M_OTHER|$M_BUSY|$final|$verdict")
}

# rsyslog_notes OUTFILE: rsyslogd's own messages (it prints only problems in -n mode), if any.
rsyslog_notes() {
  local n
  n=$(grep -c . "$1" 2>/dev/null || true)
  ((n == 0)) || printf 'rsyslogd said %s line(s), first: %s' "$n" "$(grep -m1 . "$1" | cut -c1-120)"
}

# run_retrying CMD ARGS...: run one case (CMD must end in record_run); if it comes out OK-NOISY,
# run it again up to RETRY_NOISY more times and keep the row of the least noisy attempt (other
# CPU / box capacity). FAIL rows are kept as they are; CAPPED runs are not repeated.
RETRY_NOISY=${RETRY_NOISY:-2}
run_retrying() {
  local attempt row verdict noise best="" best_noise=""
  for ((attempt = 0; attempt <= RETRY_NOISY; attempt++)); do
    "$@"
    row=${RESULTS[-1]}
    unset 'RESULTS[-1]'
    verdict=${row##*|}
    noise=$(awk -v o="$M_OTHER" -v n="$NCPU" -v d="$M_WALL" 'BEGIN {printf "%.4f", o / (n * d)}')
    if [[ $verdict == FAIL ]]; then best=$row; break; fi
    if [[ -z $best ]] || awk -v a="$noise" -v b="$best_noise" 'BEGIN {exit !(a < b)}'; then
      best=$row best_noise=$noise
    fi
    [[ $verdict == OK-NOISY ]] || break
    ((attempt < RETRY_NOISY)) && log "noisy run (other processes used $(awk -v x="$noise" 'BEGIN {printf "%.0f", 100 * x}')% of the box): retry $((attempt + 1))/$RETRY_NOISY"
  done
  RESULTS+=("$best")
}
