//! Runs the checker over `tests/testdata/*.gox` (and directories of
//! `.gox` files forming one package). Each `/* ERROR "rx" */` comment
//! expects an error whose message matches the regular expression `rx` at the
//! position of the token that follows the comment (or, as in go/types'
//! own testdata, of the token just before it on the same line); any other
//! error fails. A suggestion is matched as ` help: ...` after the message.
//! `GOX_TESTDATA=name cargo test` runs only matching files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::FileId;

/// Fake packages the test files may import.
const FAKE_PACKAGES: &[(&str, &str)] = &[
    (
        "fmt",
        r#"package fmt
type Stringer interface { String() string }
func Println(a ...any) (n int, err error)
func Printf(format string, a ...any) (n int, err error)
func Sprintf(format string, a ...any) string
func Sprint(a ...any) string
func Errorf(format string, a ...any) error
"#,
    ),
    (
        "strings",
        r#"package strings
type Builder struct { buf []byte }
func (b *Builder) WriteString(s string) (int, error)
func (b *Builder) String() string
func Contains(s, substr string) bool
func ToUpper(s string) string
func Split(s, sep string) []string
func Join(elems []string, sep string) string
"#,
    ),
    (
        "errors",
        r#"package errors
func New(text string) error
"#,
    ),
    (
        "geo",
        r#"package geo
const Pi = 3.14159
const big = 1 << 100
var Origin Point
type Point struct { X, Y float64; tag string }
func (p Point) Norm() float64
func (p *Point) Scale(f float64)
type Shape interface { Area() float64 }
func hidden() int
"#,
    ),
    (
        "go/ast",
        r#"package ast
type Node interface { Pos() int }
"#,
    ),
    (
        "gox/ast",
        r#"package ast
type Node struct { pos int }
"#,
    ),
    (
        "prog",
        r#"package main
func main()
"#,
    ),
];

struct FakeImporter {
    cache: HashMap<String, Arc<Package>>,
    next_file: u32,
}

impl Importer for FakeImporter {
    fn packages_named(&self, name: &str) -> Vec<String> {
        FAKE_PACKAGES.iter().map(|(p, _)| *p).filter(|p| p.rsplit('/').next() == Some(name)).map(String::from).collect()
    }

    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        if let Some(p) = self.cache.get(req.path) {
            return Ok(p.clone());
        }
        let Some((_, src)) = FAKE_PACKAGES.iter().find(|(p, _)| *p == req.path) else {
            return Err(ImportError::new(format!(
                "package {} is not in std",
                req.path
            )));
        };
        let (file, perrs) = gox_syntax::parse_source(FileId(self.next_file), src);
        self.next_file += 1;
        assert!(
            perrs.is_empty(),
            "fake package {} does not parse: {:?}",
            req.path,
            perrs
        );
        let mut sub = FakeImporter {
            cache: HashMap::new(),
            next_file: self.next_file + 100,
        };
        let checked = check_package(req.path, &[file], &mut sub, &Config::default());
        assert!(
            checked.diagnostics.is_empty(),
            "fake package {} has errors: {:?}",
            req.path,
            checked.diagnostics
        );
        self.cache
            .insert(req.path.to_string(), checked.package.clone());
        Ok(checked.package)
    }
}

/// A minimal regular-expression matcher (search semantics) supporting
/// literals, `.`, `*`, `+`, `?`, `^`, `$`, `\` escapes and `[...]` classes.
mod rx {
    #[derive(Debug, Clone)]
    enum Atom {
        Any,
        Char(char),
        Class(Vec<(char, char)>, bool),
    }
    #[derive(Debug, Clone)]
    struct Piece {
        atom: Atom,
        min: usize,
        max: usize,
    }

