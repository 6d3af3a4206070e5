//! Build constraints, as Go's go/build applies them: the `//go:build` line
//! (or, failing that, legacy `// +build` lines) in a file's header, and the
//! `_GOOS`, `_GOARCH` and `_GOOS_GOARCH` file name suffixes.

use std::fmt;

/// The target a package is built for: which files of a directory belong to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildConfig {
    /// Whether `_test.gox` files are included.
    pub tests: bool,
    /// Go's name of the target operating system (`linux`, `darwin`, `windows`, ...).
    pub goos: String,
    /// Go's name of the target architecture (`amd64`, `arm64`, ...).
    pub goarch: String,
    /// Extra tags that satisfy build constraints (`-tags`).
    pub tags: Vec<String>,
}

impl Default for BuildConfig {
    /// The host system under Go's names, without tests or extra tags.
    fn default() -> BuildConfig {
        BuildConfig { tests: false, goos: host_goos().to_string(), goarch: host_goarch().to_string(), tags: Vec::new() }
    }
}

/// Go's name (`GOOS`) for the operating system this program runs on.
pub fn host_goos() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// Go's name (`GOARCH`) for the architecture this program runs on.
pub fn host_goarch() -> &'static str {
    let little = cfg!(target_endian = "little");
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "loongarch64" => "loong64",
        "powerpc" => "ppc",
        "powerpc64" if little => "ppc64le",
        "powerpc64" => "ppc64",
        "mips" if little => "mipsle",
        "mips64" if little => "mips64le",
        "wasm32" => "wasm",
        other => other,
    }
}

/// Operating systems Go knows (file name suffixes only count for these).
const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// Operating systems that satisfy the `unix` tag.
const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// Architectures Go knows (file name suffixes only count for these).
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// The newest Go release whose language GoX is: `go1.1` ... `go1.17` hold.
pub const GO_RELEASE: u32 = 17;

fn is_release_tag(name: &str) -> bool {
    name.strip_prefix("go1.").and_then(|minor| minor.parse::<u32>().ok()).is_some_and(|m| (1..=GO_RELEASE).contains(&m))
        && !name.starts_with("go1.0")
}

impl BuildConfig {
    /// Whether the build tag `name` is satisfied: GOOS, GOARCH, `gox`, `unix`
    /// on unix-like systems, the caller's tags, Go's implied systems
    /// (`android` satisfies `linux`, `illumos` `solaris`, `ios` `darwin`)
    /// and the release tags `go1.1` to `go1.17`: GoX is the language of Go
    /// 1.17 (the release before generics), so code for later releases is
    /// left out as Go 1.17 leaves it out.
    pub fn matches_tag(&self, name: &str) -> bool {
        is_release_tag(name)
            || name == self.goos
            || name == self.goarch
            || name == "gox"
            || (self.goos == "android" && name == "linux")
            || (self.goos == "illumos" && name == "solaris")
            || (self.goos == "ios" && name == "darwin")
            || (name == "unix" && UNIX_OS.contains(&self.goos.as_str()))
            || self.tags.iter().any(|t| t == name)
    }

    /// Whether a file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH` suffix (before
    /// the first `.` and an optional `_test`) allows it; `Err` carries the
    /// suffix that excludes it. As in Go, everything before the first `_`
    /// is ignored, so `linux.gox` is not constrained.
    pub fn matches_file_name(&self, name: &str) -> Result<(), String> {
        let stem = name.split('.').next().unwrap_or(name);
        let Some(i) = stem.find('_') else { return Ok(()) };
        let mut parts: Vec<&str> = stem[i..].split('_').collect();
        if parts.last() == Some(&"test") {
            parts.pop();
        }
        let n = parts.len();
        if n >= 2 && KNOWN_OS.contains(&parts[n - 2]) && KNOWN_ARCH.contains(&parts[n - 1]) {
            if self.matches_tag(parts[n - 2]) && self.matches_tag(parts[n - 1]) {
                return Ok(());
            }
            return Err(format!("_{}_{}", parts[n - 2], parts[n - 1]));
        }
        if n >= 1 && (KNOWN_OS.contains(&parts[n - 1]) || KNOWN_ARCH.contains(&parts[n - 1])) {
            if self.matches_tag(parts[n - 1]) {
                return Ok(());
            }
            return Err(format!("_{}", parts[n - 1]));
        }
        Ok(())
    }
}

