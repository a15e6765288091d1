#!/usr/bin/env bash
# The Kotlin API on the JVM: build the FFI library (release) and the binding generator, generate
# the Kotlin bindings from the built library (library mode; into target/kotlin-bindings, never
# committed), then compile them with the JUnit tests in tests/kotlin and run the tests with
# Maven (Kotlin compiler, kotlin-stdlib, JNA, JUnit and org.json come from Maven Central, pinned
# in tests/kotlin/pom.xml). Afterwards, type-check the Android build of the FFI crate when the
# Rust target can be installed.
# Usage: scripts/kotlin-tests.sh        (MVN_OFFLINE=1 adds -o once ~/.m2 holds everything)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq maven default-jdk-headless >/dev/null
  else
    echo "kotlin-tests: Maven and a JDK (17+) are required (apt-get install maven default-jdk-headless)" >&2
    exit 2
  fi
fi
gen=target/kotlin-bindings
scripts/bindings.sh "$gen" jvm
mvn -B -ntp ${MVN_OFFLINE:+-o} -f tests/kotlin/pom.xml clean test \
  -Dgenerated.dir="$root/$gen" -Dnative.dir="$root/target/release" \
  -Dfixtures.dir="$root/tests/fixtures"

# The Android build of the FFI crate type-checks (its cfg(target_os = "android") logging path
# included); linking needs the NDK, which these machines cannot fetch.
if rustup target list --installed 2>/dev/null | grep -q aarch64-linux-android \
   || rustup target add aarch64-linux-android >/dev/null 2>&1; then
  cargo check -q --target aarch64-linux-android -p smishgate-ffi
  echo "kotlin-tests: cargo check --target aarch64-linux-android -p smishgate-ffi: ok"
else
  echo "kotlin-tests: the aarch64-linux-android target cannot be installed here; its check is skipped"
fi
