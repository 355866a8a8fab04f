#!/usr/bin/env python3
"""Fake of Microsoft's identity platform token endpoint (client credentials, v1 and v2) and the
Office 365 Management Activity API, in one server, from Microsoft's public documentation.

    python3 tests/fakes/fake_m365.py --port P [--cert C --key K] [--tenant T]
        [--client-id ID] [--client-secret S] [--token-ttl SECONDS] [--blobs B]
        [--events-per-blob E] [--content-types Audit.General,Audit.AzureActiveDirectory]
        [--list-page N] [--started TYPES|all] [--seed S] [--span-minutes M]
        [--page-delay-ms D] [--link-base URL] [--verbose]

Prints `READY <port>` once listening. See README.md in this directory.
"""

import json
import os
import random
import re
import secrets
import sys
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _fakebase import (  # noqa: E402
    FakeHandler, FakeState, Response, base_arg_parser, iso_seconds_nozone, ms_to_dt, now_ms,
    parse_time_us, retry_after_header, rfc3339_ms, rng_uuid4, serve, spread_times_ms,
)

VALID_CONTENT_TYPES = ["Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All"]
JSON_UTF8 = "application/json; charset=utf-8"
DAY_US = 86400 * 1_000_000

# ---------------------------------------------------------------------------------------------
# Audit record generation (deterministic from the seed; times follow the clock)

PEOPLE = ["alice.martin", "bob.nguyen", "carla.rossi", "david.okafor", "emma.schmidt", "farid.haddad",
          "grace.kim", "hugo.lefebvre"]
DOMAIN = "contoso.onmicrosoft.com"
UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "OneDriveMpc-Transform_Thumbnail/1.0",
]
APPS = [("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"),
        ("00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"),
        ("4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome"),
        ("1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams")]


def doc_ip(rng):
    return "%s.%d" % (rng.choice(["192.0.2", "198.51.100", "203.0.113"]), rng.randint(1, 254))


