//! Which aliases the code of the main module imports: every `.gox` file of
//! every package directory (test files and files of every build
//! configuration included, so that no configuration loses a require),
//! read for its imports only. What `gox mod tidy` and `gox get M@none`
//! decide by.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gox_common::discover::is_package_file;
use gox_common::{discover, FileSystem, RealFs, SourceMap};

/// One `@"alias/..."` import spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasImport {
    pub alias: String,
    /// The path as written (`money/currency`).
    pub path: String,
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
}

impl AliasImport {
    /// `file:line:col` with the file relative to `base`.
    pub fn position(&self, base: &Path) -> String {
        format!("{}:{}:{}", gox_common::display_path(&self.file, Some(base)), self.line, self.col)
    }
}

/// Every `@"..."` import of the module at `root`, grouped by alias (each
/// alias's imports in file order), and the paths that could not be read.
pub fn alias_imports(root: &Path) -> (BTreeMap<String, Vec<AliasImport>>, Vec<String>) {
    let found = discover(&RealFs, root);
    let mut problems: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
    let map = SourceMap::new();
    let mut out: BTreeMap<String, Vec<AliasImport>> = BTreeMap::new();
    for dir in found.dirs {
        let mut names = match RealFs.read_dir(&dir) {
            Ok(names) => names,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        names.sort();
        for name in names.into_iter().filter(|n| is_package_file(n)) {
            let path = dir.join(&name);
            let text = match RealFs.read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(e.to_string());
                    continue;
                }
            };
            let file = map.add(&path, text);
            let (ast, _) = gox_syntax::parse_package_clause_and_imports(file.id, &file.text());
            for spec in ast.imports.iter().filter(|s| s.is_external()) {
                let alias = spec.path.split('/').next().unwrap_or_default().to_string();
                let at = file.line_col(spec.at.map_or(spec.path_span.lo, |s| s.lo));
                out.entry(alias.clone()).or_default().push(AliasImport {
                    alias,
                    path: spec.path.clone(),
                    file: path.clone(),
                    line: at.line,
                    col: at.col,
                });
            }
        }
    }
    (out, problems)
}
