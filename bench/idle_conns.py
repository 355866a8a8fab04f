#!/usr/bin/env python3
"""Opens many idle connections to a running intake-edge and reports what they cost.

Half go to the HTTPS listener (TLS handshake, one POST /plain answered, then kept open idle with
HTTP/1.1 keep-alive), half to the syslog/TLS listener (handshake, one octet-counted message, then
idle). Sources are spread over 127.0.1.1, 127.0.1.2, ... so that no source passes the node's
per-source connection cap. Then a new client (a new source) posts one event, several times, and
the time from connect to answer is reported.

Usage: idle_conns.py --pid PID --https PORT --syslog PORT --ca CA --key KEY [--count N]
Prints `key=value` lines for bench/idle.sh.
"""
import argparse
import resource
import socket
import ssl
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def connect(ctx, port, source):
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.bind((source, 0))
    raw.settimeout(30)
    raw.connect(("127.0.0.1", port))
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def post(conn, key, body):
    head = (
        f"POST /plain HTTP/1.1\r\nHost: localhost\r\nX-SEKOIAIO-INTAKE-KEY: {key}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    conn.sendall(head.encode() + body)
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
        chunk = conn.recv(4096)
        if not chunk:
            raise RuntimeError(f"closed before the answer: {answer!r}")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"unexpected answer {answer[:200]!r}")


def syslog_message(key, i):
    msg = f'<13>1 2026-12-01T10:00:00Z idle-bench app - - [SEKOIA@53288 intake_key="{key}"] idle {i}'
    data = msg.encode()
    return str(len(data)).encode() + b" " + data


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--https", type=int, required=True)
    ap.add_argument("--syslog", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--per-source", type=int, default=200)
    ap.add_argument("--only", choices=["https", "syslog"], help="every connection to one listener")
    ap.add_argument("--silent", action="store_true", help="handshake only, no request or message")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.count + 1000), hard))
    ctx = ssl.create_default_context(cafile=args.ca)

    idle_kib = rss_kib(args.pid)
    conns = []
    sources = [f"127.0.1.{i}" for i in range(1, 255)]

    def open_one(i):
        source = sources[i // args.per_source]
        if args.only == "https" or (args.only is None and i % 2 == 0):
            c = connect(ctx, args.https, source)
            if not args.silent:
                post(c, args.key, f"idle connection {i}".encode())
        else:
            c = connect(ctx, args.syslog, source)
            if not args.silent:
                c.sendall(syslog_message(args.key, i))
        return c

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for c in pool.map(open_one, range(args.count)):
            conns.append(c)
    opened_secs = time.monotonic() - started
    time.sleep(2)  # let the last answers and batches settle
    loaded_kib = rss_kib(args.pid)

    # A new client from a new source: connect, TLS, one POST, answer.
    latencies = []
    for i in range(20):
        t0 = time.monotonic()
        c = connect(ctx, args.https, "127.0.2.1")
        post(c, args.key, f"new client {i}".encode())
        latencies.append((time.monotonic() - t0) * 1000)
        c.close()
    # Are the idle ones still open? (A keep-alive request on a few of them.)
    alive = 0
    for c in conns[0:200:2]:
        try:
            post(c, args.key, b"still here")
            alive += 1
        except Exception:  # noqa: BLE001 - a closed connection is what is counted
            pass
    over = loaded_kib - idle_kib
    print(f"connections={len(conns)}")
    print(f"open_secs={opened_secs:.1f}")
    print(f"idle_rss_mib={idle_kib / 1024:.1f}")
    print(f"loaded_rss_mib={loaded_kib / 1024:.1f}")
    print(f"over_idle_mib={over / 1024:.1f}")
    print(f"kib_per_connection={over / len(conns):.1f}")
    print(f"new_client_ms_median={statistics.median(latencies):.1f}")
    print(f"new_client_ms_max={max(latencies):.1f}")
    print(f"idle_https_alive={alive}/100")
    for c in conns:
        c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
