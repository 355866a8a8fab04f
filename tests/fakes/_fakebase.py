"""Shared plumbing of the HTTP fakes (fake_okta.py, fake_m365.py): server, TLS, request log,
control endpoints under /_fake/, throttling, time helpers. Python 3.11 standard library only.

Not a fake by itself; the scripts import it from their own directory (sys.path[0]).
"""

import argparse
import json
import math
import random
import re
import socket
import ssl
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

UTC = timezone.utc


# ---------------------------------------------------------------------------------------------
# Command line


def base_arg_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any free port, printed in READY)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--cert", help="PEM certificate chain: serve HTTPS")
    p.add_argument("--key", help="PEM private key of --cert")
    p.add_argument("--seed", type=int, default=1, help="seed of the event generator (default 1)")
    p.add_argument("--events", type=int, default=0, help="initial events (default 0)")
    p.add_argument("--span-minutes", type=float, default=120.0,
                   help="initial events are spread over this many minutes before start (default 120)")
    p.add_argument("--page-delay-ms", type=int, default=0, help="sleep before answering each data page")
    p.add_argument("--link-base",
                   help="scheme://host[:port] used in the absolute URLs the fake hands out (next links, "
                        "content URIs) instead of the request's own scheme and Host header")
    p.add_argument("--verbose", action="store_true", help="access log on stderr (off by default)")
    return p


# ---------------------------------------------------------------------------------------------
# Time helpers


def now_ms():
    return time.time_ns() // 1_000_000


def ms_to_dt(ms):
    return datetime.fromtimestamp(ms / 1000.0, tz=UTC).replace(microsecond=(ms % 1000) * 1000)


def rfc3339_ms(ms):
    """2026-12-01T10:05:12.345Z"""
    d = ms_to_dt(ms)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def iso_seconds_nozone(ms):
    """2026-12-01T10:05:12 (the Office 365 audit CreationTime style)"""
    return ms_to_dt(ms).strftime("%Y-%m-%dT%H:%M:%S")


_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?$"
)


def parse_time_us(text, require_time=False, require_zone=False):
    """Parses RFC 3339 / ISO 8601 (fractions of any length, Z or an offset, optionally no zone =
    UTC, optionally date only). Returns microseconds since the epoch, or None if invalid."""
    m = _TIME_RE.match(text.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    if require_time and hh is None:
        return None
    if require_zone and zone is None:
        return None
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=UTC)
    except ValueError:
        return None
    us = int(dt.timestamp()) * 1_000_000
    if frac:
        us += int((frac + "000000")[:6])
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        z = zone[1:].replace(":", "")
        us -= sign * (int(z[:2]) * 3600 + int(z[2:]) * 60) * 1_000_000
    return us


def spread_times_ms(rng, n, span_minutes, end_ms):
    """n strictly increasing millisecond times in [end - span, end - 1 s), deterministic given
    rng (their offsets; the absolute times follow end_ms)."""
    if n <= 0:
        return []
    span = max(int(span_minutes * 60_000) - 1000, n)
    offsets = sorted(rng.sample(range(span), n))
    start = end_ms - 1000 - span
    return [start + o for o in offsets]


