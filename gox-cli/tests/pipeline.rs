//! The library entry point over whole projects held in memory: no disk, as
//! embedders and editor integrations use gox. Each test builds a project in
//! a `MemoryFs` (modules, `.goxdeps`, broken files), opens the workspace on
//! it, analyzes a pattern and compares every diagnostic, rendered as Go
//! prints them, relative to the project directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_cli::driver::analyze::{analyze_project_with, Analysis, Options};
use gox_cli::{Workspace, WorkspaceError};
use gox_common::{BuildConfig, EntryKind, FileSystem, FsError, MemoryFs, SourceMap, Stamp};

const ROOT: &str = "/p";

fn project(files: &[(&str, &[u8])]) -> MemoryFs {
    let mut fs = MemoryFs::new();
    for (path, text) in files {
        fs.insert(Path::new(ROOT).join(path), text);
    }
    fs
}

fn open(fs: Arc<dyn FileSystem>) -> Result<Workspace, WorkspaceError> {
    Workspace::open_in(fs, Path::new(ROOT), BuildConfig::default())
}

fn analyze(fs: impl FileSystem + 'static, pattern: &str) -> (Analysis, Workspace) {
    let ws = open(Arc::new(fs)).unwrap_or_else(|e| panic!("opening the workspace: {e}"));
    let analysis = analyze_project_with(&ws, &[pattern.to_string()], Options::default())
        .unwrap_or_else(|e| panic!("pattern {pattern}: {e}"));
    (analysis, ws)
}

/// Every diagnostic of the build, Go style, relative to the project.
fn shown(analysis: &Analysis) -> Vec<String> {
    analysis
        .diagnostics()
        .iter()
        .map(|d| gox_common::render_go_style(d, &analysis.map, Some(Path::new(ROOT))))
        .collect()
}

fn check(files: &[(&str, &[u8])], pattern: &str) -> Vec<String> {
    shown(&analyze(project(files), pattern).0)
}

/// Two dependencies sharing a third, std imports, local packages.
fn healthy() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "gox.mod",
            b"module example.com/app\n\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.2.0\n",
        ),
        (
            "main.gox",
            b"package main\n\nimport (\n\t\"fmt\"\n\t\"util\"\n\t@\"a\"\n\t@\"b\"\n)\n\nfunc main() {\n\tfmt.Println(util.Twice(a.Name()), b.Name())\n}\n",
        ),
        ("util/util.gox", b"package util\n\nimport \"strings\"\n\nfunc Twice(s string) string { return strings.Repeat(s, 2) }\n"),
        (".goxdeps/example.com/a@v1.0.0/gox.mod", b"module example.com/a\n\nrequire c example.com/c v0.1.0\n"),
        (".goxdeps/example.com/a@v1.0.0/a.gox", b"package a\n\nimport @\"c\"\n\nfunc Name() string { return c.Prefix + \"a\" }\n"),
        (".goxdeps/example.com/b@v1.2.0/gox.mod", b"module example.com/b\n\nrequire shared example.com/c v0.1.0\n"),
        (".goxdeps/example.com/b@v1.2.0/b.gox", b"package b\n\nimport @\"shared\"\n\nfunc Name() string { return c.Prefix + \"b\" }\n"),
        (".goxdeps/example.com/c@v0.1.0/gox.mod", b"module example.com/c\n"),
        (".goxdeps/example.com/c@v0.1.0/c.gox", b"package c\n\nconst Prefix = \"c:\"\n"),
    ]
}

fn with(mut files: Vec<(&'static str, &'static [u8])>, extra: &[(&'static str, &'static [u8])]) -> Vec<(&'static str, &'static [u8])> {
    for (path, text) in extra {
        files.retain(|(p, _)| p != path);
        files.push((path, text));
    }
    files
}

