#!/usr/bin/env bash
# Regenerates regexes.json from a uap-core release (the rules of the `ua-parser` crate):
#   components/sdk/uap-core/update.sh 0.18.0
# The npm package `uap-core` is the project's own release of regexes.yaml; the guests read JSON
# (serde_json is already in every guest; a YAML parser would be one more dependency per component).
set -euo pipefail
VERSION=${1:?usage: update.sh UAP_CORE_VERSION}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "uap-core@$VERSION" >/dev/null && tar xzf "uap-core-$VERSION.tgz")
cp "$TMP/package/LICENSE" "$HERE/LICENSE"
python3 - "$TMP/package/regexes.yaml" "$HERE/regexes.json" <<'PY'
import json, sys, yaml  # PyYAML
rules = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    # One parser per line: diffs between releases stay readable.
    out.write("{\n")
    for i, key in enumerate(["user_agent_parsers", "os_parsers", "device_parsers"]):
        out.write(f'"{key}": [\n')
        out.write(",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in rules[key]))
        out.write("\n]" + (",\n" if i < 2 else "\n"))
    out.write("}\n")
PY
echo "$VERSION" > "$HERE/VERSION"
