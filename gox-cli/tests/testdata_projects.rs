//! Runs the real `gox` binary on the projects under `testdata/` and compares
//! with each project's `expected.txt`, a transcript of commands:
//!
//! ```text
//! $ gox check ./...
//! <stdout lines>
//! stderr: <stderr lines>
//! exit 1
//! ```
//!
//! `GOX_UPDATE_EXPECT=1 cargo test -p gox-cli --test testdata_projects`
//! rewrites the transcripts from what the binary does now (review the diff).

use std::path::{Path, PathBuf};
use std::process::Command;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

struct Step {
    args: Vec<String>,
    expected: Vec<String>,
}

fn parse_transcript(text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ gox ") {
            steps.push(Step { args: cmd.split_whitespace().map(String::from).collect(), expected: Vec::new() });
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.to_string());
        }
    }
    steps
}

fn run_step(dir: &Path, args: &[String]) -> Vec<String> {
    let cache = tempfile::tempdir().expect("temp cache dir");
    let out = Command::new(env!("CARGO_BIN_EXE_gox"))
        .args(args)
        .current_dir(dir)
        .env("GOXCACHE", cache.path())
        .env("GOXPROXY", "off")
        .output()
        .expect("running gox");
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
    lines.extend(String::from_utf8_lossy(&out.stderr).lines().map(|l| format!("stderr: {l}")));
    lines.push(format!("exit {}", out.status.code().unwrap_or(-1)));
    lines
}

fn check_project(rel: &str) {
    let dir = testdata().join(rel);
    let expect_path = dir.join("expected.txt");
    let text = std::fs::read_to_string(&expect_path).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    let steps = parse_transcript(&text);
    assert!(!steps.is_empty(), "{}: no commands", expect_path.display());
    let update = std::env::var_os("GOX_UPDATE_EXPECT").is_some();
    let mut rewritten = String::new();
    let mut failures = Vec::new();
    for step in &steps {
        let actual = run_step(&dir, &step.args);
        rewritten.push_str(&format!("$ gox {}\n", step.args.join(" ")));
        for l in &actual {
            rewritten.push_str(l);
            rewritten.push('\n');
        }
        if actual != step.expected {
            failures.push(format!(
                "$ gox {}\n--- expected\n{}\n--- actual\n{}",
                step.args.join(" "),
                step.expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    if update {
        std::fs::write(&expect_path, rewritten).expect("writing expected.txt");
        return;
    }
    assert!(failures.is_empty(), "{rel}:\n{}", failures.join("\n\n"));
}

macro_rules! project_tests {
    ($($name:ident => $dir:expr,)*) => {$(
        #[test]
        fn $name() {
            check_project($dir);
        }
    )*};
}

project_tests! {
    command_line_tool_checks_clean => "wordcount",
    library_with_internal_packages_checks_clean => "geometry",
    project_with_two_dependencies_sharing_a_third => "webapp",
    syntax_errors_are_reported_with_positions => "fail/syntax",
    type_errors_across_packages => "fail/crosspkg",
    import_cycle_is_reported_with_the_whole_cycle => "fail/cycle",
    missing_dependency_names_module_and_suggests_gox_get => "fail/missingdep",
    tampered_dependency_names_the_first_differing_file => "fail/tampered",
    unknown_alias_is_reported_at_the_import => "fail/unknownalias",
    internal_package_violation => "fail/internal",
    bad_package_clauses_empty_files_and_mixed_names => "fail/badclause",
    bad_bytes_are_named_alike_by_check_and_parse => "fail/encoding",
    broken_file_inside_goxdeps => "fail/brokendep",
    gox_mod_errors_are_diagnostics_in_every_format => "fail/badmod",
    suggestions_and_the_error_cap_in_every_format => "fail/suggest",
    an_empty_module_is_a_warning => "fail/empty",
}
