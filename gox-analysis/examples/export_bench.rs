//! Export data micro benchmark: checks the whole GoX standard library from
//! source (the embedded copy of `gox-module/std`), then exports every
//! package and imports it again bottom-up (as a build cache would), and
//! prints sizes and times, with `strings` and `unicode` in detail.
//!
//! `cargo run --release -p gox-analysis --example export_bench [iterations]`

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gox_analysis::export::{api_bytes, export_package, import_package};
use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::{FileSystem, SourceMap};

/// Checks std packages from source, recursively, each once; records the
/// order in which checks finished (dependencies first) and their times.
struct StdImporter {
    sources: Arc<SourceMap>,
    checked: HashMap<String, Arc<Package>>,
    order: Vec<String>,
    check_time: HashMap<String, Duration>,
    lines: HashMap<String, usize>,
}

impl StdImporter {
    fn check(&mut self, path: &str) -> Result<Arc<Package>, ImportError> {
        if let Some(p) = self.checked.get(path) {
            return Ok(p.clone());
        }
        if !gox_module::std::is_std_package(path) {
            return Err(ImportError::new(format!("package {} is not in std", path)));
        }
        let std = gox_module::std::EmbeddedStd::new();
        let dir = gox_module::std::std_dir(path);
        let set = gox_common::FileSet::list(&std, &dir, &gox_common::BuildConfig::default()).map_err(|e| ImportError::new(e.to_string()))?;
        let mut asts = Vec::new();
        let mut lines = 0;
        for f in &set.files {
            let bytes = std.read(f).map_err(|e| ImportError::new(e.to_string()))?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            lines += text.lines().count();
            let sf = self.sources.add(f.clone(), text);
            asts.push(gox_syntax::parse_file(&sf).0);
        }
        // Imports first, so that the time below is this package's alone.
        for f in &asts {
            for imp in &f.imports {
                let _ = self.check(&imp.path);
            }
        }
        let started = Instant::now();
        let config = Config { sources: Some(self.sources.clone()), ..Config::default() };
        let checked = check_package(path, &asts, self, &config);
        self.check_time.insert(path.to_string(), started.elapsed());
        self.lines.insert(path.to_string(), lines);
        if !checked.diagnostics.is_empty() {
            eprintln!("note: {} has {} diagnostics", path, checked.diagnostics.len());
        }
        self.checked.insert(path.to_string(), checked.package.clone());
        self.order.push(path.to_string());
        Ok(checked.package)
    }
}

impl Importer for StdImporter {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        self.check(req.path)
    }
}

fn per_iter(d: Duration, n: u32) -> String {
    let us = d.as_secs_f64() * 1e6 / n as f64;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.1} µs", us)
    }
}

fn main() {
    let iterations: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20).max(1);
    let mut std = StdImporter {
        sources: Arc::new(SourceMap::new()),
        checked: HashMap::new(),
        order: Vec::new(),
        check_time: HashMap::new(),
        lines: HashMap::new(),
    };
    let started = Instant::now();
    for path in gox_module::std::std_packages() {
        if let Err(e) = std.check(&path) {
            eprintln!("{}: {}", path, e);
        }
    }
    let check_all = started.elapsed();

    // Export every package.
    let mut data: HashMap<String, Vec<u8>> = HashMap::new();
    let mut export_time: HashMap<String, Duration> = HashMap::new();
    for path in &std.order {
        let pkg = &std.checked[path];
        let started = Instant::now();
        let mut bytes = Vec::new();
        for _ in 0..iterations {
            bytes = export_package(pkg);
        }
        export_time.insert(path.clone(), started.elapsed());
        data.insert(path.clone(), bytes);
    }

    // Import bottom-up, each package's imports served from what was imported
    // before (the memo a build cache keeps); time each import alone.
    let mut imported: HashMap<String, Arc<Package>> = HashMap::new();
    let mut import_time: HashMap<String, Duration> = HashMap::new();
    for path in &std.order {
        let bytes = &data[path];
        let mut lookup = |p: &str| imported.get(p).cloned();
        let started = Instant::now();
        let mut result = None;
        for _ in 0..iterations {
            result = Some(import_package(bytes, &mut lookup));
        }
        let elapsed = started.elapsed();
        match result {
            Some(Ok(p)) => {
                if export_package(&p) != *bytes {
                    eprintln!("warning: {}: re-export differs", path);
                }
                import_time.insert(path.clone(), elapsed);
                imported.insert(path.clone(), p);
            }
            Some(Err(e)) => eprintln!("{}: {}", path, e),
            None => {}
        }
    }

    println!("export data of the GoX std ({} packages, {} iterations each)", std.order.len(), iterations);
    println!("{:<20} {:>7} {:>8} {:>9} {:>8} {:>11} {:>11} {:>11}", "package", "lines", "objects", "bytes", "api", "check", "export", "import");
    let mut totals = (0usize, 0usize, 0usize, 0usize, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut rows: Vec<&String> = std.order.iter().collect();
    rows.sort();
    for path in rows {
        let bytes = &data[path];
        let api = api_bytes(bytes).map(|a| a.len()).unwrap_or(0);
        let objects = std.checked[path].scope.len();
        let check = std.check_time.get(path).copied().unwrap_or_default();
        let export = export_time.get(path).copied().unwrap_or_default();
        let import = import_time.get(path).copied().unwrap_or_default();
        let lines = std.lines.get(path).copied().unwrap_or(0);
        totals.0 += lines;
        totals.1 += objects;
        totals.2 += bytes.len();
        totals.3 += api;
        totals.4 += check;
        totals.5 += export;
        totals.6 += import;
        let mark = if path == "strings" || path == "unicode" { "*" } else { " " };
        println!(
            "{}{:<19} {:>7} {:>8} {:>9} {:>8} {:>11} {:>11} {:>11}",
            mark,
            path,
            lines,
            objects,
            bytes.len(),
            api,
            per_iter(check, 1),
            per_iter(export, iterations),
            per_iter(import, iterations)
        );
    }
    println!(
        "{:<20} {:>7} {:>8} {:>9} {:>8} {:>11} {:>11} {:>11}",
        "total",
        totals.0,
        totals.1,
        totals.2,
        totals.3,
        per_iter(totals.4, 1),
        per_iter(totals.5, iterations),
        per_iter(totals.6, iterations)
    );
    println!("checking all of std from source (parse + check): {}", per_iter(check_all, 1));
    let mb = totals.2 as f64 / 1e6;
    println!(
        "throughput: export {:.0} MB/s, import {:.0} MB/s",
        mb * iterations as f64 / totals.5.as_secs_f64().max(1e-9),
        mb * iterations as f64 / totals.6.as_secs_f64().max(1e-9)
    );
}
