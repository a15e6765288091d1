// The Android app's Gradle build, for a machine with the Android SDK, the NDK and cargo-ndk
// (`cargo install cargo-ndk`). See README.md for how to build and install it. On machines
// without the SDK, android/check.sh checks the same sources with Maven, aapt2 and Robolectric.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "smishgate"

// gateway: pure Kotlin, every decision of the app; app: the thin Android shell.
include(":gateway", ":app")
