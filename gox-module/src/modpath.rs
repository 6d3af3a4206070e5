//! The path rules: module paths, import paths, and file paths inside a
//! module tree, in the shape of Go's `golang.org/x/mod/module`
//! (`CheckPath`, `CheckImportPath`, `CheckFilePath`).
//!
//! A path is slash-separated elements. [`check_elem`] decides one element
//! for a [`PathKind`]; [`check_module_path`], [`check_import_path`] and
//! [`check_file_path`] add the rules of the whole path and say, in a
//! [`PathError`], which element is bad and why:
//! `malformed module path "a/.git": leading dot in path element ".git"`.
//!
//! * A module path names a directory under `.goxdeps` and a URL: ASCII
//!   letters, digits and `-._~`; no element begins or ends with a dot;
//!   `std` and paths under it belong to the standard library.
//! * An import path (the path after `@alias` included) also allows `+`;
//!   `.` and `..` are relative imports, which GoX does not have; an element
//!   beginning with `.` or `_`, or `testdata`, names a directory the build
//!   ignores.
//! * A file path (a file of a module zip or git tree, relative to the
//!   module root) allows more punctuation and non-ASCII letters, but never
//!   `\`, `:` or anything that could make it absolute or climb out.
//!
//! All kinds reject names Windows reserves (`con`, `aux.go`, `lpt1`), so a
//! module extracts the same everywhere; module and import paths also reject
//! Windows short names (`abcdef~1`).

use std::fmt;

/// What a path names; each kind has its own rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    /// A module path: `example.com/lib`.
    Module,
    /// An import path: `myproject/utils`, `encoding/json`, `lib/sub` after `@`.
    Import,
    /// A file path relative to a module root: `internal/x/a_test.gox`.
    File,
}

impl fmt::Display for PathKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathKind::Module => "module",
            PathKind::Import => "import",
            PathKind::File => "file",
        })
    }
}

/// Why a path breaks the rules of its kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    #[error("empty path")]
    Empty,
    #[error("leading slash")]
    LeadingSlash,
    #[error("absolute path")]
    Absolute,
    #[error("trailing slash")]
    TrailingSlash,
    #[error("leading dash")]
    LeadingDash,
    #[error("empty path element")]
    EmptyElement,
    /// `.`, `..` or any element of dots only.
    #[error("invalid path element {0:?}")]
    DotsElement(String),
    /// `.` or `..` in an import path.
    #[error("relative import paths are not supported; import packages by their path from the module root")]
    Relative,
    #[error("leading dot in path element {0:?}")]
    LeadingDot(String),
    #[error("trailing dot in path element {0:?}")]
    TrailingDot(String),
    #[error("invalid char {ch:?} in path element {elem:?}")]
    InvalidChar { elem: String, ch: char },
    #[error("{short:?} is a reserved name on Windows (path element {elem:?})")]
    WindowsReserved { elem: String, short: String },
    #[error("trailing tilde and digits in path element {0:?} (a Windows short name)")]
    WindowsShortName(String),
    /// An import path element the build ignores.
    #[error("directory {0:?} is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)")]
    IgnoredDirectory(String),
    #[error("\"std\" is reserved for the standard library")]
    ReservedStd,
}

/// A path that breaks the rules of its kind:
/// `malformed import path "a//b": empty path element`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind} path {path:?}: {problem}")]
pub struct PathError {
    pub kind: PathKind,
    /// The path as the user wrote it (for `@"..."` imports, with the `@`).
    pub path: String,
    pub problem: PathProblem,
}

/// Names Windows reserves for devices, whatever the extension or case.
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
    "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Whether `c` may appear in a path element of `kind`.
fn char_allowed(c: char, kind: PathKind) -> bool {
    if c.is_ascii_alphanumeric() {
        return true;
    }
    match kind {
        PathKind::Module => "-._~".contains(c),
        PathKind::Import => "-._~+".contains(c),
        // Printable ASCII but for what is special to a shell or to some
        // file system (`"'*/:<>?\|` and the backquote); other letters.
        PathKind::File => {
            if c.is_ascii() {
                "-._~!#$%&()+,=@[]^{} ".contains(c)
            } else {
                c.is_alphabetic()
            }
        }
    }
}

