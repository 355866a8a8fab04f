#!/usr/bin/env python3
"""fixture_lines.py --out-dir DIR --count N FORMAT...: lines for bench/formats.sh from the formats'
accepted fixtures (components/FORMAT/tests/fixtures/*.json whose input is a message alone and
whose expected outcome is not an error), repeated in a seeded shuffle up to N lines per format.
For the formats without a generator in gen_lines.py: the fixtures are realistic samples of
every message kind the format reads, so their mix, not their volume, is what is measured.

Prints one line per format, as gen_lines.py does: NAME FILE LINES MEAN_BYTES.
"""
import argparse
import glob
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def accepted_messages(fmt):
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "components", fmt, "tests", "fixtures", "*.json"))):
        case = json.load(open(path))
        inp, expected = case.get("input", {}), case.get("expected")
        if set(inp) != {"message"} or not isinstance(expected, dict) or "error" in expected:
            continue
        msg = inp["message"]
        if "\n" not in msg and "\r" not in msg:
            out.append(msg)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out-dir", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("formats", nargs="+")
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    for fmt in a.formats:
        lines = accepted_messages(fmt)
        if not lines:
            raise SystemExit(f"fixture_lines: no accepted message-only fixture for {fmt}")
        rng = random.Random(f"{a.seed}-{fmt}")
        picked = [rng.choice(lines) for _ in range(a.count)]
        path = os.path.join(a.out_dir, f"{fmt}.log")
        with open(path, "w") as f:
            f.write("\n".join(picked) + "\n")
        mean = sum(len(line.encode()) for line in picked) / len(picked)
        print(fmt, path, len(picked), round(mean))


if __name__ == "__main__":
    main()
