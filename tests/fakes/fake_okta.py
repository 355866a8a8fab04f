#!/usr/bin/env python3
"""Fake of the Okta System Log API (GET /api/v1/logs), from Okta's public documentation.

    python3 tests/fakes/fake_okta.py --port P [--cert C --key K] [--token T] [--events N]
        [--seed S] [--span-minutes M] [--page-delay-ms D] [--rate-limit L]
        [--redirect-to URL] [--link-base URL] [--verbose]

Prints `READY <port>` once listening. See README.md in this directory.
"""

import base64
import json
import random
import sys
import threading
import time
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _fakebase import (  # noqa: E402
    FakeHandler, FakeState, Response, base_arg_parser, now_ms, parse_time_us, reset_epoch,
    retry_after_header, rfc3339_ms, rng_uuid4, serve, spread_times_ms,
)

# ---------------------------------------------------------------------------------------------
# Event generation (deterministic from the seed; only `published` follows the clock)

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

PEOPLE = [
    ("Alice Martin", "alice.martin"), ("Bob Nguyen", "bob.nguyen"), ("Carla Rossi", "carla.rossi"),
    ("David Okafor", "david.okafor"), ("Emma Schmidt", "emma.schmidt"), ("Farid Haddad", "farid.haddad"),
    ("Grace Kim", "grace.kim"), ("Hugo Lefebvre", "hugo.lefebvre"), ("Ines Duarte", "ines.duarte"),
    ("Jonas Berg", "jonas.berg"),
]

PLACES = [
    # city, state, country, postalCode, lat, lon
    ("San Francisco", "California", "United States", "94107", 37.7697, -122.3933),
    ("New York", "New York", "United States", "10001", 40.7484, -73.9967),
    ("Paris", "Ile-de-France", "France", "75008", 48.8757, 2.3088),
    ("London", "England", "United Kingdom", "EC2V", 51.5164, -0.0930),
    ("Berlin", "Land Berlin", "Germany", "10115", 52.5323, 13.3846),
    ("Toronto", "Ontario", "Canada", "M5H", 43.6509, -79.3832),
    ("Sydney", "New South Wales", "Australia", "2000", -33.8688, 151.2093),
]

USER_AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
     "Windows 10", "CHROME"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
     "Mac OS X", "SAFARI"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "Linux", "FIREFOX"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
     "iOS", "MOBILE_SAFARI"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
     "Windows 10", "EDGE_CHROMIUM"),
]

APPS = [
    ("Salesforce.com", "salesforce"), ("Slack", "slack"), ("Google Workspace", "google"),
    ("AWS Account Federation", "amazon_aws"), ("Zoom", "zoomus"), ("GitHub Enterprise Cloud", "githubcloud"),
]

FACTORS = [("token:software:totp", "Okta Verify"), ("push", "Okta Verify"), ("sms", "SMS Authentication"),
           ("webauthn", "FIDO2 (WebAuthn)")]

ISPS = [(64496, "example telecom", "example-telecom.net"), (64497, "documentation isp", "doc-isp.example"),
        (64500, "test-net hosting", "testnet.example")]

# eventType, weight
EVENT_TYPES = [
    ("user.session.start", 30), ("user.authentication.sso", 25), ("policy.evaluate_sign_on", 15),
    ("user.authentication.auth_via_mfa", 10), ("user.session.end", 8), ("user.mfa.factor.activate", 4),
    ("user.account.lock", 3), ("group.user_membership.add", 3), ("user.lifecycle.create", 2),
]


def okta_id(rng, prefix):
    return prefix + "".join(rng.choice(_ALNUM) for _ in range(20 - len(prefix)))


def txn_id(rng):
    return "".join(rng.choice(_ALNUM + "-_") for _ in range(22)) + "AAA" + "".join(rng.choice("ABCDEFGHIJ") for _ in range(2))


def doc_ip(rng):
    net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
    return "%s.%d" % (net, rng.randint(1, 254))


