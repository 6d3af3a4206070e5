//! Build constraints come from the comments gox-syntax's lexer finds before
//! the package clause (`build_constraint`), under go/build's header rules.

use gox_common::constraint::{HeaderConstraint, HeaderError};
use gox_common::{BuildConfig, FileId, SourceFile};
use gox_syntax::{build_constraint, parse_package_clause_and_imports};

fn header(text: &str) -> Result<HeaderConstraint, HeaderError> {
    let source = SourceFile::new(FileId(0), "a.gox".into(), text.into());
    let (file, _) = parse_package_clause_and_imports(source.id, &source.text());
    build_constraint(&file, &source)
}

fn linux() -> BuildConfig {
    BuildConfig { tests: false, goos: "linux".into(), goarch: "amd64".into(), tags: vec!["foo".into()] }
}

#[test]
fn go_build_counts_before_the_package_clause_only() {
    let h = header("// Copyright\n\n/* block\n//go:build ignored */\n//go:build linux && !foo\n\npackage a\n//go:build windows\n");
    match h {
        Ok(HeaderConstraint::GoBuild { line, text, expr }) => {
            assert_eq!((line, text.as_str(), expr.to_string()), (5, "//go:build linux && !foo", "linux && !foo".to_string()));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(header("package a\n//go:build windows\n"), Ok(HeaderConstraint::None));
    assert_eq!(header("/* x */ package a //go:build windows\n"), Ok(HeaderConstraint::None));
    // Not at the start of its line: not a constraint line.
    assert_eq!(header("/* x */ //go:build windows\n\npackage a\n"), Ok(HeaderConstraint::None));
    // `//go:buildx` is not a constraint line.
    assert_eq!(header("//go:buildx\n\npackage a\n"), Ok(HeaderConstraint::None));
}

#[test]
fn header_errors_name_the_line() {
    assert_eq!(
        header("// c\n//go:build linux &&\n\npackage a\n"),
        Err(HeaderError { line: 2, message: "parsing //go:build line: unexpected end of expression".into() })
    );
    assert_eq!(
        header("//go:build\n\npackage a\n"),
        Err(HeaderError { line: 1, message: "parsing //go:build line: unexpected end of expression".into() })
    );
    assert_eq!(
        header("//go:build linux\n//go:build amd64\n\npackage a\n"),
        Err(HeaderError { line: 2, message: "multiple //go:build comments".into() })
    );
}

#[test]
fn plus_build_lines_need_a_following_blank_line() {
    let c = linux();
    let h = header("// +build windows,amd64 darwin\n\npackage a\n").unwrap_or(HeaderConstraint::None);
    assert_eq!(h.excluding_line(&c), Some("// +build windows,amd64 darwin"));
    assert_eq!(header("// +build windows\npackage a\n"), Ok(HeaderConstraint::None));
    let h = header("// +build linux,!bar\n// +build amd64\n\npackage a\n").unwrap_or(HeaderConstraint::None);
    assert_eq!(h.excluding_line(&c), None);
    assert!(matches!(h, HeaderConstraint::PlusBuild { ref lines } if lines.len() == 2));
    // After a block comment, `// +build` lines no longer count.
    assert_eq!(header("/* doc */\n// +build windows\n\npackage a\n"), Ok(HeaderConstraint::None));
    // A //go:build line wins over // +build lines.
    let h = header("//go:build linux\n// +build windows\n\npackage a\n").unwrap_or(HeaderConstraint::None);
    assert_eq!(h.excluding_line(&c), None);
}
