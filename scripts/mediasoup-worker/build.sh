#!/usr/bin/env bash
# Builds mediasoup's worker from the package's own worker/ sources against Debian's libraries
# (mediasoup's postinstall would download a prebuilt binary or pip-install meson; neither is
# reachable here). Usage: build.sh <mediasoup package dir> <output binary>.
# The meson subprojects the worker asks for are replaced by the folders in subprojects/, which
# declare the same variables over Debian's packages; two source patches are applied (see below).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
package="$1"
out="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$package/worker" "$work/worker"
cd "$work/worker"

declare -A shim=([openssl]=openssl [libuv]=libuv [libsrtp3]=libsrtp3 [usrsctp]=usrsctp [abseil-cpp]=abseil [flatbuffers]=flatbuffers [catch2]=catch2)
for wrap in "${!shim[@]}"; do
  dir="$(sed -n 's/^directory *= *//p' "subprojects/$wrap.wrap")"
  rm -rf "subprojects/$dir"
  cp -r "$here/subprojects/${shim[$wrap]}" "subprojects/$dir"
  : > "subprojects/$dir/empty.c"
done

# Debian bookworm ships meson 1.0.1; nothing the worker's build uses needs 1.1.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" meson.build
# The BIO callback means the BIO_CB_RETURN bit: compared with ==, OpenSSL's KTLS control query
# (Debian's OpenSSL has KTLS) reads as handled, the DTLS write buffer stays NULL, and the worker
# crashes at the first handshake.
sed -i 's/(operationType == BIO_CB_RETURN)/(operationType \& BIO_CB_RETURN)/' src/RTC/DtlsTransport.cpp
grep -q '(operationType & BIO_CB_RETURN)' src/RTC/DtlsTransport.cpp

# libsrtp over OpenSSL (see libsrtp.sh); the libsrtp3 shim finds it through pkg-config.
"$here/libsrtp.sh" "$work/libsrtp"
export PKG_CONFIG_PATH="$work/libsrtp/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# Release flags as mediasoup's own build (worker/tasks.py): NDEBUG drops the dependencies' assert()s.
meson setup build --wrap-mode=nodownload --buildtype=release -Db_ndebug=true -Dms_disable_liburing=true >build-setup.log || { cat build-setup.log; exit 1; }
# The generated FlatBuffers headers first: the worker's sources include them without declaring it.
meson compile -C build flatbuffers-generator
meson compile -C build mediasoup-worker ${VOKI_KEEP_GOING:+--ninja-args=-k0}
mkdir -p "$(dirname "$out")"
cp build/mediasoup-worker "$out.tmp"
mv "$out.tmp" "$out"
