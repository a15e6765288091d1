#!/usr/bin/env bash
# Stripped size of the phone library (README "The Kotlin API" figures): the host release
# build, the `mobile` profile the app ships, and both again for 64-bit ARM when a cross linker
# is there (`apt-get install gcc-aarch64-linux-gnu`, `rustup target add aarch64-unknown-linux-gnu`:
# glibc rather than Android's bionic, but the same code and data as the arm64-v8a library).
set -euo pipefail
cd "$(dirname "$0")/.."
size_of() { # FILE STRIP
  local tmp
  tmp=$(mktemp)
  "$2" -o "$tmp" "$1"
  awk -v b="$(stat -c %s "$tmp")" 'BEGIN { printf "%d bytes (%.2f MB)", b, b / 1048576 }'
  rm -f "$tmp"
}
for profile in release mobile; do
  cargo build --profile "$profile" -q -p smishgate-ffi
  printf 'x86_64  %-7s stripped: %s\n' "$profile" "$(size_of "target/$profile/libsmishgate_ffi.so" strip)"
done
arm=aarch64-unknown-linux-gnu
if command -v aarch64-linux-gnu-gcc >/dev/null && rustup target list --installed 2>/dev/null | grep -qx "$arm"; then
  for profile in release mobile; do
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      cargo build --profile "$profile" -q --target "$arm" -p smishgate-ffi
    printf 'aarch64 %-7s stripped: %s\n' "$profile" \
      "$(size_of "target/$arm/$profile/libsmishgate_ffi.so" aarch64-linux-gnu-strip)"
  done
else
  echo "aarch64: skipped (needs aarch64-linux-gnu-gcc and the $arm target)"
fi
