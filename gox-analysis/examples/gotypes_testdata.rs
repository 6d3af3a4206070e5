//! Measures the checker against Go 1.19's own type-checker tests.
//!
//! ```text
//! cargo run --release -p gox-analysis --example gotypes_testdata -- \
//!     [/usr/lib/go-1.19/src/go/types/testdata] [-v]
//! ```
//!
//! Every `.go` file of `check/`, `fixedbugs/` and `spec/` (and every
//! subdirectory, as one package) is parsed and checked as GoX; files that
//! use type parameters ("type parameters are not supported in GoX") are
//! skipped. Their `/* ERROR "rx" */` comments (go/types convention: the
//! comment follows the offending token) give the lines where Go expects an
//! error. Comparison is per line: an expected error is found when we report
//! an error on its line; an error we report on a line where Go expects
//! none is unexpected.
//!
//! Lines that differ only because GoX is not Go are counted apart and
//! listed with the reason, which is always one of these:
//! - the line uses a feature GoX cuts (complex numbers, unsafe, uintptr,
//!   pointers to non-struct types, method values and expressions, type
//!   constraints), or GoX's statement-only `assert` where go/types' test
//!   harness has a constant-valued one; or one of our cut messages;
//! - the line uses a name whose declaration elsewhere uses a cut feature
//!   (`uc3 = 3.1i`, `type UP unsafe.Pointer`): listed by hand in
//!   [`CUT_ELSEWHERE`], line by line, each with its reason;
//! - a language-version check: a file's `// -lang=go1.N` makes go/types
//!   reject what Go added after 1.N (number literal forms, signed shift
//!   counts, overlapping interface methods, aliases). GoX has one language
//!   version, Go 1.17 without generics, so those errors do not exist in
//!   GoX; an expected error is version-gated when its pattern is one of
//!   go/types' version errors (its `allowVersion` checks) and the file's
//!   version is older than the gate;
//! - an import of a Go std package that GoX's std lacks
//!   (`gox-module/std/NOT_IN_STD.txt` gives the reason), or cgo's `"C"`
//!   (`-fakeImportC` files): GoX has no cgo.
//!
//! Imports are served from the embedded GoX standard library; others fail
//! (reported once, at the import).

// Last measured (Go 1.19 testdata, 85 non-generic packages, 134 generic
// ones skipped): 1629 expected errors, 1559 found on the right line (1247
// with a matching message), 0 missing + 70 on GoX-cut lines (28 unsafe,
// 13 language-version checks, 16 names declared with complex numbers or
// unsafe.Pointer or as *error, 5 type constraints, 3 go/types' assert, 1
// template packages not in GoX's std); 0 errors on lines where Go expects
// none + 360 GoX-cut ones; no checker panics. (Before: 1548 found, 1236
// matching, 50 missing + 31 cut, 23 unexpected + 342 cut; the checker
// fixes since: declaration order and cycles through function signatures,
// broken aliases, incomplete interfaces, typed constants of bad value,
// type-set elements cut with one error, misplaced imports.)
// The whole run takes under a second (fixedbugs/issue6977.go alone took
// over 3 minutes before interface method sets and validType were memoized).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::{Diagnostic, FileId, FileSystem, SourceMap};
use gox_syntax::Token;

/// One `ERROR` comment: where (file, line) and the pattern.
struct Expected {
    file: FileId,
    line: u32,
    pattern: String,
    /// Reported by go/types only because of the file's older language
    /// version (see [`version_gate`]).
    version_gated: bool,
}

/// The ERROR comments of a file, positioned at the token before each.
fn expected_errors(file: FileId, src: &str) -> Vec<Expected> {
    let (toks, _) = gox_syntax::lexer::tokenize(file, src.as_bytes());
    let mut out = Vec::new();
    let mut prev_line: Option<u32> = None;
    for t in &toks {
        match t.kind {
            Token::Comment => {
                let text = &src[t.lo as usize..t.hi as usize];
                let body = match text.strip_prefix("/*") {
                    Some(b) => b.strip_suffix("*/").unwrap_or(b),
                    None => text.strip_prefix("//").unwrap_or(text),
                };
                let Some(rest) = body.trim_start().strip_prefix("ERROR") else { continue };
                let rest = rest.trim_start();
                let rest = rest.strip_prefix("HERE").unwrap_or(rest).trim_start();
                let rest = rest.strip_prefix('"').unwrap_or(rest);
                let pattern: String = rest.chars().take_while(|&c| c != '"').collect();
                if let Some(line) = prev_line {
                    let pattern = pattern.trim().to_string();
                    let version_gated = match (file_go_minor(src), version_gate(&pattern)) {
                        (Some(minor), Some(gate)) => minor < gate && gate <= GOX_GO_MINOR,
                        _ => false,
                    };
                    out.push(Expected { file, line, pattern, version_gated });
                }
            }
            Token::Eof => {}
            _ if t.is_implicit_semi() => {}
            _ => prev_line = Some(t.line),
        }
    }
    out
}