#[test]
fn a_whole_project_in_memory_checks_clean() {
    let (analysis, _) = analyze(project(&healthy()), "./...");
    assert_eq!(shown(&analysis), Vec::<String>::new());
    let mut paths: Vec<&str> = analysis.units.iter().map(|u| u.unit.import_path.as_str()).collect();
    paths.sort();
    for want in ["example.com/a", "example.com/app", "example.com/app/util", "example.com/b", "example.com/c", "fmt", "strings"] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    // The shared dependency is one package, checked once.
    assert_eq!(paths.iter().filter(|p| **p == "example.com/c").count(), 1);
    let roots: Vec<&str> = analysis.units.iter().filter(|u| u.unit.is_root).map(|u| u.unit.import_path.as_str()).collect();
    assert_eq!(roots, ["example.com/app", "example.com/app/util"]);
}

#[test]
fn info_is_kept_when_asked() {
    let ws = open(Arc::new(project(&healthy()))).expect("workspace");
    let analysis = analyze_project_with(&ws, &[".".to_string()], Options { cache: None, info: true, ..Options::default() }).expect("analysis");
    let main = analysis.units.iter().find(|u| u.unit.import_path == "example.com/app").expect("main package");
    let info = main.info.as_ref().expect("info of the main package");
    // Every use of an imported package name and function is recorded.
    assert!(info.uses.len() >= 8, "{} uses", info.uses.len());
    assert!(!info.types.is_empty());
}

#[test]
fn a_broken_dependency_is_reported_in_its_file() {
    let files = with(healthy(), &[(".goxdeps/example.com/c@v0.1.0/c.gox", b"package c\n\nconst Prefix = \"c:\" +\n")]);
    assert_eq!(check(&files, "./..."), [".goxdeps/example.com/c@v0.1.0/c.gox:4:1: expected operand, found 'EOF'"]);
}

#[test]
fn bad_package_clause_empty_file_and_mixed_names_are_errors() {
    let files = with(
        healthy(),
        &[
            ("bad/bad.gox", b"pakage bad\n"),
            ("empty/empty.gox", b""),
            ("mixed/a.gox", b"package one\n"),
            ("mixed/b.gox", b"package two\n"),
        ],
    );
    assert_eq!(
        check(&files, "./..."),
        [
            "bad/bad.gox:1:1: expected 'package', found pakage",
            "empty/empty.gox:1:1: expected 'package', found 'EOF'",
            "mixed/b.gox:1:9: found packages one (a.gox) and two (b.gox)\n\tmixed/a.gox:1:9: package one",
        ]
    );
}

#[test]
fn bad_bytes_are_reported_where_they_are() {
    let files = with(
        healthy(),
        &[
            ("enc/utf8.gox", b"package enc\n\nvar s = \"\xff\"\n"),
            ("enc/nul.gox", b"package enc\n\nvar a\x00b = 1\n"),
            ("enc/bom.gox", b"package enc\n\nvar c\xef\xbb\xbfd = 1\n"),
        ],
    );
    assert_eq!(
        check(&files, "./enc"),
        [
            "enc/bom.gox:3:6: illegal byte order mark",
            "enc/nul.gox:3:6: illegal character NUL",
            "enc/utf8.gox:3:10: invalid UTF-8 encoding",
        ]
    );
}

#[test]
fn imports_of_what_is_no_package_fail_at_the_import() {
    let files = with(
        healthy(),
        &[
            ("main.gox", b"package main\n\nimport (\n\t\"tool\"\n\t\"tests\"\n\t\"nothing\"\n)\n\nfunc main() { tool.X(); tests.X(); nothing.X() }\n"),
            ("tool/main.gox", b"package main\n\nfunc X() {}\n\nfunc main() {}\n"),
            ("tests/x_test.gox", b"package tests\n"),
            ("nothing/README", b"no sources\n"),
        ],
    );
    assert_eq!(
        check(&files, "."),
        [
            "./main.gox:4:2: import \"example.com/app/tool\" is a program, not an importable package",
            "./main.gox:5:2: no non-test .gox files in ./tests",
            "./main.gox:6:2: no .gox files in ./nothing",
        ]
    );
}