    fn parse(p: &str) -> (Vec<Piece>, bool, bool) {
        let cs: Vec<char> = p.chars().collect();
        let mut i = 0;
        let anchored = cs.first() == Some(&'^');
        if anchored {
            i = 1;
        }
        let mut end = cs.len();
        let at_end = end > i && cs[end - 1] == '$' && (end < 2 || cs[end - 2] != '\\');
        if at_end {
            end -= 1;
        }
        let mut out = Vec::new();
        while i < end {
            let atom = match cs[i] {
                '.' => {
                    i += 1;
                    Atom::Any
                }
                '\\' if i + 1 < end => {
                    i += 2;
                    match cs[i - 1] {
                        'd' => Atom::Class(vec![('0', '9')], false),
                        's' => Atom::Class(vec![(' ', ' '), ('\t', '\t'), ('\n', '\n')], false),
                        'w' => {
                            Atom::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false)
                        }
                        'n' => Atom::Char('\n'),
                        't' => Atom::Char('\t'),
                        c => Atom::Char(c),
                    }
                }
                '[' => {
                    i += 1;
                    let neg = i < end && cs[i] == '^';
                    if neg {
                        i += 1;
                    }
                    let mut ranges = Vec::new();
                    while i < end && cs[i] != ']' {
                        let mut c = cs[i];
                        if c == '\\' && i + 1 < end {
                            i += 1;
                            c = cs[i];
                        }
                        if i + 2 < end && cs[i + 1] == '-' && cs[i + 2] != ']' {
                            ranges.push((c, cs[i + 2]));
                            i += 3;
                        } else {
                            ranges.push((c, c));
                            i += 1;
                        }
                    }
                    i += 1;
                    Atom::Class(ranges, neg)
                }
                c => {
                    i += 1;
                    Atom::Char(c)
                }
            };
            let (min, max) = match cs.get(i).filter(|_| i < end) {
                Some('*') => {
                    i += 1;
                    (0, usize::MAX)
                }
                Some('+') => {
                    i += 1;
                    (1, usize::MAX)
                }
                Some('?') => {
                    i += 1;
                    (0, 1)
                }
                _ => (1, 1),
            };
            out.push(Piece { atom, min, max });
        }
        (out, anchored, at_end)
    }

    fn atom_matches(a: &Atom, c: char) -> bool {
        match a {
            Atom::Any => c != '\n',
            Atom::Char(x) => *x == c,
            Atom::Class(rs, neg) => rs.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *neg,
        }
    }

    fn match_here(ps: &[Piece], s: &[char], at_end: bool) -> bool {
        let Some(p) = ps.first() else {
            return !at_end || s.is_empty();
        };
        let mut n = 0;
        while n < p.min {
            if n >= s.len() || !atom_matches(&p.atom, s[n]) {
                return false;
            }
            n += 1;
        }
        let mut k = n;
        while k < p.max && k < s.len() && atom_matches(&p.atom, s[k]) {
            k += 1;
        }
        loop {
            if match_here(&ps[1..], &s[k..], at_end) {
                return true;
            }
            if k == n {
                return false;
            }
            k -= 1;
        }
    }

    /// Splits `pattern` at top-level unescaped `|`.
    fn alternatives(pattern: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut esc = false;
        let mut in_class = false;
        for c in pattern.chars() {
            if !esc && !in_class && c == '|' {
                out.push(String::new());
                continue;
            }
            if !esc && c == '[' {
                in_class = true;
            } else if !esc && c == ']' {
                in_class = false;
            }
            esc = !esc && c == '\\';
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        }
        out
    }

    pub fn is_match(pattern: &str, text: &str) -> bool {
        let alts = alternatives(pattern);
        if alts.len() > 1 {
            return alts.iter().any(|a| is_match(a, text));
        }
        let (ps, anchored, at_end) = parse(pattern);
        let s: Vec<char> = text.chars().collect();
        if anchored {
            return match_here(&ps, &s, at_end);
        }
        (0..=s.len()).any(|i| match_here(&ps, &s[i..], at_end))
    }
}

struct Expected {
    offset: u32,
    /// Start of the token just before the comment on the same line (the
    /// go/types testdata convention), if any.
    prev: Option<u32>,
    pattern: String,
    line: usize,
}

