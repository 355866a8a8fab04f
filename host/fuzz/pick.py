#!/usr/bin/env python3
"""Picks the few fuzzer-found inputs worth committing as seeds.

Usage: pick.py CONTROL_FILE [K]. CONTROL_FILE comes from a merge into a copy of the seeds:

    cp fuzz/corpus/T/* /tmp/sel/ && $CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/T \
        -merge=1 -merge_control_file=/tmp/T.ctl /tmp/sel /tmp/fuzz-corpus/T

libFuzzer lists, per input and in merge order (the seeds first), the edges (`COV`) that no earlier
input reached. Prints the K (default 20) new inputs that added the most, at least 2 edges each,
as "edges path"; copy them to fuzz/corpus/T/cmin-NN.
"""

import sys


def main():
    lines = open(sys.argv[1]).read().splitlines()
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    count, first_new = int(lines[0]), int(lines[1])
    files = lines[2 : 2 + count]
    edges = {}
    for line in lines[2 + count :]:
        if line.startswith("COV "):
            parts = line.split()
            edges[int(parts[1])] = len(parts) - 2
    gains = sorted(((edges.get(i, 0), files[i]) for i in range(first_new, count)), reverse=True)
    for gain, path in gains[:k]:
        if gain >= 2:
            print(gain, path)


if __name__ == "__main__":
    main()
