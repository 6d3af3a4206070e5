//! Parses and checks the given files as one package and prints every
//! diagnostic as `line:col: message` (the format of Go's `gotype`), imports
//! served by the embedded GoX standard library.
//!
//! `cargo run -p gox-analysis --example check_files -- a.gox b.gox`

use std::sync::Arc;

use gox_analysis::{check_package, Config, ImportError, ImportRequest, Importer, Package};
use gox_common::{FileSystem, SourceMap};

struct StdImporter {
    sources: Arc<SourceMap>,
    cache: std::collections::HashMap<String, Arc<Package>>,
}

impl Importer for StdImporter {
    fn packages_named(&self, name: &str) -> Vec<String> {
        gox_module::std::std_packages().into_iter().filter(|p| p.rsplit('/').next() == Some(name)).collect()
    }

    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        if let Some(p) = self.cache.get(req.path) {
            return Ok(p.clone());
        }
        if !gox_module::std::is_std_package(req.path) {
            return Err(ImportError::new(format!("package {} is not in std", req.path)));
        }
        let std = gox_module::std::EmbeddedStd::new();
        let dir = gox_module::std::std_dir(req.path);
        let set = gox_common::FileSet::list(&std, &dir, &gox_common::BuildConfig::default()).map_err(|e| ImportError::new(e.to_string()))?;
        let mut asts = Vec::new();
        for f in &set.files {
            let bytes = std.read(f).map_err(|e| ImportError::new(e.to_string()))?;
            let sf = self.sources.add(f.clone(), String::from_utf8_lossy(&bytes).into_owned());
            asts.push(gox_syntax::parse_file(&sf).0);
        }
        let config = Config { sources: Some(self.sources.clone()), ..Config::default() };
        let checked = check_package(req.path, &asts, self, &config);
        self.cache.insert(req.path.to_string(), checked.package.clone());
        Ok(checked.package)
    }
}

fn main() {
    let sources = Arc::new(SourceMap::new());
    let mut asts = Vec::new();
    let mut diags = Vec::new();
    let mut ids = Vec::new();
    for p in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {}", p, e);
                std::process::exit(2);
            }
        };
        let f = sources.add(p.clone(), text);
        ids.push(f.id);
        let (ast, errs) = gox_syntax::parse_file(&f);
        diags.extend(errs);
        asts.push(ast);
    }
    let mut importer = StdImporter { sources: sources.clone(), cache: Default::default() };
    let config = Config { sources: Some(sources.clone()), ..Config::default() };
    let checked = check_package("p", &asts, &mut importer, &config);
    diags.extend(checked.diagnostics);
    for d in diags.iter().filter(|d| ids.contains(&d.span.file)) {
        let lc = sources.line_col(d.span);
        println!("{}:{}: {}", lc.line, lc.col, d.message);
        for n in &d.notes {
            if ids.contains(&n.span.file) {
                let lc = sources.line_col(n.span);
                println!("{}:{}: \t{}", lc.line, lc.col, n.message);
            }
        }
        if let Some(help) = &d.help {
            println!("\thelp: {help}");
        }
    }
}
