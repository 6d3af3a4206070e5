use std::path::Path;

use gox_module::modfile::{write_atomic, ModFile};
use semver::Version;

fn parse(text: &str) -> ModFile {
    match ModFile::parse(Path::new("gox.mod"), text) {
        Ok(f) => f,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn error(text: &str) -> String {
    match ModFile::parse(Path::new("gox.mod"), text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e.to_string(),
    }
}

fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

#[test]
fn parses_module_single_requires_and_blocks_with_comments() {
    let f = parse(
        "// my project\nmodule myproject // the root\n\nrequire gin github.com/gin-gonic/gin v1.9.0\nrequire (\n\t// auth\n\tjwt github.com/golang-jwt/jwt v5.0.0-beta.1+meta // pinned\n)\n",
    );
    assert_eq!(f.module_path(), "myproject");
    assert_eq!(f.module_pos().to_string(), "gox.mod:2:1");
    let r = f.requires();
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].alias.as_str(), r[0].module_path.as_str()), ("gin", "github.com/gin-gonic/gin"));
    assert_eq!(r[0].version, v("1.9.0"));
    assert_eq!((r[0].line, r[0].col), (4, 9));
    assert_eq!(r[1].alias, "jwt");
    assert_eq!(r[1].version, v("5.0.0-beta.1+meta"));
    assert_eq!(r[1].version_text, "v5.0.0-beta.1+meta");
    assert_eq!((r[1].line, r[1].col), (7, 2));
    assert_eq!(&f.text()[r[1].span.clone()], "jwt github.com/golang-jwt/jwt v5.0.0-beta.1+meta");
}

#[test]
fn accepts_crlf_lines_and_require_paren_without_space() {
    let f = parse("module m\r\nrequire(\r\n  a example.com/a v1.0.0\r\n)\r\n");
    assert_eq!(f.requires()[0].module_path, "example.com/a");
    assert_eq!(f.requires()[0].version_text, "v1.0.0");
}

#[test]
fn missing_module_directive_is_reported_at_the_start() {
    assert_eq!(
        error("// nothing\n"),
        "gox.mod:1:1: missing module directive; expected \"module <module-path>\""
    );
}

#[test]
fn repeated_module_directive() {
    assert_eq!(
        error("module a\nmodule b\n"),
        "gox.mod:2:1: repeated module directive (first at gox.mod:1:1); a gox.mod has one"
    );
}

#[test]
fn module_usage() {
    assert_eq!(error("module\n"), "gox.mod:1:1: usage: module <module-path>");
    assert_eq!(error("module a b\n"), "gox.mod:1:1: usage: module <module-path>");
}

#[test]
fn unknown_directive() {
    assert_eq!(
        error("module a\ngo 1.19\n"),
        "gox.mod:2:1: unknown directive \"go\"; expected \"module\" or \"require\""
    );
}

#[test]
fn invalid_module_paths_name_the_rule() {
    let rule = "expected slash-separated elements of ASCII letters, digits and \"-._~\", not beginning or ending with a dot";
    let cases = [
        ("module a//b", "gox.mod:1:8: malformed module path \"a//b\": empty path element"),
        ("module /a", "gox.mod:1:8: malformed module path \"/a\": leading slash"),
        ("module a/", "gox.mod:1:8: malformed module path \"a/\": trailing slash"),
        ("module a/../b", "gox.mod:1:8: malformed module path \"a/../b\": invalid path element \"..\""),
        ("module a/./b", "gox.mod:1:8: malformed module path \"a/./b\": invalid path element \".\""),
        ("module a@b", "gox.mod:1:8: malformed module path \"a@b\": invalid char '@' in path element \"a@b\""),
        ("module a/.git", "gox.mod:1:8: malformed module path \"a/.git\": leading dot in path element \".git\""),
    ];
    for (text, want) in cases {
        assert_eq!(error(text), format!("{want}; {rule}"));
    }
    assert_eq!(
        error("module std/x"),
        format!("gox.mod:1:8: malformed module path \"std/x\": \"std\" is reserved for the standard library; {rule}")
    );
    assert_eq!(
        error("module m\nrequire x std v1.0.0"),
        format!("gox.mod:2:11: malformed module path \"std\": \"std\" is reserved for the standard library; {rule}")
    );
    // `std` as a prefix of a longer element is fine.
    assert_eq!(parse("module stdlib/x").module_path(), "stdlib/x");
}

