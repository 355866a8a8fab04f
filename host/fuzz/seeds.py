#!/usr/bin/env python3
"""Writes the seed corpus (corpus/<target>/) of the fuzz targets.

Real client bytes come from captures: rsyslog omfwd (gtls octet-counted, ossl LF), loggen
(-P, -F, legacy, replay, zero-padded counts) and librelp transcripts from the proto lab
(shared/lab/results), and util-linux logger 2.38 captured on a TCP sink. The rest are the
edge cases of each parser. Each seed starts with the parameter bytes its target reads first
(see host/src/fuzzing/); run from anywhere: `python3 host/fuzz/seeds.py`.
"""

import datetime
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
KEY = b'[SEKOIA@53288 intake_key="KEY"]'
BOM = b"\xef\xbb\xbf"

# --- captured lines -------------------------------------------------------------------------
RSYSLOG = [
    b'<13>1 2026-11-23T00:33:57.654062+00:00 vm myapp - LOG [SEKOIA@53288 intake_key="KEY"] hello "quoted" and ] bracket \\ backslash\n',
    b'<13>1 2026-11-23T00:33:57.660345+00:00 vm myapp - LOG [SEKOIA@53288 intake_key="KEY"] with client SD\n',
    b'<13>1 2026-11-23T00:33:57+00:00 vm legacy - LOG [SEKOIA@53288 intake_key="KEY"]  a RFC3164 message\n',
    b'<14>1 2024-01-02T03:04:05.678Z host1 app 42 LOG [SEKOIA@53288 intake_key="KEY"] first line#012second line\n',
]
LOGGEN = [
    b'<38>1 2026-11-23T00:34:11+00:00 localhost prg00000 1234 - [SEKOIA@53288 intake_key="KEY"] '
    + BOM + b"seq: 0000000000, thread: 0000, runid: 1795394051, stamp: 2026-11-23T00:34:11 PADDPADDPADDPADDPADDPADDPADDP\n",
    b"<38>1 2026-11-23T00:34:12+00:00 localhost prg00000 1234 - - "
    + BOM + b"seq: 0000000000, thread: 0000, runid: 1795394052, stamp: 2026-11-23T00:34:12 PADDPADDPADDPADDPAD",
    b"<38>2026-11-23T00:34:13 localhost prg00000[1234]: seq: 0000000000, thread: 0000, runid: 1795394053, stamp: 2026-11-23T00:34:13 PADDPADDPADDPADDPADDPA",
    b'<134>1 2024-01-01T00:00:00.000Z web00 nginx 4242 ACCESS [meta@32473 k="v\\"q\\]\\\\"] user=alice000 action=login src=10.0.0.0 status=ok',
    b"<134>1 2026-11-23T00:34:14 web00 nginx 4242 ACCESS - " + BOM,
]
LOGGER = [
    b'<134>1 2026-12-01T08:09:35.804809+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello from logger\n',
    b'<13>1 2026-12-01T08:09:35.811371+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"][SEKOIA@53288 intake_key="KEY"] with key',
    b"<37>Dec  1 08:09:35 vm sshd[18341]: Accepted publickey for alice\n",
    b"<13>1 - - app - - - bare",
    b'<13>1 2026-12-01T08:09:35.823762+00:00 vm app - LOGIN [timeQuality tzKnown="1" isSynced="0"][x@1 a="q\\"uote"] sd escape\n',
]
HAND = [
    b"<13>Nov 22 23:16:24 fw1 app[42]: message",
    b"<13>Nov  2 23:16:24 fw1 app: message",
    b"<13>Nov 22 2026 23:16:24.123 fw1 app[]: message",
    b"<13>Nov 22 23:16:24 app[42]: no hostname",
    b"<13>Nov 22 23:16:24 host just a message",
    b"<0>Feb 29 00:00:00 leap day",
    b"<191>1 2026-11-22T23:16:24.123456789-05:30 h a p m - msg",
    b"<13>1 2026-11-22T23:16:60Z - - - - [a b=\"c\" d=\"e\\\\f\"][x@1] m",
    b"<13>1 - - - - - [x  a=\"]\"  ] m",
    b"<013>1 - - - - -",
    b"<13>999 - - - - -",
    b"CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1 act=blocked",
    b"Nov 22 22:44:57 fw1 sshd[42]: Accepted publickey for alice",
    b"<192>1 - - - - - too high",
    b"<1a> broken pri",
    b"<>",
    b"\xff\xfe not utf-8 <13>",
]


