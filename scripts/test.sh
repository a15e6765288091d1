#!/usr/bin/env bash
# Every test of the project: formatting, lints, then the whole workspace's tests (unit tests,
# fixture tables, corpus targets on ../shared/data, property tests, CLI contract tests, the
# storage fault trials, the FFI crate's property tests), then the Kotlin API's tests on the JVM
# (scripts/kotlin-tests.sh: Maven fetches the Kotlin compiler, JNA and JUnit), then the Android
# app's checks that need no SDK (android/check.sh). `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "cargo is required (rustup)"; exit 2; }
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings
# uniffi-bindgen has no tests, and in the release profile (LTO) it is the longest build of all:
# scripts/kotlin-tests.sh builds it in the dev profile.
cargo test --workspace --release --exclude uniffi-bindgen
scripts/kotlin-tests.sh
android/check.sh
