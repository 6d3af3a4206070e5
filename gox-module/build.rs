//! Rebuild when the embedded standard library (`std/`) changes:
//! `include_dir!` alone does not tell cargo about the files it reads.

fn main() {
    println!("cargo:rerun-if-changed=std");
    println!("cargo:rerun-if-changed=build.rs");
}