class AuditGen:
    def __init__(self, seed, tenant):
        self.rng = random.Random(seed)
        self.tenant = tenant
        rng = self.rng
        self.users = [{"upn": "%s@%s" % (p, DOMAIN), "puid": "1003%012X" % rng.getrandbits(48),
                       "oid": rng_uuid4(rng), "mailbox": rng_uuid4(rng)} for p in PEOPLE]
        self.site = "https://contoso.sharepoint.com/sites/Finance"
        self.site_id, self.web_id, self.list_id = rng_uuid4(rng), rng_uuid4(rng), rng_uuid4(rng)

    def _common(self, ms, record_type, operation, workload, user, result, object_id, ip):
        return {
            "CreationTime": iso_seconds_nozone(ms),
            "Id": rng_uuid4(self.rng),
            "Operation": operation,
            "OrganizationId": self.tenant,
            "RecordType": record_type,
            "ResultStatus": result,
            "UserKey": user["puid"] if workload != "AzureActiveDirectory" else user["oid"],
            "UserType": 0,
            "Version": 1,
            "Workload": workload,
            "ClientIP": ip,
            "ObjectId": object_id,
            "UserId": user["upn"],
        }

    def record(self, content_type, ms):
        rng = self.rng
        user = rng.choice(self.users)
        ip = doc_ip(rng)
        if content_type == "Audit.AzureActiveDirectory":
            ok = rng.random() > 0.2
            app_id, app_name = rng.choice(APPS)
            r = self._common(ms, 15, "UserLoggedIn" if ok else "UserLoginFailed", "AzureActiveDirectory", user,
                             "Success" if ok else "Failed", app_id, ip)
            r.update({
                "AzureActiveDirectoryEventType": 1,
                "ExtendedProperties": [
                    {"Name": "ResultStatusDetail", "Value": "Success" if ok else "UserError"},
                    {"Name": "UserAgent", "Value": rng.choice(UAS)},
                    {"Name": "RequestType", "Value": rng.choice(["OAuth2:Authorize", "Login:login", "OAuth2:Token"])},
                ],
                "ModifiedProperties": [],
                "Actor": [{"ID": user["oid"], "Type": 0}, {"ID": user["upn"], "Type": 5}],
                "ActorContextId": self.tenant,
                "ActorIpAddress": ip,
                "InterSystemsId": rng_uuid4(rng),
                "IntraSystemId": rng_uuid4(rng),
                "SupportTicketId": "",
                "Target": [{"ID": app_id, "Type": 0}],
                "TargetContextId": self.tenant,
                "ApplicationId": app_id,
                "DeviceProperties": [{"Name": "OS", "Value": rng.choice(["Windows10", "MacOs", "Ios"])},
                                     {"Name": "BrowserType", "Value": rng.choice(["Edge", "Chrome", "Safari"])},
                                     {"Name": "SessionId", "Value": rng_uuid4(rng)}],
                "ErrorNumber": "0" if ok else "50126",
            })
            if not ok:
                r["LogonError"] = "InvalidUserNameOrPassword"
            return r
        if content_type == "Audit.Exchange":
            r = self._common(ms, 50, "MailItemsAccessed", "Exchange", user, "Succeeded", user["mailbox"], ip)
            r.update({
                "AppId": "00000002-0000-0ff1-ce00-000000000000",
                "ClientAppId": "",
                "ClientIPAddress": ip,
                "ClientInfoString": "Client=OWA;Action=ViaProxy",
                "ExternalAccess": False,
                "InternalLogonType": 0,
                "LogonType": 0,
                "LogonUserSid": "S-1-5-21-%d-%d-%d-%d" % (rng.getrandbits(31), rng.getrandbits(31), rng.getrandbits(31), rng.randint(1000, 99999)),
                "MailboxGuid": user["mailbox"],
                "MailboxOwnerSid": "S-1-5-21-%d-%d-%d-%d" % (rng.getrandbits(31), rng.getrandbits(31), rng.getrandbits(31), rng.randint(1000, 99999)),
                "MailboxOwnerUPN": user["upn"],
                "OperationProperties": [{"Name": "MailAccessType", "Value": rng.choice(["Bind", "Sync"])},
                                        {"Name": "IsThrottled", "Value": "False"}],
                "OrganizationName": DOMAIN,
                "OriginatingServer": "AM6PR0%dMB%04d (15.20.8207.017)" % (rng.randint(1, 9), rng.randint(1, 9999)),
                "SessionId": rng_uuid4(rng),
                "Folders": [{"FolderItems": [{"InternetMessageId": "<%s@AM6PR04MB%04d.eurprd04.prod.outlook.com>" % (uuid.UUID(int=rng.getrandbits(128)).hex[:20], rng.randint(1, 9999)),
                                              "SizeInBytes": rng.randint(2000, 900000)}],
                             "Id": "LgAAAAB" + uuid.UUID(int=rng.getrandbits(128)).hex, "Path": "\\Inbox"}],
                "OperationCount": 1,
            })
            return r
        if content_type == "Audit.SharePoint":
            op = rng.choice(["FileAccessed", "FileAccessed", "FileModified", "FileDownloaded", "FileUploaded"])
            name = rng.choice(["Q4 forecast.xlsx", "Board deck.pptx", "Payroll 2026.csv", "Contract draft.docx"])
            rel = "Shared Documents/Reports"
            url = "%s/%s/%s" % (self.site, rel, name)
            r = self._common(ms, 6, op, "SharePoint", user, "Succeeded", url, ip)
            r.update({
                "UserKey": "i:0h.f|membership|%s@live.com" % user["puid"].lower(),
                "CorrelationId": rng_uuid4(rng),
                "EventSource": "SharePoint",
                "ItemType": "File",
                "ListId": self.list_id,
                "ListItemUniqueId": rng_uuid4(rng),
                "Site": self.site_id,
                "UserAgent": rng.choice(UAS),
                "WebId": self.web_id,
                "HighPriorityMediaProcessing": False,
                "SourceFileExtension": name.rsplit(".", 1)[1],
                "SiteUrl": self.site + "/",
                "SourceFileName": name,
                "SourceRelativeUrl": rel,
                "ApplicationDisplayName": "Microsoft Office Online",
                "GeoLocation": "EUR",
                "IsManagedDevice": rng.random() < 0.5,
                "AuthenticationType": "OAuth",
            })
            return r
        if content_type == "DLP.All":
            r = self._common(ms, 13, "DlpRuleMatch", "Exchange", user, "Succeeded", "<msg%d@contoso.com>" % rng.getrandbits(32), ip)
            r.update({"IncidentId": rng_uuid4(rng),
                      "PolicyDetails": [{"PolicyId": rng_uuid4(rng), "PolicyName": "U.S. Financial Data",
                                         "Rules": [{"RuleId": rng_uuid4(rng), "RuleName": "Low volume of content detected",
                                                    "Severity": "Low", "Actions": ["NotifyUser"]}]}],
                      "SensitiveInfoDetectionIsIncluded": False})
            return r
        # Audit.General: Teams and Power BI
        if rng.random() < 0.6:
            op = rng.choice(["TeamsSessionStarted", "MemberAdded", "MessageSent", "ChannelAdded"])
            r = self._common(ms, 25, op, "MicrosoftTeams", user, "Succeeded", "", ip)
            r.update({"CommunicationType": "Team", "TeamName": rng.choice(["Finance", "Incident Response", "All Company"]),
                      "TeamGuid": "19:%s@thread.tacv2" % uuid.UUID(int=rng.getrandbits(128)).hex,
                      "ItemName": "General", "AADGroupId": rng_uuid4(rng),
                      "ExtraProperties": [{"Key": "UserAgent", "Value": rng.choice(UAS)}]})
            r.pop("ObjectId")
            return r
        r = self._common(ms, 20, rng.choice(["ViewReport", "ExportReport", "ViewDashboard"]), "PowerBI", user,
                         "Succeeded", "Sales Overview", ip)
        r.update({"Activity": r["Operation"], "ItemName": "Sales Overview", "WorkSpaceName": "Sales",
                  "DatasetName": "Sales 2026", "ReportName": "Sales Overview", "WorkspaceId": rng_uuid4(rng),
                  "ObjectId": "Sales Overview", "DatasetId": rng_uuid4(rng), "ReportId": rng_uuid4(rng),
                  "IsSuccess": True, "RequestId": rng_uuid4(rng), "UserAgent": rng.choice(UAS),
                  "DistributionMethod": "Workspace", "ConsumptionMethod": "Power BI Web"})
        return r


