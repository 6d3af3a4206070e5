//! The embedded GoX std: every package checks without errors, and a program
//! per package using its main API (gox-module/stdtools/examples) checks clean.

use std::path::{Path, PathBuf};
use std::process::Command;

fn gox_check(dir: &Path, args: &[&str]) -> (String, i32) {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gox"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("GOXCACHE", cache.path())
        .output()
        .expect("running gox");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (text, out.status.code().unwrap_or(-1))
}

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gox-module/stdtools/examples");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "gox") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_std_package_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gox.mod"), "module stdcheck\n").unwrap();
    let packages: Vec<String> = gox_module::std::std_packages().into_iter().filter(|p| !p.starts_with("internal/")).collect();
    assert!(packages.len() >= 24, "{packages:?}");
    let args: Vec<&str> = packages.iter().map(String::as_str).collect();
    let (out, code) = gox_check(tmp.path(), &args);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_program_per_std_package_checks_clean() {
    let files = examples();
    assert!(files.len() >= 24, "{files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let dir = file.parent().unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        let (out, code) = gox_check(dir, &[name]);
        if code != 0 {
            failures.push(format!("{}:\n{out}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), files.len(), failures.join("\n"));
}
