"""Sends /plain/batch requests on one keep-alive session until the server stops answering.

Usage: sender.py BASE_URL CA_PATH INTAKE_KEY PREFIX

Prints one JSON line per acknowledged request, flushed at once: {"ids": [...], "lines": [...]}.
Exits 0 when the server goes away (connection error or an error status), which is the point.
"""

import json
import sys

import requests

url, ca, key, prefix = sys.argv[1:5]
session = requests.Session()
session.headers["X-SEKOIAIO-INTAKE-KEY"] = key
n = 0
while True:
    lines = [f"{prefix} request {n} line {i}" for i in range(10)]
    n += 1
    try:
        response = session.post(f"{url}/plain/batch", data="\n".join(lines), verify=ca, timeout=60)
    except requests.RequestException as e:
        print(f"stopped after {n - 1} requests: {e!r}", file=sys.stderr)
        break
    if response.status_code != 200:
        print(f"stopped on {response.status_code}: {response.text}", file=sys.stderr)
        break
    print(json.dumps({"ids": response.json()["event_ids"], "lines": lines}), flush=True)
