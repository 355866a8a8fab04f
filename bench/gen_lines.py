#!/usr/bin/env python3
"""Generate realistic, varied log lines per builtin format for bench/formats.sh.

  gen_lines.py --out-dir DIR [--count N] [--seed S] [--base ISO8601] [--only FORMAT ...]

Writes DIR/<format>.log (one raw event per line) for plain, json, nginx, apache, unbound, cef
and syslog, and DIR/openssh.jsonl and DIR/plain-syslog.jsonl (one fixture `input` object per
line: the MSG plus the syslog header the listener parsed, which the component reads: app name,
procid, hostname, facility, severity; plain-syslog is what the default syslog intakes give the
`plain` builtin). Prints one "FORMAT FILE LINES AVG_BYTES" line per file on stdout. Python 3 stdlib
only; the same seed gives the same files. Every line is meant to be ACCEPTED by its component:
bench/formats.sh checks that the rejected count is 0.

Event times fall in the day before --base (default 2026-11-23T00:00:00Z); their own zones vary.

  nginx    combined access (some common, some with a trailing "$http_x_forwarded_for", a few
           "-" requests), JSON log_format access (escape=json), error log lines
  apache   common / combined / vhost_combined access, 2.4 and 2.2 error log lines
  unbound  query and reply lines (log-queries / log-replies), daemon info/notice/warning/error
           lines, as syslog MSG, "unbound: " tagged, and Unbound's own log file
  openssh  accepted password/publickey/keyboard-interactive, failed password, invalid user,
           connection closed/reset, disconnects, PAM session open/close, PAM auth failures,
           a few other sshd and non-sshd (CRON) lines
  cef      Fortinet, Palo Alto (with a syslog prefix), Check Point, Trend Micro, Imperva,
           McAfee, Forcepoint, Zscaler, Microsoft (ArcSight connector), escapes in the header
           and extensions
  syslog   RFC 5424 with structured data (escapes, several elements, NILVALUEs), RFC 3164 with
           PRI, file lines without PRI (classic and RSYSLOG_FileFormat timestamps)
  json     nested application / audit / access / k8s records, ~300 bytes
  plain    syslog-ish file lines of many daemons
"""
import argparse
import base64
import datetime as dt
import ipaddress
import json
import os
import random
import string
import sys

FORMATS = ["plain", "plain-syslog", "json", "nginx", "apache", "unbound", "openssh", "cef", "syslog"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# ---- shared vocabulary -----------------------------------------------------------------------

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "Prometheus/2.54.1",
    "kube-probe/1.30",
    "sqlmap/1.8.11#stable (https://sqlmap.org)",
    "Mozilla/5.0 zgrab/0.x",
]
UA_WEIGHTS = [14, 6, 7, 6, 5, 4, 8, 7, 2, 4, 2, 3, 1, 2, 1, 1, 3, 1, 2, 2, 2, 2, 2, 1, 1]

SITES = ["www.example.com", "shop.example.com", "api.example.com", "blog.example.org",
         "static.example.net", "intranet.example.co.uk"]
REFERRERS = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/",
             "https://t.co/3xAmPl3", "https://www.example.com/", "https://shop.example.com/cart",
             "https://www.example.com/blog/2026/11/release-notes", "android-app://com.google.android.gm/"]
SEARCH_TERMS = ["running shoes", "usb-c cable", "gift card", "winter jacket", "caf\u00e9 table",
                "size 42", "\"red dress\"", "4k monitor", "noise cancelling", "l'or\u00e9al"]
SLUGS = ["release-notes", "how-we-scaled-postgres", "zero-downtime-deploys", "tls-1-3-everywhere",
         "edge-logging-at-scale", "black-friday-recap"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "oscar", "peggy", "trent", "victor", "walter", "svc-backup", "deploy", "jenkins"]
ATTACK_USERS = ["root", "admin", "test", "user", "ubuntu", "oracle", "postgres", "git", "ftpuser",
                "pi", "guest", "support", "deployer", "minecraft", "hadoop", "es", "123456"]
HOSTS = ["web-01", "web-02", "web-03", "api-gw-1", "api-gw-2", "db-01", "bastion", "mail-01",
         "k8s-node-07", "k8s-node-12", "fw-edge-1", "resolver1", "ci-runner-3"]
DOMAINS = ["example.com", "example.org", "example.net", "google.com", "www.google.com",
           "github.com", "api.github.com", "cdn.jsdelivr.net", "fonts.gstatic.com",
           "login.microsoftonline.com", "outlook.office365.com", "s3.eu-west-1.amazonaws.com",
           "www.wikipedia.org", "time.cloudflare.com", "debian.map.fastlydns.net", "slack.com",
           "wss-primary.slack.com", "update.googleapis.com", "ocsp.digicert.com",
           "connectivity-check.ubuntu.com", "ntp.ubuntu.com", "registry-1.docker.io",
           "pypi.org", "files.pythonhosted.org", "crates.io", "static.crates.io", "mail.example.com",
           "vpn.example.com", "intranet.corp.example.com", "printer-3.corp.example.com"]


def choice_w(rng, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


def ipv4(rng, kind=None):
    kind = kind or choice_w(rng, ["doc", "private", "public"], [4, 3, 3])
    if kind == "doc":
        net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
        return "%s.%d" % (net, rng.randrange(1, 255))
    if kind == "private":
        return rng.choice([
            "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)),
            "172.%d.%d.%d" % (rng.randrange(16, 32), rng.randrange(256), rng.randrange(1, 255)),
            "192.168.%d.%d" % (rng.randrange(256), rng.randrange(1, 255)),
        ])
    first = rng.choice([31, 37, 45, 51, 62, 66, 77, 80, 81, 85, 88, 91, 93, 104, 141, 146, 151,
                        157, 176, 178, 185, 188, 193, 194, 212, 213, 217])
    return "%d.%d.%d.%d" % (first, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def ipv6(rng):
    prefix = rng.choice([0x20010DB8, 0x2A010E0A, 0x2A02A03F, 0x26001F18, 0x24048000])
    if rng.random() < 0.4:
        low = rng.randrange(1, 0xFFFF)  # a short, well-compressed address
    else:
        low = rng.getrandbits(64)
    return str(ipaddress.IPv6Address((prefix << 96) | (rng.randrange(0x10000) << 80) | low))


def ip(rng, v6_share=0.2):
    return ipv6(rng) if rng.random() < v6_share else ipv4(rng)


def port(rng):
    return rng.randrange(1024, 65536)


def hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


class Clock:
    """Event times: the day before `base`, moving forward by small random steps."""

    def __init__(self, rng, base, count):
        self.rng = rng
        self.t = base - dt.timedelta(days=1)
        self.step = 86400.0 / max(count, 1)

    def next(self):
        self.t += dt.timedelta(seconds=self.rng.expovariate(1 / self.step))
        return self.t


ZONES = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5)),
         dt.timezone(dt.timedelta(hours=5, minutes=30)), dt.timezone(dt.timedelta(hours=2))]


def clf_time(t, tz):
    local = t.astimezone(tz)
    return "%02d/%s/%04d:%s %s" % (local.day, MONTHS[local.month - 1], local.year,
                                   local.strftime("%H:%M:%S"), local.strftime("%z"))