/// A build constraint expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn eval(&self, tag_ok: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => tag_ok(t),
            Expr::Not(x) => !x.eval(tag_ok),
            // Both sides are evaluated, as Go does (it records every tag seen).
            Expr::And(x, y) => {
                let (a, b) = (x.eval(tag_ok), y.eval(tag_ok));
                a && b
            }
            Expr::Or(x, y) => {
                let (a, b) = (x.eval(tag_ok), y.eval(tag_ok));
                a || b
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn paren(f: &mut fmt::Formatter<'_>, x: &Expr, bare: bool) -> fmt::Result {
            if bare {
                write!(f, "{x}")
            } else {
                write!(f, "({x})")
            }
        }
        match self {
            Expr::Tag(t) => f.write_str(t),
            Expr::Not(x) => {
                f.write_str("!")?;
                paren(f, x, matches!(**x, Expr::Tag(_)))
            }
            Expr::And(x, y) => {
                paren(f, x, !matches!(**x, Expr::Or(..)))?;
                f.write_str(" && ")?;
                paren(f, y, !matches!(**y, Expr::Or(..) | Expr::And(..)))
            }
            Expr::Or(x, y) => {
                write!(f, "{x} || ")?;
                paren(f, y, !matches!(**y, Expr::Or(..)))
            }
        }
    }
}

/// A syntax error in a `//go:build` expression, with Go's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the expression text (after `//go:build `).
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The expression of a `//go:build` line, if `line` is one: `//go:build`
/// followed by white space or nothing.
pub fn go_build_text(line: &str) -> Option<&str> {
    let line = line.trim();
    let rest = line.strip_prefix("//go:build")?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) && rest.trim_start().len() == rest.len() {
        return None;
    }
    Some(rest.trim())
}

/// Parses the expression of a `//go:build` line (the text after `//go:build`).
pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let mut p = ExprParser { s: text, i: 0, tok: "", is_tag: false, pos: 0 };
    let x = p.or()?;
    if !p.tok.is_empty() {
        return Err(p.error(p.pos, format!("unexpected token {}", p.tok)));
    }
    Ok(x)
}

struct ExprParser<'a> {
    s: &'a str,
    i: usize,
    tok: &'a str,
    is_tag: bool,
    pos: usize,
}

