#!/usr/bin/env bash
# Installs what building and testing intake-edge needs, idempotently: the wasm32-wasip2 Rust
# target (components are built from source) and the real clients the tests drive.
set -euo pipefail

need_apt=()
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import requests' 2>/dev/null || need_apt+=(python3-requests)
command -v cc >/dev/null || need_apt+=(build-essential)
if [ "${INSTALL_BENCH_TOOLS:-0}" = 1 ]; then
  command -v wrk >/dev/null || need_apt+=(wrk)
  command -v h2load >/dev/null || need_apt+=(nghttp2-client)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-deps: apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "install-deps: missing ${need_apt[*]}; install them (sudo apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null; then
  echo "install-deps: Rust is missing; install rustup (https://rustup.rs) and re-run" >&2
  exit 1
fi
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip2; then
  echo "install-deps: rustup target add wasm32-wasip2"
  rustup target add wasm32-wasip2
fi