/// Checks one path element of a path of `kind`.
pub fn check_elem(elem: &str, kind: PathKind) -> Result<(), PathProblem> {
    if elem.is_empty() {
        return Err(PathProblem::EmptyElement);
    }
    if elem.bytes().all(|b| b == b'.') {
        if kind == PathKind::Import && (elem == "." || elem == "..") {
            return Err(PathProblem::Relative);
        }
        return Err(PathProblem::DotsElement(elem.to_string()));
    }
    if kind == PathKind::Import && (elem.starts_with('.') || elem.starts_with('_') || elem == "testdata") {
        return Err(PathProblem::IgnoredDirectory(elem.to_string()));
    }
    if kind == PathKind::Module && elem.starts_with('.') {
        return Err(PathProblem::LeadingDot(elem.to_string()));
    }
    if elem.ends_with('.') {
        return Err(PathProblem::TrailingDot(elem.to_string()));
    }
    if let Some(ch) = elem.chars().find(|&c| !char_allowed(c, kind)) {
        return Err(PathProblem::InvalidChar { elem: elem.to_string(), ch });
    }
    // Windows decides by the part before the first dot.
    let short = elem.split('.').next().unwrap_or(elem);
    if WINDOWS_RESERVED.iter().any(|r| r.eq_ignore_ascii_case(short)) {
        return Err(PathProblem::WindowsReserved { elem: elem.to_string(), short: short.to_string() });
    }
    if kind != PathKind::File {
        if let Some((_, digits)) = short.rsplit_once('~') {
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PathProblem::WindowsShortName(elem.to_string()));
            }
        }
    }
    Ok(())
}

/// The rules every kind shares: not empty, no slash at either end, every
/// element good for `kind`.
fn check_path(path: &str, kind: PathKind) -> Result<(), PathProblem> {
    if path.is_empty() {
        return Err(PathProblem::Empty);
    }
    if kind == PathKind::File {
        let drive = path.len() >= 2 && path.as_bytes()[1] == b':';
        if path.starts_with('/') || path.starts_with('\\') || drive {
            return Err(PathProblem::Absolute);
        }
    } else {
        if path.starts_with('/') {
            return Err(PathProblem::LeadingSlash);
        }
        if path.starts_with('-') {
            return Err(PathProblem::LeadingDash);
        }
    }
    if path.ends_with('/') {
        return Err(PathProblem::TrailingSlash);
    }
    path.split('/').try_for_each(|elem| check_elem(elem, kind))
}

/// Checks a module path (`example.com/lib`, `myproject`).
pub fn check_module_path(path: &str) -> Result<(), PathError> {
    let problem = check_path(path, PathKind::Module).and_then(|()| {
        if path == "std" || path.starts_with("std/") {
            return Err(PathProblem::ReservedStd);
        }
        Ok(())
    });
    problem.map_err(|problem| PathError { kind: PathKind::Module, path: path.to_string(), problem })
}

/// Checks an import path (`myproject/utils`, `fmt`, or `alias/rest` after `@`).
pub fn check_import_path(path: &str) -> Result<(), PathError> {
    check_path(path, PathKind::Import)
        .map_err(|problem| PathError { kind: PathKind::Import, path: path.to_string(), problem })
}

