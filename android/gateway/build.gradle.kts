// android/gateway: pure Kotlin (no Android), compiled against bindings generated for the JVM
// and tested on the JVM with the host build of the library, as android/check.sh does with
// Maven. The bindings are a source set of their own, compile-only for main: the app ships the
// Android variant of the same classes (bindings/uniffi.toml), so they exist once in the APK.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin {
    jvmToolchain(17)
}

/** The Rust workspace: the repository's root, above android/. */
val repo: File = rootDir.parentFile
val jvmBindings = layout.buildDirectory.dir("generated/uniffi-jvm")

val generateJvmBindings by tasks.registering(Exec::class) {
    description = "Generates the JVM variant of the Kotlin bindings (scripts/bindings.sh)."
    workingDir = repo
    val out = jvmBindings.get().asFile
    outputs.dir(out)
    // Cargo and the generator are incremental themselves: always ask them.
    outputs.upToDateWhen { false }
    commandLine("bash", "scripts/bindings.sh", out.path, "jvm")
}

val bindings by sourceSets.creating
kotlin.sourceSets["bindings"].kotlin.srcDir(generateJvmBindings)

dependencies {
    "bindingsCompileOnly"(libs.jna)
    compileOnly(bindings.output)
    testImplementation(bindings.output)
    // The app brings JNA as its aar (with the Android dispatch libraries); the jar here is
    // only for compiling and for the tests on the host.
    compileOnly(libs.jna)
    testImplementation(libs.jna)
    testImplementation(libs.junit.jupiter)
    testRuntimeOnly("org.junit.platform:junit-platform-launcher")
}

tasks.test {
    useJUnitPlatform()
    systemProperty("jna.library.path", File(repo, "target/release").path)
}