fn expectations(file: &gox_syntax::ast::File, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for g in &file.comments {
        for c in g.list.iter() {
            let body = c
                .text
                .trim_start_matches("/*")
                .trim_end_matches("*/")
                .trim();
            let Some(rest) = body.strip_prefix("ERROR") else {
                continue;
            };
            let rest = rest.trim();
            let pattern = if let Some(q) = rest.strip_prefix('"') {
                q.strip_suffix('"').unwrap_or(q).replace("\\\\", "\\")
            } else if let Some(q) = rest.strip_prefix('`') {
                q.strip_suffix('`').unwrap_or(q).to_string()
            } else {
                rest.to_string()
            };
            let mut off = c.span.hi as usize;
            let bytes = text.as_bytes();
            while off < bytes.len() && (bytes[off] == b' ' || bytes[off] == b'\t') {
                off += 1;
            }
            let line = text[..c.span.lo as usize].matches('\n').count() + 1;
            let prev = prev_token_start(text, c.span.lo as usize).map(|p| p as u32);
            out.push(Expected {
                offset: off as u32,
                prev,
                pattern,
                line,
            });
        }
    }
    out
}

/// The start of the token ending just before `at` on the same line.
fn prev_token_start(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut end = at;
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    if end == 0 || b[end - 1] == b'\n' {
        return None;
    }
    let c = b[end - 1];
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    if is_word(c) {
        let mut s = end - 1;
        while s > 0
            && (is_word(b[s - 1]) || (b[s - 1] == b'.' && s >= 2 && b[s - 2].is_ascii_digit()))
        {
            s -= 1;
        }
        return Some(s);
    }
    if c == b'"' || c == b'`' || c == b'\'' {
        let mut s = end - 1;
        while s > 0 {
            s -= 1;
            if b[s] == c && (s == 0 || b[s - 1] != b'\\') {
                return Some(s);
            }
        }
        return None;
    }
    const OPS: &[&str] = &[
        "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
    ];
    for op in OPS {
        if end >= op.len() && &text[end - op.len()..end] == *op {
            return Some(end - op.len());
        }
    }
    Some(end - 1)
}

fn line_of(text: &str, off: u32) -> usize {
    text[..(off as usize).min(text.len())].matches('\n').count() + 1
}

