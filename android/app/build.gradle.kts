// android/app: the thin shell. Builds the Rust library for three ABIs with cargo-ndk (16 KB
// pages), generates the Android variant of the bindings, and packages both with JNA's aar.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
}

/** The Rust workspace: the repository's root, above android/. */
val repo: File = rootDir.parentFile
val jniLibsOut = layout.buildDirectory.dir("generated/jniLibs")
val bindingsOut = layout.buildDirectory.dir("generated/uniffi")

android {
    namespace = "app.smishgate"
    compileSdk = 36

    defaultConfig {
        applicationId = "app.smishgate"
        minSdk = 26
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        // Stored uncompressed and 16 KB-aligned in the APK (AGP 8.5.1+), so the loader maps
        // the library in place on 16 KB-page devices.
        jniLibs.useLegacyPackaging = false
    }

    sourceSets["main"].apply {
        kotlin.srcDir(bindingsOut)
        jniLibs.srcDir(jniLibsOut)
    }

    testOptions {
        // What android/check.sh gives Robolectric by hand: the merged manifest and resources.
        unitTests.isIncludeAndroidResources = true
        unitTests.all { it.systemProperty("jna.library.path", File(repo, "target/release").path) }
    }
}

kotlin {
    jvmToolchain(17)
}

/**
 * The library for each ABI, with the `mobile` profile (Cargo.toml), into build/generated/jniLibs
 * (cargo-ndk 4.0.3 or newer: earlier 4.0 releases read `-p` as the platform).
 * Linked with 16 KB maximum page size: required on Google Play for targetSdk 35 since
 * November 2025, and what the NDK does by default only from r28.
 */
val cargoNdk by tasks.registering(Exec::class) {
    description = "Builds libsmishgate_ffi.so for arm64-v8a, armeabi-v7a and x86_64 with cargo-ndk."
    workingDir = repo
    val out = jniLibsOut.get().asFile
    outputs.dir(out)
    // Cargo is incremental itself: always ask it (outputs alone would never rerun the task).
    outputs.upToDateWhen { false }
    environment("RUSTFLAGS", "-C link-arg=-Wl,-z,max-page-size=16384")
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "26",
        "-o", out.path,
        "build", "--profile", "mobile", "-p", "smishgate-ffi",
    )
}

/** The Kotlin bindings as the app ships them (scripts/bindings.sh: library mode, bindings/uniffi.toml). */
val generateBindings by tasks.registering(Exec::class) {
    description = "Generates the Android variant of the Kotlin bindings into build/generated/uniffi."
    workingDir = repo
    val out = bindingsOut.get().asFile
    outputs.dir(out)
    outputs.upToDateWhen { false }
    commandLine("bash", "scripts/bindings.sh", out.path, "android")
}

tasks.named("preBuild") {
    dependsOn(cargoNdk, generateBindings)
}

dependencies {
    implementation(project(":gateway"))
    // The aar carries JNA's native dispatch library for every Android ABI.
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    // @RequiresApi in the generated bindings; nothing of AndroidX at run time.
    compileOnly(libs.androidx.annotation)

    testImplementation(libs.junit4)
    testImplementation(libs.robolectric)
    // Unit tests run on the host: JNA's jar with its desktop dispatch libraries.
    testImplementation(libs.jna)
}
