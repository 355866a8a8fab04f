#!/usr/bin/env bash
# Sets up and starts intake-edge on its embedded defaults: installs what building needs (a C
# compiler, the wasm target; no test tools), builds the host and the format components (release),
# then serves intakes.toml. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-build-deps.sh
cargo build --release -p intake-edge
exec "${CARGO_TARGET_DIR:-target}/release/intake-edge" serve --config "${INTAKE_EDGE_CONFIG:-intakes.toml}" "$@"
