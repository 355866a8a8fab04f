#!/usr/bin/env bash
# build-image.sh [TAG]: the container image of intake-edge (FROM scratch, the static musl binary,
# non-root), with docker or podman, whichever runs. BIN: an already built static binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tag=${1:-intake-edge:$(awk -F'"' '/^version = "/ { print $2; exit }' Cargo.toml)}
engine=""
for e in docker podman; do
  if command -v "$e" >/dev/null && "$e" info >/dev/null 2>&1; then engine=$e; break; fi
done
[[ -n $engine ]] || { echo "build-image: no container engine runs here (docker or podman)" >&2; exit 2; }
if [[ -z ${BIN:-} ]]; then
  INTAKE_EDGE_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown) cargo build --profile ship --target x86_64-unknown-linux-musl -p intake-edge >&2
  BIN=${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-musl/ship/intake-edge
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$BIN" "$ctx/intake-edge"
packaging/default-config.sh "$ctx/intakes.toml"
cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
mkdir "$ctx/data"
cp packaging/container/Containerfile "$ctx/Containerfile"
"$engine" build -f "$ctx/Containerfile" -t "$tag" "$ctx" >&2
echo "$tag"
