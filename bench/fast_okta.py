#!/usr/bin/env python3
"""bench/fast_okta.py - an Okta System Log API that answers as fast as Python can write bytes.

Generates COUNT LogEvents with the e2e fake's generator (tests/fakes/fake_okta.py), renders
them into pages of PAGE events once at start, then serves `GET /api/v1/logs` (SSWS token
checked) over HTTPS: the first request (no `after`) gets page 0, each page links to the next
with `Link: <...&after=K>; rel="next"`, the last has no next link. A request whose `since` is
past the first event gets the events from `since` on (what a later run asks for), rendered
then. Prints `READY <port>` when listening.

    python3 bench/fast_okta.py PORT CERT KEY TOKEN COUNT PAGE
"""
import bisect
import json
import os
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fakes"))
from fake_okta import OktaGen  # noqa: E402
from _fakebase import parse_time_us, rfc3339_ms  # noqa: E402

port, cert, key, token, count, page = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
gen = OktaGen(7, "bench.okta.example")
start_ms = int(time.time() * 1000) - count - 60_000
events = [gen.event(start_ms + i) for i in range(count)]
times_us = [(start_ms + i) * 1000 for i in range(count)]
pages = [json.dumps(events[i:i + page], separators=(",", ":")).encode() for i in range(0, count, page)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != "/api/v1/logs":
            return self.answer(404, b"{}")
        if self.headers.get("Authorization") != "SSWS " + token:
            return self.answer(401, b'{"errorCode":"E0000011"}')
        q = parse_qs(url.query)
        base = "https://%s/api/v1/logs?limit=%d" % (self.headers.get("Host"), page)
        if "after" in q:
            k = int(q["after"][0])
        else:
            since = parse_time_us(q.get("since", [""])[0]) if q.get("since") else 0
            if since and since > times_us[0]:
                i = bisect.bisect_left(times_us, since)
                return self.answer(200, json.dumps(events[i:i + page]).encode())
            k = 0
        links = [] if k + 1 >= len(pages) else [("Link", '<%s&after=%d>; rel="next"' % (base, k + 1))]
        self.answer(200, pages[k], links)


server = ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print("READY %d %s" % (server.server_address[1], rfc3339_ms(start_ms)), flush=True)
server.serve_forever()
