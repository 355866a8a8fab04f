#!/usr/bin/env bash
# default-config.sh OUT: the configuration a package or an image ships: the repository's
# intakes.toml (every setting at its default, two demo intakes) with its store in
# /var/lib/intake-edge. The demo keys are placeholders: the Debian package replaces them at
# install (postinst), an image's user mounts their own file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sed -e 's|^data_dir = "data"$|data_dir = "/var/lib/intake-edge"|' "$root/intakes.toml" >"$1"
grep -q '^data_dir = "/var/lib/intake-edge"$' "$1" || { echo "default-config: no data_dir line to set in intakes.toml" >&2; exit 1; }
