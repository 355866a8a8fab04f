"""The commercial intake documentation's Python `requests` examples, unchanged but for the base
URL and the CA to trust.

Usage: examples.py BASE_URL CA_PATH INTAKE_KEY [JSON_INTAKE_KEY]
(or the environment variables INTAKE_URL, INTAKE_CA, INTAKE_KEY, JSON_INTAKE_KEY).

Prints one JSON document on stdout: {"example name": {"sent": ..., "answer": <JSON answer>}}.
Any HTTP error raises (response.raise_for_status()) and exits non-zero.
"""

import json
import os
import sys

import requests


def arg(index, env, default=None):
    if len(sys.argv) > index:
        return sys.argv[index]
    value = os.environ.get(env, default)
    if value is None:
        sys.exit(f"usage: {sys.argv[0]} BASE_URL CA_PATH INTAKE_KEY [JSON_INTAKE_KEY] (or ${env})")
    return value


URL = arg(1, "INTAKE_URL").rstrip("/")
CA = arg(2, "INTAKE_CA")
INTAKE_KEY = arg(3, "INTAKE_KEY")
JSON_INTAKE_KEY = arg(4, "JSON_INTAKE_KEY", INTAKE_KEY)

results = {}


def record(name, sent, response):
    response.raise_for_status()
    results[name] = {"sent": sent, "answer": response.json()}


# Send one event, the intake key in a header.
event = "Nov 22 22:44:57 fw1 sshd[42]: Accepted publickey for alice from 192.0.2.10"
response = requests.post(
    f"{URL}/plain",
    data=event,
    headers={"X-SEKOIAIO-INTAKE-KEY": INTAKE_KEY},
    verify=CA,
)
record("plain_header", event, response)

# Send one event with HTTP Basic authentication: the key is the password.
event = "Nov 22 22:44:58 fw1 sshd[43]: Failed password for bob from 192.0.2.11"
response = requests.post(
    f"{URL}/plain",
    data=event,
    auth=("user", INTAKE_KEY),
    verify=CA,
)
record("plain_basic_auth", event, response)

# Send several events, one per line.
lines = [
    "Nov 22 22:45:00 fw1 kernel: DROP IN=eth0 SRC=198.51.100.7",
    "Nov 22 22:45:01 fw1 kernel: DROP IN=eth0 SRC=198.51.100.8",
    "Nov 22 22:45:02 fw1 kernel: ACCEPT IN=eth0 SRC=203.0.113.9",
]
response = requests.post(
    f"{URL}/plain/batch",
    data="\n".join(lines),
    headers={"X-SEKOIAIO-INTAKE-KEY": INTAKE_KEY},
    verify=CA,
)
record("plain_batch", lines, response)

# Send a JSON array of events.
events = ["first event of the array", "second event of the array"]
response = requests.post(
    f"{URL}/jsons",
    json=events,
    headers={"X-SEKOIAIO-INTAKE-KEY": INTAKE_KEY},
    verify=CA,
)
record("jsons", events, response)

# Send one JSON event, the key in the body.
event = {"user": {"name": "alice"}, "event": {"action": "login", "outcome": "success"}}
response = requests.post(
    URL,
    json={"intake_key": JSON_INTAKE_KEY, "json": json.dumps(event)},
    verify=CA,
)
record("json_single", json.dumps(event), response)

# Send several JSON events, the key in the body.
events = [{"seq": 1, "message": "one"}, {"seq": 2, "message": "two"}]
response = requests.post(
    f"{URL}/batch",
    json={"intake_key": JSON_INTAKE_KEY, "jsons": [json.dumps(e) for e in events]},
    verify=CA,
)
record("json_batch", [json.dumps(e) for e in events], response)

json.dump(results, sys.stdout)
sys.stdout.write("\n")
