#!/usr/bin/env bash
# build-deb.sh: the Debian package of intake-edge, from this checkout.
#
# Builds the shipping binary (profile `ship`: stripped, thin LTO) for TARGET (default the static
# x86_64-unknown-linux-musl; x86_64-unknown-linux-gnu for a glibc build), then packs
#   /usr/bin/intake-edge                      the binary
#   /etc/intake-edge/intakes.toml             the default configuration (a conffile; keys made at install)
#   /lib/systemd/system/intake-edge.service   the hardened unit (Type=notify, ExecReload = SIGHUP)
#   /usr/share/intake-edge/low-ports.conf     a drop-in for ports below 1024
#   /usr/share/doc/intake-edge/               README, copyright
# with dpkg-deb into target/packages/intake-edge_VERSION_ARCH.deb (printed on stdout).
#
# Environment: TARGET, BIN (an already built binary to pack instead of building one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
TARGET=${TARGET:-x86_64-unknown-linux-musl}
if [[ -z ${BIN:-} ]]; then
  if ! rustup target list --installed | grep -qx "$TARGET"; then rustup target add "$TARGET" >&2; fi
  [[ $TARGET != *musl* ]] || command -v musl-gcc >/dev/null || {
    echo "build-deb: musl-gcc is missing (apt-get install musl-tools)" >&2; exit 1; }
  INTAKE_EDGE_COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown) cargo build --profile ship --target "$TARGET" -p intake-edge >&2
  BIN=${CARGO_TARGET_DIR:-target}/$TARGET/ship/intake-edge
fi
version=$(awk -F'"' '/^version = "/ { print $2; exit }' Cargo.toml)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$BIN" "$stage/usr/bin/intake-edge"
install -d -m 0755 "$stage/etc/intake-edge"
packaging/default-config.sh "$stage/etc/intake-edge/intakes.toml"
chmod 0640 "$stage/etc/intake-edge/intakes.toml"
install -D -m 0644 packaging/intake-edge.service "$stage/lib/systemd/system/intake-edge.service"
install -D -m 0644 packaging/low-ports.conf "$stage/usr/share/intake-edge/low-ports.conf"
install -D -m 0644 README.md "$stage/usr/share/doc/intake-edge/README.md"
printf 'intake-edge\nLicense: Apache-2.0\n' | install -D -m 0644 /dev/stdin "$stage/usr/share/doc/intake-edge/copyright"
install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" packaging/debian/control.in >"$stage/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
mkdir -p target/packages
out=target/packages/intake-edge_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >&2
echo "$out"