#[test]
fn build_constraints_come_from_the_header() {
    let files = with(
        healthy(),
        &[
            ("cons/a.gox", b"// Package cons.\n\n//go:build never\n\npackage cons\n\nvar broken int = \"x\"\n"),
            ("cons/b.gox", b"package cons\n"),
            ("cons/c.gox", b"//go:build linux &&& amd64\n\npackage cons\n"),
        ],
    );
    assert_eq!(check(&files, "./cons"), ["cons/c.gox:1:1: parsing //go:build line: invalid syntax at &"]);
}

#[test]
fn broken_gox_mod_is_a_positioned_diagnostic() {
    let files = with(healthy(), &[("gox.mod", b"module example.com/app\n\nrequire a\n")]);
    let fs: Arc<dyn FileSystem> = Arc::new(project(&files));
    let err = open(fs.clone()).err().expect("a broken gox.mod");
    let map = SourceMap::new();
    let d = err.diagnostic(&*fs, &map).expect("a diagnostic");
    assert_eq!(
        gox_common::render_go_style(&d, &map, Some(Path::new(ROOT))),
        "./gox.mod:3:1: usage: require <alias> <module-path> <version>"
    );
}

#[test]
fn missing_dependency_is_a_positioned_diagnostic() {
    let files: Vec<_> = healthy().into_iter().filter(|(p, _)| !p.starts_with(".goxdeps/example.com/c@")).collect();
    let fs: Arc<dyn FileSystem> = Arc::new(project(&files));
    let err = open(fs.clone()).err().expect("a missing module");
    let map = SourceMap::new();
    let d = err.diagnostic(&*fs, &map).expect("a diagnostic");
    let shown = gox_common::render_go_style(&d, &map, Some(Path::new(ROOT)));
    assert!(
        shown.starts_with(".goxdeps/example.com/a@v1.0.0/gox.mod:3:11: missing module example.com/c@v0.1.0 in .goxdeps"),
        "{shown}"
    );
}

/// A file system that refuses to read some paths, as a disk does for
/// files and directories without permission.
struct Denied {
    inner: MemoryFs,
    denied: Vec<PathBuf>,
}

impl Denied {
    fn check(&self, path: &Path) -> Result<(), FsError> {
        if self.denied.iter().any(|d| d == path) {
            return Err(FsError::Io { path: path.to_path_buf(), message: "permission denied".to_string() });
        }
        Ok(())
    }
}

