#!/usr/bin/env bash
# bench/formats.sh - normalization throughput of every builtin format component, one core.
#
# What it measures
#   `intake-edge formats bench builtin:NAME FILE`: the lines of FILE normalized as `formats test`
#   and the intakes do it (the same runtime, component instance and `finalize`), in batches of
#   the runtime's batch size, on ONE wasm worker thread; the calling thread waits for each batch,
#   so one core is busy at a time. No HTTP, TLS, store or queueing: the component's cost plus the
#   host's per-event work (canonical @timestamp, output checks).
#   Lines: bench/gen_lines.py, COUNT realistic and varied lines per format (seeded, the same on
#   every run), each meant to be accepted by its component; for the catalog's formats
#   (postfix … okta), bench/fixture_lines.py: their accepted fixtures, shuffled up to COUNT. `plain-syslog` is the plain builtin
#   fed syslog MSGs with their header (the default syslog intakes' case: the envelope's fields
#   are most of its output). openssh and plain-syslog get a .jsonl file: the sshd
#   MSG with the syslog header it reads (app name, procid, hostname); the others raw lines as
#   posted over HTTPS.
#   Per format: one calibration run (warm-up pass + 1 pass) sizes the measured run to at least
#   SECONDS seconds (and at least MIN_REPEAT passes over the file), then the measured run: a
#   warm-up pass (not counted) and that many passes.
#
# How to read the table
#   B/line          mean size of the generated lines (bytes).
#   events          events normalized in the measured passes (lines x passes).
#   events/s        events / wall-clock seconds of the measured passes, one worker thread.
#   µs CPU/event    utime+stime of the whole process over the measured passes (/proc/self/stat,
#                   10-ms ticks: SECONDS keeps the error under 1 %) per event.
#   rejected        events the component (or finalize) rejected; must be 0: every generated line
#                   is valid. Anything else is a generator or component bug: exit 1.
#   note            "noisy" when the wall time exceeds the CPU time by more than 10 % (the
#                   process waited for a CPU: other load on the box); rerun on a quiet box.
#
# Usage
#   bench/formats.sh                       # all builtins, 10000 lines each
#   ONLY='nginx|cef' SECONDS_PER_FORMAT=5 bench/formats.sh
# Environment
#   COUNT (10000)             lines per format
#   SEED (42)                 generator seed
#   SECONDS_PER_FORMAT (3)    minimum measured seconds per format (whole seconds)
#   MIN_REPEAT (5)            minimum measured passes over the file
#   BATCH                     events per component call (default: the runtime's default, 512)
#   ONLY                      extended regex: bench only the formats whose name matches
#   QUIET_WAIT (30)           before each format wait up to this many seconds for an idle box;
#                             0 = don't wait
#   INTAKE_EDGE_BIN           bench this binary instead of target/release/intake-edge
#   BUILD (0)                 1 = `cargo build --release -p intake-edge` first (it is built
#                             anyway when the binary is missing or lacks `formats bench`)
#   KEEP (0)                  1 = keep the temp dir (generated lines, JSON reports)
# Needs python3 (stdlib only) and /proc.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$BENCH_DIR/lib.sh"

COUNT=${COUNT:-10000}
SEED=${SEED:-42}
SECONDS_PER_FORMAT=$(seconds "${SECONDS_PER_FORMAT:-3}")
MIN_REPEAT=${MIN_REPEAT:-5}
BATCH=${BATCH:-}
ONLY=${ONLY:-}
QUIET_WAIT=$(seconds "${QUIET_WAIT:-30}")
BUILD=${BUILD:-0}
KEEP=${KEEP:-0}
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || die "COUNT must be a positive integer, not '$COUNT'"
[[ $MIN_REPEAT =~ ^[1-9][0-9]*$ ]] || die "MIN_REPEAT must be a positive integer, not '$MIN_REPEAT'"
[[ -z $BATCH || $BATCH =~ ^[1-9][0-9]*$ ]] || die "BATCH must be a positive integer, not '$BATCH'"

FORMATS=(plain plain-syslog json nginx apache unbound openssh cef syslog)
# The catalog's formats, fed their own accepted fixtures (bench/fixture_lines.py).
FIXTURE_FORMATS=(postfix windows paloalto fortigate cisco-asa suricata squid haproxy aws-cloudtrail okta)