def frames_octet(lines):
    return b"".join(b"%d %s" % (len(l), l) for l in lines)


def frames_lf(lines):
    return b"".join(l.rstrip(b"\n") + b"\n" for l in lines)


def relp(txnr, command, data=b""):
    if not data:
        return b"%d %s 0\n" % (txnr, command)
    return b"%d %s %d %s\n" % (txnr, command, len(data), data)


OPEN = b"relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog"
RELP_LINE = b'<134>1 2024-05-06T07:08:09.123456Z testhost relptest 99 LOG [SEKOIA@53288 intake_key="KEY"] message '


def relp_session(first, count):
    out = relp(1, b"open", OPEN)
    for i in range(count):
        out += relp(2 + i, b"syslog", RELP_LINE + str(first + i).encode())
    return out + relp(2 + count, b"close")


def now_bytes(when=datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.timezone.utc)):
    return struct.pack("<Q", int(when.timestamp()))[:5]


def zone(minutes=0):
    return struct.pack("<h", minutes)


# Limit selectors (host/src/fuzzing/framers.rs `limit`): 0 = the default 256000, else
# 1 + (byte >> 2) when byte % 4 != 0.
DEFAULT, LIMIT_17, LIMIT_64 = 0, 0x41, 0xFD

CORPUS = {
    "syslog_framer": {
        "rsyslog-gtls-octet-counted": bytes([DEFAULT, 2]) + frames_octet(RSYSLOG),
        "rsyslog-ossl-lf": bytes([DEFAULT, 1]) + frames_lf(RSYSLOG),
        "loggen-octet-counted": bytes([DEFAULT, 3]) + frames_octet(LOGGEN[:1] * 2),
        "loggen-lf-and-legacy": bytes([DEFAULT, 4]) + frames_lf(LOGGEN[1:4]),
        "loggen-zero-padded-counts": bytes([DEFAULT, 5]) + b"000000056 " + LOGGEN[4] + b"000000056 " + LOGGEN[4],
        "logger-mixed": bytes([DEFAULT, 2]) + LOGGER[0] + b"%d %s" % (len(LOGGER[1]), LOGGER[1]) + LOGGER[2],
        "crlf-nul-stray-newlines": bytes([DEFAULT, 1]) + b"\n\r\n<13>a\r\n<13>b\0<13>c\n\n5 hello\n<13>d",
        "oversized-octet-counted": bytes([LIMIT_17, 3]) + b"30 " + b"x" * 30 + b"5 after",
        "oversized-lf": bytes([LIMIT_17, 2]) + b"y" * 40 + b"\r\n<13>ok\n",
        "limit-edge-cr": bytes([LIMIT_17, 1]) + b"z" * 17 + b"\r\n" + b"z" * 17 + b"\r\r\n",
        "truncated-at-eof": bytes([DEFAULT, 0]) + b"10 <13>1 -",
        "bad-counts": bytes([LIMIT_64, 0]) + b"5 hello0 x",
        "ten-digit-count": bytes([DEFAULT, 3]) + b"1234567890 x",
        "count-without-space": bytes([DEFAULT, 0]) + b"12<13>x",
    },
    "relp_framer": {
        "librelp-session": bytes([DEFAULT, 2]) + relp_session(1, 3),
        "librelp-resend": bytes([DEFAULT, 4]) + relp_session(3, 7),
        "server-answers": bytes([DEFAULT, 1])
        + relp(1, b"rsp", b"200 OK\nrelp_version=0\nrelp_software=proto_lab_relp,0.1,https://example.invalid/proto_lab\ncommands=syslog")
        + relp(2, b"rsp", b"200 OK")
        + relp(5, b"rsp")
        + relp(0, b"serverclose"),
        "oversized-then-more": bytes([LIMIT_17, 3]) + relp(2, b"syslog", b"x" * 40) + relp(3, b"syslog", b"short"),
        "oversized-missing-trailer": bytes([LIMIT_17, 0]) + b"2 syslog 20 " + b"x" * 20 + b"3 close 0\n",
        "stray-newlines": bytes([DEFAULT, 1]) + b"\r\n\n" + relp(1, b"open", b"x") + b"\n\n" + relp(2, b"close"),
        "txnr-ten-digits": bytes([DEFAULT, 0]) + b"1234567890 syslog 1 x\n",
        "command-33-letters": bytes([DEFAULT, 3]) + b"1 " + b"a" * 33 + b" 0\n",
        "datalen-zero-no-lf": bytes([DEFAULT, 0]) + b"1 close 0 \n",
        "no-trailer": bytes([DEFAULT, 2]) + b"1 syslog 3 abcd\n",
        "truncated": bytes([DEFAULT, 5]) + b"7 syslog 100 <13>1 -",
        "txnr-max-wrap": bytes([DEFAULT, 4]) + relp(999999999, b"syslog", b"a") + relp(1, b"syslog", b"b"),
    },
    "syslog_message": {
        **{f"rsyslog-{i}": zone() + now_bytes() + l for i, l in enumerate(RSYSLOG)},
        **{f"loggen-{i}": zone() + now_bytes() + l for i, l in enumerate(LOGGEN)},
        **{f"logger-{i}": zone() + now_bytes() + l for i, l in enumerate(LOGGER)},
        **{f"edge-{i}": zone(60 * (i % 3) - 60) + now_bytes() + l for i, l in enumerate(HAND)},
        "year-boundary": zone(-300) + now_bytes(datetime.datetime(2027, 1, 1, 0, 10, tzinfo=datetime.timezone.utc))
        + b"<13>Dec 31 23:30:00 h a: last year",
    },
    "https_body": {},
    "admin_api": {},
    "timeparse": {},
    "component_output": {},
}

