//! The embedded GoX std: every package checks without errors, and a program
//! per package using its main API, with a `_test.gox` file using `testing`
//! (gox-module/stdtools/examples/<package>/), checks clean with `--tests`.

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

/// The example directories: each holds `main.gox` and `main_test.gox`.
fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gox-module/stdtools/examples");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "main.gox") {
                out.push(dir.clone());
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
    assert!(packages.len() >= 65, "{packages:?}");
    let args: Vec<&str> = packages.iter().map(String::as_str).collect();
    let (out, code) = gox_check(tmp.path(), &args);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_program_and_a_test_per_std_package_check_clean() {
    let dirs = examples();
    let packages: Vec<String> = gox_module::std::std_packages().into_iter().filter(|p| !p.starts_with("internal/")).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gox-module/stdtools/examples");
    let have: Vec<String> = dirs.iter().map(|d| d.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/")).collect();
    assert_eq!(have, packages, "one example directory per std package");
    let mut failures = Vec::new();
    for dir in &dirs {
        assert!(dir.join("main_test.gox").is_file(), "{} has no main_test.gox", dir.display());
        let (out, code) = gox_check(dir, &["--tests", "main.gox", "main_test.gox"]);
        if code != 0 {
            failures.push(format!("{}:\n{out}", dir.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} examples fail:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

#[test]
fn only_std_packages_may_declare_functions_without_bodies() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gox.mod"), "module nobody\n").unwrap();
    std::fs::write(tmp.path().join("main.gox"), "package main\n\nimport \"strings\"\n\nfunc f(s string) int\n\nfunc main() { _ = f(strings.ToUpper(\"x\")) }\n").unwrap();
    let (out, code) = gox_check(tmp.path(), &["./..."]);
    assert_eq!((code, out.as_str()), (1, "./main.gox:5:6: missing function body\ngox: 1 error in 1 package (6 checked)\n"));
}

#[test]
fn importing_a_go_package_left_out_of_the_std_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gox.mod"), "module leftout\n").unwrap();
    std::fs::write(tmp.path().join("main.gox"), "package main\n\nimport _ \"unsafe\"\n\nfunc main() {}\n").unwrap();
    let (out, code) = gox_check(tmp.path(), &["./..."]);
    assert_eq!((code, out.as_str()), (1, "./main.gox:3:10: package unsafe is not in GoX's std (GoX has no unsafe)\ngox: 1 error in 1 package\n"));
}
