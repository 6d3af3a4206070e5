//! The output conventions of the ecosystem, through the real binary:
//! `--format` for the layout and `--color` for colour only, `NO_COLOR`,
//! `CLICOLOR_FORCE`, `TERM=dumb`; `-v` and `-q`; `GOXCACHE=off` and a
//! relative `GOXCACHE`; `gox init --gitignore`.

mod support;

use std::path::Path;
use std::process::Command;

use support::Out;


/// Runs gox in `dir` with a clean colour environment plus `env`.
fn gox(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gox"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("TERM", "xterm");
    if !env.iter().any(|(k, _)| *k == "GOXCACHE") {
        cmd.env("GOXCACHE", dir.join(".cache-for-test"));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("running gox");
    Out::from(out)
}

/// A module with one type error in `main.gox`.
fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gox.mod"), "module example.com/m\n").unwrap();
    std::fs::write(tmp.path().join("main.gox"), "package main\n\nfunc main() {\n\tvar n int = \"x\"\n\t_ = n\n}\n").unwrap();
    tmp
}

const ESC: &str = "\u{1b}[";
const GO_LINE: &str = "./main.gox:4:14: cannot use \"x\" (untyped string constant) as int value in variable declaration\n";

#[test]
fn format_chooses_the_layout_and_color_only_colours() {
    let p = project();
    // Not a terminal: Go style by default, whatever --color says.
    let out = gox(p.path(), &[], &["check", "--color", "always", "./..."]);
    assert_eq!((out.code, out.stdout.as_str()), (1, GO_LINE));
    // The rich view without colour, with colour on request.
    let plain = gox(p.path(), &[], &["check", "--format", "rich", "--color", "never", "./..."]);
    assert!(plain.stdout.starts_with("error: cannot use \"x\""), "{}", plain.stdout);
    assert!(!plain.stdout.contains(ESC));
    let coloured = gox(p.path(), &[], &["check", "--format", "rich", "--color", "always", "./..."]);
    assert!(coloured.stdout.contains(ESC), "{}", coloured.stdout);
    // --json is --format json.
    let json = gox(p.path(), &[], &["check", "--json", "./..."]);
    let formatted = gox(p.path(), &[], &["check", "--format", "json", "./..."]);
    assert_eq!(json.stdout, formatted.stdout);
    assert!(json.stdout.starts_with("{\"file\":\"./main.gox\",\"line\":4,\"column\":14,"), "{}", json.stdout);
}

#[test]
fn the_environment_decides_colour_unless_the_flag_does() {
    let p = project();
    let rich = ["check", "--format", "rich", "./..."];
    // Not a terminal, auto: no colour; CLICOLOR_FORCE forces it.
    assert!(!gox(p.path(), &[], &rich).stdout.contains(ESC));
    assert!(gox(p.path(), &[("CLICOLOR_FORCE", "1")], &rich).stdout.contains(ESC));
    assert!(!gox(p.path(), &[("CLICOLOR_FORCE", "0")], &rich).stdout.contains(ESC));
    // NO_COLOR wins over CLICOLOR_FORCE; an explicit --color always wins over both.
    assert!(!gox(p.path(), &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], &rich).stdout.contains(ESC));
    let forced = ["check", "--format", "rich", "--color", "always", "./..."];
    assert!(gox(p.path(), &[("NO_COLOR", "1")], &forced).stdout.contains(ESC));
}

#[test]
fn color_rules_on_a_terminal() {
    use gox_cli::cli::ColorChoice::{Always, Auto, Never};
    use gox_cli::output::color_wanted;
    // (choice, terminal, NO_COLOR, CLICOLOR_FORCE, TERM=dumb) -> colour
    assert!(color_wanted(Auto, true, false, false, false));
    assert!(!color_wanted(Auto, true, true, false, false));
    assert!(!color_wanted(Auto, true, false, false, true));
    assert!(color_wanted(Auto, false, false, true, true));
    assert!(!color_wanted(Auto, true, true, true, false));
    assert!(color_wanted(Always, false, true, false, true));
    assert!(!color_wanted(Never, true, false, true, false));
}

#[test]
fn verbose_names_packages_and_quiet_prints_only_diagnostics() {
    let p = project();
    let first = gox(p.path(), &[], &["check", "-v", "./..."]);
    assert!(first.stderr.lines().any(|l| l == "example.com/m"), "{}", first.stderr);
    let second = gox(p.path(), &[], &["check", "-v", "./..."]);
    assert!(second.stderr.lines().any(|l| l == "example.com/m (cached)"), "{}", second.stderr);
    assert_eq!(first.stdout, second.stdout);
    let quiet = gox(p.path(), &[], &["check", "-q", "./..."]);
    assert_eq!((quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()), (1, GO_LINE, ""));
    assert_eq!(gox(p.path(), &[], &["check", "-q", "-v", "./..."]).code, 2);
}

#[test]
fn goxcache_off_uses_no_cache_and_a_relative_one_is_refused() {
    let p = project();
    let out = gox(p.path(), &[("GOXCACHE", "off")], &["check", "-v", "./..."]);
    assert_eq!((out.code, out.stdout.as_str()), (1, GO_LINE));
    let again = gox(p.path(), &[("GOXCACHE", "off")], &["check", "-v", "./..."]);
    assert!(!again.stderr.contains("(cached)"), "{}", again.stderr);
    assert!(!p.path().join("off").exists(), "GOXCACHE=off made a directory");
    let rel = gox(p.path(), &[("GOXCACHE", "cache")], &["check", "./..."]);
    assert_eq!((rel.code, rel.stdout.as_str()), (2, ""));
    assert_eq!(rel.stderr, "gox: GOXCACHE is not an absolute path: cache\n");
    assert!(!p.path().join("cache").exists());
}

#[test]
fn init_gitignore_adds_goxdeps_once_and_keeps_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(".gitignore"), "/target").unwrap();
    let out = gox(tmp.path(), &[], &["init", "--gitignore", "example.com/app"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(), "/target\n/.goxdeps/\n");
    std::fs::remove_file(tmp.path().join("gox.mod")).unwrap();
    assert_eq!(gox(tmp.path(), &[], &["init", "--gitignore", "example.com/app"]).code, 0);
    assert_eq!(std::fs::read_to_string(tmp.path().join(".gitignore")).unwrap(), "/target\n/.goxdeps/\n");
    // Without the flag, .gitignore is none of gox's business.
    let other = tempfile::tempdir().unwrap();
    assert_eq!(gox(other.path(), &[], &["init", "example.com/b"]).code, 0);
    assert!(!other.path().join(".gitignore").exists());
}
