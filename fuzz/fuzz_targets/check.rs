//! Parse, type-check and export round trip of one package `p`.
//!
//! The input is one GoX source file, or two when it holds the separator
//! line [`SEPARATOR`]. The files are read as `gox` reads them (invalid
//! UTF-8 becomes blanks, so offsets keep), parsed, and checked the way
//! `gox check` does it: even with syntax errors, `no_info`, imports served
//! from the embedded std (checked once per process and memoized). Whatever
//! the diagnostics, the package is exported (as the build cache does),
//! imported back, and exported again: the two exports must be the same
//! bytes. Any panic is a bug. `GOX_FUZZ_VERBOSE=1` prints the
//! diagnostics of each run (to see what a reproducer checks to).
#![no_main]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use gox_analysis::export::{export_package, import_package};
use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::{FileId, FileSystem, SourceMap};
use gox_module::std::{is_std_package, std_dir, EmbeddedStd};
use libfuzzer_sys::fuzz_target;

/// Splits the input into two files.
const SEPARATOR: &[u8] = b"\n//---\n";

/// The import path of the fuzzed package.
const IMPORT_PATH: &str = "p";

/// File ids of std files start here, far from the fuzzed files' 0 and 1.
const FIRST_STD_FILE: u32 = 1 << 20;

/// The std packages checked so far (or why they cannot be imported),
/// shared by every run of the process.
#[derive(Default)]
struct StdPackages {
    done: HashMap<String, Result<Arc<Package>, ImportError>>,
    next_file: u32,
}

fn std_packages() -> &'static Mutex<StdPackages> {
    static STD: OnceLock<Mutex<StdPackages>> = OnceLock::new();
    STD.get_or_init(|| Mutex::new(StdPackages { done: HashMap::new(), next_file: FIRST_STD_FILE }))
}

/// Serves std packages, checking each on first use; `checking` is the
/// chain of std packages being checked, to report cycles instead of
/// recursing forever.
struct StdImporter<'a> {
    std: &'a mut StdPackages,
    checking: Vec<String>,
}

impl StdImporter<'_> {
    fn check_std(&mut self, path: &str) -> Result<Arc<Package>, ImportError> {
        if !is_std_package(path) {
            return Err(ImportError::new(format!("package {path} is not in std")));
        }
        let fs = EmbeddedStd::new();
        let dir = std_dir(path);
        let names = fs.read_dir(&dir).map_err(|e| ImportError::new(format!("std package {path}: {e}")))?;
        let mut files = Vec::new();
        // Every non-test file: the embedded std has no file for another
        // system, and its few //go:build lines hold on every host.
        for name in names.iter().filter(|n| is_std_source(n)) {
            let text = fs
                .read_to_string(&dir.join(name))
                .map_err(|e| ImportError::new(format!("std package {path}: {e}")))?;
            let id = FileId(self.std.next_file);
            self.std.next_file += 1;
            files.push(gox_syntax::parse_source(id, &text).0);
        }
        self.checking.push(path.to_string());
        let config = Config { no_info: true, ..Config::default() };
        let checked = check_package(path, &files, self, &config);
        self.checking.pop();
        Ok(checked.package)
    }
}

impl Importer for StdImporter<'_> {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        if req.external {
            return Err(ImportError::new(format!("no external modules in this fuzz target: {}", req.path)));
        }
        if let Some(done) = self.std.done.get(req.path) {
            return done.clone();
        }
        if req.path == IMPORT_PATH || self.checking.iter().any(|p| p == req.path) {
            return Err(ImportError::new(format!("import cycle through {}", req.path)));
        }
        let result = self.check_std(req.path);
        self.std.done.insert(req.path.to_string(), result.clone());
        result
    }
}

/// Whether the file `name` of a std directory is part of its package.
fn is_std_source(name: &str) -> bool {
    name.ends_with(".gox") && !name.ends_with("_test.gox") && !name.starts_with('.') && !name.starts_with('_')
}

/// The text `gox` makes of a file's bytes: invalid UTF-8 sequences become
/// blanks of the same length, so that every offset stays put.
fn source_text(bytes: &[u8]) -> String {
    let mut bytes = bytes.to_vec();
    let mut at = 0;
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(_) => break,
            Err(e) => {
                let start = at + e.valid_up_to();
                let len = e.error_len().unwrap_or(bytes.len() - start);
                bytes[start..start + len].fill(b' ');
                at = start + len;
            }
        }
    }
    String::from_utf8(bytes).expect("invalid sequences were blanked")
}

fn split_files(data: &[u8]) -> Vec<&[u8]> {
    match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(i) => vec![&data[..i], &data[i + SEPARATOR.len()..]],
        None => vec![data],
    }
}

fuzz_target!(|data: &[u8]| {
    let map = Arc::new(SourceMap::new());
    let mut files = Vec::new();
    for (i, bytes) in split_files(data).into_iter().enumerate() {
        let source = map.add(Path::new("/p").join(format!("f{i}.gox")), source_text(bytes));
        files.push(gox_syntax::parse_file(&source).0);
    }

    let mut std = std_packages().lock().unwrap_or_else(|e| e.into_inner());
    let mut importer = StdImporter { std: &mut std, checking: Vec::new() };
    let config = Config { sources: Some(map), no_info: true, ..Config::default() };
    let checked = check_package(IMPORT_PATH, &files, &mut importer, &config);

    if std::env::var_os("GOX_FUZZ_VERBOSE").is_some() {
        for d in &checked.diagnostics {
            eprintln!("{:?}: {}", d.span, d.message);
        }
    }

    let data = export_package(&checked.package);
    let lookup = |path: &str| std.done.get(path).and_then(|r| r.as_ref().ok()).cloned();
    let imported = match import_package(&data, &mut { lookup }) {
        Ok(p) => p,
        Err(e) => panic!("fresh export data of {IMPORT_PATH} does not import: {e}"),
    };
    assert!(export_package(&imported) == data, "re-export of the imported package differs from the export");
});
