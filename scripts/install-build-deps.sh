#!/usr/bin/env bash
# Installs what building and serving intake-edge needs, idempotently, and nothing else: a C
# compiler (SQLite, zstd and mimalloc are C) and the wasm32-wasip2 Rust target (the format
# components are built from source). Rust itself comes from rustup. The test tools are
# scripts/install-deps.sh's job.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v cc >/dev/null; then
  echo "install-build-deps: apt-get install build-essential"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends build-essential >/dev/null
fi
if ! command -v cargo >/dev/null; then
  echo "install-build-deps: Rust is missing; install rustup (https://rustup.rs) and re-run" >&2
  exit 1
fi
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip2; then
  echo "install-build-deps: rustup target add wasm32-wasip2"
  rustup target add wasm32-wasip2
fi