TIMES = [
    "2026-11-22T22:44:57Z", "2026-11-22t22:44:57z", "2026-11-22 22:44:57", "2026-11-22T22:44:57+01:00",
    "2026-11-22T22:44:57+0100", "2026-11-22T22:44:57-05", "2026-11-22T22:44:57 PST", "2026-11-22T22:44:57.1Z",
    "2026-11-22T22:44:57.123456789Z", "2026-11-22T22:44:57.1234567891234Z", "2026-11-22T22:44:57,5Z",
    "2026/11/22 22:44:57", "20261122T224457Z", "20261122T2244", "2026-11-22", "2016-12-31T23:59:60Z",
    "2026-11-22T9:05", "Sun, 22 Nov 2026 22:44:57 +0100", "22 Nov 2026 22:44:57 GMT",
    "Sun, 22 Nov 2026 22:44:57 +0000 (UTC)", "22/Nov/2026:22:44:57 +0100", "Nov 22 22:44:57", "Nov  2 22:44:57",
    "Nov 22 2026 22:44:57", "Sun Nov 22 22:44:57 2026", "22-Nov-2026 22:44:57", "22 Nov 26 22:44 EDT",
    "September 3 2026 1:02:03", "Feb 29 00:00:00", "1700000000", "1700000000.123", "1700000000123",
    "1700000000123456", "1700000000123456789", "-86400", "+1.7e9", "1e300", "  2026-11-22T22:44:57Z\t",
    "0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "nan", "2026-13-01", "Nov 31 00:00:00",
]

for i, t in enumerate(TIMES):
    epoch = [1700000000, 1700000000123, -1, 2**53, 0][i % 5]
    CORPUS["timeparse"][f"time-{i:02}"] = now_bytes() + struct.pack("<q", epoch) + t.encode()
CORPUS["timeparse"]["epoch-double"] = now_bytes() + struct.pack("<d", 1.7e9) + b"x"

# What components return (`finalize`): nested as the SDK writes them, flat as third-party
# components may, conflicting, odd, invalid; after 5 bytes of clock.
DOCUMENTS = {
    "sdk-nested": '{"@timestamp":"2026-11-22T22:44:57Z","client":{"ip":"10.2.74.229"},"dns":{"question":'
                  '{"name":"example.org","registered_domain":"example.org","type":"A"},"type":"answer"},'
                  '"event":{"category":["network"],"duration":11248000,"kind":"event"},"message":"a \\"b\\" c",'
                  '"related":{"ip":["10.2.74.229"]},"source":{"port":53}}',
    "flat": '{"@timestamp":"2026-11-22T23:44:57+01:00","event.kind":"event","source.ip":"192.0.2.1","source.port":22}',
    "no-time": '{"message":"m","log":{"syslog":{"hostname":"fw1","structured_data":{"meta@1":{"a":"b"}}}}}',
    "epoch": '{"@timestamp":1700000000.5,"a":{"b":[1,{"c":null}]}}',
    "null-time": '{"@timestamp":null,"b":true,"a":false}',
    "conflict": '{"a":1,"a.b":2}',
    "merge": '{"a":{"b":1},"a.c":2}',
    "unicode": '{"message":"caf\\u00e9 \u00e9","n":-0.0}',
    "deep": '{"a":' * 40 + '1' + '}' * 40,
    "invalid": '{"a":[1,],"b"}',
}
for name, doc in DOCUMENTS.items():
    CORPUS["component_output"][name] = now_bytes() + doc.encode()

