#!/usr/bin/env bash
# The checks of the Android app that run on machines without the Android SDK (scripts/test.sh
# calls this, and so CI): the gateway module (pure Kotlin, every decision the app makes) built
# and tested on the JVM with Maven against the real host library and freshly generated JVM
# bindings. Run after scripts/kotlin-tests.sh, which builds the library and the generator.
# Usage: android/check.sh        (MVN_OFFLINE=1 adds -o once ~/.m2 holds everything)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Nothing in the gateway module may reach for the Android framework.
if grep -rn --include='*.kt' -E '^import (android|androidx)\.' android/gateway/src; then
  echo "android/check: android/gateway must stay pure Kotlin (no android.* imports)" >&2
  exit 1
fi
cargo build --release -q -p smishgate-ffi
cargo build -q -p uniffi-bindgen
gen=target/android-check/jvm-bindings
rm -rf "$gen"
target/debug/uniffi-bindgen generate --no-format target/release/libsmishgate_ffi.so \
  --language kotlin --config tests/kotlin/uniffi-jvm.toml --out-dir "$gen"
mvn -B -ntp ${MVN_OFFLINE:+-o} -f android/gateway/pom.xml clean test \
  -Dgenerated.dir="$root/$gen" -Dnative.dir="$root/target/release"
echo "android/check: gateway module on the JVM: ok"