impl<'a> ExprParser<'a> {
    fn error(&self, offset: usize, message: String) -> SyntaxError {
        SyntaxError { offset, message }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.and()?;
        while self.tok == "||" {
            x = Expr::Or(Box::new(x), Box::new(self.and()?));
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.not()?;
        while self.tok == "&&" {
            x = Expr::And(Box::new(x), Box::new(self.not()?));
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        self.lex()?;
        if self.tok == "!" {
            self.lex()?;
            if self.tok == "!" {
                return Err(self.error(self.pos, "double negation not allowed".to_string()));
            }
            return Ok(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        if self.tok == "(" {
            let open = self.pos;
            let x = self.or().map_err(|mut e| {
                if e.message == "unexpected end of expression" {
                    e.message = "missing close paren".to_string();
                }
                e
            })?;
            if self.tok != ")" {
                return Err(self.error(open, "missing close paren".to_string()));
            }
            self.lex()?;
            return Ok(x);
        }
        if !self.is_tag {
            if self.tok.is_empty() {
                return Err(self.error(self.pos, "unexpected end of expression".to_string()));
            }
            return Err(self.error(self.pos, format!("unexpected token {}", self.tok)));
        }
        let tag = self.tok.to_string();
        self.lex()?;
        Ok(Expr::Tag(tag))
    }

    fn lex(&mut self) -> Result<(), SyntaxError> {
        self.is_tag = false;
        let bytes = self.s.as_bytes();
        while self.i < bytes.len() && (bytes[self.i] == b' ' || bytes[self.i] == b'\t') {
            self.i += 1;
        }
        if self.i >= bytes.len() {
            self.tok = "";
            self.pos = self.i;
            return Ok(());
        }
        match bytes[self.i] {
            b'(' | b')' | b'!' => {
                self.pos = self.i;
                self.i += 1;
                self.tok = &self.s[self.pos..self.i];
                return Ok(());
            }
            c @ (b'&' | b'|') => {
                if bytes.get(self.i + 1) != Some(&c) {
                    return Err(self.error(self.i, format!("invalid syntax at {}", c as char)));
                }
                self.pos = self.i;
                self.i += 2;
                self.tok = &self.s[self.pos..self.i];
                return Ok(());
            }
            _ => {}
        }
        let rest = &self.s[self.i..];
        let len = rest.find(|c: char| !is_tag_char(c)).unwrap_or(rest.len());
        if len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            return Err(self.error(self.i, format!("invalid syntax at {c}")));
        }
        self.pos = self.i;
        self.i += len;
        self.tok = &self.s[self.pos..self.i];
        self.is_tag = true;
        Ok(())
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '_' || c == '.'
}

fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

/// The expression of a legacy `// +build` line, if `line` is one. As in Go,
/// space-separated options are OR-ed, comma-separated terms AND-ed, and an
/// invalid term never matches.
pub fn parse_plus_build(line: &str) -> Option<Expr> {
    let rest = line.trim().strip_prefix("//")?.trim_start().strip_prefix("+build")?;
    if !rest.is_empty() && rest.trim_start().len() == rest.len() {
        return None;
    }
    let never = || Expr::Tag("ignore".to_string());
    let mut x: Option<Expr> = None;
    for clause in rest.split_whitespace() {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let z = if lit.starts_with("!!") || lit == "!" {
                never()
            } else {
                let (neg, name) = match lit.strip_prefix('!') {
                    Some(name) => (true, name),
                    None => (false, lit),
                };
                let t = if is_valid_tag(name) { Expr::Tag(name.to_string()) } else { never() };
                if neg {
                    Expr::Not(Box::new(t))
                } else {
                    t
                }
            };
            y = Some(match y {
                None => z,
                Some(y) => Expr::And(Box::new(y), Box::new(z)),
            });
        }
        if let Some(y) = y {
            x = Some(match x {
                None => y,
                Some(x) => Expr::Or(Box::new(x), Box::new(y)),
            });
        }
    }
    Some(x.unwrap_or_else(never))
}

/// The build constraint found in a file's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderConstraint {
    /// No constraint: the file is always built.
    None,
    /// A `//go:build` line (1-based line number and its trimmed text).
    GoBuild { line: u32, text: String, expr: Expr },
    /// Legacy `// +build` lines, all of which must hold.
    PlusBuild { lines: Vec<(u32, String, Expr)> },
}

/// An error in a file header's constraint lines: 1-based line and Go's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    pub line: u32,
    pub message: String,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// A comment before a file's package clause, as the parser found it: its
/// first and last line (1-based) and its text with the comment markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderComment<'a> {
    pub line: u32,
    pub end_line: u32,
    pub text: &'a str,
}

/// The build constraint of a file, from the comments before its package
/// clause (on `package_line`), as Go's go/build finds it: a `//go:build`
/// line comment anywhere in the header controls; without one, `// +build`
/// line comments count when they come before any other comment and a blank
/// line follows them before the header ends. A comment that does not start
/// its line does not count. The comments come from gox-syntax's lexer
/// (`gox_syntax::build_constraint`): there is no second scanner of headers.
pub fn header_constraint(comments: &[HeaderComment<'_>], package_line: u32) -> Result<HeaderConstraint, HeaderError> {
    let mut go_build: Option<(u32, String)> = None;
    let mut plus: Vec<(u32, String)> = Vec::new();
    // The last blank line before the first comment that is no `//` line.
    let mut end_line = 0u32;
    let mut ended = false;
    // Last line of the previous comment (0 before the first).
    let mut prev_end = 0u32;
    for c in comments {
        if !ended && c.line > prev_end + 1 {
            end_line = c.line - 1;
        }
        let starts_line = c.line != prev_end || prev_end == 0;
        if c.text.starts_with("//") && starts_line {
            let text = c.text.trim_end();
            if go_build_text(text).is_some() {
                if go_build.is_some() {
                    return Err(HeaderError { line: c.line, message: "multiple //go:build comments".to_string() });
                }
                go_build = Some((c.line, text.to_string()));
            } else if !ended && text.contains("+build") {
                plus.push((c.line, text.to_string()));
            }
        } else {
            ended = true;
        }
        prev_end = c.end_line;
    }
    if !ended && package_line > prev_end + 1 {
        end_line = package_line - 1;
    }
    finish_header(go_build, plus, end_line)
}

fn finish_header(
    go_build: Option<(u32, String)>,
    plus: Vec<(u32, String)>,
    end_line: u32,
) -> Result<HeaderConstraint, HeaderError> {
    if let Some((line, text)) = go_build {
        let expr_text = go_build_text(&text).unwrap_or("");
        return match parse_expr(expr_text) {
            Ok(expr) => Ok(HeaderConstraint::GoBuild { line, text, expr }),
            Err(e) => Err(HeaderError { line, message: format!("parsing //go:build line: {e}") }),
        };
    }
    let lines: Vec<(u32, String, Expr)> = plus
        .into_iter()
        .filter(|(line, _)| *line < end_line)
        .filter_map(|(line, text)| parse_plus_build(&text).map(|x| (line, text, x)))
        .collect();
    if lines.is_empty() {
        Ok(HeaderConstraint::None)
    } else {
        Ok(HeaderConstraint::PlusBuild { lines })
    }
}

impl HeaderConstraint {
    /// `None` when the file is built under `cfg`, else the text of the first
    /// line that excludes it.
    pub fn excluding_line(&self, cfg: &BuildConfig) -> Option<&str> {
        let ok = |t: &str| cfg.matches_tag(t);
        match self {
            HeaderConstraint::None => None,
            HeaderConstraint::GoBuild { text, expr, .. } => (!expr.eval(&ok)).then_some(text.as_str()),
            HeaderConstraint::PlusBuild { lines } => {
                lines.iter().find(|(_, _, x)| !x.eval(&ok)).map(|(_, text, _)| text.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> BuildConfig {
        BuildConfig { tests: false, goos: "linux".into(), goarch: "amd64".into(), tags: vec!["foo".into()] }
    }

    fn err(text: &str) -> String {
        match parse_expr(text) {
            Ok(x) => panic!("{text:?} parsed as {x}"),
            Err(e) => format!("{}@{}", e.message, e.offset),
        }
    }

    #[test]
    fn expressions_parse_with_go_precedence() {
        assert_eq!(parse_expr("a || b && !c").map(|x| x.to_string()), Ok("a || b && !c".to_string()));
        assert_eq!(parse_expr("(a || b) && c").map(|x| x.to_string()), Ok("(a || b) && c".to_string()));
        assert_eq!(parse_expr("!(a && b)").map(|x| x.to_string()), Ok("!(a && b)".to_string()));
        assert_eq!(parse_expr("go1.17 && ünï_x").map(|x| x.to_string()), Ok("go1.17 && ünï_x".to_string()));
    }

    #[test]
    fn malformed_expressions_report_go_messages() {
        assert_eq!(err(""), "unexpected end of expression@0");
        assert_eq!(err("linux &&"), "unexpected end of expression@8");
        assert_eq!(err("linux ) "), "unexpected token )@6");
        assert_eq!(err("(linux"), "missing close paren@0");
        assert_eq!(err("(linux ||"), "missing close paren@9");
        assert_eq!(err("! ! x"), "double negation not allowed@2");
        assert_eq!(err("linux &&& amd64"), "invalid syntax at &@8");
        assert_eq!(err("!!linux"), "double negation not allowed@1");
        assert_eq!(err("linux & amd64"), "invalid syntax at &@6");
        assert_eq!(err("linux | amd64"), "invalid syntax at |@6");
        assert_eq!(err("linux, amd64"), "invalid syntax at ,@5");
        assert_eq!(err("linux amd64"), "unexpected token amd64@6");
    }

    #[test]
    fn tags_match_goos_goarch_unix_gox_and_caller_tags() {
        let c = linux();
        let on = |s: &str| parse_expr(s).map(|x| x.eval(&|t| c.matches_tag(t)));
        assert_eq!(on("linux && amd64 && unix && gox && foo"), Ok(true));
        assert_eq!(on("windows || arm64 || bar || gc || cgo"), Ok(false));
        assert_eq!(on("!windows && (darwin || linux)"), Ok(true));
        let android = BuildConfig { goos: "android".into(), ..linux() };
        assert!(android.matches_tag("linux") && android.matches_tag("unix"));
        let ios = BuildConfig { goos: "ios".into(), ..linux() };
        assert!(ios.matches_tag("darwin"));
        let win = BuildConfig { goos: "windows".into(), ..linux() };
        assert!(!win.matches_tag("unix"));
        let js = BuildConfig { goos: "js".into(), goarch: "wasm".into(), ..linux() };
        assert!(!js.matches_tag("unix") && js.matches_tag("wasm"));
    }

    #[test]
    fn file_name_suffixes_follow_go_build() {
        let c = linux();
        assert_eq!(c.matches_file_name("a_linux.gox"), Ok(()));
        assert_eq!(c.matches_file_name("a_windows.gox"), Err("_windows".to_string()));
        assert_eq!(c.matches_file_name("a_arm64.gox"), Err("_arm64".to_string()));
        assert_eq!(c.matches_file_name("a_linux_amd64.gox"), Ok(()));
        assert_eq!(c.matches_file_name("a_linux_arm64_test.gox"), Err("_linux_arm64".to_string()));
        assert_eq!(c.matches_file_name("a_windows_test.gox"), Err("_windows".to_string()));
        // Nothing before the first `_` counts, nor anything after the first `.`.
        assert_eq!(c.matches_file_name("windows.gox"), Ok(()));
        assert_eq!(c.matches_file_name("windows_amd64.gox"), Ok(()));
        assert_eq!(c.matches_file_name("x_windows_amd64.gox"), Err("_windows_amd64".to_string()));
        assert_eq!(c.matches_file_name("a.b_windows.gox"), Ok(()));
        // Unknown words and a known arch before a known OS are not suffixes.
        assert_eq!(c.matches_file_name("a_amd64_windows.gox"), Err("_windows".to_string()));
        assert_eq!(c.matches_file_name("a_helper.gox"), Ok(()));
        assert_eq!(c.matches_file_name("a_test.gox"), Ok(()));
    }

    // The header rules are tested through gox-syntax's comments:
    // gox-syntax/tests/constraint.rs.

    #[test]
    fn release_tags_are_those_of_go_1_17() {
        let c = linux();
        for (tag, want) in [("go1.1", true), ("go1.17", true), ("go1.18", false), ("go1.0", false), ("go1.01", false), ("go2.0", false)] {
            assert_eq!(c.matches_tag(tag), want, "{tag}");
        }
    }

    #[test]
    fn plus_build_terms() {
        // Invalid terms never match.
        assert_eq!(parse_plus_build("// +build !!linux"), Some(Expr::Tag("ignore".into())));
        assert_eq!(parse_plus_build("// +buildlinux"), None);
    }
}
