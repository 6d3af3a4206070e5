//! The `gox` commands' conventions, through the real binary: exit statuses,
//! `init`, single files, JSON output, running from a subdirectory, `list`,
//! `parse`, `version`, `help`, `completion`.

mod support;

use std::path::Path;
use std::process::Command;

use support::Out;


fn gox(dir: &Path, args: &[&str]) -> Out {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gox"))
        .args(args)
        .current_dir(dir)
        .env("GOXCACHE", cache.path())
        .output()
        .expect("running gox");
    Out::from(out)
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn init_writes_gox_mod_named_after_the_directory_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hello");
    std::fs::create_dir(&dir).unwrap();
    let out = gox(&dir, &["init"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("gox.mod")).unwrap(), "module hello\n");
    let again = gox(&dir, &["init", "example.com/other"]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("gox.mod already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("gox.mod")).unwrap(), "module hello\n");
}

#[test]
fn init_rejects_an_invalid_module_path_with_usage_status() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gox(tmp.path(), &["init", "/bad//path"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!tmp.path().join("gox.mod").exists());
}

#[test]
fn check_outside_a_module_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gox(tmp.path(), &["check", "./..."]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("gox.mod file not found"), "{}", out.stderr);
}

#[test]
fn a_pattern_matching_nothing_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), &[("gox.mod", "module m\n"), ("a/a.gox", "package a\n")]);
    let out = gox(tmp.path(), &["check", "./nothing/..."]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("./nothing/..."), "{}", out.stderr);
}

#[test]
fn bad_flag_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(gox(tmp.path(), &["check", "--no-such-flag"]).code, 2);
}

#[test]
fn check_reports_go_style_positions_relative_to_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            ("gox.mod", "module example.com/m\n"),
            ("lib/lib.gox", "package lib\n\nfunc F() int {\n\treturn \"no\"\n}\n"),
        ],
    );
    let out = gox(tmp.path(), &["check", "./..."]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "lib/lib.gox:4:9: cannot use \"no\" (untyped string constant) as int value in return statement\n"
    );
    assert_eq!(out.stderr.trim_end(), "gox: 1 error in 1 package");
    // From inside the package directory the root is found by walking up.
    let inner = gox(&tmp.path().join("lib"), &["check"]);
    assert_eq!(inner.code, 1);
    assert_eq!(
        inner.stdout,
        "./lib.gox:4:9: cannot use \"no\" (untyped string constant) as int value in return statement\n"
    );
}

#[test]
fn json_output_has_one_object_per_diagnostic() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), &[("gox.mod", "module example.com/m\n"), ("a.gox", "package m\n\nvar x int = y\n")]);
    let out = gox(tmp.path(), &["check", "--json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("one JSON line");
    assert_eq!(v["file"], "./a.gox");
    assert_eq!(v["line"], 3);
    assert_eq!(v["column"], 13);
    assert_eq!(v["end_line"], 3);
    assert_eq!(v["end_column"], 14);
    assert_eq!(v["severity"], "error");
    assert_eq!(v["message"], "undefined: y");
    assert_eq!(v["package"], "example.com/m");
}

#[test]
fn a_single_file_outside_a_module_is_checked_against_the_std() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), &[("main.gox", "package main\n\nimport \"strings\"\n\nfunc main() { println(strings.ToUpper(1)) }\n")]);
    let out = gox(tmp.path(), &["check", "main.gox"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("./main.gox:5:39: cannot use 1 (untyped int constant) as string value"), "{}", out.stdout);
}

#[test]
fn parse_reports_syntax_errors_and_dumps_the_tree() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), &[("bad.gox", "package p\n\nfunc f() {\n\tx := \n}\n"), ("good.gox", "package p\n\nvar X = 1\n")]);
    let bad = gox(tmp.path(), &["parse", "bad.gox"]);
    assert_eq!(bad.code, 1);
    assert_eq!(bad.stdout, "./bad.gox:5:1: expected operand, found '}'\n");
    let good = gox(tmp.path(), &["parse", "--ast", "good.gox"]);
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(good.stdout.contains("X"), "{}", good.stdout);
}

#[test]
fn list_shows_packages_and_their_dependencies() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            ("gox.mod", "module example.com/m\n"),
            ("main.gox", "package main\n\nimport \"util\"\n\nfunc main() { util.F() }\n"),
            ("util/u.gox", "package util\n\nfunc F() {}\n"),
        ],
    );
    let plain = gox(tmp.path(), &["list", "./..."]);
    assert_eq!(plain.stdout, "example.com/m\nexample.com/m/util\n");
    let deps = gox(tmp.path(), &["list", "-deps", "."]);
    assert_eq!(deps.stdout, "example.com/m/util\nexample.com/m\n");
    let json = gox(tmp.path(), &["list", "-json", "."]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["ImportPath"], "example.com/m");
    assert_eq!(v["Name"], "main");
    assert_eq!(v["Imports"][0], "example.com/m/util");
}

#[test]
fn version_help_and_completion_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let v = gox(tmp.path(), &["version"]);
    assert_eq!(v.code, 0);
    assert!(v.stdout.starts_with("gox version "), "{}", v.stdout);
    let h = gox(tmp.path(), &["help", "check"]);
    assert_eq!(h.code, 0);
    assert!(h.stdout.contains("--json"), "{}", h.stdout);
    assert_eq!(gox(tmp.path(), &["help", "nonsense"]).code, 2);
    let c = gox(tmp.path(), &["completion", "bash"]);
    assert_eq!(c.code, 0);
    assert!(c.stdout.contains("_gox"), "{}", c.stdout);
}

#[test]
fn pathological_nesting_gives_errors_not_crashes() {
    let tmp = tempfile::tempdir().unwrap();
    let parens = format!("package p\n\nvar x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let chain = format!("package q\n\nvar y = 1{}\n", " + 1".repeat(20_000));
    write(tmp.path(), &[("gox.mod", "module m\n"), ("p/p.gox", &parens), ("q/q.gox", &chain)]);
    let out = gox(tmp.path(), &["check", "./..."]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("p/p.gox:3:"), "{}", out.stdout);
    assert!(out.stdout.contains("exceeded max nesting depth"), "{}", out.stdout);
    assert!(!out.stdout.contains("q/q.gox"), "{}", out.stdout);
}