def bsd_time(t):
    """RFC 3164: `Nov  3 04:05:06` (UTC)."""
    return "%s %2d %s" % (MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"))


def iso_time(t, tz=dt.timezone.utc, digits=6):
    local = t.astimezone(tz)
    s = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        s += "." + ("%06d" % local.microsecond)[:digits]
    off = local.strftime("%z")
    return s + ("Z" if off == "+0000" and tz is dt.timezone.utc else off[:3] + ":" + off[3:])


# ---- web (nginx, apache) ---------------------------------------------------------------------

def url_path(rng):
    r = rng.random()
    if r < 0.25:
        return rng.choice(["/static/js/main.%s.js" % hexs(rng, 8), "/static/css/app.%s.css" % hexs(rng, 8),
                           "/assets/img/hero-%d.webp" % rng.randrange(1, 40), "/favicon.ico",
                           "/assets/fonts/inter-var.woff2", "/static/js/vendor.%s.chunk.js" % hexs(rng, 8)])
    if r < 0.45:
        return rng.choice(["/api/v1/products/%d" % rng.randrange(1, 90000),
                           "/api/v1/cart", "/api/v1/orders?status=open&limit=%d" % rng.choice([10, 25, 50]),
                           "/api/v2/users/%d/preferences" % rng.randrange(1, 500000),
                           "/api/v1/session/refresh", "/graphql", "/api/v1/search/suggest?prefix=%s" %
                           rng.choice(["sho", "jac", "usb", "caf%C3%A9"])])
    if r < 0.6:
        term = rng.choice(SEARCH_TERMS).encode("utf-8")
        q = "".join(c if c in string.ascii_letters + string.digits + "-._~" else
                    ("+" if c == " " else "%%%02X" % ord(c)) for c in term.decode("latin-1"))
        return "/search?q=%s&page=%d&sort=%s" % (q, rng.randrange(1, 6), rng.choice(["relevance", "price_asc"]))
    if r < 0.72:
        return rng.choice(["/", "/index.html", "/about", "/contact", "/account", "/login?next=%2Faccount",
                           "/blog/2026/11/%s" % rng.choice(SLUGS), "/products/%d-winter-jacket" % rng.randrange(100, 999),
                           "/checkout?step=%d" % rng.randrange(1, 4), "/robots.txt", "/sitemap.xml"])
    if r < 0.8:
        return rng.choice(["/healthz", "/metrics", "/readyz", "/server-status?auto"])
    return rng.choice(["/wp-login.php", "/.env", "/.git/config", "/xmlrpc.php", "/phpmyadmin/index.php",
                       "/cgi-bin/luci/;stok=/locale", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
                       "/index.php?s=/index/\\think\\app/invokefunction", "/../../etc/passwd",
                       "/actuator/env", "/owa/auth/logon.aspx"])


def status_for(rng, path, method):
    if path.startswith(("/wp-", "/.env", "/.git", "/xmlrpc", "/phpmyadmin", "/cgi-bin", "/vendor/",
                        "/index.php?s", "/actuator", "/owa")):
        return choice_w(rng, [404, 403, 400, 444], [6, 2, 1, 1])
    if path.startswith("/../"):
        return 400
    if path.startswith(("/static", "/assets", "/favicon")):
        return choice_w(rng, [200, 304, 404], [7, 3, 0.3])
    if method == "POST":
        return choice_w(rng, [200, 201, 302, 400, 401, 403, 409, 422, 429, 500, 502, 504],
                        [30, 15, 8, 3, 3, 1, 1, 2, 2, 1, 1, 1])
    return choice_w(rng, [200, 301, 302, 304, 404, 401, 499, 500, 502, 503],
                    [70, 3, 4, 8, 4, 2, 1, 1, 1, 1])


def body_bytes(rng, status):
    if status in (204, 304) or status >= 444 and status != 500:
        return rng.choice([0, 0, 153, 157])
    if status in (301, 302):
        return rng.randrange(0, 200)
    return int(rng.lognormvariate(8, 1.6))


def method_for(rng, path):
    if path.startswith("/api/") or path == "/graphql":
        return choice_w(rng, ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"], [50, 30, 8, 4, 3, 5])
    if path.startswith("/login") or path.startswith("/checkout"):
        return choice_w(rng, ["GET", "POST"], [1, 1])
    return choice_w(rng, ["GET", "HEAD", "POST"], [90, 6, 4])


def request_parts(rng):
    path = url_path(rng)
    method = method_for(rng, path)
    version = choice_w(rng, ["HTTP/1.1", "HTTP/2.0", "HTTP/1.0"], [60, 37, 3])
    status = status_for(rng, path, method)
    return method, path, version, status


def quote_clf(s):
    """nginx/apache escaping of a quoted field: `"` and `\\` as `\\x22`-style or backslash escapes."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def referrer(rng, site):
    r = rng.random()
    if r < 0.45:
        return "-"
    if r < 0.75:
        return "https://%s%s" % (site, rng.choice(["/", "/search?q=shoes", "/cart", "/products/", "/blog/"]))
    return rng.choice(REFERRERS)


def access_line(rng, t, layout):
    method, path, version, status = request_parts(rng)
    client = ip(rng)
    user = rng.choice(USERS) if rng.random() < 0.07 else "-"
    tz = rng.choice(ZONES)
    nbytes = body_bytes(rng, status)
    request = "%s %s %s" % (method, path, version)
    if rng.random() < 0.004:
        request, status, nbytes = "-", 408, 0
    site = rng.choice(SITES)
    head = '%s - %s [%s] "%s" %d %s' % (client, user, clf_time(t, tz), quote_clf(request), status,
                                        "-" if layout == "apache" and nbytes == 0 and rng.random() < 0.5 else nbytes)
    if layout == "common":
        return head
    ua = choice_w(rng, USER_AGENTS, UA_WEIGHTS)
    line = '%s "%s" "%s"' % (head, quote_clf(referrer(rng, site)), quote_clf(ua))
    if layout == "xff":
        line += ' "%s"' % rng.choice(["-", ipv4(rng, "public"), "%s, %s" % (ipv4(rng, "public"), ipv4(rng, "private"))])
    return line


def nginx_json_line(rng, t):
    method, path, version, status = request_parts(rng)
    site = rng.choice(SITES)
    tz = rng.choice(ZONES)
    rt = rng.lognormvariate(-4, 1.3)
    record = {
        "time_iso8601": iso_time(t, tz, 0).replace("Z", "+00:00"),
        "remote_addr": ip(rng),
        "remote_user": rng.choice(USERS) if rng.random() < 0.1 else "",
        "request": "%s %s %s" % (method, path, version),
        "status": str(status),
        "body_bytes_sent": str(body_bytes(rng, status)),
        "request_time": "%.3f" % rt,
        "http_referer": "" if rng.random() < 0.5 else referrer(rng, site),
        "http_user_agent": choice_w(rng, USER_AGENTS, UA_WEIGHTS),
        "host": site,
        "request_id": hexs(rng, 32),
    }
    if path.startswith("/api/") or rng.random() < 0.3:
        record["upstream_addr"] = "10.0.%d.%d:8080" % (rng.randrange(4), rng.randrange(2, 40))
        record["upstream_response_time"] = "%.3f" % max(rt - 0.001, 0)
        record["upstream_cache_status"] = rng.choice(["MISS", "HIT", "BYPASS", "EXPIRED"])
    if rng.random() < 0.3:
        record["ssl_protocol"] = rng.choice(["TLSv1.3", "TLSv1.2"])
        record["ssl_cipher"] = rng.choice(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                           "ECDHE-RSA-AES128-GCM-SHA256"])
    if rng.random() < 0.2:  # escape=json writes strings; some setups print numbers bare
        record["status"] = status
        record["request_time"] = round(rt, 3)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def nginx_error_line(rng, t):
    pid = rng.randrange(800, 4000000)
    tid = pid if rng.random() < 0.7 else rng.randrange(0, 64)
    conn = rng.randrange(1, 9000000)
    client = ip(rng)
    site = rng.choice(SITES)
    method, path, version, _ = request_parts(rng)
    req = "%s %s %s" % (method, path, version)
    upstream = "10.0.%d.%d:8080" % (rng.randrange(4), rng.randrange(2, 40))
    head = "%s [%%s] %d#%d: " % (t.strftime("%Y/%m/%d %H:%M:%S"), pid, tid)
    kind = rng.randrange(9)
    if kind == 0:
        return head % "error" + '*%d open() "/var/www/%s/html%s" failed (2: No such file or directory), client: %s, server: %s, request: "%s", host: "%s"' % (
            conn, site, path.split("?")[0], client, site, req, site)
    if kind == 1:
        return head % "error" + "*%d upstream timed out (110: Connection timed out) while reading response header from upstream, client: %s, server: %s, request: \"%s\", upstream: \"http://%s%s\", host: \"%s\"" % (
            conn, client, site, req, upstream, path, site)
    if kind == 2:
        return head % "crit" + "*%d connect() to %s failed (111: Connection refused) while connecting to upstream, client: %s, server: %s, request: \"%s\", upstream: \"http://%s%s\", host: \"%s\", referrer: \"https://%s/\"" % (
            conn, upstream, client, site, req, upstream, path, site, site)
    if kind == 3:
        return head % "warn" + "*%d an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/%d/%02d/%010d while reading upstream, client: %s, server: %s, request: \"%s\", upstream: \"http://%s%s\", host: \"%s\"" % (
            conn, rng.randrange(10), rng.randrange(100), rng.randrange(10 ** 9), client, site, req, upstream, path, site)
    if kind == 4:
        return head % "error" + '*%d limiting requests, excess: %.3f by zone "api", client: %s, server: %s, request: "%s", host: "%s"' % (
            conn, rng.uniform(5, 50), client, site, req, site)
    if kind == 5:
        return head % "info" + "*%d client %s closed keepalive connection" % (conn, client)
    if kind == 6:
        return head % "crit" + "*%d SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: %s, server: 0.0.0.0:443" % (
            conn, client)
    if kind == 7:
        return head % "notice" + rng.choice(["signal process started", "using the \"epoll\" event method",
                                            "start worker process %d" % (pid + 1), "gracefully shutting down",
                                            "exiting", "worker process %d exited with code 0" % (pid + 2)])
    return head % "error" + '*%d access forbidden by rule, client: %s, server: %s, request: "%s", host: "%s"' % (
        conn, client, site, req, site)


def gen_nginx(rng, clock):
    t = clock.next()
    r = rng.random()
    if r < 0.72:
        return access_line(rng, t, choice_w(rng, ["combined", "common", "xff"], [80, 8, 12]))
    if r < 0.92:
        return nginx_json_line(rng, t)
    return nginx_error_line(rng, t)


def apache_error_time(t, fraction):
    s = "%s %s %02d %s" % (t.strftime("%a"), MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"))
    if fraction:
        s += ".%06d" % t.microsecond
    return s + " %d" % t.year


def apache_error_line(rng, t):
    if rng.random() < 0.15:  # 2.2 layout
        client = ipv4(rng)
        msg = rng.choice([
            "File does not exist: /var/www/html/favicon.ico",
            "File does not exist: /var/www/html%s" % url_path(rng).split("?")[0],
            "client denied by server configuration: /var/www/html/server-status",
            "script '/var/www/html/wp-login.php' not found or unable to stat",
            "Directory index forbidden by Options directive: /var/www/html/uploads/",
        ])
        level = rng.choice(["error", "error", "notice", "warn"])
        return "[%s] [%s] [client %s] %s" % (apache_error_time(t, False), level, client, msg)
    pid = rng.randrange(1000, 400000)
    tid = rng.choice([rng.randrange(139600000000000, 140800000000000), rng.randrange(1, 200)])
    head = "[%s] [%%s] [pid %d:tid %d] " % (apache_error_time(t, True), pid, tid)
    cip = ip(rng)
    client = "[client %s:%d] " % (cip, port(rng))
    site = rng.choice(SITES)
    kind = rng.randrange(9)
    if kind == 0:
        return head % "core:error" + client + "AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1"
    if kind == 1:
        return head % "authz_core:error" + client + "AH01630: client denied by server configuration: /var/www/%s/private%s" % (
            site, ", referer: https://%s/" % site if rng.random() < 0.5 else "")
    if kind == 2:
        return head % "proxy:error" + "(111)Connection refused: AH00957: http: attempt to connect to 127.0.0.1:%d (localhost) failed" % rng.choice([8080, 8081, 9000])
    if kind == 3:
        return head % "proxy_http:error" + "(70007)The timeout specified has expired: " + client + "AH01102: error reading status line from remote server 10.0.1.%d:8080" % rng.randrange(2, 60)
    if kind == 4:
        return head % "php:error" + client + "PHP Warning:  Undefined array key \"page\" in /var/www/%s/index.php on line %d, referer: https://%s/" % (
            site, rng.randrange(10, 400), site)
    if kind == 5:
        return head % "ssl:warn" + "AH01909: %s:443:0 server certificate does NOT include an ID which matches the server name" % site
    if kind == 6:
        return head % "core:error" + "(13)Permission denied: " + client + "AH00035: access to /private/ denied (filesystem path '/var/www/private') because search permissions are missing on a component of the path"
    if kind == 7:
        return head % "mpm_event:notice" + rng.choice([
            "AH00489: Apache/2.4.62 (Debian) OpenSSL/3.0.15 configured -- resuming normal operations",
            "AH00491: caught SIGTERM, shutting down", "AH00493: SIGUSR1 received.  Doing graceful restart"])
    return head % "auth_basic:error" + client + "AH01618: user %s not found: /admin" % rng.choice(ATTACK_USERS)


def gen_apache(rng, clock):
    t = clock.next()
    r = rng.random()
    if r < 0.75:
        layout = choice_w(rng, ["combined", "common", "vhost"], [60, 25, 15])
        if layout == "vhost":
            return "%s:%d %s" % (rng.choice(SITES), rng.choice([443, 443, 80]), access_line(rng, t, "combined"))
        line = access_line(rng, t, layout)
        if rng.random() < 0.03:  # HostnameLookups On
            line = "dsl-%s.isp.example.net %s" % (ipv4(rng, "public").replace(".", "-"), line.split(" ", 1)[1])
        return line
    return apache_error_line(rng, t)


# ---- unbound ---------------------------------------------------------------------------------

QTYPES = ["A", "AAAA", "HTTPS", "PTR", "MX", "TXT", "SRV", "NS", "SOA", "DS", "DNSKEY", "CNAME", "SVCB"]
QTYPE_W = [40, 30, 10, 6, 2, 3, 2, 1, 1, 1, 1, 1, 1]


def qname(rng, qtype):
    if qtype == "PTR":
        a = ipv4(rng).split(".")
        return "%s.%s.%s.%s.in-addr.arpa." % (a[3], a[2], a[1], a[0])
    if qtype == "SRV":
        return rng.choice(["_ldap._tcp.corp.example.com.", "_kerberos._udp.corp.example.com.",
                           "_sip._tls.example.net.", "_xmpp-client._tcp.example.org."])
    r = rng.random()
    if r < 0.1:
        return "%s.%s." % (hexs(rng, 12), rng.choice(["tracker.example.net", "cdn.example.com", "telemetry.example.org"]))
    if r < 0.12:
        return "."
    return rng.choice(DOMAINS) + "."


def unbound_text(rng):
    r = rng.random()
    qtype = choice_w(rng, QTYPES, QTYPE_W)
    qclass = "IN" if rng.random() < 0.995 else "CH"
    name = qname(rng, qtype) if qclass == "IN" else rng.choice(["version.bind.", "id.server.", "hostname.bind."])
    qtype = qtype if qclass == "IN" else "TXT"
    client = ip(rng, 0.25) if rng.random() < 0.3 else "10.%d.%d.%d" % (rng.randrange(4), rng.randrange(256), rng.randrange(1, 255))
    if r < 0.5:  # log-replies
        rcode = choice_w(rng, ["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"], [85, 11, 3, 1])
        cached = rng.random() < 0.6
        secs = 0.0 if cached else rng.lognormvariate(-3.5, 1.1)
        size = rng.randrange(40, 600) if rcode == "NOERROR" else rng.randrange(30, 140)
        return rng.choice(["info", "reply"]), "%s %s %s %s %s %.6f %d %d" % (
            client, name, qtype, qclass, rcode, secs, 1 if cached else 0, size)
    if r < 0.8:  # log-queries
        return rng.choice(["info", "query"]), "%s %s %s %s" % (client, name, qtype, qclass)
    k = rng.randrange(12)
    if k == 0:
        return "info", "validation failure <%s A IN>: signature expired from %s for key %s while building chain of trust" % (
            rng.choice(["bad.example.com.", "dnssec-failed.org.", "expired.example.net."]), ipv4(rng), rng.choice(["example.com.", "dnssec-failed.org."]))
    if k == 1:
        return "info", "server stats for thread %d: %d queries, %d answers from cache, %d recursions, %d prefetch, 0 rejected by ip ratelimiting" % (
            rng.randrange(4), rng.randrange(1000, 90000), rng.randrange(500, 60000), rng.randrange(100, 20000), rng.randrange(0, 900))
    if k == 2:
        return "info", "server stats for thread %d: requestlist max %d avg %.4f exceeded 0 jostled 0" % (
            rng.randrange(4), rng.randrange(5, 60), rng.uniform(0.5, 9))
    if k == 3:
        return "info", "average recursion processing time %.6f sec" % rng.uniform(0.01, 0.2)
    if k == 4:
        return "info", "generate keytag query _ta-4f66. NULL IN"
    if k == 5:
        return "notice", "init module %d: %s" % rng.choice([(0, "subnetcache"), (1, "validator"), (2, "iterator")])
    if k == 6:
        return "info", rng.choice(["start of service (unbound 1.19.3).", "service stopped (unbound 1.19.3).",
                                   "server stats for thread 0: 0 queries, 0 answers from cache, 0 recursions, 0 prefetch, 0 rejected by ip ratelimiting"])
    if k == 7:
        return "warning", rng.choice([
            "so-rcvbuf 1048576 was not granted. Got 425984. To fix: start with root permissions(linux) or sysctl bigger net.core.rmem_max(linux) or kern.ipc.maxsockbuf(bsd) values.",
            "failed to prime trust anchor -- DNSKEY rrset is not secure . DNSKEY IN"])
    if k == 8:
        return "error", "SERVFAIL <%s A IN>: all the configured stub or forward servers failed, at zone . upstream server timeout" % qname(rng, "A")
    if k == 9:
        return "error", rng.choice(["can't bind socket: Address already in use for 0.0.0.0 port 53",
                                    "udp connect failed: Network is unreachable for 2001:500:2::c port 53.",
                                    "remote control failed ssl crypto error:0A000126:SSL routines::unexpected eof while reading"])
    if k == 10:
        return "info", "resolving %s %s IN" % (qname(rng, "A"), rng.choice(["A", "AAAA", "DS"]))
    return "notice", "sendto failed: Permission denied"


def gen_unbound(rng, clock):
    t = clock.next()
    level, text = unbound_text(rng)
    pid = rng.choice([764008, 2211, 913, 1337])
    head = "[%d:%x]" % (pid, rng.randrange(4))
    shape = choice_w(rng, ["msg", "tag", "file"], [60, 15, 25])
    if shape == "msg":
        return "%s %s: %s" % (head, level, text)
    if shape == "tag":
        return "unbound: %s %s: %s" % (head, level, text)
    return "[%d] unbound%s %s: %s" % (int(t.timestamp()), head, level, text)


# ---- openssh ---------------------------------------------------------------------------------

def fingerprint(rng):
    return "SHA256:" + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode().rstrip("=")


def openssh_msg(rng):
    good = rng.choice(USERS[:14])
    bad = rng.choice(ATTACK_USERS + USERS[:4])
    attacker = ip(rng, 0.1) if rng.random() < 0.5 else ipv4(rng, "public")
    inside = ipv4(rng, "private") if rng.random() < 0.8 else ip(rng, 0.5)
    p = port(rng)
    k = choice_w(rng, range(16), [8, 6, 2, 14, 10, 8, 8, 5, 4, 5, 5, 4, 6, 2, 2, 1])
    if k == 0:
        key = rng.choice(["ED25519", "ED25519", "RSA", "ECDSA"])
        return "sshd", "Accepted publickey for %s from %s port %d ssh2: %s %s" % (good, inside, p, key, fingerprint(rng))
    if k == 1:
        return "sshd", "Accepted password for %s from %s port %d ssh2" % (good, inside, p)
    if k == 2:
        return "sshd-session", "Accepted keyboard-interactive/pam for %s from %s port %d ssh2" % (good, inside, p)
    if k == 3:
        if rng.random() < 0.6:
            return "sshd", "Failed password for invalid user %s from %s port %d ssh2" % (bad, attacker, p)
        return "sshd", "Failed password for %s from %s port %d ssh2" % (rng.choice(["root", "root", good]), attacker, p)
    if k == 4:
        return "sshd", "Invalid user %s from %s port %d" % (bad, attacker, p)
    if k == 5:
        who = rng.choice(["", "invalid user %s " % bad, "authenticating user root "])
        return "sshd", "Connection closed by %s%s port %d [preauth]" % (who, attacker, p)
    if k == 6:
        return "sshd", "Received disconnect from %s port %d:11: %s" % (
            rng.choice([attacker, inside]), p, rng.choice(["Bye Bye [preauth]", "disconnected by user",
                                                           "Normal Shutdown, Thank you for playing [preauth]"]))
    if k == 7:
        if rng.random() < 0.5:
            return "sshd", "Disconnected from user %s %s port %d" % (good, inside, p)
        return "sshd", "Disconnected from invalid user %s %s port %d [preauth]" % (bad, attacker, p)
    if k == 8:
        return "sshd", "Disconnected from authenticating user root %s port %d [preauth]" % (attacker, p)
    if k == 9:
        return "sshd", "pam_unix(sshd:session): session opened for user %s(uid=%d) by %s(uid=0)" % (
            good, 1000 + USERS.index(good), rng.choice(["", good]))
    if k == 10:
        return "sshd", "pam_unix(sshd:session): session closed for user %s" % good
    if k == 11:
        return "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s" % (
            attacker, rng.choice(["root", good]))
    if k == 12:
        return "sshd", "Connection reset by %s%s port %d [preauth]" % (
            rng.choice(["", "authenticating user root ", "invalid user %s " % bad]), attacker, p)
    if k == 13:
        return "sshd", rng.choice([
            "error: kex_exchange_identification: Connection closed by remote host",
            "error: kex_exchange_identification: read: Connection reset by peer",
            "banner exchange: Connection from %s port %d: invalid format" % (attacker, p),
            "Unable to negotiate with %s port %d: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]" % (attacker, p)])
    if k == 14:
        return "sshd", rng.choice(["Server listening on 0.0.0.0 port 22.", "Server listening on :: port 22.",
                                   "Received signal 15; terminating.",
                                   "pam_unix(sshd:auth): check pass; user unknown",
                                   "PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root" % attacker])
    return "CRON", "pam_unix(cron:session): session %s for user root" % rng.choice(["opened", "closed"]) + (
        " by (uid=0)" if rng.random() < 0.5 else "")


def gen_openssh(rng, clock):
    clock.next()
    app, msg = openssh_msg(rng)
    host = rng.choice(["bastion", "bastion-2", "web-01", "db-01", "git.example.com"])
    pid = rng.randrange(400, 4000000)
    facility = 10 if app != "CRON" else 9  # authpriv, cron
    severity = 6 if not msg.startswith("error") else 3
    return json.dumps({
        "message": msg,
        "log.syslog.facility.code": facility,
        "log.syslog.severity.code": severity,
        "log.syslog.hostname": host,
        "log.syslog.appname": app,
        "log.syslog.procid": str(pid),
    }, separators=(", ", ": "))


# ---- cef -------------------------------------------------------------------------------------

def cef_h(s):
    return s.replace("\\", "\\\\").replace("|", "\\|")


def cef_v(s):
    return s.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r")


def cef_line(vendor, product, version, cls, name, severity, ext, cef_version=0):
    extension = " ".join("%s=%s" % (k, cef_v(str(v))) for k, v in ext)
    return "CEF:%d|%s|%s|%s|%s|%s|%s|%s" % (cef_version, cef_h(vendor), cef_h(product), cef_h(version),
                                            cef_h(cls), cef_h(name), severity, extension)


def cef_time(rng, t):
    k = rng.randrange(4)
    if k == 0:
        return str(int(t.timestamp() * 1000))
    if k == 1:
        return "%s %02d %d %s" % (MONTHS[t.month - 1], t.day, t.year, t.strftime("%H:%M:%S"))
    if k == 2:
        return "%s %02d %d %s GMT" % (MONTHS[t.month - 1], t.day, t.year, t.strftime("%H:%M:%S"))
    return "%s %02d %s" % (MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S.%f")[:-3])


def gen_cef(rng, clock):
    t = clock.next()
    src, dst = ipv4(rng, "private"), ip(rng, 0.1)
    spt, dpt = port(rng), rng.choice([443, 443, 80, 53, 22, 25, 3389, 445, 8443])
    user = rng.choice(USERS)
    k = choice_w(rng, range(9), [20, 15, 12, 8, 8, 8, 8, 8, 13])
    if k == 0:
        act = rng.choice(["close", "accept", "deny", "timeout", "server-rst"])
        sent, rcvd = rng.randrange(40, 90000), rng.randrange(40, 2000000)
        line = cef_line("Fortinet", "Fortigate", "v7.2.8", "00013", "traffic:forward %s" % act,
                        rng.choice([3, 3, 5]), [
                            ("deviceExternalId", "FGT60FTK2209A0B%d" % rng.randrange(10)),
                            ("FTNTFGTlogid", "0000000013"), ("cat", "traffic:forward"), ("FTNTFGTsubtype", "forward"),
                            ("FTNTFGTlevel", "notice"), ("FTNTFGTvd", "root"),
                            ("FTNTFGTeventtime", str(int(t.timestamp() * 1e9))), ("src", src),
                            ("shost", "LAPTOP-%d" % rng.randrange(10, 99)), ("spt", spt),
                            ("deviceInboundInterface", "internal"), ("FTNTFGTsrcintfrole", "lan"), ("dst", dst),
                            ("dpt", dpt), ("deviceOutboundInterface", "wan1"), ("FTNTFGTdstintfrole", "wan"),
                            ("FTNTFGTsessionid", rng.randrange(10 ** 7, 10 ** 9)), ("proto", rng.choice([6, 17])),
                            ("act", act), ("FTNTFGTpolicyid", rng.randrange(1, 40)), ("FTNTFGTpolicytype", "policy"),
                            ("FTNTFGTservice", rng.choice(["HTTPS", "HTTP", "DNS", "SSH"])),
                            ("FTNTFGTtrandisp", "snat"), ("sourceTranslatedAddress", ipv4(rng, "doc")),
                            ("sourceTranslatedPort", port(rng)), ("FTNTFGTduration", rng.randrange(0, 600)),
                            ("out", sent), ("in", rcvd), ("FTNTFGTappcat", rng.choice(["unscanned", "Web.Client"]))])
    elif k == 1:
        host = rng.choice(["PA-VM-01", "pa-3220-dc1"])
        path = url_path(rng)
        line = "<14>%s %s " % (bsd_time(t), host) + cef_line(
            "Palo Alto Networks", "PAN-OS", "10.2.10", rng.choice(["url", "vulnerability", "end"]),
            rng.choice(["THREAT", "TRAFFIC"]), rng.choice([1, 3, 5]), [
                ("rt", "%s %02d %d %s GMT" % (MONTHS[t.month - 1], t.day, t.year, t.strftime("%H:%M:%S"))),
                ("deviceExternalId", "0079510001%05d" % rng.randrange(10 ** 5)), ("src", src), ("dst", dst),
                ("sourceTranslatedAddress", ipv4(rng, "doc")), ("destinationTranslatedAddress", dst),
                ("cs1Label", "Rule"), ("cs1", rng.choice(["allow-web", "allow-dns", "block-malware"])),
                ("suser", "corp\\%s" % user), ("duser", ""), ("app", rng.choice(["web-browsing", "ssl", "dns-base"])),
                ("cs3Label", "Virtual System"), ("cs3", "vsys1"), ("cs4Label", "Source Zone"), ("cs4", "trust"),
                ("cs5Label", "Destination Zone"), ("cs5", "untrust"), ("deviceInboundInterface", "ethernet1/2"),
                ("deviceOutboundInterface", "ethernet1/1"), ("cn1Label", "SessionID"), ("cn1", rng.randrange(10 ** 6)),
                ("cnt", 1), ("spt", spt), ("dpt", dpt), ("sourceTranslatedPort", port(rng)),
                ("destinationTranslatedPort", dpt), ("proto", "tcp"), ("act", rng.choice(["alert", "allow", "block-url"])),
                ("request", "%s%s" % (rng.choice(SITES), path)), ("cs2Label", "URL Category"),
                ("cs2", rng.choice(["business-and-economy", "computer-and-internet-info", "shopping"])),
                ("externalId", rng.randrange(10 ** 12, 10 ** 13)), ("requestMethod", "get"),
                ("requestClientApplication", choice_w(rng, USER_AGENTS, UA_WEIGHTS)), ("requestContext", "text/html")])
    elif k == 2:
        line = cef_line("Check Point", "VPN-1 & FireWall-1", "Check Point", "Log", rng.choice(["https", "domain-udp", "ssh"]),
                        "Unknown", [
                            ("act", rng.choice(["Accept", "Drop", "Reject"])), ("deviceDirection", rng.choice([0, 1])),
                            ("rt", int(t.timestamp() * 1000)), ("spt", spt), ("dpt", dpt),
                            ("cs2Label", "Rule Name"), ("cs2", rng.choice(["Allow outbound web", "Cleanup rule", "DNS out"])),
                            ("layer_name", "Network"), ("layer_uuid", "8e6f2d1a-3b7c-4d2e-9f10-%s" % hexs(rng, 12)),
                            ("match_id", rng.randrange(1, 80)), ("ifname", rng.choice(["eth1", "eth2", "bond0"])),
                            ("loguid", "{0x%s,0x0,0x%s,0xc0000001}" % (hexs(rng, 8), hexs(rng, 7))),
                            ("origin", ipv4(rng, "doc")), ("originsicname", "CN=gw-hq,O=mgmt.example.com.7h3k2p"),
                            ("sequencenum", rng.randrange(1, 100)), ("version", 5), ("dst", dst),
                            ("inzone", "Internal"), ("outzone", "External"), ("product", "VPN-1 & FireWall-1"),
                            ("proto", rng.choice([6, 17])), ("src", src)])
    elif k == 3:
        line = cef_line("Trend Micro", "Deep Security Agent", "20.0.1234", rng.choice(["1008610", "1000552", "4000000"]),
                        rng.choice(["Block Administrator Share", "Generic SQL Injection Prevention", "Log Inspection"]),
                        rng.choice([6, 8, 10]), [
                            ("cn1", rng.randrange(1, 400)), ("cn1Label", "Host ID"),
                            ("dvchost", "web%02d.example.com" % rng.randrange(1, 20)), ("TrendMicroDsTenant", "Primary"),
                            ("TrendMicroDsTenantId", 0), ("act", rng.choice(["Reset", "Deny", "Log"])),
                            ("dmac", "00:50:56:%02X:%02X:%02X" % (rng.randrange(256), rng.randrange(256), rng.randrange(256))),
                            ("smac", "00:50:56:%02x:%02x:%02x" % (rng.randrange(256), rng.randrange(256), rng.randrange(256))),
                            ("TrendMicroDsFrameType", "IP"), ("src", ip(rng, 0.1)), ("dst", src), ("in", rng.randrange(40, 1500)),
                            ("cs3", ""), ("cs3Label", "Fragmentation Bits"), ("proto", "TCP"), ("spt", spt), ("dpt", dpt),
                            ("cs2", "0x00 ACK PSH"), ("cs2Label", "TCP Flags"), ("cnt", 1),
                            ("rt", "%s %02d %d %s GMT+01:00" % (MONTHS[t.month - 1], t.day, t.year, t.strftime("%H:%M:%S")))])
    elif k == 4:
        line = cef_line("Imperva Inc.", "SecureSphere", "14.7.0", rng.choice(["Protocol Violations", "Signature Violation"]),
                        rng.choice(["Unauthorized Method for URL", "SQL Injection", "Cross Site Scripting"]),
                        rng.choice(["High", "Medium", "Low"]), [
                            ("act", rng.choice(["None", "Block"])), ("dst", dst), ("dpt", 443), ("src", ip(rng)),
                            ("spt", spt), ("proto", "TCP"), ("rt", cef_time(rng, t)), ("cat", "Alert"),
                            ("cs1", "Default Web Policy"), ("cs1Label", "Policy"), ("cs2", "shop"),
                            ("cs2Label", "ServerGroup"), ("cs3", "shop-https"), ("cs3Label", "ServiceName"),
                            ("requestMethod", rng.choice(["GET", "POST", "PUT"])),
                            ("request", "https://%s%s" % (rng.choice(SITES), url_path(rng))),
                            ("requestClientApplication", choice_w(rng, USER_AGENTS, UA_WEIGHTS))])
    elif k == 5:
        fname = rng.choice(["setup.exe", "report-q3.pdf", "invoice_2026_11.zip", "update.msi"])
        host = rng.choice(["downloads.example.net", "cdn.example.com", "files.example.org"])
        line = cef_line("McAfee", "Web Gateway", "11.2.9", "200", rng.choice(["Proxy allowed", "Proxy blocked"]),
                        rng.choice([2, 5]), [
                            ("rt", "%s %02d %d %s +0100" % (MONTHS[t.month - 1], t.day, t.year, t.strftime("%H:%M:%S"))),
                            ("cat", "Access Log"), ("dst", ipv4(rng, "doc")), ("dhost", host), ("suser", user),
                            ("src", src), ("requestContext", "https://www.example.org/start"), ("requestMethod", "GET"),
                            ("request", "https://%s/tools/%s" % (host, fname)), ("app", "HTTPS"),
                            ("cs3", "HTTP/1.1"), ("cs3Label", "Protocol/Version"), ("cs1", "Allow downloads"),
                            ("cs1Label", "Rule Name"), ("fileType", "application/x-msdownload"),
                            ("out", rng.randrange(200, 2000)), ("in", rng.randrange(1000, 50000000)),
                            ("msg", "File %s allowed for user %s (rule=Allow downloads, reputation=%s)" % (
                                fname, user, rng.choice(["minimal risk", "unverified"]))),
                            ("outcome", "success"), ("requestClientApplication", choice_w(rng, USER_AGENTS, UA_WEIGHTS))])
    elif k == 6:
        line = cef_line("FORCEPOINT", "Firewall", "6.10.5", rng.choice(["70018", "70019"]),
                        rng.choice(["Connection_Allowed", "Connection_Discarded"]), rng.choice([0, 2]), [
                            ("deviceExternalId", "Master FW node %d" % rng.randrange(1, 3)), ("dvc", ipv4(rng, "doc")),
                            ("dvchost", "fw-edge-%d" % rng.randrange(1, 3)), ("msg", "Connection allowed"),
                            ("deviceFacility", "Packet Filtering"),
                            ("rt", "%s %02d %s" % (MONTHS[t.month - 1], t.day, t.strftime("%H:%M:%S"))),
                            ("src", ip(rng, 0.4)), ("dst", ip(rng, 0.4)), ("spt", spt), ("dpt", dpt),
                            ("proto", rng.choice([6, 17])), ("app", rng.choice(["DNS", "HTTPS", "SSH"])),
                            ("act", rng.choice(["Allow", "Discard"])), ("deviceOutboundInterface", "Interface #1"),
                            ("deviceInboundInterface", "Interface #0"), ("cs1Label", "RuleID"),
                            ("cs1", "2097152.%d" % rng.randrange(1, 30))])
    elif k == 7:
        line = cef_line("Zscaler", "NSSWeblog", "6.2", rng.choice(["Allowed", "Blocked"]),
                        rng.choice(["Allowed", "Blocked"]), 1, [
                            ("act", rng.choice(["Allowed", "Blocked"])), ("reason", rng.choice(["Allowed", "Not allowed to browse this category"])),
                            ("app", "HTTPS"), ("dhost", rng.choice(DOMAINS)), ("dst", ipv4(rng, "public")), ("src", src),
                            ("sourceTranslatedAddress", ipv4(rng, "doc")), ("in", rng.randrange(100, 90000)),
                            ("out", rng.randrange(100, 9000)), ("request", "https://%s%s" % (rng.choice(DOMAINS), url_path(rng))),
                            ("requestContext", "None"), ("outcome", rng.choice(["200", "403"])),
                            ("requestClientApplication", choice_w(rng, USER_AGENTS, UA_WEIGHTS)),
                            ("requestMethod", "GET"), ("suser", "%s@example.com" % user), ("spriv", "Engineering"),
                            ("externalId", rng.randrange(10 ** 18, 10 ** 19)), ("fileType", "None"),
                            ("destinationServiceName", "General Browsing"), ("cat", rng.choice(["Professional Services", "Social Networking"])),
                            ("deviceOutboundInterface", "None"), ("cs1", "HQ"), ("cs1Label", "dept"),
                            ("rt", cef_time(rng, t))])
    else:
        eid = rng.choice([4624, 4625, 4634, 4672, 4688, 4720, 4740])
        names = {4624: "An account was successfully logged on", 4625: "An account failed to log on",
                 4634: "An account was logged off", 4672: "Special privileges assigned to new logon",
                 4688: "A new process has been created", 4720: "A user account was created",
                 4740: "A user account was locked out"}
        host = "WKS-%04d.corp.example.com" % rng.randrange(10000)
        ext = [("rt", cef_time(rng, t)), ("cat", "Security"), ("deviceSeverity", "Audit_success" if eid != 4625 else "Audit_failure"),
               ("externalId", eid), ("dhost", host), ("dntdom", "CORP"), ("duser", user), ("duid", "S-1-5-21-%d-%d-%d-%d" % (
                   rng.randrange(10 ** 9), rng.randrange(10 ** 9), rng.randrange(10 ** 9), 1000 + rng.randrange(9000))),
               ("src", ipv4(rng, "private")), ("spt", spt), ("cs2Label", "Logon Type"), ("cs2", rng.choice([2, 3, 10])),
               ("ad.LogonProcessName", "NtLmSsp"), ("ad.AuthenticationPackageName", "NTLM")]
        if eid == 4688:
            ext += [("dproc", "C:\\Windows\\System32\\%s" % rng.choice(["cmd.exe", "WindowsPowerShell\\v1.0\\powershell.exe", "whoami.exe"])),
                    ("dpid", rng.randrange(100, 60000)), ("sproc", "C:\\Windows\\explorer.exe"),
                    ("cs1Label", "Command Line"), ("cs1", 'powershell.exe -NoProfile -Command "Get-Process | Where-Object {$_.CPU -gt 100}"')]
        if eid == 4625:
            ext += [("reason", "Unknown user name or bad password."), ("msg", "Failure Reason: Unknown user name or bad password.\nStatus: 0xC000006D\r")]
        line = cef_line("Microsoft", "Microsoft Windows", "", "Microsoft-Windows-Security-Auditing:%d" % eid,
                        names[eid], rng.choice(["Low", "Medium", 3]), ext)
    return line


# ---- syslog, plain ---------------------------------------------------------------------------

def daemon_message(rng):
    """(app, pid or None, message) of a typical Linux box."""
    k = rng.randrange(16)
    u = rng.choice(USERS[:12])
    if k == 0:
        return "sshd", rng.randrange(400, 99999), "Accepted publickey for %s from %s port %d ssh2: ED25519 %s" % (
            u, ipv4(rng, "private"), port(rng), fingerprint(rng))
    if k == 1:
        return "sshd", rng.randrange(400, 99999), "Failed password for invalid user %s from %s port %d ssh2" % (
            rng.choice(ATTACK_USERS), ipv4(rng, "public"), port(rng))
    if k == 2:
        return "sudo", None, "%8s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=%s" % (
            u, rng.randrange(6), u, rng.choice(["/usr/bin/systemctl restart nginx", "/usr/bin/apt-get upgrade -y",
                                                  "/bin/journalctl -u app --since -1h", "/usr/bin/tail -f /var/log/syslog"]))
    if k == 3:
        return "CRON", rng.randrange(400, 99999), "(root) CMD (%s)" % rng.choice([
            "cd / && run-parts --report /etc/cron.hourly", "/usr/lib/php/sessionclean",
            "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }", "/opt/backup/run.sh >/dev/null 2>&1"])
    if k == 4:
        return "systemd", 1, rng.choice(["Started Daily apt upgrade and clean activities.",
                                         "Starting Cleanup of Temporary Directories...",
                                         "Finished Cleanup of Temporary Directories.",
                                         "nginx.service: Reloading requested from client PID %d ('systemctl')." % rng.randrange(1000, 99999),
                                         "session-%d.scope: Deactivated successfully." % rng.randrange(1, 9000),
                                         "Created slice User Slice of UID %d." % (1000 + rng.randrange(20))])
    if k == 5:
        return "kernel", None, "[%d.%06d] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:%02x:%02x:%02x SRC=%s DST=%s LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0" % (
            rng.randrange(10 ** 6), rng.randrange(10 ** 6), rng.randrange(256), rng.randrange(256), rng.randrange(256),
            ipv4(rng, "public"), ipv4(rng, "doc"), rng.choice([40, 44, 60]), rng.randrange(30, 250),
            rng.randrange(65536), port(rng), rng.choice([22, 23, 445, 3389, 8080, 6379]))
    if k == 6:
        peer = ipv4(rng, "public")
        return "postfix/smtpd", rng.randrange(400, 99999), rng.choice([
            "connect from unknown[%s]" % peer,
            "disconnect from mail-%s.example.net[%s] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5" % (hexs(rng, 4), peer),
            "NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 Service unavailable; Client host [%s] blocked using "
            "zen.spamhaus.org; from=<spam@example.biz> to=<%s@example.com> proto=ESMTP helo=<example.biz>" % (peer, peer, u)])
    if k == 7:
        return "postfix/qmgr", rng.randrange(400, 99999), "%s: from=<%s@example.com>, size=%d, nrcpt=1 (queue active)" % (
            hexs(rng, 10).upper(), u, rng.randrange(800, 90000))
    if k == 8:
        return "dhclient", rng.randrange(400, 99999), "DHCPACK of %s from %s" % (ipv4(rng, "private"), ipv4(rng, "private"))
    if k == 9:
        return "dockerd", rng.randrange(400, 99999), 'time="%s" level=%s msg="%s"' % (
            iso_time(dt.datetime(2026, 11, 22, rng.randrange(24), rng.randrange(60), rng.randrange(60), tzinfo=dt.timezone.utc), digits=6),
            rng.choice(["info", "warning"]), rng.choice(["ignoring event", "Container failed to exit within 10s of signal 15 - using the force",
                                                         "Layer sha256:%s cleaned up" % hexs(rng, 64)]))
    if k == 10:
        return "kubelet", rng.randrange(400, 99999), 'I1122 %02d:%02d:%02d.%06d    %d kubelet.go:%d] "SyncLoop (probe)" probe="readiness" status="ready" pod="default/web-%s-%s"' % (
            rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(10 ** 6), rng.randrange(400, 9999),
            rng.randrange(1000, 3000), hexs(rng, 9), hexs(rng, 5))
    if k == 11:
        return "nginx", rng.randrange(400, 99999), access_line(rng, dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc), "combined")
    if k == 12:
        return "systemd-logind", rng.randrange(400, 9999), rng.choice(["New session %d of user %s." % (rng.randrange(9000), u),
                                                                     "Session %d logged out. Waiting for processes to exit." % rng.randrange(9000),
                                                                     "Removed session %d." % rng.randrange(9000)])
    if k == 13:
        return "named", rng.randrange(400, 99999), "client @0x7f%s %s#%d (%s): query: %s IN A +E(0)K (%s)" % (
            hexs(rng, 10), ipv4(rng, "private"), port(rng), rng.choice(DOMAINS), rng.choice(DOMAINS), ipv4(rng, "private"))
    if k == 14:
        return "smartd", rng.randrange(400, 9999), "Device: /dev/sda [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from %d to %d" % (
            rng.randrange(30, 40), rng.randrange(30, 40))
    return "rsyslogd", rng.randrange(400, 9999), '[origin software="rsyslogd" swVersion="8.2312.0" x-pid="%d" x-info="https://www.rsyslog.com"] rsyslogd was HUPed' % rng.randrange(400, 9999)


def tag(app, pid):
    return "%s[%d]" % (app, pid) if pid is not None else app


def sd_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def gen_syslog(rng, clock):
    t = clock.next()
    host = rng.choice(HOSTS) + rng.choice(["", "", ".example.com"])
    app, pid, msg = daemon_message(rng)
    pri = rng.choice([4, 10, 3, 16, 1, 20]) * 8 + choice_w(rng, [3, 4, 5, 6, 7], [1, 2, 3, 10, 1])
    r = rng.random()
    if r < 0.5:  # RFC 5424
        elements = []
        if rng.random() < 0.6:
            elements.append('[timeQuality tzKnown="1" isSynced="%d"%s]' % (
                rng.choice([0, 1]), ' syncAccuracy="%d"' % rng.randrange(1000, 90000) if rng.random() < 0.3 else ""))
        if rng.random() < 0.5:
            elements.append('[origin ip="%s"%s software="rsyslogd" swVersion="8.2312.0"]' % (
                ipv4(rng, "private"), ' ip="%s"' % ipv6(rng) if rng.random() < 0.3 else ""))
        if rng.random() < 0.4:
            elements.append('[meta@32473 site="%s" env="%s" note="%s"]' % (
                rng.choice(["paris", "frankfurt", "us-east-1"]), rng.choice(["prod", "staging"]),
                sd_escape(rng.choice(['say "hi"', "c:\\tmp", "a [b] c", "plain"]))))
        sd = "".join(elements) or "-"
        msgid = rng.choice(["-", "-", "ID47", "AUTH", "ACCESS", "AUDIT"])
        procid = str(pid) if pid is not None else "-"
        ts = iso_time(t, rng.choice(ZONES), rng.choice([0, 3, 6]))
        bom = "\ufeff" if rng.random() < 0.1 else ""
        return "<%d>1 %s %s %s %s %s %s %s%s" % (pri, ts, host, app, procid, msgid, sd, bom, msg)
    if r < 0.75:  # RFC 3164 with PRI
        return "<%d>%s %s %s: %s" % (pri, bsd_time(t), host, tag(app, pid), msg)
    if r < 0.93:  # /var/log/syslog line
        return "%s %s %s: %s" % (bsd_time(t), host, tag(app, pid), msg)
    # RSYSLOG_FileFormat
    return "%s %s %s: %s" % (iso_time(t, rng.choice(ZONES), 6), host, tag(app, pid), msg)


def gen_plain(rng, clock):
    t = clock.next()
    app, pid, msg = daemon_message(rng)
    host = rng.choice(HOSTS)
    if rng.random() < 0.8:
        return "%s %s %s: %s" % (bsd_time(t), host, tag(app, pid), msg)
    return "%s %s %s: %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), host, tag(app, pid), msg)


def gen_plain_syslog(rng, clock):
    """What the default syslog intakes give `plain`: the MSG with the header the listener parsed
    (the host's envelope), as a fixture `input` object."""
    clock.next()
    app, pid, msg = daemon_message(rng)
    return json.dumps({
        "message": msg,
        "log.syslog.facility.code": rng.choice([1, 3, 4, 10, 16, 23]),
        "log.syslog.severity.code": rng.choice([3, 4, 5, 6, 6, 6]),
        "log.syslog.hostname": rng.choice(HOSTS),
        "log.syslog.appname": app,
        "log.syslog.procid": str(pid),
    }, separators=(", ", ": "))


# ---- json ------------------------------------------------------------------------------------

def gen_json(rng, clock):
    t = clock.next()
    k = rng.randrange(5)
    trace = hexs(rng, 32)
    if k == 0:  # application log (ECS-ish, nested)
        level = choice_w(rng, ["info", "warn", "error", "debug"], [70, 15, 8, 7])
        record = {
            "@timestamp": iso_time(t, dt.timezone.utc, 3),
            "log": {"level": level, "logger": rng.choice(["com.example.orders.OrderService", "com.example.cart.CartController",
                                                          "org.hibernate.SQL", "io.netty.channel.DefaultChannelPipeline"])},
            "message": rng.choice(["order created", "payment authorized", "cart updated", "slow query",
                                   "retrying request to payment provider", "cache miss for key product:%d" % rng.randrange(99999)]),
            "service": {"name": rng.choice(["orders", "cart", "payments"]), "version": "1.%d.%d" % (rng.randrange(10), rng.randrange(30))},
            "trace": {"id": trace},
            "event": {"duration": rng.randrange(10 ** 5, 10 ** 9)},
            "user": {"id": "u-%d" % rng.randrange(10 ** 6)},
        }
        if level == "error":
            record["error"] = {"type": "java.net.SocketTimeoutException", "message": "Read timed out after 5000 ms"}
    elif k == 1:  # audit event, "timestamp" with an offset
        action, outcome = rng.choice([("login", "success"), ("login", "failure"), ("logout", "success"),
                                      ("password-change", "success"), ("mfa-challenge", "unknown"), ("role-grant", "success")])
        record = {
            "timestamp": iso_time(t, rng.choice(ZONES), 3),
            "event": {"action": action, "outcome": outcome, "category": ["authentication"], "module": "iam"},
            "user": {"name": rng.choice(USERS), "roles": rng.sample(["viewer", "editor", "admin", "billing"], 2)},
            "source": {"ip": ip(rng), "geo": {"country_iso_code": rng.choice(["FR", "DE", "US", "GB", "NL"])}},
            "user_agent": {"original": choice_w(rng, USER_AGENTS[:9], UA_WEIGHTS[:9])},
            "session": {"id": hexs(rng, 16), "mfa": rng.random() < 0.7},
        }
    elif k == 2:  # access record with numbers and an epoch-millisecond @timestamp
        method, path, version, status = request_parts(rng)
        record = {
            "@timestamp": int(t.timestamp() * 1000),
            "http": {"request": {"method": method, "bytes": rng.randrange(200, 3000)},
                     "response": {"status_code": status, "bytes": body_bytes(rng, status)}, "version": version[5:]},
            "url": {"path": path.split("?")[0], "query": path.split("?", 1)[1] if "?" in path else None, "domain": rng.choice(SITES)},
            "client": {"ip": ip(rng)}, "tags": ["lb", rng.choice(["eu-west-1a", "eu-west-1b"])],
            "latency_ms": round(rng.lognormvariate(3, 1), 2),
        }
    elif k == 3:  # Kubernetes container log (no time: left to the host)
        record = {
            "kubernetes": {"namespace": rng.choice(["default", "payments", "ingress-nginx", "monitoring"]),
                           "pod": {"name": "web-%s-%s" % (hexs(rng, 9), hexs(rng, 5)), "uid": "%s-%s-%s-%s-%s" % (
                               hexs(rng, 8), hexs(rng, 4), hexs(rng, 4), hexs(rng, 4), hexs(rng, 12))},
                           "container": {"name": rng.choice(["app", "sidecar", "nginx"])},
                           "labels": {"app": "web", "tier": "frontend"}},
            "stream": rng.choice(["stdout", "stderr"]),
            "message": rng.choice(["GET /healthz 200 1ms", "listening on :8080", "connection pool exhausted, waiting",
                                   "SIGTERM received, draining connections"]),
            "host": {"name": rng.choice(HOSTS)},
        }
    else:  # cloud API audit (CloudTrail-like)
        record = {
            "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "@timestamp": None,
            "eventSource": rng.choice(["s3.amazonaws.com", "iam.amazonaws.com", "ec2.amazonaws.com"]),
            "eventName": rng.choice(["GetObject", "PutObject", "AssumeRole", "DescribeInstances", "CreateAccessKey"]),
            "awsRegion": rng.choice(["eu-west-1", "us-east-1"]), "sourceIPAddress": ip(rng),
            "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/%s/%s" % (
                rng.choice(["deploy", "readonly"]), rng.choice(USERS))},
            "requestParameters": {"bucketName": rng.choice(["logs-archive", "assets-prod"]), "key": "2026/11/%s.gz" % hexs(rng, 8)},
            "errorCode": None if rng.random() < 0.9 else "AccessDenied",
        }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


GENERATORS = {"plain": gen_plain, "plain-syslog": gen_plain_syslog, "json": gen_json, "nginx": gen_nginx, "apache": gen_apache,
              "unbound": gen_unbound, "openssh": gen_openssh, "cef": gen_cef, "syslog": gen_syslog}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--count", type=int, default=10000, help="lines per format (default 10000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--base", default="2026-11-23T00:00:00+00:00",
                    help="events fall in the day before this time (ISO 8601, default %(default)s)")
    ap.add_argument("--only", nargs="*", choices=FORMATS, help="only these formats")
    a = ap.parse_args()
    base = dt.datetime.fromisoformat(a.base)
    if base.tzinfo is None:
        base = base.replace(tzinfo=dt.timezone.utc)
    os.makedirs(a.out_dir, exist_ok=True)
    for i, name in enumerate(FORMATS):
        if a.only and name not in a.only:
            continue
        rng = random.Random("%d/%s" % (a.seed, name))
        clock = Clock(rng, base, a.count)
        path = os.path.join(a.out_dir, name + (".jsonl" if name in ("openssh", "plain-syslog") else ".log"))
        total = 0
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            for _ in range(a.count):
                line = GENERATORS[name](rng, clock)
                assert "\n" not in line and "\r" not in line and line.strip(), (name, line)
                out.write(line + "\n")
                total += len(line.encode("utf-8"))
        print("%s %s %d %d" % (name, path, a.count, total // max(a.count, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
