//! UniFFI's binding generator at the workspace's uniffi version: the generated Kotlin and the
//! library's scaffolding always come from the same release.

fn main() {
    uniffi::uniffi_bindgen_main()
}
