#!/usr/bin/env python3
"""Generate request bodies of realistic ~200-byte log events for bench/http.sh.

  gen_events.py --kind plain|json --per-body N --bodies K --out FILE [--seed S] [--seq-start I]

Each body holds N events separated by "\n" (no trailing newline). K bodies are written to FILE
separated by a NUL byte (no trailing NUL), so --bodies 1 gives a file usable as-is by
`h2load -d FILE` or `curl --data-binary @FILE`. bench/wrk/post.lua splits FILE on NUL.
Event sequence numbers run across all bodies (seq-start, seq-start+1, ...).

plain: an nginx-style access line behind an RFC 3164-ish prefix.
json:  a flat/nested web+auth record (one JSON object per line).
"""
import argparse
import json
import random
import sys

HOSTS = ["web-01", "web-02", "api-gw-1", "api-gw-2", "auth-03"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "-"]
METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"]
PATHS = ["/api/v1/items/{n}", "/api/v1/users/{n}/profile", "/login", "/static/app.{n}.js",
         "/api/v2/search?q=term{n}&page=2", "/healthz"]
STATUS = [200, 200, 200, 200, 201, 204, 301, 304, 401, 403, 404, 500]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "curl/8.5.0",
          "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0", "python-requests/2.32"]
ACTIONS = [("login", "success"), ("login", "failure"), ("logout", "success"),
           ("token-refresh", "success"), ("mfa-challenge", "unknown")]


def ts(rng, seq):
    return "2026-11-23T%02d:%02d:%02d.%03dZ" % (
        (seq // 3600000) % 24, (seq // 60000) % 60, (seq // 1000) % 60, rng.randrange(1000))


def ip(rng):
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def plain_event(rng, seq):
    path = rng.choice(PATHS).format(n=rng.randrange(100000))
    return ("<134>%s %s nginx[%d]: %s - %s \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\" rt=%.3f req=%08x seq=%d" % (
        ts(rng, seq), rng.choice(HOSTS), rng.randrange(100, 65000), ip(rng), rng.choice(USERS),
        rng.choice(METHODS), path, rng.choice(STATUS), rng.randrange(100, 90000),
        rng.choice(AGENTS), rng.random(), rng.getrandbits(32), seq))


def json_event(rng, seq):
    action, outcome = rng.choice(ACTIONS)
    record = {
        "ts": ts(rng, seq),
        "host": rng.choice(HOSTS),
        "user": rng.choice(USERS),
        "action": action,
        "outcome": outcome,
        "src_ip": ip(rng),
        "http": {"method": rng.choice(METHODS), "status": rng.choice(STATUS),
                 "path": rng.choice(PATHS).format(n=rng.randrange(100000))},
        "seq": seq,
    }
    return json.dumps(record, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=["plain", "json"], required=True)
    ap.add_argument("--per-body", type=int, required=True, help="events per body")
    ap.add_argument("--bodies", type=int, default=1, help="distinct bodies")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--seq-start", type=int, default=1)
    ap.add_argument("--stats", action="store_true", help="print the mean event size on stderr")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    make = plain_event if a.kind == "plain" else json_event
    seq = a.seq_start
    bodies, sizes = [], []
    for _ in range(a.bodies):
        events = []
        for _ in range(a.per_body):
            e = make(rng, seq)
            sizes.append(len(e))
            events.append(e)
            seq += 1
        bodies.append("\n".join(events))
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        f.write("\0".join(bodies))
    if a.stats:
        print("%s: %d events, mean %.0f bytes (min %d, max %d)" % (
            a.kind, len(sizes), sum(sizes) / len(sizes), min(sizes), max(sizes)), file=sys.stderr)


if __name__ == "__main__":
    main()
