#!/usr/bin/env python3
"""Self-test of the fakes: starts each one over HTTPS with a throwaway self-signed certificate,
exercises it with urllib, starts a moto server and checks cloudtrail_seed.py with boto3.
Exits non-zero on the first failure.

    python3 tests/fakes/selftest.py [-v]
"""

import base64
import gzip
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
VERBOSE = "-v" in sys.argv
UTC = timezone.utc
PROCS = []


def log(*a):
    print("selftest:", *a, flush=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    if VERBOSE:
        log("ok -", what)


# ---------------------------------------------------------------------------------------------
# Processes


def start_fake(script, *args, timeout=15):
    p = subprocess.Popen([sys.executable, os.path.join(HERE, script), *args],
                         stdout=subprocess.PIPE, stderr=None, text=True)
    PROCS.append(p)
    result = {}

    def read():
        result["line"] = p.stdout.readline()

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(timeout)
    line = result.get("line", "")
    if not line.startswith("READY "):
        raise AssertionError("%s did not print READY (got %r, exit %r)" % (script, line, p.poll()))
    return p, int(line.split()[1])


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# HTTP


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def links(self):
        out = {}
        for v in self.headers.get_all("Link") or []:
            for part in v.split(","):
                url, _, rel = part.partition(";")
                out[rel.strip().split("=", 1)[1].strip('"')] = url.strip()[1:-1]
        return out


class Client:
    def __init__(self, cafile=None):
        ctx = ssl.create_default_context(cafile=cafile) if cafile else None
        handlers = [NoRedirect()]
        if ctx:
            handlers.append(urllib.request.HTTPSHandler(context=ctx))
        self.opener = urllib.request.build_opener(*handlers)

    def req(self, method, url, headers=None, data=None):
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        r = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(r, timeout=30) as f:
                return Resp(f.status, f.headers, f.read())
        except urllib.error.HTTPError as e:
            return Resp(e.code, e.headers, e.read())

    def get(self, url, **k):
        return self.req("GET", url, **k)

    def post(self, url, **k):
        return self.req("POST", url, data=k.pop("data", b""), **k)


def rfc3339_ms(ms):
    d = datetime.fromtimestamp(ms / 1000, UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def published_ms(ev):
    return int(datetime.strptime(ev["published"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp() * 1000 + 0.5)


# ---------------------------------------------------------------------------------------------
# Okta


def test_okta(cert, key, c):
    token = "00selftestToken"
    p, port = start_fake("fake_okta.py", "--port", "0", "--cert", cert, "--key", key, "--events", "250",
                         "--seed", "7", "--token", token, "--redirect-to", "https://elsewhere.example/landing")
    base = "https://localhost:%d" % port
    auth = {"Authorization": "SSWS " + token}

    evs = c.get(base + "/_fake/events").json()
    check(len(evs) == 250, "okta: 250 initial events")
    times = [published_ms(e) for e in evs]
    check(all(a < b for a, b in zip(times, times[1:])), "okta: published strictly increasing")
    check(times[-1] < time.time() * 1000 and times[0] > time.time() * 1000 - 121 * 60_000, "okta: within span, in the past")
    check(len({e["uuid"] for e in evs}) == 250, "okta: unique uuids")
    for e in evs:
        for k in ("uuid", "published", "eventType", "version", "severity", "displayMessage", "actor", "client",
                  "outcome", "target", "transaction", "debugContext", "authenticationContext", "securityContext",
                  "request", "legacyEventType"):
            assert k in e, k
        assert e["actor"]["type"] == "User" and e["transaction"]["type"] == "WEB" and e["version"] == "0"
        ip = e["client"]["ipAddress"]
        assert ip.startswith(("192.0.2.", "198.51.100.", "203.0.113.")), ip
    check(len({e["eventType"] for e in evs}) >= 6, "okta: a mix of event types")

    # determinism: same seed, same events (but for `published`), and plain HTTP with a page delay
    p2, port2 = start_fake("fake_okta.py", "--port", "0", "--events", "250", "--seed", "7", "--token", token,
                           "--page-delay-ms", "300")
    evs2 = Client().get("http://127.0.0.1:%d/_fake/events" % port2).json()
    strip = lambda es: [{k: v for k, v in e.items() if k != "published"} for e in es]
    check(strip(evs2) == strip(evs), "okta: same seed, same events")
    t0 = time.time()
    r = Client().get("http://127.0.0.1:%d/api/v1/logs?limit=1" % port2, headers=auth)
    check(r.status == 200 and time.time() - t0 >= 0.3, "okta: --page-delay-ms delays a data page")
    check(r.links()["next"].startswith("http://127.0.0.1:%d/api/v1/logs?" % port2), "okta: http next link")
    stop(p2)

    # auth failures
    for hdr in ({}, {"Authorization": "SSWS wrong"}, {"Authorization": "Bearer " + token}):
        r = c.get(base + "/api/v1/logs", headers=hdr)
        check(r.status == 401 and r.json()["errorCode"] == "E0000011"
              and r.json()["errorSummary"] == "Invalid token provided", "okta: 401 E0000011 for %r" % hdr)
        check(all(r.headers.get(h) for h in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset")),
              "okta: rate-limit headers on 401")

    # bounded request, paginated to the end
    since, until = evs[10]["published"], evs[200]["published"]
    url = base + "/api/v1/logs?" + urllib.parse.urlencode({"since": since, "until": until, "limit": 50,
                                                             "sortOrder": "ASCENDING"})
    got, pages = [], 0
    while url:
        r = c.get(url, headers=auth)
        check(r.status == 200, "okta: bounded page %d is 200" % pages)
        links = r.links()
        check(links.get("self", "").startswith(base + "/api/v1/logs?"), "okta: self link on the request's host")
        for h in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"):
            check(r.headers.get(h, "").isdigit(), "okta: %s" % h)
        check(len(r.headers.get_all("Link")) == (2 if "next" in links else 1), "okta: one Link header per rel")
        got.extend(r.json())
        pages += 1
        url = links.get("next")
        if url:
            check(url.startswith(base + "/api/v1/logs?") and "after=" in url, "okta: absolute next link, same host")
    check(pages == 4 and [e["uuid"] for e in got] == [e["uuid"] for e in evs[10:200]],
          "okta: bounded pagination returns since <= published < until, in order, 4 pages")

    # since/until without fractional seconds, and with an offset
    s = datetime.fromtimestamp(times[0] // 1000 + 1, UTC)
    r = c.get(base + "/api/v1/logs?" + urllib.parse.urlencode(
        {"since": s.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "until": (s + timedelta(hours=3)).astimezone(timezone(timedelta(hours=2))).isoformat(), "limit": 1000}),
        headers=auth)
    exp = [e["uuid"] for e, t in zip(evs, times) if t >= s.timestamp() * 1000]
    check(r.status == 200 and [e["uuid"] for e in r.json()] == exp and "next" not in r.links(),
          "okta: times without fractions / with an offset; last bounded page has no next link")

    # descending
    url = base + "/api/v1/logs?" + urllib.parse.urlencode({"since": since, "until": until, "limit": 60,
                                                             "sortOrder": "DESCENDING"})
    got, pages = [], 0
    while url:
        r = c.get(url, headers=auth)
        got.extend(r.json())
        pages += 1
        url = r.links().get("next")
    check(pages == 4 and [e["uuid"] for e in got] == [e["uuid"] for e in reversed(evs[10:200])],
          "okta: DESCENDING, paginated")

    # validation errors
    r = c.get(base + "/api/v1/logs?since=yesterday", headers=auth)
    check(r.status == 400 and r.json()["errorCode"] == "E0000030", "okta: bad since -> 400 E0000030")
    r = c.get(base + "/api/v1/logs?limit=1001", headers=auth)
    check(r.status == 400 and r.json()["errorCode"] == "E0000001", "okta: limit 1001 -> 400 E0000001")
    r = c.get(base + "/api/v1/logs?after=%%%%", headers=auth)
    check(r.status == 400, "okta: bad cursor -> 400")

    # polling: no until; a next link always, even on an empty page; new events show up there
    url = base + "/api/v1/logs?" + urllib.parse.urlencode({"since": evs[0]["published"], "limit": 100,
                                                             "sortOrder": "ASCENDING"})
    got, empty_next = [], None
    for _ in range(10):
        r = c.get(url, headers=auth)
        check(r.status == 200 and "next" in r.links(), "okta: polling page has a next link")
        page = r.json()
        got.extend(page)
        url = r.links()["next"]
        if not page:
            empty_next = url
            break
    check(len(got) == 250 and empty_next, "okta: polling reads everything then an empty page with a next link")
    r = c.get(empty_next, headers=auth)
    check(r.json() == [] and r.links()["next"] == empty_next, "okta: empty polling page links to itself")
    added = c.post(base + "/_fake/events?n=5").json()
    check(added["added"] == 5 and len(added["events"]) == 5, "okta: POST /_fake/events?n=5")
    new_times = [published_ms(e) for e in added["events"]]
    check(new_times[0] > times[-1] and all(b - a == 1 for a, b in zip(new_times, new_times[1:]))
          and new_times[-1] <= time.time() * 1000, "okta: appended events 1 ms apart, now, after the others")
    r = c.get(empty_next, headers=auth)
    check([e["uuid"] for e in r.json()] == [e["uuid"] for e in added["events"]], "okta: polling next link yields new events")
    check(len(c.get(base + "/_fake/events").json()) == 255, "okta: /_fake/events lists appended events")
    # a polling request on a fresh cursor-less query whose since is after everything: empty, with next
    r = c.get(base + "/api/v1/logs?since=" + urllib.parse.quote(rfc3339_ms(int(time.time() * 1000) + 60_000)), headers=auth)
    check(r.status == 200 and r.json() == [] and "next" in r.links(), "okta: empty first polling page has a next link")

    # throttle: the 2nd following API request answers 429 once
    tr = c.post(base + "/_fake/throttle?at=2&retry_after=3").json()
    check(tr["retry_after"] == 3, "okta: throttle armed")
    check(c.get(base + "/api/v1/logs?limit=1", headers=auth).status == 200, "okta: 1st request after arming is 200")
    r = c.get(base + "/api/v1/logs?limit=1", headers=auth)
    check(r.status == 429 and r.headers["Retry-After"] == "3" and r.json()["errorCode"] == "E0000047"
          and r.json()["errorSummary"] == "API call exceeded rate limit due to too many requests.",
          "okta: 2nd is 429 E0000047 with Retry-After: 3")
    check(r.headers["X-Rate-Limit-Remaining"] == "0" and int(r.headers["X-Rate-Limit-Reset"]) >= int(time.time()) + 2,
          "okta: 429 has X-Rate-Limit-Remaining 0 and Reset in the future")
    check(c.get(base + "/api/v1/logs?limit=1", headers=auth).status == 200, "okta: throttle fires once")

    # redirects
    r = c.get(base + "/redirect-me")
    check(r.status == 302 and r.headers["Location"] == "https://elsewhere.example/landing", "okta: permanent /redirect-me")
    c.post(base + "/_fake/redirect?to=" + urllib.parse.quote("https://evil.example:8443/x", safe=""))
    r = c.get(base + "/redirect-me")
    check(r.status == 302 and r.headers["Location"] == "https://evil.example:8443/x", "okta: one-shot redirect")
    r = c.get(base + "/redirect-me")
    check(r.headers["Location"] == "https://elsewhere.example/landing", "okta: one-shot redirect used once")
    c.post(base + "/_fake/redirect?path=/api/v1/logs&to=" + urllib.parse.quote("https://evil.example/api/v1/logs", safe=""))
    r = c.get(base + "/api/v1/logs", headers=auth)
    check(r.status == 302 and r.headers["Location"] == "https://evil.example/api/v1/logs", "okta: one-shot redirect of an API path")

    # the request log
    reqs = c.get(base + "/_fake/requests").json()
    check(all(not q["path"].startswith("/_fake/") for q in reqs), "okta: request log has no control requests")
    check(all(set(q) >= {"time", "method", "path", "status", "authorization", "headers"} for q in reqs),
          "okta: request log entries have their fields")
    check(sum(1 for q in reqs if q["status"] == 429) == 1, "okta: one 429 logged")
    check(reqs[0]["authorization"] is None and reqs[1]["authorization"] == "SSWS wrong"
          and reqs[3]["authorization"] == "SSWS " + token, "okta: authorization logged")
    check(reqs[-1]["status"] == 302 and reqs[-1]["headers"].get("Host") == "localhost:%d" % port, "okta: headers logged")
    stop(p)
    log("okta: ok")


# ---------------------------------------------------------------------------------------------
# Microsoft 365


def test_m365(cert, key, c):
    tenant = "11111111-2222-3333-4444-555555555555"
    cid, csec = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "s3cr3t~value"
    types = ["Audit.General", "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint"]
    p, port = start_fake("fake_m365.py", "--port", "0", "--cert", cert, "--key", key, "--tenant", tenant,
                         "--client-id", cid, "--client-secret", csec, "--token-ttl", "2", "--blobs", "7",
                         "--events-per-blob", "4", "--content-types", ",".join(types), "--seed", "3")
    base = "https://127.0.0.1:%d" % port
    api = base + "/api/v1.0/%s/activity/feed" % tenant
    v2 = base + "/%s/oauth2/v2.0/token" % tenant
    form = {"grant_type": "client_credentials", "client_id": cid, "client_secret": csec,
            "scope": "https://manage.office.com/.default"}

    def token():
        r = c.post(v2, data=form)
        check(r.status == 200, "m365: token 200")
        return r.json()["access_token"]

    # token endpoint
    r = c.post(v2, data=form)
    j = r.json()
    check(r.status == 200 and j["token_type"] == "Bearer" and j["expires_in"] == 2 and j["ext_expires_in"] == 2
          and j["access_token"], "m365: v2 token (expires_in is a number)")
    tok = j["access_token"]
    r = c.post(base + "/%s/oauth2/token" % tenant, data={"grant_type": "client_credentials", "client_id": cid,
                                                        "client_secret": csec, "resource": "https://manage.office.com"})
    j = r.json()
    check(r.status == 200 and j["expires_in"] == "2" and j["resource"] == "https://manage.office.com",
          "m365: v1 token (expires_in is a string)")
    r = c.post(v2, data=dict(form, client_secret="nope"))
    check(r.status == 401 and r.json()["error"] == "invalid_client"
          and r.json()["error_description"].startswith("AADSTS7000215: Invalid client secret provided")
          and r.json()["error_codes"] == [7000215], "m365: wrong secret -> 401 invalid_client AADSTS7000215")
    r = c.post(v2, data=dict(form, client_id="nobody"))
    check(r.status == 400 and r.json()["error"] == "unauthorized_client", "m365: unknown client -> 400")
    r = c.post(v2, data=dict(form, scope="https://manage.office.com"))
    check(r.status == 400 and r.json()["error"] == "invalid_scope", "m365: v2 scope without /.default -> 400")
    r = c.post(base + "/other-tenant/oauth2/v2.0/token", data=form)
    check(r.status == 400 and "AADSTS90002" in r.json()["error_description"], "m365: unknown tenant -> 400 AADSTS90002")
    basic = base64.b64encode(("%s:%s" % (cid, csec)).encode()).decode()
    r = c.post(v2, data={"grant_type": "client_credentials", "scope": form["scope"]},
               headers={"Authorization": "Basic " + basic})
    check(r.status == 200, "m365: client_secret_basic accepted")

    # API auth
    r = c.get(api + "/subscriptions/list")
    check(r.status == 401 and r.json()["error"]["code"] == "AF10001", "m365: no bearer -> 401 AF10001")
    r = c.get(api + "/subscriptions/list", headers={"Authorization": "Bearer garbage"})
    check(r.status == 401 and r.json()["error"]["code"] == "AF10001", "m365: unknown bearer -> 401")

    tok = token()
    H = {"Authorization": "Bearer " + tok}
    r = c.get(api + "/subscriptions/content?contentType=Audit.General", headers=H)
    check(r.status == 400 and r.json() == {"error": {"code": "AF20022", "message": "No subscription found for the specified content type."}},
          "m365: content without subscription -> 400 AF20022")
    r = c.post(api + "/subscriptions/start?contentType=Audit.General", headers=H)
    check(r.status == 200 and r.json() == {"contentType": "Audit.General", "status": "enabled", "webhook": None},
          "m365: subscription start")
    r = c.post(api + "/subscriptions/start?contentType=Audit.General", headers=H)
    check(r.status == 400 and r.json() == {"error": {"code": "AF20024", "message": "The subscription is already enabled. No property change."}},
          "m365: start again -> 400 AF20024")
    r = c.post(api + "/subscriptions/start?contentType=Audit.Bogus", headers=H)
    check(r.status == 400 and r.json()["error"]["code"] == "AF20020", "m365: invalid content type -> AF20020")
    for t in types[1:]:
        check(c.post(api + "/subscriptions/start?contentType=" + t, headers=H).status == 200, "m365: start " + t)
    r = c.get(api + "/subscriptions/list", headers=H)
    check(sorted(s["contentType"] for s in r.json()) == sorted(types)
          and all(s["status"] == "enabled" for s in r.json()), "m365: subscriptions/list")

    # content listing with NextPageUri, then every blob
    all_records = c.get(base + "/_fake/events").json()
    check(len(all_records) == 7 * 4 * len(types), "m365: /_fake/events lists every record")
    check(len({r["Id"] for r in all_records}) == len(all_records), "m365: unique record Ids")
    for rec in all_records:
        for k in ("Id", "RecordType", "CreationTime", "Operation", "OrganizationId", "UserType", "UserKey",
                  "Workload", "ResultStatus", "UserId", "ClientIP"):
            assert k in rec, (k, rec)
        assert rec["OrganizationId"] == tenant
        datetime.strptime(rec["CreationTime"], "%Y-%m-%dT%H:%M:%S")
    ops = {r["Operation"] for r in all_records}
    check({"MailItemsAccessed"} <= ops and ops & {"UserLoggedIn", "UserLoginFailed"} and ops & {"FileAccessed", "FileModified", "FileDownloaded", "FileUploaded"},
          "m365: realistic operations (%s)" % ", ".join(sorted(ops)))
    seen_ids = []
    now = datetime.now(UTC)
    windows = [None,  # no times: the last 24 hours
               ((now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S"), (now + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))]
    for t in types:
        for w in windows:
            q = {"contentType": t}
            if w:
                q.update(startTime=w[0], endTime=w[1])
            url = api + "/subscriptions/content?" + urllib.parse.urlencode(q)
            blobs, pages = [], 0
            while url:
                r = c.get(url, headers=H)
                check(r.status == 200, "m365: content page %s" % t)
                page = r.json()
                check(len(page) <= 3, "m365: at most --list-page blobs per page")
                blobs.extend(page)
                pages += 1
                url = r.headers.get("NextPageUri")
                if url:
                    check(url.startswith(api + "/subscriptions/content?") and "nextPage=" in url
                          and ("startTime=" in url) == bool(w), "m365: NextPageUri absolute, same parameters")
            check(len(blobs) == 7 and pages == 3, "m365: %s: 7 blobs in 3 pages (%s)" % (t, "window" if w else "default"))
            created = [b["contentCreated"] for b in blobs]
            check(created == sorted(created), "m365: blobs in contentCreated order")
            for b in blobs:
                check(set(b) == {"contentType", "contentId", "contentUri", "contentCreated", "contentExpiration"}
                      and b["contentType"] == t, "m365: blob fields")
                if w:
                    continue
                check(b["contentUri"] == api + "/audit/" + b["contentId"], "m365: contentUri")
                r = c.get(b["contentUri"], headers=H)
                recs = r.json()
                check(r.status == 200 and len(recs) == 4, "m365: blob has 4 records")
                seen_ids.extend(x["Id"] for x in recs)
    check(sorted(seen_ids) == sorted(r["Id"] for r in all_records), "m365: blobs hold exactly /_fake/events")

    # window errors
    def content(**q):
        return c.get(api + "/subscriptions/content?" + urllib.parse.urlencode(dict(contentType="Audit.General", **q)), headers=H)
    fmt = "%Y-%m-%dT%H:%M:%S"
    r = content(startTime=(now - timedelta(hours=30)).strftime(fmt), endTime=now.strftime(fmt))
    check(r.status == 400 and r.json()["error"]["code"] == "AF20055", "m365: more than 24 h apart -> AF20055")
    r = content(startTime=(now - timedelta(hours=1)).strftime(fmt))
    check(r.status == 400 and r.json()["error"]["code"] == "AF20055", "m365: startTime alone -> AF20055")
    r = content(startTime=(now - timedelta(days=8)).strftime(fmt), endTime=(now - timedelta(days=7, hours=20)).strftime(fmt))
    check(r.status == 400 and r.json()["error"]["code"] == "AF20056", "m365: startTime older than 7 days -> AF20056")
    r = content(startTime="yesterday", endTime="today")
    check(r.status == 400 and r.json()["error"]["code"] == "AF20054", "m365: bad time syntax -> AF20054")
    r = content(nextPage="garbage")
    check(r.status == 400 and r.json()["error"]["code"] == "AF20031", "m365: bad nextPage -> AF20031")

    # a new blob made now
    added = c.post(base + "/_fake/events?n=6&contentType=Audit.Exchange").json()
    check(added["added"] == 6 and len(added["events"]) == 6, "m365: POST /_fake/events adds a blob")
    cc = datetime.strptime(added["contentCreated"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    r = c.get(api + "/subscriptions/content?" + urllib.parse.urlencode(
        {"contentType": "Audit.Exchange", "startTime": (cc - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"),
         "endTime": (cc + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}), headers=H)
    check([b["contentId"] for b in r.json()] == [added["contentId"]], "m365: new blob listed in its window")
    r = c.get(r.json()[0]["contentUri"], headers=H)
    check(r.json() == added["events"], "m365: new blob's records")
    check(len(c.get(base + "/_fake/events").json()) == 7 * 4 * len(types) + 6, "m365: /_fake/events includes new records")
    r = c.get(api + "/audit/" + urllib.parse.quote(added["contentId"], safe=""), headers=H)
    check(r.status == 200, "m365: a %-encoded contentId is found too")
    r = c.get(api + "/audit/20260101000000000000999$x$audit_general$Audit_General$emea0024", headers=H)
    check(r.status == 404 and r.json()["error"]["code"] == "AF20050", "m365: unknown content -> AF20050")

    # throttle
    c.post(base + "/_fake/throttle?at=1&retry_after=2")
    r = c.get(api + "/subscriptions/list", headers=H)
    check(r.status == 429 and r.headers["Retry-After"] == "2" and r.json()["error"]["code"] == "AF429",
          "m365: throttled -> 429 AF429 with Retry-After")
    check(c.get(api + "/subscriptions/list", headers=H).status == 200, "m365: throttle fires once")

    c.post(base + "/_fake/throttle?at=1&retry_after=4&scope=token")
    r = c.post(v2, data=form)
    check(r.status == 429 and r.headers["Retry-After"] == "4" and r.json()["error"] == "temporarily_unavailable",
          "m365: throttled token request (scope=token)")

    # token expiry (ttl 2 s)
    time.sleep(2.2)
    r = c.get(api + "/subscriptions/list", headers=H)
    check(r.status == 401 and r.json()["error"]["code"] == "AF10001", "m365: expired token -> 401 AF10001")
    H2 = {"Authorization": "Bearer " + token()}
    check(c.get(api + "/subscriptions/list", headers=H2).status == 200, "m365: a new token works")

    reqs = c.get(base + "/_fake/requests").json()
    issued = sum(1 for q in reqs if "/oauth2/" in q["path"] and q["status"] == 200)
    check(c.get(base + "/_fake/tokens").json()["issued"] == issued == 5, "m365: tokens counted (5)")
    check(any(q["authorization"] == "Bearer " + tok for q in reqs), "m365: bearer logged")
    stop(p)
    log("m365: ok")


# ---------------------------------------------------------------------------------------------
# CloudTrail on moto


def test_cloudtrail():
    import boto3
    port = free_port()
    t0 = time.time()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    PROCS.append(moto)
    endpoint = "http://127.0.0.1:%d" % port
    for _ in range(300):
        try:
            with urllib.request.urlopen(endpoint + "/moto-api/", timeout=1) as f:
                if f.status == 200:
                    break
        except OSError:
            time.sleep(0.05)
    else:
        raise AssertionError("moto did not start")
    log("cloudtrail: moto ready in %.2f s" % (time.time() - t0))

    def seed(*a):
        out = subprocess.run([sys.executable, os.path.join(HERE, "cloudtrail_seed.py"), "--endpoint", endpoint, *a],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("cloudtrail_seed %s failed: %s" % (a, out.stderr))
        return json.loads(out.stdout)

    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    s3 = boto3.client("s3", config=boto3.session.Config(s3={"addressing_style": "path"}), **kw)
    sqs = boto3.client("sqs", **kw)

    def drain(url, expected, delete=True, unwrap=False):
        """Receives until `expected` messages; returns (records by eventID, log keys, digest keys, test events)."""
        msgs = []
        deadline = time.time() + 20
        while len(msgs) < expected and time.time() < deadline:
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            msgs.extend(r.get("Messages", []))
        check(len(msgs) == expected, "cloudtrail: received %d messages" % expected)
        records, keys, digests, tests = {}, [], [], 0
        for m in msgs:
            body = json.loads(m["Body"])
            if unwrap:
                check(body["Type"] == "Notification" and body["TopicArn"].startswith("arn:aws:sns:"), "cloudtrail: SNS envelope")
                body = json.loads(body["Message"])
            if body.get("Event") == "s3:TestEvent":
                tests += 1
            else:
                rec = body["Records"][0]
                check(rec["eventSource"] == "aws:s3" and rec["eventName"].startswith("ObjectCreated:"), "cloudtrail: S3 event")
                bucket = rec["s3"]["bucket"]["name"]
                key = urllib.parse.unquote_plus(rec["s3"]["object"]["key"])
                if "/CloudTrail-Digest/" in key:
                    digests.append(key)
                else:
                    obj = s3.get_object(Bucket=bucket, Key=key)
                    raw = obj["Body"].read()
                    check(obj["ContentEncoding"] == "gzip" and raw[:2] == b"\x1f\x8b"
                          and rec["s3"]["object"]["size"] == len(raw), "cloudtrail: gzip object as CloudTrail writes it")
                    for r in json.loads(gzip.decompress(raw))["Records"]:
                        for k in ("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
                                  "sourceIPAddress", "userAgent", "requestParameters", "responseElements", "eventID",
                                  "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory",
                                  "tlsDetails"):
                            assert k in r, (k, r)
                        assert r["eventID"] not in records
                        records[r["eventID"]] = r
                    keys.append(key)
            if delete:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return records, keys, digests, tests

    # plain S3 notifications, a test event, a digest; consumed and deleted
    out = seed("--bucket", "trail-bucket", "--queue", "trail-queue", "--files", "4", "--records-per-file", "25",
               "--seed", "5", "--test-event")
    check(out["queue_url"].endswith("/123456789012/trail-queue") and out["messages"] == 6 and len(out["event_ids"]) == 100
          and len(out["files"]) == 4 and "CloudTrail-Digest" in out["digest"], "cloudtrail: seed output")
    for k in out["files"]:
        check(k.startswith("AWSLogs/123456789012/CloudTrail/us-east-1/") and k.endswith(".json.gz")
              and "_CloudTrail_us-east-1_" in k, "cloudtrail: realistic key %s" % k)
    records, keys, digests, tests = drain(out["queue_url"], 6)
    check(set(records) == set(out["event_ids"]) and len(records) == 100, "cloudtrail: every eventID read back")
    check(sorted(keys) == sorted(out["files"]) and digests == [out["digest"]] and tests == 1,
          "cloudtrail: 4 log files, 1 digest, 1 test event")
    names = {r["eventName"] for r in records.values()}
    check({"ConsoleLogin", "AssumeRole", "GetObject"} <= names, "cloudtrail: a mix of events (%s)" % ", ".join(sorted(names)))
    dig = json.loads(gzip.decompress(s3.get_object(Bucket="trail-bucket", Key=out["digest"])["Body"].read()))
    check("Records" not in dig and len(dig["logFiles"]) == 4, "cloudtrail: digest file")
    cnt = seed("--queue", "trail-queue", "--count-messages")
    check(cnt["total"] == 0, "cloudtrail: --count-messages: all deleted")

    # same seed, same records
    again = seed("--bucket", "trail-bucket-2", "--queue", "trail-queue-2", "--files", "4", "--records-per-file", "25",
                 "--seed", "5", "--no-digest")
    check(again["event_ids"] == out["event_ids"] and again["messages"] == 4, "cloudtrail: deterministic from --seed; --no-digest")

    # SNS-wrapped, a key prefix that needs URL-encoding, visibility timeout 1 s, not deleted
    out = seed("--bucket", "trail-sns", "--queue", "trail-sns-queue", "--files", "2", "--records-per-file", "3",
               "--seed", "9", "--sns-wrapped", "--test-event", "--visibility-timeout", "1", "--key-prefix", "org trail+x")
    records, keys, digests, tests = drain(out["queue_url"], 4, delete=False, unwrap=True)
    check(len(records) == 6 and set(records) == set(out["event_ids"]) and sorted(keys) == sorted(out["files"])
          and keys[0].startswith("org trail+x/AWSLogs/") and tests == 1 and len(digests) == 1,
          "cloudtrail: SNS-wrapped notifications, URL-encoded keys")
    attrs = sqs.get_queue_attributes(QueueUrl=out["queue_url"], AttributeNames=["VisibilityTimeout"])["Attributes"]
    check(attrs["VisibilityTimeout"] == "1", "cloudtrail: --visibility-timeout")
    cnt = seed("--queue", "trail-sns-queue", "--count-messages")
    check(cnt["ApproximateNumberOfMessagesNotVisible"] == 4 and cnt["total"] == 4, "cloudtrail: in flight, not deleted")
    time.sleep(1.5)
    cnt = seed("--queue", "trail-sns-queue", "--count-messages")
    check(cnt["ApproximateNumberOfMessages"] == 4, "cloudtrail: visible again after the visibility timeout")
    stop(moto)
    log("cloudtrail: ok")


def main():
    tmp = tempfile.mkdtemp(prefix="fakes-selftest-")
    try:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                       check=True, capture_output=True)
        c = Client(cafile=cert)
        test_okta(cert, key, c)
        test_m365(cert, key, c)
        test_cloudtrail()
        log("all passed")
        return 0
    except AssertionError as e:
        log("FAILED:", e)
        import traceback
        traceback.print_exc()
        return 1
    finally:
        for p in PROCS:
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
