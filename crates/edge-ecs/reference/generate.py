#!/usr/bin/env python3
"""Writes src/reference/ecs.txt, the ECS field reference that edge-ecs embeds, from the
published one: generated/ecs/ecs_flat.yml of a release tag of github.com/elastic/ecs.

    git clone https://github.com/elastic/ecs && git -C ecs show v9.4.0:generated/ecs/ecs_flat.yml > ecs_flat.yml
    crates/edge-ecs/reference/generate.py ecs_flat.yml v9.4.0

Output, one line each, sorted (needs PyYAML):
    version 9.4.0
    field NAME TYPE                      every field (multi-fields such as `.text` left out)
    allowed FIELD VALUE...               allowed values of event.kind/category/type/outcome
    expected CATEGORY TYPE...            event.type values ECS expects with an event.category
"""
import sys
import yaml

ALLOWED = ["event.kind", "event.category", "event.type", "event.outcome"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: generate.py ecs_flat.yml TAG")
    path, tag = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        fields = yaml.safe_load(f)
    lines = [f"version {tag.lstrip('v')}"]
    for name in sorted(fields):
        spec = fields[name]
        if " " in name or " " in spec["type"]:
            sys.exit(f"unexpected space in {name!r}")
        lines.append(f"field {name} {spec['type']}")
    for name in ALLOWED:
        values = [v["name"] for v in fields[name].get("allowed_values", [])]
        lines.append(f"allowed {name} {' '.join(values)}")
    for v in fields["event.category"].get("allowed_values", []):
        lines.append(f"expected {v['name']} {' '.join(v.get('expected_event_types', []))}".rstrip())
    out = __file__.rsplit("/reference/", 1)[0] + "/src/reference/ecs.txt"
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out}: ECS {tag}, {len(fields)} fields")


if __name__ == "__main__":
    main()