impl FileSystem for Denied {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        self.check(path)?;
        self.inner.read(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        self.check(path)?;
        self.inner.read_dir(path)
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        self.check(path)?;
        self.inner.read_dir_kinds(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.inner.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        self.check(path)?;
        self.inner.stamp(path)
    }
}

#[test]
fn unreadable_files_and_directories_are_errors_naming_them() {
    let files = with(
        healthy(),
        &[("locked/a.gox", b"package locked\n"), ("sealed/s.gox", b"package sealed\n"), ("half/ok.gox", b"package half\n"), ("half/no.gox", b"package half\n")],
    );
    let fs = Denied {
        inner: project(&files),
        denied: vec![PathBuf::from("/p/locked/a.gox"), PathBuf::from("/p/sealed"), PathBuf::from("/p/half/no.gox")],
    };
    let (analysis, _) = analyze(fs, "./...");
    assert_eq!(
        shown(&analysis),
        [
            "half/no.gox: cannot read file: permission denied",
            "locked/a.gox: cannot read file: permission denied",
            "./sealed: cannot read directory: permission denied",
        ]
    );
    assert!(analysis.error_count() == 3);
}

#[test]
fn an_unreadable_dependency_names_the_permission_problem() {
    let fs = Denied { inner: project(&healthy()), denied: vec![PathBuf::from("/p/.goxdeps/example.com/c@v0.1.0/gox.mod")] };
    let fs: Arc<dyn FileSystem> = Arc::new(fs);
    let err = open(fs.clone()).err().expect("an unreadable module");
    let map = SourceMap::new();
    let d = err.diagnostic(&*fs, &map).expect("a diagnostic");
    assert_eq!(
        gox_common::render_go_style(&d, &map, Some(Path::new(ROOT))),
        ".goxdeps/example.com/c@v0.1.0/gox.mod: permission denied"
    );
}

#[test]
fn named_files_form_their_own_package() {
    let files = with(
        healthy(),
        &[
            ("tool/main.gox", b"package main\n\nfunc main() { helper() }\n"),
            ("tool/helper.gox", b"package main\n\nfunc helper() {}\n"),
            ("tool/helper_test.gox", b"package main\n\nvar t int = \"x\"\n"),
        ],
    );
    let ws = open(Arc::new(project(&files))).expect("workspace");
    let named = |names: &[&str]| {
        let patterns: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        shown(&analyze_project_with(&ws, &patterns, Options::default()).expect("analysis"))
    };
    assert_eq!(named(&["tool/main.gox"]), ["tool/main.gox:3:15: undefined: helper"]);
    assert_eq!(named(&["tool/main.gox", "tool/helper.gox"]), Vec::<String>::new());
    // A named test file is checked (here without the files it belongs with).
    assert_eq!(
        named(&["tool/helper_test.gox"]),
        [
            "tool/helper_test.gox:1:9: function main is undeclared in the main package",
            "tool/helper_test.gox:3:13: cannot use \"x\" (untyped string constant) as int value in variable declaration"
        ]
    );
    assert_eq!(named(&["tool/nosuch.gox"]), ["tool/nosuch.gox: no such file"]);
    let err = analyze_project_with(&ws, &["tool/main.gox".to_string(), "util/util.gox".to_string()], Options::default())
        .err()
        .expect("files of two directories");
    assert_eq!(err.to_string(), "named files must all be in one directory; have ./tool and ./util");
}

#[test]
fn a_pattern_matching_nothing_is_a_warning() {
    let files = [("gox.mod", b"module example.com/empty\n" as &[u8])];
    let (analysis, _) = analyze(project(&files), "./...");
    assert_eq!(shown(&analysis), Vec::<String>::new());
    assert_eq!(analysis.warnings, ["\"./...\" matched no packages"]);
}

#[test]
fn an_import_spelled_with_the_module_path_suggests_the_path_in_the_module() {
    // As a Go programmer writes it: GoX imports a package of the same
    // module by its path in the module.
    let files = with(
        healthy(),
        &[
            ("app/a.gox", b"package app\n\nimport \"example.com/app/util\"\n\nvar _ = util.Twice(\"x\")\n"),
            ("other/o.gox", b"package other\n\nimport \"example.com/app/nosuch\"\n\nvar _ = nosuch.X\n"),
            ("std/s.gox", b"package std\n\nimport \"example.com/app/strings\"\n\nvar _ = strings.X\n"),
        ],
    );
    assert_eq!(
        check(&files, "./app"),
        ["app/a.gox:3:8: package example.com/app/util is not in std or in module example.com/app (no directory example.com/app/util)\n\thelp: did you mean \"util\"? (a package of this module is imported by its path in the module)"]
    );
    // No package at the path in the module: no such suggestion.
    assert_eq!(
        check(&files, "./other"),
        ["other/o.gox:3:8: package example.com/app/nosuch is not in std or in module example.com/app (no directory example.com/app/nosuch)"]
    );
    // The rest names a std package, not one of this module: not suggested
    // as one.
    assert!(check(&files, "./std").iter().all(|d| !d.contains("a package of this module")), "{:?}", check(&files, "./std"));
}

#[test]
fn an_unknown_import_close_to_a_std_package_gets_a_suggestion() {
    let files = with(healthy(), &[("typo/t.gox", b"package typo\n\nimport \"string\"\n\nvar _ = string.ToUpper(\"x\")\n")]);
    assert_eq!(
        check(&files, "./typo"),
        ["typo/t.gox:3:8: package string is not in std or in module example.com/app (no directory ./string)\n\thelp: did you mean \"strings\"?"]
    );
}