/// Serves imports from the embedded GoX standard library, checking each
/// package once.
struct StdImporter {
    sources: Arc<SourceMap>,
    cache: HashMap<String, Result<Arc<Package>, String>>,
    in_progress: HashSet<String>,
}

impl StdImporter {
    fn load(&mut self, path: &str) -> Result<Arc<Package>, String> {
        if !gox_module::std::is_std_package(path) {
            return Err(format!("package {} is not in std", path));
        }
        let std = gox_module::std::EmbeddedStd::new();
        let dir = gox_module::std::std_dir(path);
        let set = gox_common::FileSet::list(&std, &dir, &gox_common::BuildConfig::default()).map_err(|e| e.to_string())?;
        let mut asts = Vec::new();
        for f in &set.files {
            let bytes = std.read(f).map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let sf = self.sources.add(f.clone(), text);
            asts.push(gox_syntax::parse_file(&sf).0);
        }
        let config = Config { sources: Some(self.sources.clone()), ..Config::default() };
        let checked = check_package(path, &asts, self, &config);
        Ok(checked.package)
    }
}

impl Importer for StdImporter {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        if let Some(r) = self.cache.get(req.path) {
            return r.clone().map_err(ImportError::new);
        }
        if !self.in_progress.insert(req.path.to_string()) {
            return Err(ImportError::new(format!("import cycle through {}", req.path)));
        }
        let r = self.load(req.path);
        self.in_progress.remove(req.path);
        self.cache.insert(req.path.to_string(), r.clone());
        r.map_err(ImportError::new)
    }
}

/// Why an error message of ours is GoX's, not Go's: a cut-feature
/// diagnostic, or an import GoX's std cannot serve.
fn cut_message_reason(msg: &str, fake_import_c: bool) -> Option<String> {
    const CUT: &[&str] = &[
        "not supported in GoX",
        "pointer to non-struct",
        "method value not supported",
        "package unsafe is not in std",
        "\"unsafe\"",
    ];
    if CUT.iter().any(|c| msg.contains(c)) {
        return Some("cut feature".to_string());
    }
    let path = msg.strip_prefix("package ")?.strip_suffix(" is not in std")?;
    if path == "C" && fake_import_c {
        return Some("cgo: GoX has no import \"C\"".to_string());
    }
    gox_module::std::not_in_std_reason(path).map(|r| format!("{} is not in GoX's std: {}", path, r))
}

/// Why a source line is cut: it uses a feature GoX cuts, or GoX's
/// `assert` (a statement in GoX; go/types' test-only `assert` yields a
/// constant).
fn cut_line_reason(text: &str) -> Option<&'static str> {
    // The code of the line: without its comments.
    let mut code = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("/*") {
        code.push_str(&rest[..i]);
        code.push(' ');
        rest = rest[i + 2..].split_once("*/").map_or("", |(_, after)| after);
    }
    code.push_str(rest);
    let code = code.split("//").next().unwrap_or(&code);
    const WORDS: &[(&str, &str)] = &[
        ("complex", "complex numbers"),
        ("real(", "complex numbers"),
        ("imag(", "complex numbers"),
        ("unsafe", "unsafe"),
        ("uintptr", "uintptr"),
    ];
    if let Some((_, why)) = WORDS.iter().find(|(w, _)| code.contains(w)) {
        return Some(why);
    }
    let compact: String = code.split_whitespace().collect();
    if compact.contains("assert(") {
        return Some("GoX's assert is a statement, go/types' test assert a constant");
    }
    // Imaginary literals: a digit followed by `i` ending the number.
    let b = code.as_bytes();
    let imaginary = (1..b.len()).any(|i| b[i] == b'i' && b[i - 1].is_ascii_digit() && b.get(i + 1).is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_'));
    imaginary.then_some("complex numbers")
}

/// Lines that use, by name, something declared with a cut feature
/// elsewhere (what Go expects there and what we report there is GoX's
/// business): (file path suffix, lines, reason).
const CUT_ELSEWHERE: &[(&str, &[u32], &str)] = &[
    ("check/const0.go", &[89, 92, 93, 95, 96, 97], "uc0..uc3 are complex constants (uc3 = 3.14...i)"),
    ("check/const0.go", &[171, 174, 175, 177, 178, 179], "tc0..tc3 are complex constants (tc3 = 3.14...i)"),
    ("check/decls1.go", &[51], "uu is a complex128"),
    ("check/stmt0.go", &[42, 43], "c is complex (c := 1i)"),
    ("check/decls2/decls2a.go", &[104, 105], "UP is an unsafe.Pointer"),
    ("check/decls3.go", &[103], "UP is an unsafe.Pointer"),
    ("check/methodsets.go", &[199, 200], "perr is a *error, a pointer to non-struct"),
    ("check/importdecl1/importdecl1a.go", &[12, 21], "Pointer is dot-imported from unsafe"),
    ("check/issues0.go", &[366], "text/template and html/template are not in GoX's std (not generated yet)"),
    ("check/unions.go", &[57], "a union: type constraints are cut"),
    ("fixedbugs/issue48582.go", &[7, 11, 19], "the cycle runs through a union term: type constraints are cut"),
    ("fixedbugs/issue48582.go", &[20], "I is a constraint interface (a union): type constraints are cut"),
];