TMP=""
cleanup() {
  local rc=$?
  if [[ -n $TMP && -d $TMP ]]; then
    if [[ $KEEP == 1 ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  fi
  exit "$rc"
}

build() {
  if [[ -n ${INTAKE_EDGE_BIN:-} ]]; then
    BIN=$INTAKE_EDGE_BIN
  else
    BIN=$ROOT/target/release/intake-edge
    if [[ $BUILD == 1 || ! -x $BIN ]] || ! "$BIN" formats bench --help >/dev/null 2>&1; then
      require_tool cargo "cargo (or install Rust with rustup)"
      log "cargo build --release -p intake-edge"
      (cd "$ROOT" && cargo build --release -p intake-edge --quiet) ||
        die "cargo build --release -p intake-edge failed (set INTAKE_EDGE_BIN to bench a prebuilt binary)"
    fi
  fi
  [[ -x $BIN ]] || die "no executable at $BIN"
  "$BIN" formats bench --help >/dev/null 2>&1 || die "$BIN has no 'formats bench' command"
  # A private copy: a rebuild of target/ during the bench must not swap the binary.
  BUILD_INFO="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  if [[ -n $(git -C "$ROOT" status --porcelain -- host components 2>/dev/null) ]]; then
    BUILD_INFO+="+uncommitted"
  fi
  BUILD_INFO+=", binary $(date -r "$BIN" -u +%FT%TZ)"
  cp "$BIN" "$TMP/intake-edge"
  BIN=$TMP/intake-edge
}

# json_field FILE KEY...: the values of KEYs of the JSON object in FILE, space-separated.
json_field() {
  python3 - "$@" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
print(*("" if report.get(k) is None else report[k] for k in sys.argv[2:]))
EOF
}

# run_bench NAME FILE REPEAT OUT: `formats bench --json` into OUT (stderr into OUT.err), in $TMP
# (no intakes.toml there: built-in defaults).
run_bench() {
  # `plain-syslog` is the `plain` builtin fed lines with a syslog envelope.
  local args=(formats bench "builtin:${1%-syslog}" "$2" --repeat "$3" --json)
  [[ -n $BATCH ]] && args+=(--batch "$BATCH")
  (cd "$TMP" && env -u INTAKE_EDGE_CONFIG RUST_LOG=warn "$BIN" "${args[@]}" >"$4" 2>"$4.err") ||
    { cat "$4.err" >&2; die "formats bench builtin:$1 failed"; }
  grep -v '^note: the CPU time' "$4.err" >&2 || true
}

main() {
  require_tool python3 python3
  [[ -r /proc/self/stat ]] || die "needs Linux /proc"
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/intake-edge-formats-bench.XXXXXX")
  trap cleanup EXIT
  build

  log "generating $COUNT lines per format (seed $SEED)"
  python3 "$BENCH_DIR/gen_lines.py" --out-dir "$TMP/lines" --count "$COUNT" --seed "$SEED" >"$TMP/lines.txt" ||
    die "bench/gen_lines.py failed"
  python3 "$BENCH_DIR/fixture_lines.py" --out-dir "$TMP/lines" --count "$COUNT" --seed "$SEED" \
    "${FIXTURE_FORMATS[@]}" >>"$TMP/lines.txt" || die "bench/fixture_lines.py failed"

  local rows=() failed=0 name file bytes _ repeat secs
  BATCH_USED='?'
  while read -r name file _ bytes; do
    if [[ -n $ONLY ]] && ! [[ $name =~ $ONLY ]]; then continue; fi
    if ((QUIET_WAIT > 0)) && ! wait_quiet "$QUIET_WAIT"; then
      log "the box is still busy after ${QUIET_WAIT} s; measuring $name anyway"
    fi
    log "$name: calibrating"
    run_bench "$name" "$file" 1 "$TMP/$name.calibration.json"
    secs=$(json_field "$TMP/$name.calibration.json" seconds)
    repeat=$(awk -v s="$secs" -v want="$SECONDS_PER_FORMAT" -v min="$MIN_REPEAT" \
      'BEGIN {r = (s > 0) ? int(want / s) + 1 : min; if (r < min) r = min; print r}')
    log "$name: $repeat passes over $COUNT lines"
    run_bench "$name" "$file" "$repeat" "$TMP/$name.json"
    local events errors wall per_s cpu us
    read -r events errors wall per_s cpu us BATCH_USED < <(json_field "$TMP/$name.json" \
      events errors seconds events_per_second cpu_seconds cpu_us_per_event batch)
    local note=""
    if [[ -n $cpu ]] && awk -v w="$wall" -v c="$cpu" 'BEGIN {exit !(w > c * 1.1)}'; then note="noisy"; fi
    if ((errors > 0)); then
      failed=1
      note+="${note:+, }REJECTED LINES"
    fi
    rows+=("$(printf '| %-12s | %6s | %9s | %17s | %12s | %8s | %-5s |' "$name" "$bytes" "$events" \
      "$(printf '%.0f' "$per_s")" "$(printf '%.2f' "${us:-0}")" "$errors" "$note")")
  done <"$TMP/lines.txt"
  ((${#rows[@]} > 0)) || die "no format matches ONLY='$ONLY' (formats: ${FORMATS[*]} ${FIXTURE_FORMATS[*]})"

  printf '\nbench/formats.sh: formats bench, 1 worker thread, batches of %s; %s lines per format (gen_lines.py seed %s), >= %s s per format\n' \
    "$BATCH_USED" "$COUNT" "$SEED" "$SECONDS_PER_FORMAT"
  printf 'intake-edge %s; %s CPUs, load %s\n\n' "$BUILD_INFO" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| %-12s | %6s | %9s | %17s | %12s | %8s | %-5s |\n' format B/line events 'events/s (1 core)' 'µs CPU/event' rejected note
  printf '|%s|%s:|%s:|%s:|%s:|%s:|%s|\n' "--------------" "-------" "----------" "------------------" "-------------" "---------" "-------"
  printf '%s\n' "${rows[@]}"
  if ((failed)); then
    printf '\nSome generated lines were rejected: see the warnings above (bench/gen_lines.py or a component is wrong).\n' >&2
    exit 1
  fi
}

main "$@"
