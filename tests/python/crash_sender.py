"""Posts /plain/batch requests from several threads while the server is killed and restarted.

Usage: crash_sender.py BASE_URL CA_PATH INTAKE_KEY PREFIX THREADS BATCHES EVENTS DEADLINE_SECS

Each of THREADS threads sends BATCHES batches of EVENTS lines, every line unique
("PREFIX t<thread> b<batch> e<event>"). A batch that fails (connection refused or reset, a
timeout, any status but 200) is sent again, unchanged, after a short pause, until it is
answered 200: a batch committed whose answer was lost is then stored twice, which the test
counts as duplicates. Prints one JSON line per acknowledged batch, flushed at once:
{"ids": [...], "lines": [...], "attempts": N}. Exits 1 if DEADLINE_SECS pass first.
"""

import json
import sys
import threading
import time

import requests

url, ca, key, prefix = sys.argv[1:5]
threads, batches, events = (int(a) for a in sys.argv[5:8])
deadline = time.monotonic() + float(sys.argv[8])
out = threading.Lock()
failed = []


def sender(t):
    session = requests.Session()
    session.headers["X-SEKOIAIO-INTAKE-KEY"] = key
    for b in range(batches):
        lines = [f"{prefix} t{t} b{b} e{i}" for i in range(events)]
        body = "\n".join(lines)
        attempts, pause = 0, 0.02
        while True:
            if time.monotonic() > deadline:
                failed.append(f"thread {t} batch {b}: deadline passed after {attempts} attempts")
                return
            attempts += 1
            try:
                r = session.post(f"{url}/plain/batch", data=body, verify=ca, timeout=30)
                if r.status_code == 200:
                    break
            except requests.RequestException:
                # The pooled connection died with the server: start with a fresh one.
                session.close()
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        with out:
            print(json.dumps({"ids": r.json()["event_ids"], "lines": lines, "attempts": attempts}), flush=True)


workers = [threading.Thread(target=sender, args=(t,)) for t in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
if failed:
    print("\n".join(failed), file=sys.stderr)
    sys.exit(1)