#[test]
fn invalid_versions_name_the_rule() {
    let rule = "expected an exact version like v1.2.3 or v2.0.0-beta.1";
    assert_eq!(
        error("module m\nrequire x example.com/x 1.2.3\n"),
        format!("gox.mod:2:25: invalid version \"1.2.3\": missing leading \"v\"; {rule}")
    );
    assert_eq!(
        error("module m\nrequire x example.com/x v1.2\n"),
        format!("gox.mod:2:25: invalid version \"v1.2\": unexpected end of input while parsing minor version number; {rule}")
    );
    assert!(error("module m\nrequire x example.com/x v^1.2.3\n").starts_with("gox.mod:2:25: invalid version \"v^1.2.3\": "));
    assert!(error("module m\nrequire x example.com/x latest\n").starts_with("gox.mod:2:25: invalid version \"latest\": missing leading \"v\""));
}

#[test]
fn invalid_aliases() {
    assert_eq!(
        error("module m\nrequire 9x example.com/x v1.0.0\n"),
        "gox.mod:2:9: invalid alias \"9x\": expected an identifier (a letter or \"_\" followed by letters, digits or \"_\")"
    );
    assert_eq!(
        error("module m\nrequire (\n    _ example.com/x v1.0.0\n)\n"),
        "gox.mod:3:5: invalid alias \"_\": the blank identifier cannot be an alias"
    );
    assert_eq!(
        error("module m\nrequire func example.com/x v1.0.0\n"),
        "gox.mod:2:9: invalid alias \"func\": \"func\" is a keyword; expected an identifier"
    );
    assert_eq!(
        error("module m\nrequire a-b example.com/x v1.0.0\n"),
        "gox.mod:2:9: invalid alias \"a-b\": expected an identifier (a letter or \"_\" followed by letters, digits or \"_\")"
    );
}

#[test]
fn duplicate_alias_and_duplicate_module_path() {
    assert_eq!(
        error("module m\nrequire x example.com/x v1.0.0\nrequire (\n\tx example.com/y v1.0.0\n)\n"),
        "gox.mod:4:2: duplicate alias \"x\" (first declared at gox.mod:2:9); each alias may be declared once"
    );
    assert_eq!(
        error("module m\nrequire x example.com/x v1.0.0\nrequire y example.com/x v1.1.0\n"),
        "gox.mod:3:11: duplicate require of module example.com/x (first required at gox.mod:2:11 as \"x\"); each module may be required once"
    );
}

#[test]
fn require_usage_and_block_errors() {
    assert_eq!(
        error("module m\nrequire x example.com/x\n"),
        "gox.mod:2:1: usage: require <alias> <module-path> <version>"
    );
    assert_eq!(
        error("module m\nrequire (\n\tx example.com/x\n)\n"),
        "gox.mod:3:2: usage: <alias> <module-path> <version> (one require per line inside require ( ... ))"
    );
    assert_eq!(
        error("module m\nrequire ( x example.com/x v1.0.0 )\n"),
        "gox.mod:2:11: unexpected \"x\" after \"require (\"; expected end of line, then one require per line"
    );
    assert_eq!(
        error("module m\nrequire (\n\tx example.com/x v1.0.0\n"),
        "gox.mod:2:9: require block is not closed; expected \")\" on a line of its own"
    );
    assert_eq!(error("module m\n)\n"), "gox.mod:2:1: unexpected \")\"; no require block is open");
    assert_eq!(
        error("module m\nrequire (\n) x\n"),
        "gox.mod:3:3: unexpected \"x\" after \")\"; expected end of line"
    );
}

#[test]
fn replacing_a_require_keeps_every_other_byte() {
    let text = "// top\nmodule m\n\nrequire (\n\t// web\n\tgin github.com/gin-gonic/gin v1.9.0 // pinned\n\tjwt github.com/golang-jwt/jwt v5.0.0\n)\n";
    let mut f = parse(text);
    f.add_or_replace_require("gin", "github.com/gin-gonic/gin", &v("1.10.1")).unwrap();
    assert_eq!(f.to_string(), text.replace("v1.9.0", "v1.10.1"));
    assert_eq!(f.requires()[0].version, v("1.10.1"));
    // Replacing by module path renames the alias in place.
    f.add_or_replace_require("auth", "github.com/golang-jwt/jwt", &v("5.1.0")).unwrap();
    assert_eq!(
        f.to_string(),
        "// top\nmodule m\n\nrequire (\n\t// web\n\tgin github.com/gin-gonic/gin v1.10.1 // pinned\n\tauth github.com/golang-jwt/jwt v5.1.0\n)\n"
    );
}

