#!/usr/bin/env python3
"""bench/paced_send.py - POSTs /plain/batch at a steady rate until a stop file appears.

  paced_send.py PORT KEY RATE LINE_BYTES STOP_FILE
      1000-line batches at RATE events/s on one keep-alive connection (self-signed TLS not
      checked); prints the events acknowledged and refused when STOP_FILE exists.
Needs python3 (stdlib only).
"""
import http.client
import os
import ssl
import sys
import time


def main(port, key, rate, line_bytes, stop_file):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx)
    acked = refused = 0
    started = time.monotonic()
    n = 0
    while not os.path.exists(stop_file):
        body = "\n".join(f"{n * 1000 + i:0{line_bytes}d}"[-line_bytes:] for i in range(1000)).encode()
        conn.request("POST", "/plain/batch", body, {"X-SEKOIAIO-INTAKE-KEY": key})
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            acked += 1000
        else:
            refused += 1000
        n += 1
        # Keep to the rate: the next batch is due at n * 1000 / rate seconds.
        delay = started + n * 1000 / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(f"{acked} {refused}")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