def geo(place):
    city, state, country, postal, lat, lon = place
    return {"city": city, "state": state, "country": country, "postalCode": postal,
            "geolocation": {"lat": lat, "lon": lon}}


class OktaGen:
    def __init__(self, seed, domain):
        self.rng = random.Random(seed)
        self.domain = domain
        rng = self.rng
        self.users = [{"id": okta_id(rng, "00u"), "alternateId": "%s@example.com" % login, "displayName": name}
                      for name, login in PEOPLE]
        self.apps = [{"id": okta_id(rng, "0oa"), "displayName": dn, "name": n} for dn, n in APPS]
        self.groups = [{"id": okta_id(rng, "00g"), "displayName": g} for g in ("Engineering", "Finance", "VPN Users", "Admins")]
        self.policy = {"id": okta_id(rng, "00p"), "displayName": "Default Policy"}
        self.rules = [{"id": okta_id(rng, "0pr"), "displayName": r} for r in ("Require MFA off-network", "Catch-all Rule")]

    def event(self, published_ms):
        rng = self.rng
        types, weights = zip(*EVENT_TYPES)
        et = rng.choices(types, weights)[0]
        user = rng.choice(self.users)
        ua, os_, browser = rng.choice(USER_AGENTS)
        place = rng.choice(PLACES)
        ip = doc_ip(rng)
        asn, asorg, isp_domain = rng.choice(ISPS)
        txid = txn_id(rng)
        session = "102" + "".join(rng.choice(_ALNUM) for _ in range(22))
        user_target = {"id": user["id"], "type": "User", "alternateId": user["alternateId"],
                       "displayName": user["displayName"], "detailEntry": None}
        severity, result, reason = "INFO", "SUCCESS", None
        legacy = None
        target = []
        debug = {"requestId": txid, "requestUri": "/idp/idx/identify", "threatSuspected": "false",
                 "url": "/idp/idx/identify?"}
        auth_ctx = {"authenticationProvider": None, "credentialProvider": None, "credentialType": None,
                    "issuer": None, "interface": None, "authenticationStep": 0,
                    "externalSessionId": session}
        if et == "user.session.start":
            if rng.random() < 0.2:
                result, reason, severity = "FAILURE", "INVALID_CREDENTIALS", "WARN"
                legacy = "core.user_auth.login_failed"
            else:
                legacy = "core.user_auth.login_success"
            msg = "User login to Okta"
            auth_ctx.update(authenticationProvider="OKTA_AUTHENTICATION_PROVIDER", credentialType="PASSWORD")
            debug.update(behaviors="{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=POSITIVE, New State=NEGATIVE, New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}",
                         loginResult="VERIFICATION_ERROR" if result == "FAILURE" else "SUCCESS")
        elif et == "user.authentication.sso":
            app = rng.choice(self.apps)
            msg, legacy = "User single sign on to app", "app.auth.sso"
            target = [{"id": app["id"], "type": "AppInstance", "alternateId": app["displayName"],
                       "displayName": app["displayName"], "detailEntry": {"signOnModeType": rng.choice(["SAML_2_0", "OPENID_CONNECT"])}},
                      {"id": okta_id(rng, "0ua"), "type": "AppUser", "alternateId": user["alternateId"],
                       "displayName": user["displayName"], "detailEntry": None}]
            debug.update(requestUri="/app/%s/%s/sso/saml" % (app["name"], app["id"]),
                         url="/app/%s/%s/sso/saml?" % (app["name"], app["id"]), initiationType="IDP_INITIATED",
                         signOnMode=target[0]["detailEntry"]["signOnModeType"].replace("_", " "))
            auth_ctx.update(credentialType=None)
        elif et == "policy.evaluate_sign_on":
            rule = rng.choice(self.rules)
            decision = rng.choice(["ALLOW", "ALLOW", "ALLOW", "DENY", "CHALLENGE"])
            result, reason = decision, "Sign-on policy evaluation resulted in %s" % decision
            msg = "Evaluation of sign-on policy"
            target = [{"id": self.policy["id"], "type": "PolicyEntity", "alternateId": "unknown",
                       "displayName": self.policy["displayName"], "detailEntry": {"policyType": "OktaSignOn"}},
                      {"id": rule["id"], "type": "PolicyRule", "alternateId": "unknown",
                       "displayName": rule["displayName"], "detailEntry": {"policyRuleFactorMode": "2FA", "policyType": "OKTA_SIGN_ON"}}]
            debug.update(behaviors="{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=NEGATIVE}", risk="{level=LOW}")
        elif et == "user.authentication.auth_via_mfa":
            factor, provider = rng.choice(FACTORS)
            if rng.random() < 0.15:
                result, reason, severity = "FAILURE", "INVALID_CREDENTIALS", "INFO"
                legacy = "core.user.factor.attempt_fail"
            else:
                legacy = "core.user.factor.attempt_success"
            msg = "Authentication of user via MFA"
            auth_ctx.update(authenticationProvider="FACTOR_PROVIDER", credentialProvider="OKTA_CREDENTIAL_PROVIDER",
                            credentialType="OTP" if factor == "token:software:totp" else None, authenticationStep=0)
            debug.update(factor=factor, factorIntent="AUTHENTICATION")
        elif et == "user.session.end":
            msg, legacy = "User logout from Okta", "core.user_auth.logout_success"
            debug.update(requestUri="/login/signout", url="/login/signout?")
        elif et == "user.mfa.factor.activate":
            factor, provider = rng.choice(FACTORS)
            msg, legacy = "Activate factor for user", "core.user.factor.activate"
            target = [dict(user_target)]
            debug.update(factor=factor, requestUri="/idp/idx/challenge/answer", url="/idp/idx/challenge/answer?")
        elif et == "user.account.lock":
            msg, legacy, severity = "Max sign in attempts exceeded", "core.user_auth.account_locked", "WARN"
            result, reason = "FAILURE", "LOCKED_OUT"
            target = [dict(user_target)]
        elif et == "group.user_membership.add":
            g = rng.choice(self.groups)
            msg, legacy = "Add user to group membership", "core.user_group_member.user_add"
            target = [dict(user_target), {"id": g["id"], "type": "UserGroup", "alternateId": "unknown",
                                          "displayName": g["displayName"], "detailEntry": None}]
            debug.update(requestUri="/api/v1/groups/%s/users/%s" % (g["id"], user["id"]),
                         url="/api/v1/groups/%s/users/%s?" % (g["id"], user["id"]))
        else:  # user.lifecycle.create
            msg, legacy = "Create Okta user", "core.user.config.user_creation.success"
            newbie = rng.choice(self.users)
            target = [{"id": okta_id(rng, "00u"), "type": "User", "alternateId": "new." + newbie["alternateId"],
                       "displayName": "New " + newbie["displayName"], "detailEntry": None}]
            debug.update(requestUri="/api/v1/users", url="/api/v1/users?activate=true")
        ev = {
            "actor": {"id": user["id"], "type": "User", "alternateId": user["alternateId"],
                      "displayName": user["displayName"], "detailEntry": None},
            "client": {
                "userAgent": {"rawUserAgent": ua, "os": os_, "browser": browser},
                "zone": "null",
                "device": "Mobile" if os_ == "iOS" else "Computer",
                "id": None,
                "ipAddress": ip,
                "geographicalContext": geo(place),
            },
            "device": None,
            "authenticationContext": auth_ctx,
            "displayMessage": msg,
            "eventType": et,
            "outcome": {"result": result, "reason": reason},
            "published": rfc3339_ms(published_ms),
            "securityContext": {"asNumber": asn, "asOrg": asorg, "isp": asorg, "domain": isp_domain, "isProxy": False},
            "severity": severity,
            "debugContext": {"debugData": debug},
            "legacyEventType": legacy,
            "transaction": {"type": "WEB", "id": txid, "detail": {}},
            "uuid": rng_uuid4(rng),
            "version": "0",
            "request": {"ipChain": [{"ip": ip, "geographicalContext": geo(place), "version": "V4", "source": None}]},
            "target": target,
        }
        return ev


