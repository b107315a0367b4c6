#!/usr/bin/env bash
# libsrtp built against OpenSSL, for the worker. Debian's libsrtp2 uses NSS, and its AES-CM
# creates an NSS context for every packet: SRTP cost 10-30 µs per 1,000-byte packet, most of
# a worker's CPU in a call. The source is Debian's own (apt-get source, through a private apt
# configuration with a deb-src entry, so the system's apt setup is left alone); the static
# library and its pkg-config file are installed under <prefix>. Usage: libsrtp.sh <prefix>.
set -euo pipefail
prefix="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
. /etc/os-release
mirror="$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | head -1 | tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/apt/parts"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} ${VERSION_CODENAME} main" > "$work/apt/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o "Dir::Etc::SourceParts=$work/apt/parts"
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" -o "APT::Sandbox::User=root" -qq)
apt-get "${apt_private[@]}" update
(cd "$work" && apt-get "${apt_private[@]}" source --download-only libsrtp2)
tar -xzf "$work"/libsrtp2_*.orig.tar.gz -C "$work"
src="$(find "$work" -maxdepth 1 -type d -name 'libsrtp*' | head -1)"
cd "$src"
meson setup build --buildtype=release --prefix="$prefix" --libdir=lib --default-library=static \
  -Dcrypto-library=openssl -Dtests=disabled -Ddoc=disabled -Dpcap-tests=disabled >"$work/setup.log" || { cat "$work/setup.log"; exit 1; }
meson compile -C build >"$work/compile.log" || { cat "$work/compile.log"; exit 1; }
meson install -C build >/dev/null