/// Checks a slash-separated file path relative to a module root.
pub fn check_file_path(path: &str) -> Result<(), PathError> {
    check_path(path, PathKind::File)
        .map_err(|problem| PathError { kind: PathKind::File, path: path.to_string(), problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(check: fn(&str) -> Result<(), PathError>, path: &str) -> Option<String> {
        check(path).err().map(|e| e.problem.to_string())
    }

    #[test]
    fn module_paths() {
        let good = ["example.com/lib", "myproject", "github.com/a-b/c_d~e/v2", "x.y/z.w", "stdlib/x", "a/con1"];
        for path in good {
            assert_eq!(problem(check_module_path, path), None, "{path}");
        }
        let bad = [
            ("", "empty path"),
            ("/etc", "leading slash"),
            ("a/", "trailing slash"),
            ("-x", "leading dash"),
            ("a//b", "empty path element"),
            ("a/./b", "invalid path element \".\""),
            ("example.com/../x", "invalid path element \"..\""),
            ("a/...", "invalid path element \"...\""),
            ("a/.git", "leading dot in path element \".git\""),
            ("a/b.", "trailing dot in path element \"b.\""),
            ("a@b", "invalid char '@' in path element \"a@b\""),
            ("a/b+c", "invalid char '+' in path element \"b+c\""),
            ("a\\b", "invalid char '\\\\' in path element \"a\\\\b\""),
            ("Ünï/x", "invalid char 'Ü' in path element \"Ünï\""),
            ("a b", "invalid char ' ' in path element \"a b\""),
            ("x/aux.go", "\"aux\" is a reserved name on Windows (path element \"aux.go\")"),
            ("x/LPT1", "\"LPT1\" is a reserved name on Windows (path element \"LPT1\")"),
            ("x/abcdef~1", "trailing tilde and digits in path element \"abcdef~1\" (a Windows short name)"),
            ("std", "\"std\" is reserved for the standard library"),
            ("std/x", "\"std\" is reserved for the standard library"),
        ];
        for (path, want) in bad {
            assert_eq!(problem(check_module_path, path).as_deref(), Some(want), "{path}");
        }
    }

    #[test]
    fn import_paths() {
        let good = ["fmt", "encoding/json", "myproject/utils", "lib/sub", "a/b+c", "a/b~c", "x/std"];
        for path in good {
            assert_eq!(problem(check_import_path, path), None, "{path}");
        }
        let relative = "relative import paths are not supported; import packages by their path from the module root";
        let bad = [
            ("", "empty path"),
            ("/abs", "leading slash"),
            ("a/", "trailing slash"),
            ("-a", "leading dash"),
            ("a//b", "empty path element"),
            ("./utils", relative),
            ("a/../b", relative),
            ("a/.../b", "invalid path element \"...\""),
            ("a/.hidden", "directory \".hidden\" is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)"),
            ("_x/y", "directory \"_x\" is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)"),
            ("x/testdata", "directory \"testdata\" is not a package (names beginning with \".\" or \"_\", and testdata, are ignored)"),
            ("a./b", "trailing dot in path element \"a.\""),
            ("a b", "invalid char ' ' in path element \"a b\""),
            ("a/b@v1", "invalid char '@' in path element \"b@v1\""),
            ("a/é", "invalid char 'é' in path element \"é\""),
            ("nul/x", "\"nul\" is a reserved name on Windows (path element \"nul\")"),
            ("a/prog~12", "trailing tilde and digits in path element \"prog~12\" (a Windows short name)"),
        ];
        for (path, want) in bad {
            assert_eq!(problem(check_import_path, path).as_deref(), Some(want), "{path}");
        }
    }

    #[test]
    fn file_paths() {
        let good = [
            "gox.mod",
            "a/b_test.gox",
            ".gitignore",
            "internal/.x/y",
            "_tools/gen.gox",
            "testdata/in put (1).txt",
            "docs/café.md",
            "a/prog~1.txt",
            "-flag.txt",
            "a@b/c+d,e=f[g]{h}#!$%&^.txt",
        ];
        for path in good {
            assert_eq!(problem(check_file_path, path), None, "{path}");
        }
        let bad = [
            ("", "empty path"),
            ("/etc/passwd", "absolute path"),
            ("\\x", "absolute path"),
            ("C:/x", "absolute path"),
            ("a/", "trailing slash"),
            ("a//b", "empty path element"),
            ("../../x", "invalid path element \"..\""),
            ("a/./b", "invalid path element \".\""),
            ("a/b.", "trailing dot in path element \"b.\""),
            ("a\\..\\b", "invalid char '\\\\' in path element \"a\\\\..\\\\b\""),
            ("a/b:c", "invalid char ':' in path element \"b:c\""),
            ("a/b?", "invalid char '?' in path element \"b?\""),
            ("a/\"q\"", "invalid char '\"' in path element \"\\\"q\\\"\""),
            ("a/x\ny", "invalid char '\\n' in path element \"x\\ny\""),
            ("a/😀", "invalid char '😀' in path element \"😀\""),
            ("a/Con.txt", "\"Con\" is a reserved name on Windows (path element \"Con.txt\")"),
        ];
        for (path, want) in bad {
            assert_eq!(problem(check_file_path, path).as_deref(), Some(want), "{path}");
        }
    }

    #[test]
    fn errors_name_the_kind_and_the_path() {
        assert_eq!(
            check_module_path("a/.git").unwrap_err().to_string(),
            "malformed module path \"a/.git\": leading dot in path element \".git\""
        );
        assert_eq!(check_import_path("a//b").unwrap_err().to_string(), "malformed import path \"a//b\": empty path element");
        assert_eq!(
            check_file_path("../x").unwrap_err().to_string(),
            "malformed file path \"../x\": invalid path element \"..\""
        );
    }
}