# ---------------------------------------------------------------------------------------------
# State


class OktaState(FakeState):
    def __init__(self, args):
        super().__init__(args)
        self.gen = OktaGen(args.seed, "example.okta.com")
        start = now_ms()
        times = spread_times_ms(random.Random(args.seed * 7919 + 1), args.events, args.span_minutes, start)
        self.events = []  # (published_ms, event dict), strictly increasing published_ms
        for t in times:
            self.events.append((t, self.gen.event(t)))
        self.redirect_once = []  # [(path_prefix, url)]
        self.window_start = int(time.time() // 60 * 60)
        self.window_count = 0

    def append(self, n):
        with self.lock:
            now = now_ms()
            first = now - (n - 1)
            if self.events:
                first = max(first, self.events[-1][0] + 1)
            new = []
            for i in range(n):
                t = first + i
                ev = self.gen.event(t)
                self.events.append((t, ev))
                new.append(ev)
            last = self.events[-1][0] if self.events else 0
        # every event is in the past when this returns
        while now_ms() <= last:
            time.sleep(0.001)
        return new

    def rate_headers(self, throttled_for=None):
        """X-Rate-Limit-* of a fixed one-minute window (not enforced: informational)."""
        with self.lock:
            now = time.time()
            ws = int(now // 60 * 60)
            if ws != self.window_start:
                self.window_start, self.window_count = ws, 0
            self.window_count += 1
            limit = self.args.rate_limit
            remaining = max(limit - self.window_count, 0)
            reset = ws + 60
        if throttled_for is not None:
            remaining = 0
            reset = reset_epoch(throttled_for)
        return [("X-Rate-Limit-Limit", str(limit)), ("X-Rate-Limit-Remaining", str(remaining)),
                ("X-Rate-Limit-Reset", str(reset))]


def okta_error(status, code, summary, causes=None, headers=None, rng=random):
    body = {"errorCode": code, "errorSummary": summary, "errorLink": code,
            "errorId": "oae" + "".join(rng.choice(_ALNUM) for _ in range(22)),
            "errorCauses": [{"errorSummary": c} for c in (causes or [])]}
    return Response(status, body, headers)


def encode_cursor(published_ms, idx):
    return base64.urlsafe_b64encode(("%d_%d" % (published_ms, idx)).encode()).decode().rstrip("=")


def decode_cursor(text):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        ms, idx = raw.split("_")
        return int(ms), int(idx)
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------
# HTTP


class OktaHandler(FakeHandler):
    server_version = "nginx"

    def api(self):
        st = self.state
        path = self.url_path
        # redirects (egress tests): one-shot first, then the permanent one
        with st.lock:
            for i, (prefix, url) in enumerate(st.redirect_once):
                if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                    del st.redirect_once[i]
                    return Response(302, b"", [("Location", url)])
        if (path == "/redirect-me" or path.startswith("/redirect-me/")) and st.args.redirect_to:
            return Response(302, b"", [("Location", st.args.redirect_to)])

        if not path.startswith("/api/"):
            return okta_error(404, "E0000022", "The endpoint does not support the provided HTTP method")

        throttled = st.count_and_check_throttle(["api", "any"])
        if throttled is not None:
            return okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.",
                              headers=st.rate_headers(throttled) + [retry_after_header(throttled)])
        rate = st.rate_headers()

        auth = self.headers.get("Authorization")
        if auth != "SSWS " + st.args.token:
            return okta_error(401, "E0000011", "Invalid token provided", headers=rate)

        if path.rstrip("/") != "/api/v1/logs":
            return okta_error(404, "E0000007", "Not found: Resource not found: %s (GenericResource)" % path, headers=rate)
        if self.command != "GET":
            return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method", headers=rate)
        return self.logs(rate)

    def logs(self, rate):
        st = self.state
        q = self.query
        bad = lambda *causes: okta_error(400, "E0000001", "Api validation failed: " + ", ".join(causes), list(causes), rate)
        bad_date = lambda: okta_error(
            400, "E0000030",
            "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.",
            headers=rate)
        now_us = time.time_ns() // 1000
        until_us = None
        if q.get("until"):
            until_us = parse_time_us(q["until"], require_time=True, require_zone=True)
            if until_us is None:
                return bad_date()
        if q.get("since"):
            since_us = parse_time_us(q["since"], require_time=True, require_zone=True)
            if since_us is None:
                return bad_date()
        else:
            since_us = (until_us if until_us is not None else now_us) - 7 * 86400 * 1_000_000
        if until_us is not None and until_us < since_us:
            return bad("until: The until date must be after the since date")
        try:
            limit = int(q.get("limit", "100"))
        except ValueError:
            return bad("limit: The limit must be an integer")
        if limit < 1 or limit > 1000:
            return bad("limit: The limit must be between 1 and 1000")
        order = q.get("sortOrder", "ASCENDING").upper()
        if order not in ("ASCENDING", "DESCENDING"):
            return bad("sortOrder: Invalid sortOrder")
        cursor = None
        if "after" in q:
            cursor = decode_cursor(q["after"])
            if cursor is None:
                return bad("after: Invalid after cursor")
        polling = until_us is None and order == "ASCENDING"
        if until_us is None:
            until_us = None if polling else now_us

        self.page_delay()
        with st.lock:
            events = st.events
            n = len(events)

            def matches(t):
                us = t * 1000
                return us >= since_us and (until_us is None or us < until_us)

            if order == "ASCENDING":
                start = cursor[1] + 1 if cursor else 0
                idxs = [i for i in range(max(start, 0), n) if matches(events[i][0])]
            else:
                start = cursor[1] - 1 if cursor else n - 1
                idxs = [i for i in range(min(start, n - 1), -1, -1) if matches(events[i][0])]
            page = idxs[:limit]
            more = len(idxs) > limit
            body = [events[i][1] for i in page]
            if page:
                next_cursor = encode_cursor(events[page[-1]][0], page[-1])
            elif cursor:
                next_cursor = q["after"]
            else:
                # empty polling page: nothing at or after `since` exists yet; resume after the
                # last event present now
                next_cursor = encode_cursor(events[-1][0], n - 1) if n else encode_cursor(0, -1)

        headers = list(rate)
        headers.append(("Link", '<%s>; rel="self"' % (self.base_url() + self.path)))
        if polling or more:
            params = [(k, v) for k, vs in self.query_multi.items() if k != "after" for v in vs]
            params.append(("after", next_cursor))
            headers.append(("Link", '<%s>; rel="next"' % self.with_query(self.url_path, params)))
        return Response(200, json.dumps(body, separators=(",", ":")).encode(), headers, "application/json")

    def control(self):
        st = self.state
        if self.url_path == "/_fake/events" and self.command == "GET":
            with st.lock:
                return Response(200, [e for _, e in st.events])
        if self.url_path == "/_fake/events" and self.command == "POST":
            try:
                n = int(self.query.get("n", "1"))
            except ValueError:
                return Response(400, {"fake_error": "n must be an integer"})
            new = st.append(n)
            return Response(200, {"added": len(new), "events": new})
        if self.url_path == "/_fake/redirect" and self.command == "POST":
            to = self.query.get("to")
            if not to:
                return Response(400, {"fake_error": "to=URL required"})
            prefix = self.query.get("path", "/redirect-me")
            with st.lock:
                st.redirect_once.append((prefix, to))
            return Response(200, {"path": prefix, "location": to})
        return None


def main():
    p = base_arg_parser("Fake Okta System Log API")
    p.add_argument("--token", default="00fakeOktaApiToken0000000000000000000000000",
                   help="the API token: requests need `Authorization: SSWS <token>`")
    p.add_argument("--rate-limit", type=int, default=1000,
                   help="X-Rate-Limit-Limit per minute (informational, not enforced; default 1000)")
    p.add_argument("--redirect-to", help="GET /redirect-me answers 302 to this URL, always")
    args = p.parse_args()
    serve(OktaHandler, OktaState(args))


if __name__ == "__main__":
    main()