ENDPOINT = {"single": 0, "batch": 1, "array": 2, "plain": 3, "plain_batch": 4, "jsons": 5}


def body(endpoint, text, path=None, max_events=100, max_event_quads=200):
    """`[endpoint] [max events] [max event bytes / 4] [path length * 2 + has path] [path] body`."""
    head = bytes([ENDPOINT[endpoint], max_events, max_event_quads, 0 if path is None else len(path) * 2 + 1])
    return head + (path or b"") + text


CORPUS["https_body"] = {
    "single": body("single", b'{"intake_key":"K","json":"{\\"a\\":1}","@timestamp":"2026-11-22T22:44:57+01:00"}'),
    "single-object": body("single", b'{"json":{"user":"alice","n":1.50},"@timestamp":1700000000}'),
    "batch": body("batch", b'{"intake_key":"K","jsons":["a","{\\"b\\":2}",{"c":3}],"@timestamp":1.7e9}'),
    "array": body("array", b'[{"intake_key":"K1","json":"a"},{"intake_key":"K2","json":{"b":1},"@timestamp":"Nov 22 22:44:57"}]'),
    "plain": body("plain", b"Nov 22 22:44:57 fw1 sshd[42]: Accepted publickey for alice\r\n"),
    "plain-batch": body("plain_batch", b"line one\r\n\nline two\nline \xc3\xa9\n"),
    "jsons": body("jsons", b'[{"user":"alice","action":"login"},"plain \\u00e9vent",42,true]'),
    "jsons-path": body("jsons", b'{"a":{"b":[{"x":1},{"y":2}]}}', b"$.a.b"),
    "jsons-index": body("jsons", b'{"a":[{"b":["e1","e2"]}]}', b"$.a[0].b"),
    "jsons-quoted": body("jsons", b'{"k.x":{"l":["e"]}}', b"$['k.x'][\"l\"]"),
    "jsons-null": body("jsons", b"[null]"),
    "escapes": body("batch", b'{"jsons":["\\ud83d\\ude00","\\"","\\\\"]}'),
    "count-limit": body("plain_batch", b"a\nb\nc\n", max_events=2),
    "size-limit": body("jsons", b'["short", "a longer event"]', max_event_quads=2),
    "deep-path": body("jsons", b'{"a":{"a":{"a":{"a":["x"]}}}}', b"$" + b".a" * 4),
}


def admin(method, path, query=b"", text=b""):
    return bytes([{"GET": 0, "POST": 1, "DELETE": 2, "PUT": 3}[method]]) + path + b"\n" + query + b"\n" + text


CORPUS["admin_api"] = {
    "create": admin("POST", b"/api/intakes", text=b'{"name":"fw-paris","format":"plain","entity":"paris","created_by":"alice"}'),
    "create-unicode": admin("POST", b"/api/intakes/", text=b'{"name":"b.2","format":"json","entity":"\\u00e9quipe \\"x\\"\\n#","created_by":" "}'),
    "create-unknown-field": admin("POST", b"/api/intakes", text=b'{"name":"c","format":"plain","entity":"e","key":"k"}'),
    "create-bad-name": admin("POST", b"/api/intakes", text=b'{"name":"a b","format":"plain","entity":"e"}'),
    "list": admin("GET", b"/api/intakes"),
    "events": admin("GET", b"/api/intakes/a/events", b"errors=1&limit=5&x"),
    "stats": admin("GET", b"/api/intakes/a.b/stats"),
    "delete": admin("DELETE", b"/api/intakes/a"),
    "formats": admin("GET", b"/api/formats"),
    "wrong-method": admin("PUT", b"/api/intakes//events", b"limit=0"),
}


def main():
    root = HERE / "corpus"
    for target, seeds in CORPUS.items():
        # Overwrites its own seeds only: minimised fuzzer finds (cmin-*) stay.
        directory = root / target
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (directory / name).write_bytes(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
