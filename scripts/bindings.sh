#!/usr/bin/env bash
# The Kotlin bindings of smishgate-ffi, generated in library mode from its host release build
# (the UniFFI metadata is the same for every target) into OUT_DIR, which is replaced.
#   VARIANT jvm (default): tests/kotlin/uniffi-jvm.toml, no Android classes (the JVM tests,
#                          the benchmark, the gateway module);
#   VARIANT android:       bindings/uniffi.toml as the app ships it.
# Used by scripts/kotlin-tests.sh, scripts/bench-kotlin.sh, android/check.sh and the Gradle build.
# Usage: scripts/bindings.sh OUT_DIR [jvm|android]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/bindings.sh OUT_DIR [jvm|android]" >&2; exit 2; }
out=$(realpath -m "$1")
case "${2:-jvm}" in
  jvm) config=(--config tests/kotlin/uniffi-jvm.toml) ;;
  android) config=() ;;
  *) echo "bindings: variant is jvm or android, not $2" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
cargo build --release -q -p smishgate-ffi
# The generator only reads the library: the dev profile builds it in a fraction of the time.
cargo build -q -p uniffi-bindgen
case "$(uname -s)" in
  Darwin) lib=target/release/libsmishgate_ffi.dylib ;;
  *) lib=target/release/libsmishgate_ffi.so ;;
esac
rm -rf "$out"
target/debug/uniffi-bindgen generate --no-format "$lib" --language kotlin "${config[@]}" --out-dir "$out"
