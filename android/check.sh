#!/usr/bin/env bash
# The checks of the Android app that run on machines without the Android SDK (scripts/test.sh
# calls this, and so CI):
#  1. the gateway module (pure Kotlin, every decision the app makes) built and tested on the
#     JVM with Maven against the real host library and freshly generated JVM bindings;
#  2. the shell (android/app): its resources and manifest linked by aapt2 (Debian's `aapt`)
#     against the real framework's resource table (Robolectric's android-all, API 34), its
#     Kotlin compiled against that framework with the gateway and the Android-variant
#     bindings, and its Robolectric tests run on that framework with the host library.
# Usage: android/check.sh        (MVN_OFFLINE=1 adds -o once ~/.m2 holds everything)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Nothing in the gateway module may reach for the Android framework.
if grep -rn --include='*.kt' -E '^import (android|androidx)\.' android/gateway/src; then
  echo "android/check: android/gateway must stay pure Kotlin (no android.* imports)" >&2
  exit 1
fi
gen=target/android-check/jvm-bindings
scripts/bindings.sh "$gen" jvm
mvn -B -ntp ${MVN_OFFLINE:+-o} -f android/gateway/pom.xml clean test \
  -Dgenerated.dir="$root/$gen" -Dnative.dir="$root/target/release"
echo "android/check: gateway module on the JVM: ok"

# --- 2. the shell -------------------------------------------------------------------------
if ! command -v aapt2 >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    # A fresh machine may have no package lists yet.
    apt-get install -y -q aapt >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q aapt >/dev/null; }
  else
    echo "android/check: aapt2 is missing (apt-get install aapt) and cannot be installed here" >&2
    exit 1
  fi
fi
out=target/android-check
app=android/app
mvn_app=(mvn -B -ntp ${MVN_OFFLINE:+-o} -f "$app/pom.xml")
# The framework jar whose resource table aapt2 links against, as the pom pins it.
rm -rf "$out/framework"
"${mvn_app[@]}" -q dependency:copy@framework -Dframework.dir="$root/$out/framework"
framework=$(ls "$out"/framework/android-all-*.jar)

# Android-variant bindings (bindings/uniffi.toml: android, android_cleaner), as the app ships.
scripts/bindings.sh "$out/android-bindings" android
grep -rq 'SystemCleaner' "$out/android-bindings" \
  || { echo "android/check: the bindings were not generated for Android" >&2; exit 1; }

# The merged manifest: without Gradle there is nothing to merge (the shell has no library
# manifests), only the package name, which AGP takes from the namespace, to put in.
rm -rf "$out/res" "$out/r" "$out/test-config"
mkdir -p "$out/res/assets" "$out/r" "$out/test-config/com/android/tools"
sed 's#<manifest xmlns:android="http://schemas.android.com/apk/res/android">#<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="app.smishgate">#' \
  "$app/src/main/AndroidManifest.xml" > "$out/res/AndroidManifest.xml"
grep -q 'package="app.smishgate"' "$out/res/AndroidManifest.xml"
aapt2 compile --dir "$app/src/main/res" -o "$out/res/compiled.zip"
# aapt2 2.19 predates one chunk type of API 34's table (staged aliases) and says so; that line
# is dropped, every other message kept.
aapt2 link -I "$framework" --manifest "$out/res/AndroidManifest.xml" \
  --min-sdk-version 26 --target-sdk-version 36 --version-code 1 --version-name 0.1.0 \
  --java "$out/r" -o "$out/res/resources.ap_" "$out/res/compiled.zip" 2>"$out/res/link.log" \
  || { cat "$out/res/link.log" >&2; exit 1; }
grep -v "Unknown chunk type '200'" "$out/res/link.log" >&2 || true
# The linked manifest as a phone reads it.
aapt2 dump xmltree --file AndroidManifest.xml "$out/res/resources.ap_" > "$out/res/manifest.txt"
for want in 'allowBackup.*=false' 'dataExtractionRules' 'permission.*"android.permission.BROADCAST_SMS"' \
    'permission.*"android.permission.BIND_NOTIFICATION_LISTENER_SERVICE"' 'targetSdkVersion.*=36'; do
  grep -q "$want" "$out/res/manifest.txt" \
    || { echo "android/check: the linked manifest lacks $want" >&2; exit 1; }
done
# The Gradle build targets API 36 (a store upload needs it), as the linked manifest above does.
grep -q 'compileSdk = 36' "$app/build.gradle.kts" && grep -q 'targetSdk = 36' "$app/build.gradle.kts" \
  || { echo "android/check: the app must be compiled for and target API 36" >&2; exit 1; }
# What AGP writes for unit tests with includeAndroidResources: Robolectric reads it.
{
  echo "android_merged_manifest=$root/$out/res/AndroidManifest.xml"
  echo "android_resource_apk=$root/$out/res/resources.ap_"
  echo "android_merged_assets=$root/$out/res/assets"
  echo "android_custom_package=app.smishgate"
} > "$out/test-config/com/android/tools/test_config.properties"
"${mvn_app[@]}" clean test \
  -Dbindings.dir="$root/$out/android-bindings" -Dr.dir="$root/$out/r" \
  -Dtest-config.dir="$root/$out/test-config" -Dnative.dir="$root/target/release"
echo "android/check: shell (aapt2 link, compiled against android-all 34, Robolectric): ok"