# ---------------------------------------------------------------------------------------------
# State


class M365State(FakeState):
    def __init__(self, args):
        super().__init__(args)
        self.gen = AuditGen(args.seed, args.tenant)
        self.content_types = [c for c in args.content_types.split(",") if c]
        for c in self.content_types:
            if c not in VALID_CONTENT_TYPES:
                sys.exit("unknown content type %r (valid: %s)" % (c, ", ".join(VALID_CONTENT_TYPES)))
        self.tokens = {}  # token -> {"expires": epoch float, "tenant", "client_id"}
        self.tokens_issued = 0
        self.subscriptions = {}  # contentType -> {"status": "enabled"|"disabled", "webhook": ...}
        started = args.started
        for c in (VALID_CONTENT_TYPES if started == "all" else [c for c in (started or "").split(",") if c]):
            self.subscriptions[c] = {"contentType": c, "status": "enabled", "webhook": None}
        self.blobs = {c: [] for c in VALID_CONTENT_TYPES}  # contentType -> [blob], contentCreated increasing
        self.by_id = {}
        self.seq = 0
        start = now_ms()
        trng = random.Random(args.seed * 7919 + 2)
        for c in self.content_types:
            for t in spread_times_ms(trng, args.blobs, args.span_minutes, start):
                self._add_blob(c, t, args.events_per_blob)

    def _add_blob(self, content_type, created_ms, n):
        # records happen up to a few minutes before their blob is published, in order
        recs = []
        rec_times = sorted(created_ms - self.gen.rng.randint(1_000, 240_000) for _ in range(n))
        for t in rec_times:
            recs.append(self.gen.record(content_type, t))
        self.seq += 1
        stamp = ms_to_dt(created_ms).strftime("%Y%m%d%H%M%S") + "%03d" % (created_ms % 1000) + "%06d" % self.seq
        cid = "%s$%s$%s$%s$emea0024" % (stamp, stamp, content_type.lower().replace(".", "_"), content_type.replace(".", "_"))
        blob = {"contentType": content_type, "contentId": cid, "created_ms": created_ms, "records": recs}
        self.blobs[content_type].append(blob)
        self.by_id[cid] = blob
        return blob

    def add_blob_now(self, content_type, n):
        with self.lock:
            t = now_ms()
            lst = self.blobs[content_type]
            if lst:
                t = max(t, lst[-1]["created_ms"] + 1)
            blob = self._add_blob(content_type, t, n)
        while now_ms() <= blob["created_ms"]:
            time.sleep(0.001)
        return blob

    def issue_token(self, tenant, client_id):
        tok = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(48) + "." + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[tok] = {"expires": time.time() + self.args.token_ttl, "tenant": tenant, "client_id": client_id}
            self.tokens_issued += 1
        return tok