#[test]
fn adding_goes_into_the_last_block_with_its_indentation() {
    let mut f = parse("module m\n\nrequire (\n    a example.com/a v1.0.0\n)\n\n// end\n");
    f.add_or_replace_require("b", "example.com/b", &v("2.0.0")).unwrap();
    assert_eq!(
        f.to_string(),
        "module m\n\nrequire (\n    a example.com/a v1.0.0\n    b example.com/b v2.0.0\n)\n\n// end\n"
    );
}

#[test]
fn adding_goes_after_the_last_require_line_or_at_the_end() {
    let mut f = parse("module m\nrequire a example.com/a v1.0.0 // x\n\n// tail\n");
    f.add_or_replace_require("b", "example.com/b", &v("1.0.0")).unwrap();
    assert_eq!(
        f.to_string(),
        "module m\nrequire a example.com/a v1.0.0 // x\nrequire b example.com/b v1.0.0\n\n// tail\n"
    );
    let mut f = parse("module m");
    f.add_or_replace_require("b", "example.com/b", &v("1.0.0")).unwrap();
    assert_eq!(f.to_string(), "module m\n\nrequire b example.com/b v1.0.0\n");
    let mut f = parse("module m\r\n");
    f.add_or_replace_require("b", "example.com/b", &v("1.0.0")).unwrap();
    assert_eq!(f.to_string(), "module m\r\n\r\nrequire b example.com/b v1.0.0\r\n");
}

#[test]
fn add_rejects_bad_arguments_and_alias_clashes() {
    let mut f = parse("module m\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\n");
    let e = f.add_or_replace_require("a", "example.com/b", &v("1.0.0")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gox.mod:3:11: module example.com/b is already required as \"b\"; remove that require or use alias \"b\""
    );
    let e = f.add_or_replace_require("x-y", "example.com/c", &v("1.0.0")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid alias \"x-y\": expected an identifier (a letter or \"_\" followed by letters, digits or \"_\")"
    );
    let e = f.add_or_replace_require("c", "example.com//c", &v("1.0.0")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed module path \"example.com//c\": empty path element; expected slash-separated elements of ASCII letters, digits and \"-._~\", not beginning or ending with a dot"
    );
    assert_eq!(f.to_string(), "module m\nrequire a example.com/a v1.0.0\nrequire b example.com/b v1.0.0\n");
}

#[test]
fn removing_a_require_removes_only_its_line() {
    let text = "module m\n\n// deps\nrequire a example.com/a v1.0.0 // a\nrequire (\n\t// keep me\n\tb example.com/b v1.0.0\n\tc example.com/c v1.0.0\n)\n";
    let mut f = parse(text);
    let removed = f.remove_require("b").unwrap().unwrap();
    assert_eq!(removed.module_path, "example.com/b");
    assert_eq!(f.to_string(), text.replace("\tb example.com/b v1.0.0\n", ""));
    f.remove_require("a").unwrap();
    assert_eq!(
        f.to_string(),
        "module m\n\n// deps\nrequire (\n\t// keep me\n\tc example.com/c v1.0.0\n)\n"
    );
    assert_eq!(f.remove_require("zzz").unwrap(), None);
    // A block with a comment left stays; an empty one goes.
    f.remove_require("c").unwrap();
    assert_eq!(f.to_string(), "module m\n\n// deps\nrequire (\n\t// keep me\n)\n");
    let mut g = parse("module m\nrequire (\n\tc example.com/c v1.0.0\n\n)\n// end\n");
    g.remove_require("c").unwrap();
    assert_eq!(g.to_string(), "module m\n// end\n");
    assert!(g.requires().is_empty());
}

#[test]
fn write_atomic_replaces_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gox.mod");
    std::fs::write(&path, "old").unwrap();
    write_atomic(&path, b"module m\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "module m\n");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("gox.mod")]);
}

#[cfg(unix)]
#[test]
fn write_atomic_keeps_permissions_and_creates_files_with_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gox.mod");
    std::fs::write(&path, "old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&path, b"module m\n").unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    // A new file: what open(2) with 0666 gives under this process's umask,
    // the same as a plain std::fs::write.
    let fresh = dir.path().join("gox.lock");
    write_atomic(&fresh, b"version = 1\n").unwrap();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "x").unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&fresh), mode(&plain));
}
