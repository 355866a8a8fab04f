#!/usr/bin/env python3
"""Wait until a server has stored TARGET messages; used by bench/syslog.sh and bench/relp.sh.

  wait_count.py (--db EVENTS.sqlite3 | --file OUT.log) --target N --t0 EPOCH
                [--timeout S] [--stall S] [--watch PID,...] [--interval S]

--db    intake-edge store: SUM(events) of table intake_daily, which the writer updates in the
        same transaction as the events rows (O(1), unlike count(*) on a growing table).
--file  rsyslog omfile output: newlines in the file, read incrementally.
Stops when the count reaches N (status "reached"), when --timeout seconds have passed since
--t0 ("timeout"), when the count has not moved for --stall seconds ("stall"), or when a
--watch process is gone or a zombie ("died:PID"). Prints one line on stdout:
  COUNT ELAPSED STATUS
ELAPSED = seconds from --t0 (the caller's clock just before it started the sender) to the sample
that saw COUNT (samples every --interval s, 0.02 by default).
"""
import argparse
import os
import sqlite3
import sys
import time


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


class DbCounter:
    def __init__(self, path):
        self.path = path
        self.con = None

    def count(self):
        if self.con is None:
            if not os.path.exists(self.path):
                return 0
            self.con = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True, timeout=1)
        try:
            return self.con.execute("SELECT coalesce(sum(events), 0) FROM intake_daily").fetchone()[0]
        except sqlite3.OperationalError:
            return None  # busy or table not there yet: try again at the next sample


class FileCounter:
    def __init__(self, path):
        self.path = path
        self.f = None
        self.n = 0

    def count(self):
        if self.f is None:
            try:
                self.f = open(self.path, "rb")
            except FileNotFoundError:
                return 0
        while True:
            chunk = self.f.read(1 << 20)
            if not chunk:
                return self.n
            self.n += chunk.count(b"\n")


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--db")
    src.add_argument("--file")
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--stall", type=float, default=30)
    ap.add_argument("--watch", default="")
    ap.add_argument("--interval", type=float, default=0.02)
    a = ap.parse_args()
    counter = DbCounter(a.db) if a.db else FileCounter(a.file)
    watch = [int(p) for p in a.watch.split(",") if p]
    last, last_change = 0, time.time()
    status = "timeout"
    while True:
        now = time.time()
        n = counter.count()
        if n is not None and n != last:
            last, last_change = n, now
        if last >= a.target:
            status = "reached"
            break
        if now - a.t0 >= a.timeout:
            break
        if now - last_change >= a.stall:
            status = "stall"
            break
        dead = [p for p in watch if not alive(p)]
        if dead:
            status = "died:%d" % dead[0]
            break
        time.sleep(a.interval)
    print("%d %.3f %s" % (last, now - a.t0, status))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
