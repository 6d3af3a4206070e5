//! Computes GOX_BUILD_ID: a hash of everything that decides what gox says
//! about a package (the sources of gox's crates, the embedded std,
//! Cargo.lock). Cache keys start with it, so a rebuilt checker never takes
//! a result an older one stored, and two machines that built the same
//! sources share cache entries (the remote cache relies on that).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => files(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = ["gox-common/src", "gox-syntax/src", "gox-analysis/src", "gox-module/src", "gox-module/std", "gox-cli/src"];
    let mut all = Vec::new();
    // Paths relative to this package: a target directory shared by two
    // checkouts (a clean clone built into the same target) watches the
    // checkout being built, not the one that ran the script first.
    for input in inputs {
        println!("cargo:rerun-if-changed=../{input}");
        files(&root.join(input), &mut all);
    }
    let lock = root.join("Cargo.lock");
    println!("cargo:rerun-if-changed=../Cargo.lock");
    all.push(lock);
    all.sort();
    let mut hash = Sha256::new();
    for path in &all {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        hash.update(rel.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(path).unwrap_or_default());
        hash.update([0]);
    }
    let id: String = hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=GOX_BUILD_ID={id}");

    // The gox binary is linked at a fixed address on Linux, as the go
    // command builds its binaries: a position-independent executable has
    // 39,000 relocations the loader applies at every start (900 KB read,
    // 700 KB of pages written), 1 ms of a no-op `gox check` that takes
    // 15 ms. The code stays position-independent; only the link differs.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