fn cut_elsewhere_reason(path: &Path, line: u32) -> Option<&'static str> {
    let p = path.to_string_lossy();
    CUT_ELSEWHERE
        .iter()
        .find(|(suffix, lines, _)| p.ends_with(suffix) && lines.contains(&line))
        .map(|(_, _, why)| *why)
}

/// GoX's language: Go 1.17 (the last version before type parameters).
const GOX_GO_MINOR: u32 = 17;

/// The Go minor version a file is checked at (`// -lang=go1.N` on its
/// first line, go/types' test flag).
fn file_go_minor(src: &str) -> Option<u32> {
    let first = src.lines().next()?;
    let v = first.trim().strip_prefix("// -lang=go1.")?;
    v.trim().parse().ok()
}

/// The Go minor version from which go/types stops reporting an expected
/// error, when its pattern is one of go/types' language-version errors
/// (its `allowVersion` checks: go1.9 aliases; go1.13 number literal forms
/// and signed shift counts; go1.14 overlapping embedded methods; and every
/// "requires go1.N or later").
fn version_gate(pattern: &str) -> Option<u32> {
    if let Some(i) = pattern.find("requires go1") {
        let digits: String = pattern[i + "requires go1".len()..]
            .trim_start_matches(['\\', '.'])
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return digits.parse().ok();
    }
    const GO1_13: &[&str] = &["underscores", "binary", "octal", "hexadecimal floating-point", "signed shift count"];
    if GO1_13.iter().any(|w| pattern.contains(w)) {
        return Some(13);
    }
    if pattern.contains("duplicate method") {
        return Some(14);
    }
    None
}

#[derive(Default)]
struct Totals {
    packages: usize,
    skipped_generic: usize,
    crashed: usize,
    /// Packages whose diagnostics change with `Config::no_info`.
    no_info_differs: usize,
    expected: usize,
    found: usize,
    found_exact: usize,
    missing: usize,
    missing_cut: usize,
    unexpected: usize,
    unexpected_cut: usize,
}

fn is_generic(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.message.contains("type parameters are not supported in GoX"))
}

