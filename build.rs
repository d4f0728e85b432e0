//! Links the `jixiao` binary with packed relative relocations (the fonts it carries are
//! compressed by `crates/jixiao-render/build.rs`).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    link_with_packed_relocations();
}

/// Links jixiao's binaries with packed relative relocations (`-z pack-relative-relocs`,
/// DT_RELR) where the C library supports them. A position-independent executable carries
/// one 24-byte entry for every pointer in its data that the loader must move (75,778 in
/// the release binary: Typst's tables and vtables, 1.8 MB); packed, they are a bitmap of
/// a few kilobytes. Only the final link of the binaries changes, the crates' code does
/// not.
///
/// The linker marks such a binary as needing glibc 2.36 (the `GLIBC_ABI_DT_RELR`
/// version), so the option is passed only when building on Linux for the same machine
/// (not cross-compiling) and that machine's glibc (`getconf GNU_LIBC_VERSION`) is 2.36
/// or newer: elsewhere the binary links as before, 1.8 MB larger, and runs where it was
/// built. GNU ld older than 2.38 ignores the option with a warning.
fn link_with_packed_relocations() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let native = std::env::var("HOST").ok() == std::env::var("TARGET").ok();
    if os == "linux" && env == "gnu" && native && glibc_at_least(2, 36) {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether this machine's glibc is at least `major.minor` (false when it cannot tell).
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(output) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&output.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    found >= (major, minor)
}
