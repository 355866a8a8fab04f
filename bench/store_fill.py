#!/usr/bin/env python3
"""bench/store_fill.py - fills an intake-edge store through HTTPS /plain/batch and measures reads.

  store_fill.py send PORT KEY COUNT LINE_BYTES IDS_OUT   POST COUNT lines of LINE_BYTES bytes
      (1000 per request, 2 keep-alive connections), writes 1 in 1000 of the returned IDs to IDS_OUT
  store_fill.py time BIN CONFIG DATA_DIR IDS_FILE RUNS  times `events get` of random IDs and
      `events list --intake bench-plain --limit 100`, RUNS each: prints p50/p99 in ms; then
      reads the whole store with `events list --after 0` (a cursor from the start): events/s
Needs python3 (stdlib only).
"""
import http.client
import json
import random
import ssl
import statistics
import subprocess
import sys
import threading
import time


def send(port, key, count, line_bytes, ids_out):
    requests = count // 1000
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    sample = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker():
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            base = n * 1000
            body = "\n".join(f"{base + i:0{line_bytes}d}"[-line_bytes:] for i in range(1000)).encode()
            conn.request("POST", "/plain/batch", body, {"X-SEKOIAIO-INTAKE-KEY": key})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                sys.exit(f"HTTP {resp.status}: {data[:200]!r}")
            ids = json.loads(data)["event_ids"]
            with lock:
                sample.append(ids[n % 1000])

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - started
    with open(ids_out, "a") as f:
        f.write("\n".join(sample) + "\n")
    print(f"sent {requests * 1000} events of {line_bytes} B in {seconds:.1f} s ({requests * 1000 / seconds:.0f} ev/s)")


def timed(cmd):
    started = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = (time.monotonic() - started) * 1000
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {out.returncode}: {out.stderr[:300]}")
    return elapsed


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def time_reads(binary, config, data_dir, ids_file, runs):
    ids = [line.strip() for line in open(ids_file) if line.strip()]
    gets = [timed([binary, "events", "get", random.choice(ids), "--config", config, "--data-dir", data_dir])
            for _ in range(runs)]
    lists = [timed([binary, "events", "list", "--intake", "bench-plain", "--limit", "100", "--config", config,
                    "--data-dir", data_dir]) for _ in range(runs)]
    for name, values in (("events get RANDOM_ID", gets), ("events list --intake bench-plain --limit 100", lists)):
        print(f"{name}: p50 {statistics.median(values):.1f} ms, p99 {pct(values, 0.99):.1f} ms ({runs} runs, whole CLI process)")
    # The whole store in ID order from the start, as a forwarder's cursor reads it (JSON lines).
    started = time.monotonic()
    proc = subprocess.Popen([binary, "events", "list", "--after", "0", "--limit", "100000000", "--config", config,
                             "--data-dir", data_dir], stdout=subprocess.PIPE)
    count = sum(1 for _ in proc.stdout)
    if proc.wait() != 0:
        sys.exit("events list --after 0 failed")
    seconds = time.monotonic() - started
    print(f"events list --after 0 (all {count} in ID order, printed as JSON): {seconds:.1f} s = {count / seconds:.0f} events/s")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "send" and len(sys.argv) == 7:
        send(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif len(sys.argv) >= 2 and sys.argv[1] == "time" and len(sys.argv) == 7:
        time_reads(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    else:
        sys.exit(__doc__)
