#!/usr/bin/env bash
# smoke.sh [IMAGE]: runs the image on a fresh volume, posts one event to /plain with the default
# configuration's demo key, reads it back inside the container, and stops it (exit status 0).
# RUN_FLAGS adds engine flags (on a host whose sandbox forbids raising limits or has hybrid
# cgroups: RUN_FLAGS="--cgroups=disabled --ulimit nofile=4096:4096 --ulimit nproc=4096:4096").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
image=${1:-intake-edge:$(awk -F'"' '/^version = "/ { print $2; exit }' "$root/Cargo.toml")}
engine=$(command -v podman || command -v docker) || { echo "smoke: no container engine" >&2; exit 2; }
name=intake-edge-smoke-$$
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d)
trap '"$engine" rm -f "$name" >/dev/null 2>&1; "$engine" volume rm -f "$name" >/dev/null 2>&1; rm -rf "$work"' EXIT
# shellcheck disable=SC2086  # RUN_FLAGS is a list of flags
"$engine" run -d --name "$name" ${RUN_FLAGS:-} -p "127.0.0.1:$port:8443" -v "$name:/var/lib/intake-edge" "$image" >/dev/null
for _ in $(seq 1 100); do "$engine" logs "$name" 2>&1 | grep -q 'Ready\.' && break; sleep 0.2; done
"$engine" cp "$name:/var/lib/intake-edge/tls/ca.pem" "$work/ca.pem"
answer=$(curl -sS --max-time 10 --cacert "$work/ca.pem" -H "X-SEKOIAIO-INTAKE-KEY: demo-plain-key-change-me-0001" \
  --data-binary "hello from the container" "https://localhost:$port/plain")
echo "answer: $answer"
id=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["event_id"])' "$answer")
"$engine" exec "$name" /usr/bin/intake-edge events get "$id" --config /etc/intake-edge/intakes.toml | grep -q "hello from the container"
"$engine" stop -t 30 "$name" >/dev/null
status=$("$engine" inspect "$name" --format '{{.State.ExitCode}}')
echo "stored and read back as $id; exit status after stop: $status"
[[ $status == 0 ]]
