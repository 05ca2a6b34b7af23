//! Link options of the Lambda binaries in the `deploy` profile (issue 11 item 5: every zip
//! ≤ 2 MB). The deploy profile is the workspace's only one with opt-level "z", which is how
//! it is recognised here; test, debug and release builds link as before.
//!
//! - `deploy-link.ld` discards the unwind tables (`.eh_frame`, `.eh_frame_hdr`): the
//!   binaries abort on panic and are stripped, so a backtrace is their only reader.
//! - `--icf=all`: identical code folding (lld, which rustc uses on x86_64 Linux and which
//!   cargo-lambda's zig linker is): Rust gives no guarantee that distinct functions have
//!   distinct addresses, and LLVM already merges identical functions within the LTO unit.
//!
//! Only the package's binaries get them (`rustc-link-arg-bins`), not the shared libraries
//! of dependencies.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=deploy-link.ld");
    let deploy = std::env::var("OPT_LEVEL").as_deref() == Ok("z");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if deploy && linux {
        let script =
            std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
                .join("deploy-link.ld");
        println!("cargo::rustc-link-arg-bins=-Wl,-T,{}", script.display());
        println!("cargo::rustc-link-arg-bins=-Wl,--icf=all");
    }
}