/// Checks one package (one file, or a directory's files) and returns the
/// mismatches.
fn run_package(name: &str, sources: &[(PathBuf, String)]) -> Vec<String> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut expected: Vec<(usize, Expected)> = Vec::new();
    for (i, (path, text)) in sources.iter().enumerate() {
        let (file, perrs) = gox_syntax::parse_source(FileId(1000 + i as u32), text);
        for e in perrs {
            problems.push(format!(
                "{}:{}: parse error: {}",
                path.display(),
                line_of(text, e.span.lo),
                e.message
            ));
        }
        expected.extend(expectations(&file, text).into_iter().map(|e| (i, e)));
        files.push(file);
    }
    let mut imp = FakeImporter {
        cache: HashMap::new(),
        next_file: 0,
    };
    let checked = check_package(name, &files, &mut imp, &Config::default());
    // Skipping Info must not change a single diagnostic.
    let lean = check_package(name, &files, &mut imp, &Config { no_info: true, ..Config::default() });
    let shown = |c: &gox_analysis::Checked| -> Vec<String> {
        c.diagnostics.iter().map(|d| format!("{}:{}: {}", d.span.file.0, d.span.lo, shown_message(d))).collect()
    };
    if shown(&lean) != shown(&checked) {
        problems.push(format!("{name}: with Config::no_info the diagnostics are {:?}, not {:?}", shown(&lean), shown(&checked)));
    }
    if std::env::var("GOX_TESTDATA_DUMP").is_ok() {
        for d in &checked.diagnostics {
            let fi = (d.span.file.0 - 1000) as usize;
            let text = &sources[fi].1;
            let line = line_of(text, d.span.lo);
            let col = d.span.lo as usize
                - text[..d.span.lo as usize].rfind('\n').map_or(0, |i| i + 1)
                + 1;
            eprintln!(
                "{}:{}:{}: {}",
                sources[fi].0.display(),
                line,
                col,
                d.message
            );
        }
    }
    let mut matched = vec![false; expected.len()];
    for d in &checked.diagnostics {
        let fi = (d.span.file.0 - 1000) as usize;
        let (path, text) = &sources[fi];
        let hit = expected.iter().enumerate().find(|(k, (f, e))| {
            !matched[*k]
                && *f == fi
                && (e.offset == d.span.lo || e.prev == Some(d.span.lo))
                && rx::is_match(&e.pattern, &shown_message(d))
        });
        match hit {
            Some((k, _)) => matched[k] = true,
            None => problems.push(format!(
                "{}:{}: unexpected error: {}",
                path.display(),
                line_of(text, d.span.lo),
                shown_message(d)
            )),
        }
    }
    for (k, (fi, e)) in expected.iter().enumerate() {
        if !matched[k] {
            let (path, _) = &sources[*fi];
            let near: Vec<&str> = checked
                .diagnostics
                .iter()
                .filter(|d| {
                    (d.span.file.0 - 1000) as usize == *fi
                        && line_of(&sources[*fi].1, d.span.lo) == e.line
                })
                .map(|d| d.message.as_str())
                .collect();
            problems.push(format!(
                "{}:{}: missing error matching {:?} (errors on this line: {:?})",
                path.display(),
                e.line,
                e.pattern,
                near
            ));
        }
    }
    problems
}

/// What an `ERROR` pattern is matched against: the message, then the
/// suggestion as ` help: ...` when there is one.
fn shown_message(d: &gox_common::Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{} help: {help}", d.message),
        None => d.message.clone(),
    }
}

fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("testdata")
}

#[test]
fn testdata_files_report_exactly_the_expected_errors() {
    let dir = testdata_dir();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let only = std::env::var("GOX_TESTDATA").ok();
    let mut all = Vec::new();
    let mut count = 0;
    for p in entries {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(o) = &only {
            if !name.contains(o.as_str()) {
                continue;
            }
        }
        let sources: Vec<(PathBuf, String)> = if p.is_dir() {
            let mut fs: Vec<PathBuf> = std::fs::read_dir(&p)
                .expect("dir")
                .map(|e| e.expect("entry").path())
                .filter(|f| f.extension().is_some_and(|x| x == "gox"))
                .collect();
            fs.sort();
            fs.into_iter()
                .map(|f| {
                    let t = std::fs::read_to_string(&f).expect("read");
                    (f, t)
                })
                .collect()
        } else if p.extension().is_some_and(|x| x == "gox") {
            vec![(p.clone(), std::fs::read_to_string(&p).expect("read"))]
        } else {
            continue;
        };
        count += 1;
        all.extend(run_package(&name, &sources));
    }
    assert!(count > 0, "no testdata found");
    assert!(
        all.is_empty(),
        "{} problem(s):\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn regexp_subset_matches_like_go() {
    assert!(rx::is_match("undefined: x", "undefined: x"));
    assert!(rx::is_match(
        "cannot use .* as string",
        "cannot use x (variable of type int) as string value"
    ));
    assert!(rx::is_match(r"^x$", "x"));
    assert!(!rx::is_match(r"^x$", "xy"));
    assert!(rx::is_match(r"overflows \(byte\)", "overflows (byte)"));
    assert!(rx::is_match(r"a?b", "b"));
    assert!(rx::is_match(r"x|y", "y"));
    assert!(rx::is_match("[0-9]+ values", "12 values"));
}

#[test]
fn checked_packages_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<gox_analysis::Package>();
    assert_send_sync::<gox_analysis::Info>();
    assert_send_sync::<gox_analysis::Type>();
}
