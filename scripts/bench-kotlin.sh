#!/usr/bin/env bash
# The FFI figures of the README: the stripped size of the library (scripts/lib-size.sh), one
# call through Kotlin against the same call in Rust, classifyBatch throughput in both, and the
# cold start of a fresh JVM. Builds what scripts/kotlin-tests.sh builds; run that once first (it generates
# the bindings and fills ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cargo build --release -q -p smishgate-ffi
scripts/lib-size.sh
cargo run --release -q -p smishgate-ffi --example ffi_bench -- tests/fixtures
gen=target/kotlin-bindings
scripts/bindings.sh "$gen" jvm
mvn -B -q -ntp ${MVN_OFFLINE:+-o} -f tests/kotlin/pom.xml clean test -Dtest=BenchTest \
  -Dsmishgate.bench=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgenerated.dir="$root/$gen" -Dnative.dir="$root/target/release" \
  -Dfixtures.dir="$root/tests/fixtures" 2>&1 | grep -E '^(kotlin|rust):|ERROR|FAIL' || true