def graph_error(status, code, message, headers=None):
    return Response(status, {"error": {"code": code, "message": message}}, headers, JSON_UTF8)


def aad_error(status, error, code, description, extra_headers=None):
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    ts = datetime.now(timezone.utc)
    desc = "AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s" % (
        code, description, trace, corr, ts.strftime("%Y-%m-%d %H:%M:%SZ"))
    return Response(status, {"error": error, "error_description": desc, "error_codes": [code],
                             "timestamp": ts.strftime("%Y-%m-%d %H:%M:%SZ"), "trace_id": trace,
                             "correlation_id": corr, "error_uri": "https://login.microsoftonline.com/error?code=%d" % code},
                    extra_headers, JSON_UTF8)


TOKEN_RE = re.compile(r"^/([^/]+)/oauth2/(v2\.0/)?token/?$")
API_RE = re.compile(r"^/api/v1\.0/([^/]+)/activity/feed/(.+)$")


class M365Handler(FakeHandler):
    server_version = "Microsoft-HTTPAPI/2.0"

    def api(self):
        m = TOKEN_RE.match(self.url_path)
        if m:
            return self.token(m.group(1), bool(m.group(2)))
        m = API_RE.match(self.url_path)
        if m:
            return self.management(m.group(1), unquote(m.group(2)))
        return graph_error(404, "NotFound", "The requested resource %s was not found." % self.url_path)

    # -- identity platform ----------------------------------------------------------------------

    def token(self, tenant, v2):
        st = self.state
        a = st.args
        throttled = st.count_and_check_throttle(["token", "any"])
        if throttled is not None:
            return aad_error(429, "temporarily_unavailable", 50196,
                             "The server terminated an operation because it encountered a client request loop.",
                             [retry_after_header(throttled)])
        if self.command != "POST":
            return aad_error(405, "invalid_request", 900561,
                             "The endpoint only accepts POST requests. Received a %s request." % self.command)
        if tenant.lower() not in (a.tenant.lower(), a.tenant_domain.lower()):
            return aad_error(400, "invalid_request", 90002,
                             "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing "
                             "into the correct cloud." % tenant)
        form = {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        # client_secret_basic is accepted too
        auth = self.headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            import base64
            try:
                cid, _, csec = base64.b64decode(auth[6:]).decode().partition(":")
                form.setdefault("client_id", unquote(cid))
                form.setdefault("client_secret", unquote(csec))
            except Exception:
                pass
        gt = form.get("grant_type")
        if not gt:
            return aad_error(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'grant_type'.")
        if gt != "client_credentials":
            return aad_error(400, "unsupported_grant_type", 70003,
                             "The app requested an unsupported grant type '%s'." % gt)
        if not form.get("client_id"):
            return aad_error(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'client_id'.")
        if v2:
            scope = form.get("scope")
            if not scope:
                return aad_error(400, "invalid_request", 900144,
                                 "The request body must contain the following parameter: 'scope'.")
            if not scope.endswith("/.default"):
                return aad_error(400, "invalid_scope", 1002012,
                                 "The provided value for scope %s is not valid. Client credential flows must have a "
                                 "scope value with /.default suffixed to the resource identifier "
                                 "(application ID URI)." % scope)
        if form["client_id"] != a.client_id:
            return aad_error(400, "unauthorized_client", 700016,
                             "Application with identifier '%s' was not found in the directory '%s'. This can happen "
                             "if the application has not been installed by the administrator of the tenant or "
                             "consented to by any user in the tenant. You may have sent your authentication request "
                             "to the wrong tenant." % (form["client_id"], tenant))
        if not form.get("client_secret"):
            return aad_error(401, "invalid_client", 7000216,
                             "'client_assertion', 'client_secret' or 'request' is required for the "
                             "'client_credentials' grant type.")
        if form["client_secret"] != a.client_secret:
            return aad_error(401, "invalid_client", 7000215,
                             "Invalid client secret provided. Ensure the secret being sent in the request is the "
                             "client secret value, not the client secret ID, for a secret added to app '%s'."
                             % a.client_id)
        tok = st.issue_token(a.tenant, a.client_id)
        ttl = a.token_ttl
        hdrs = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")]
        if v2:
            return Response(200, {"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl,
                                  "access_token": tok}, hdrs, JSON_UTF8)
        now = int(time.time())
        # the v1 endpoint answers numbers as strings
        return Response(200, {"token_type": "Bearer", "expires_in": str(ttl), "ext_expires_in": str(ttl),
                              "expires_on": str(now + ttl), "not_before": str(now),
                              "resource": form.get("resource", "https://manage.office.com"),
                              "access_token": tok}, hdrs, JSON_UTF8)

    # -- Management Activity API ----------------------------------------------------------------

    def management(self, tenant, rest):
        st = self.state
        method_name = {"subscriptions/start": "StartSubscription", "subscriptions/stop": "StopSubscription",
                       "subscriptions/list": "ListSubscriptions", "subscriptions/content": "ListContent"}.get(
            rest.rstrip("/"), "GetBlob" if rest.startswith("audit/") else "Unknown")
        throttled = st.count_and_check_throttle(["api", "any"])
        if throttled is not None:
            return graph_error(429, "AF429", "Too many requests. Method=%s, PublisherId=%s"
                               % (method_name, self.query.get("PublisherIdentifier", st.args.tenant)),
                               [retry_after_header(throttled)])
        auth = self.headers.get("Authorization") or ""
        tok = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        with st.lock:
            info = st.tokens.get(tok) if tok else None
        if info is None:
            return graph_error(401, "AF10001",
                               "The permission set () sent in the request does not include the expected permission.",
                               [("WWW-Authenticate", 'Bearer realm="", error="invalid_token"')])
        if time.time() >= info["expires"]:
            return graph_error(401, "AF10001",
                               "The access token has expired. The permission set () sent in the request does not "
                               "include the expected permission.",
                               [("WWW-Authenticate", 'Bearer realm="", error="invalid_token", '
                                                     'error_description="The access token is expired"')])
        if tenant.lower() != info["tenant"].lower():
            return graph_error(401, "AF20010", "The tenant ID passed in the URL (%s) does not match the tenant ID "
                                               "passed in the access token (%s)." % (tenant, info["tenant"]))
        r = rest.rstrip("/")
        if r == "subscriptions/start" and self.command == "POST":
            return self.sub_start()
        if r == "subscriptions/stop" and self.command == "POST":
            return self.sub_stop()
        if r == "subscriptions/list" and self.command == "GET":
            with st.lock:
                return Response(200, [dict(s) for s in st.subscriptions.values()], [], JSON_UTF8)
        if r == "subscriptions/content" and self.command == "GET":
            return self.content_list(tenant)
        if rest.startswith("audit/") and self.command == "GET":
            return self.blob(rest[len("audit/"):])
        return graph_error(404, "NotFound", "No HTTP resource was found that matches the request URI '%s'."
                           % (self.base_url() + self.path))

    def _content_type(self):
        ct = self.query.get("contentType")
        if ct is None or ct == "":
            return None, graph_error(400, "AF20001", "Missing parameter: contentType.")
        if len(self.query_multi.get("contentType", [])) > 1 or "," in ct:
            return None, graph_error(400, "AF20053", "Only one content type can be specified.")
        if ct not in VALID_CONTENT_TYPES:
            return None, graph_error(400, "AF20020", "The specified content type is not valid.")
        return ct, None

    def sub_start(self):
        ct, err = self._content_type()
        if err:
            return err
        webhook = None
        if self.body.strip():
            try:
                webhook = (json.loads(self.body) or {}).get("webhook")
            except ValueError:
                return graph_error(400, "AF20002", "Invalid parameter type: webhook. Expected type: Webhook")
        st = self.state
        with st.lock:
            sub = st.subscriptions.get(ct)
            if sub and sub["status"] == "enabled":
                return graph_error(400, "AF20024", "The subscription is already enabled. No property change.")
            if webhook:
                webhook = {"status": "enabled", "address": webhook.get("address"),
                           "authId": webhook.get("authId"), "expiration": webhook.get("expiration")}
            sub = {"contentType": ct, "status": "enabled", "webhook": webhook}
            st.subscriptions[ct] = sub
            return Response(200, dict(sub), [], JSON_UTF8)

    def sub_stop(self):
        ct, err = self._content_type()
        if err:
            return err
        st = self.state
        with st.lock:
            sub = st.subscriptions.get(ct)
            if not sub or sub["status"] != "enabled":
                return graph_error(400, "AF20022", "No subscription found for the specified content type.")
            sub["status"] = "disabled"
        return Response(204, b"")

    def content_list(self, tenant):
        st = self.state
        ct, err = self._content_type()
        if err:
            return err
        with st.lock:
            sub = st.subscriptions.get(ct)
            enabled = bool(sub and sub["status"] == "enabled")
        if not enabled:
            return graph_error(400, "AF20022", "No subscription found for the specified content type.")
        s, e = self.query.get("startTime"), self.query.get("endTime")
        now_us = time.time_ns() // 1000
        if (s is None) != (e is None):
            return graph_error(400, "AF20055", "Start time and end time must both be specified (or both omitted) "
                                               "and must be less than or equal to 24 hours apart.")
        if s is None:
            start_us, end_us = now_us - DAY_US, now_us
        else:
            start_us, end_us = parse_time_us(s), parse_time_us(e)
            if start_us is None or end_us is None:
                return graph_error(400, "AF20054", "Invalid syntax for startTime and endTime.")
            if end_us - start_us > DAY_US or end_us <= start_us:
                return graph_error(400, "AF20055", "Start time and end time must both be specified (or both omitted) "
                                                   "and must be less than or equal to 24 hours apart.")
            if start_us < now_us - 7 * DAY_US:
                return graph_error(400, "AF20056", "Start time cannot be more than 7 days in the past.")
        first = 0
        if "nextPage" in self.query:
            m = re.fullmatch(r"\d{17}R(\d{6,})", self.query["nextPage"])
            if not m:
                return graph_error(400, "AF20031", "Invalid nextPage Input: %s." % self.query["nextPage"])
            first = int(m.group(1))
        self.page_delay()
        page_size = st.args.list_page
        with st.lock:
            lst = st.blobs[ct]
            sel = [i for i in range(first, len(lst)) if start_us <= lst[i]["created_ms"] * 1000 < end_us]
            page = [lst[i] for i in sel[:page_size]]
            more = len(sel) > page_size
            nxt = lst[sel[page_size]] if more else None
            nxt_idx = sel[page_size] if more else None
        base = self.base_url()
        body = []
        for b in page:
            body.append({
                "contentType": b["contentType"],
                "contentId": b["contentId"],
                "contentUri": "%s/api/v1.0/%s/activity/feed/audit/%s" % (base, tenant, b["contentId"]),
                "contentCreated": rfc3339_ms(b["created_ms"]),
                "contentExpiration": rfc3339_ms(b["created_ms"] + 7 * 86400 * 1000),
            })
        headers = []
        if more:
            token = ms_to_dt(nxt["created_ms"]).strftime("%Y%m%d%H%M%S") + "%03d" % (nxt["created_ms"] % 1000) \
                + "R%06d" % nxt_idx
            params = [(k, v) for k, vs in self.query_multi.items() if k != "nextPage" for v in vs]
            params.append(("nextPage", token))
            headers.append(("NextPageUri", self.with_query(self.url_path, params)))
        return Response(200, body, headers, JSON_UTF8)

    def blob(self, content_id):
        st = self.state
        self.page_delay()
        with st.lock:
            b = st.by_id.get(content_id)
            recs = list(b["records"]) if b else None
        if b is None:
            if not re.fullmatch(r"[0-9A-Za-z_$.\-]+", content_id):
                return graph_error(400, "AF20052", "Content ID %s in the URL is invalid." % content_id)
            return graph_error(404, "AF20050", "The specified content (%s) does not exist." % content_id)
        if (b["created_ms"] + 7 * 86400 * 1000) < now_ms():
            return graph_error(400, "AF20051", "Content requested with the key %s has already expired. Content "
                                               "older than 7 days cannot be retrieved." % content_id)
        return Response(200, recs, [], JSON_UTF8)

    # -- control ------------------------------------------------------------------------------

    def control(self):
        st = self.state
        p, m = self.url_path, self.command
        if p == "/_fake/events" and m == "GET":
            with st.lock:
                allb = sorted((b for lst in st.blobs.values() for b in lst), key=lambda b: (b["created_ms"], b["contentId"]))
                return Response(200, [r for b in allb for r in b["records"]])
        if p == "/_fake/events" and m == "POST":
            ct = self.query.get("contentType", st.content_types[0] if st.content_types else "Audit.General")
            if ct not in VALID_CONTENT_TYPES:
                return Response(400, {"fake_error": "invalid contentType"})
            try:
                n = int(self.query.get("n", "1"))
            except ValueError:
                return Response(400, {"fake_error": "n must be an integer"})
            b = st.add_blob_now(ct, n)
            return Response(200, {"added": n, "contentId": b["contentId"], "contentType": ct,
                                  "contentCreated": rfc3339_ms(b["created_ms"]), "events": b["records"]})
        if p == "/_fake/blobs" and m == "GET":
            with st.lock:
                return Response(200, [{"contentType": b["contentType"], "contentId": b["contentId"],
                                       "contentCreated": rfc3339_ms(b["created_ms"]), "records": len(b["records"])}
                                      for lst in st.blobs.values() for b in lst])
        if p == "/_fake/tokens" and m == "GET":
            with st.lock:
                now = time.time()
                return Response(200, {"issued": st.tokens_issued,
                                      "valid": sum(1 for t in st.tokens.values() if t["expires"] > now)})
        if p == "/_fake/expire-tokens" and m == "POST":
            with st.lock:
                for t in st.tokens.values():
                    t["expires"] = 0
            return Response(200, {"expired": len(st.tokens)})
        if p == "/_fake/subscriptions" and m == "GET":
            with st.lock:
                return Response(200, [dict(s) for s in st.subscriptions.values()])
        return None


def main():
    p = base_arg_parser("Fake Microsoft identity platform token endpoint + Office 365 Management Activity API")
    p.add_argument("--tenant", default="4b2a1f6e-8c3d-4e5f-9a7b-1c2d3e4f5a6b", help="tenant ID (GUID)")
    p.add_argument("--tenant-domain", default=DOMAIN, help="the token endpoint also accepts this tenant name")
    p.add_argument("--client-id", default="6f1c2b3a-0d4e-4f5a-8b9c-0a1b2c3d4e5f")
    p.add_argument("--client-secret", default="fake~client~secret~value~0123456789")
    p.add_argument("--token-ttl", type=int, default=3599, help="access token lifetime in seconds (default 3599)")
    p.add_argument("--blobs", type=int, default=0, help="initial content blobs per content type (default 0)")
    p.add_argument("--events-per-blob", type=int, default=5, help="audit records per initial blob (default 5)")
    p.add_argument("--content-types", default="Audit.General,Audit.AzureActiveDirectory",
                   help="content types that get initial blobs")
    p.add_argument("--list-page", type=int, default=3, help="content blobs per subscriptions/content page (default 3)")
    p.add_argument("--started", default="",
                   help="content types whose subscription is already enabled at start (comma list, or 'all'; default none)")
    args = p.parse_args()
    if args.events:
        sys.exit("fake_m365: use --blobs and --events-per-blob (records live in content blobs)")
    serve(M365Handler, M365State(args))


if __name__ == "__main__":
    main()