fn run_package(paths: &[PathBuf], totals: &mut Totals, cut_lines: &mut Vec<String>, verbose: bool) {
    let sources = Arc::new(SourceMap::new());
    let mut asts = Vec::new();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut expected: Vec<Expected> = Vec::new();
    // go/types' test flag for cgo's fake "C" package.
    let mut fake_import_c = false;
    for p in paths {
        let Ok(text) = std::fs::read_to_string(p) else { continue };
        fake_import_c |= text.lines().next().is_some_and(|l| l.trim() == "// -fakeImportC");
        let f = sources.add(p.clone(), text.as_str());
        let (ast, errs) = gox_syntax::parse_file(&f);
        diags.extend(errs);
        expected.extend(expected_errors(f.id, &text));
        asts.push(ast);
    }
    if is_generic(&diags) {
        totals.skipped_generic += 1;
        if verbose {
            println!("{}: skipped (type parameters)", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "));
        }
        return;
    }
    totals.packages += 1;
    let mut importer = StdImporter { sources: sources.clone(), cache: HashMap::new(), in_progress: HashSet::new() };
    let config = Config { sources: Some(sources.clone()), ..Config::default() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_package("p", &asts, &mut importer, &config)));
    // Skipping Info must not change a single diagnostic.
    let lean_config = Config { no_info: true, ..config.clone() };
    let lean = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_package("p", &asts, &mut importer, &lean_config)));
    if let (Ok(full), Ok(lean)) = (&result, &lean) {
        let shown = |c: &gox_analysis::Checked| -> Vec<String> {
            c.diagnostics.iter().map(|d| format!("{}:{}: {}", d.span.file.0, d.span.lo, d.message)).collect()
        };
        if shown(full) != shown(lean) {
            totals.no_info_differs += 1;
            eprintln!("no_info changes the diagnostics of {}: {:?} vs {:?}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "), shown(lean), shown(full));
        }
    }
    match result {
        Ok(checked) => diags.extend(checked.diagnostics),
        Err(_) => {
            totals.crashed += 1;
            eprintln!("checker panicked on {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "));
            return;
        }
    }
    if is_generic(&diags) {
        totals.packages -= 1;
        totals.skipped_generic += 1;
        return;
    }

    // Our errors per (file, line), in the package's files only.
    let mut ours: HashMap<(FileId, u32), Vec<String>> = HashMap::new();
    let pkg_files: HashSet<FileId> = expected.iter().map(|e| e.file).chain(asts.iter().map(|a| a.span.file)).collect();
    for d in diags.iter().filter(|d| d.is_error() && pkg_files.contains(&d.span.file)) {
        let line = sources.file(d.span.file).line_col(d.span.lo).line;
        ours.entry((d.span.file, line)).or_default().push(d.message.clone());
    }
    let line_text = |f: FileId, line: u32| sources.file(f).line_text(line).unwrap_or("").to_string();
    let where_ = |f: FileId, line: u32| format!("{}:{}", sources.path(f).display(), line);

    let mut expected_lines: HashSet<(FileId, u32)> = HashSet::new();
    for e in &expected {
        totals.expected += 1;
        expected_lines.insert((e.file, e.line));
        match ours.get(&(e.file, e.line)) {
            Some(msgs) => {
                totals.found += 1;
                if regex::Regex::new(&e.pattern).is_ok_and(|r| msgs.iter().any(|m| r.is_match(m))) {
                    totals.found_exact += 1;
                } else if verbose {
                    println!("{}: differs: want {:?}, have {:?}", where_(e.file, e.line), e.pattern, msgs);
                }
            }
            None => {
                let why = if e.version_gated {
                    Some("GoX has one language version: no go1.N language-version errors")
                } else {
                    cut_line_reason(&line_text(e.file, e.line)).or_else(|| cut_elsewhere_reason(&sources.path(e.file), e.line))
                };
                if let Some(why) = why {
                    totals.missing_cut += 1;
                    cut_lines.push(format!("{}: missing (cut: {}) {:?}", where_(e.file, e.line), why, e.pattern));
                } else {
                    totals.missing += 1;
                    if verbose {
                        println!("{}: missing {:?}", where_(e.file, e.line), e.pattern);
                    }
                }
            }
        }
    }
    let mut keys: Vec<&(FileId, u32)> = ours.keys().collect();
    keys.sort();
    for k in keys {
        if expected_lines.contains(k) {
            continue;
        }
        for m in &ours[k] {
            let why = cut_message_reason(m, fake_import_c)
                .or_else(|| cut_line_reason(&line_text(k.0, k.1)).map(str::to_string))
                .or_else(|| cut_elsewhere_reason(&sources.path(k.0), k.1).map(str::to_string));
            if let Some(why) = why {
                totals.unexpected_cut += 1;
                cut_lines.push(format!("{}: unexpected (cut: {}) {}", where_(k.0, k.1), why, m.replace('\n', "\\n")));
            } else {
                totals.unexpected += 1;
                if verbose {
                    println!("{}: unexpected {}", where_(k.0, k.1), m.replace('\n', "\\n"));
                }
            }
        }
    }
}

/// The packages under `dir`: each `.go` file alone, each subdirectory's
/// `.go` files together.
fn packages(dir: &Path) -> Vec<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&p)
                .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).filter(|f| f.extension().is_some_and(|x| x == "go")).collect())
                .unwrap_or_default();
            files.sort();
            if !files.is_empty() {
                out.push(files);
            }
        } else if p.extension().is_some_and(|x| x == "go") {
            out.push(vec![p]);
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let root = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/go-1.19/src/go/types/testdata"));
    let mut totals = Totals::default();
    let mut cut_lines = Vec::new();
    for sub in ["check", "fixedbugs", "spec"] {
        let dir = root.join(sub);
        if !dir.is_dir() {
            eprintln!("no directory {}", dir.display());
            continue;
        }
        for pkg in packages(&dir) {
            run_package(&pkg, &mut totals, &mut cut_lines, verbose);
        }
    }
    println!("GoX-cut lines:");
    for l in &cut_lines {
        println!("  {}", l);
    }
    let t = &totals;
    println!();
    println!("packages checked: {} (skipped as generic: {}, checker panics: {})", t.packages, t.skipped_generic, t.crashed);
    println!("packages whose diagnostics change without Info (Config::no_info): {}", t.no_info_differs);
    println!("expected errors: {}", t.expected);
    println!("  found on the right line: {} (message also matches: {})", t.found, t.found_exact);
    println!("  missing: {} (+ {} on lines using a GoX-cut feature)", t.missing, t.missing_cut);
    println!("errors on lines where Go expects none: {} (+ {} GoX-cut)", t.unexpected, t.unexpected_cut);
}
