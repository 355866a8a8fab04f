#!/usr/bin/env python3
"""bench/formats_ab.py - per-event cost of every builtin format, two binaries compared.

What it measures
  `intake-edge formats bench builtin:NAME FILE --json` (see bench/formats.sh) for two binaries,
  run alternately: A, B, A, B, ... ROUNDS times per format. On a shared VM the speed of the box
  drifts by tens of percent within minutes, so two bench/formats.sh runs minutes apart do not
  compare; alternating runs see the same drift. The figure per binary is the minimum (the run
  least disturbed) and the median of its ROUNDS runs, in CPU µs per event; the ratio is B/A of
  the minima.

Usage
  bench/formats_ab.py OLD_BIN [NEW_BIN]     # NEW_BIN: target/release/intake-edge
Environment
  ONLY      extended regex on format names (default: all builtins)
  ROUNDS    runs per binary and format (default 5)
  REPEAT    passes over the file per run (default 15)
  COUNT     lines per format (default 10000), from bench/gen_lines.py (seed 42)
Needs python3 (stdlib only).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

FORMATS = ["plain", "plain-syslog", "json", "nginx", "apache", "unbound", "openssh", "cef", "syslog"]


def run(binary, name, path, repeat):
    out = subprocess.run(
        # `plain-syslog` is the `plain` builtin fed lines with a syslog envelope.
        [binary, "formats", "bench", f"builtin:{name.split('-')[0]}", path, "--repeat", str(repeat), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    report = json.loads(out)
    if report.get("rejected", 0):
        sys.exit(f"{binary}: {report['rejected']} {name} events rejected: a generator or component bug")
    return report["cpu_us_per_event"]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("Usage")[1].split("Environment")[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    old = sys.argv[1]
    new = sys.argv[2] if len(sys.argv) == 3 else os.path.join(root, "target", "release", "intake-edge")
    only = re.compile(os.environ.get("ONLY", ".*"))
    rounds = int(os.environ.get("ROUNDS", "5"))
    repeat = int(os.environ.get("REPEAT", "15"))
    count = os.environ.get("COUNT", "10000")
    print(f"A = {old}\nB = {new}\n{rounds} alternating runs per binary, {repeat} passes of {count} lines each")
    print("\n| format | A min | A median | B min | B median | B/A (min) |")
    print("|---|--:|--:|--:|--:|--:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in (f for f in FORMATS if only.search(f)):
            generated = subprocess.run(
                [sys.executable, os.path.join(root, "bench", "gen_lines.py"), "--out-dir", tmp,
                 "--count", count, "--only", name],
                capture_output=True, text=True, check=True,
            ).stdout.split()
            path = generated[1]
            a, b = [], []
            for _ in range(rounds):
                a.append(run(old, name, path, repeat))
                b.append(run(new, name, path, repeat))
            print(
                f"| {name} | {min(a):.2f} | {statistics.median(a):.2f} | {min(b):.2f} | "
                f"{statistics.median(b):.2f} | {min(b) / min(a):.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