def rng_uuid4(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# ---------------------------------------------------------------------------------------------
# The server


class FakeState:
    """What every fake shares: the request log, pending throttles, a lock."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.RLock()
        self.requests = []
        # throttle counters per scope ("api" is what every fake counts; others are fake-specific)
        self.counters = {}
        self.throttles = []  # dicts {scope, target, retry_after}

    def log_request(self, entry):
        with self.lock:
            self.requests.append(entry)

    def add_throttle(self, scope, at, retry_after):
        with self.lock:
            target = self.counters.get(scope, 0) + at
            self.throttles.append({"scope": scope, "target": target, "retry_after": retry_after})
            return target

    def count_and_check_throttle(self, scopes):
        """Counts one request in each of scopes; returns the Retry-After seconds if one of the
        pending throttles fires on it, else None. A throttle fires once."""
        with self.lock:
            fired = None
            for s in scopes:
                self.counters[s] = self.counters.get(s, 0) + 1
            for t in list(self.throttles):
                if t["scope"] in scopes and self.counters[t["scope"]] >= t["target"]:
                    self.throttles.remove(t)
                    if fired is None:
                        fired = t["retry_after"]
            return fired


class Response:
    def __init__(self, status, body=b"", headers=None, content_type="application/json"):
        self.status = status
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.body = body
        self.headers = list(headers or [])
        self.content_type = content_type


class FakeHandler(BaseHTTPRequestHandler):
    """Subclasses set `state` (a FakeState) on the class and implement `api(req)` returning a
    Response, and optionally `control(req)` for their own /_fake/ endpoints."""

    protocol_version = "HTTP/1.1"
    server_version = "fake"
    sys_version = ""
    timeout = 120
    state = None  # set by serve()

    # -- plumbing ------------------------------------------------------------------------------

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.state.args.verbose:
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _dispatch(self):
        started = time.time()
        self.body = self._read_body()
        parts = urlsplit(self.path)
        self.url_path = parts.path
        self.query_string = parts.query
        self.query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.query_multi = parse_qs(parts.query, keep_blank_values=True)
        is_control = self.url_path.startswith("/_fake/")
        try:
            if is_control:
                resp = self._control()
            else:
                resp = self.api()
        except Exception:  # a bug in the fake: say so loudly
            traceback.print_exc()
            resp = Response(500, {"fake_error": traceback.format_exc()})
        self._send(resp)
        if not is_control:
            hdrs = {}
            for k, v in self.headers.items():
                hdrs[k] = (hdrs[k] + ", " + v) if k in hdrs else v
            self.state.log_request({
                "time": started,
                "method": self.command,
                "path": self.path,
                "status": resp.status,
                "authorization": self.headers.get("Authorization"),
                "headers": hdrs,
            })

    def _send(self, resp):
        self.send_response(resp.status)
        names = {k.lower() for k, _ in resp.headers}
        if "content-type" not in names and resp.content_type and (resp.body or resp.status not in (204, 304)):
            self.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD" and resp.body:
            self.wfile.write(resp.body)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = lambda self: self._dispatch()

    # -- helpers for subclasses ----------------------------------------------------------------

    def base_url(self):
        """scheme://host[:port] the client used (Host header), or --link-base."""
        if self.state.args.link_base:
            return self.state.args.link_base.rstrip("/")
        scheme = "https" if self.state.args.cert else "http"
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return "%s://%s" % (scheme, host)

    def page_delay(self):
        d = self.state.args.page_delay_ms
        if d > 0:
            time.sleep(d / 1000.0)

    def with_query(self, path, params):
        """Absolute URL of `path` with `params` (list of pairs)."""
        q = urlencode(params)
        return self.base_url() + path + ("?" + q if q else "")

    # -- control endpoints ---------------------------------------------------------------------

    def _control(self):
        st = self.state
        path, m = self.url_path, self.command
        if path == "/_fake/requests" and m == "GET":
            with st.lock:
                return Response(200, list(st.requests))
        if path == "/_fake/requests" and m == "DELETE":
            with st.lock:
                st.requests.clear()
            return Response(204)
        if path == "/_fake/throttle" and m == "POST":
            try:
                at = int(self.query.get("at", "1"))
                retry_after = int(self.query.get("retry_after", "1"))
            except ValueError:
                return Response(400, {"fake_error": "at and retry_after must be integers"})
            if at < 1 or retry_after < 0:
                return Response(400, {"fake_error": "at >= 1, retry_after >= 0"})
            scope = self.query.get("scope", "api")
            target = st.add_throttle(scope, at, retry_after)
            return Response(200, {"scope": scope, "fires_on_request_number": target, "retry_after": retry_after})
        resp = self.control()
        if resp is None:
            return Response(404, {"fake_error": "no such control endpoint: %s %s" % (m, path)})
        return resp

    def control(self):
        return None

    def api(self):
        raise NotImplementedError


def serve(handler_cls, state):
    """Binds, prints READY <port>, serves forever."""
    args = state.args
    handler_cls.state = state

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 128

        def handle_error(self, request, client_address):
            exc = sys.exc_info()[1]
            # clients hanging up, failed TLS handshakes (a client refusing our certificate),
            # connections killed mid-request: normal in these tests
            if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError, OSError)):
                if args.verbose:
                    sys.stderr.write("connection from %s: %r\n" % (client_address, exc))
                return
            super().handle_error(request, client_address)

    httpd = Server((args.host, args.port), handler_cls)
    if args.cert or args.key:
        if not (args.cert and args.key):
            sys.exit("--cert and --key go together")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        ctx.set_alpn_protocols(["http/1.1"])
        # the handshake happens in the connection's own thread, on its first read, so that a
        # client that connects and stalls cannot block accept()
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    port = httpd.server_address[1]
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


def retry_after_header(seconds):
    return ("Retry-After", str(int(seconds)))


def reset_epoch(seconds_from_now):
    return int(math.ceil(time.time() + seconds_from_now))
