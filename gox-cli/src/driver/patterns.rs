//! Package patterns, as the go command has them: `.`, `./...`, `./dir`,
//! `./dir/...`, import paths (`fmt`, `utils`, `<module>/utils`), and `.gox`
//! files (which form one package of exactly those files).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gox_common::discover::discover;
use gox_common::paths::normalize;
use gox_common::{Diagnostic, FileSystem, SourceMap};
use gox_module::{PackageId, ResolveError, ResolvedPackage};
use rayon::prelude::*;

use super::load::Root;
use super::source::path_diagnostic;
use super::workspace::Workspace;

/// A pattern problem: a usage error (exit status 2).
#[derive(Debug)]
pub struct PatternError(pub String);

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn is_file_pattern(p: &str) -> bool {
    p.ends_with(".gox")
}

/// What the patterns matched.
#[derive(Default)]
pub struct Expansion {
    /// The packages, in pattern order, each once.
    pub roots: Vec<Root>,
    /// Errors met on the way (a directory under `./...` that cannot be
    /// read, a named file that does not exist): errors of the build.
    pub diagnostics: Vec<Diagnostic>,
    /// Patterns that matched nothing: a warning, as in Go.
    pub warnings: Vec<String>,
}

/// The packages the patterns name; `Err` for a usage error.
pub fn expand_patterns(ws: &Workspace, map: &SourceMap, patterns: &[String]) -> Result<Expansion, PatternError> {
    let mut out = Expansion::default();
    let files: Vec<&String> = patterns.iter().filter(|p| is_file_pattern(p)).collect();
    if !files.is_empty() {
        if files.len() != patterns.len() {
            return Err(PatternError("cannot mix .gox files and package patterns".to_string()));
        }
        out.roots.push(named_files(ws, map, patterns, &mut out.diagnostics)?);
        return Ok(out);
    }
    let default = [".".to_string()];
    let patterns = if patterns.is_empty() { &default[..] } else { patterns };
    for pattern in patterns {
        let before = out.roots.len() + out.diagnostics.len();
        expand_one(ws, map, pattern, &mut out)?;
        if out.roots.len() + out.diagnostics.len() == before {
            out.warnings.push(format!("\"{pattern}\" matched no packages"));
        }
    }
    Ok(out)
}

/// `gox check a.gox b.gox`: one package of exactly these files, as the go
/// command forms `command-line-arguments` (test files and files a build
/// constraint would leave out included).
fn named_files(ws: &Workspace, map: &SourceMap, names: &[String], diagnostics: &mut Vec<Diagnostic>) -> Result<Root, PatternError> {
    let paths: Vec<PathBuf> = names.iter().map(|n| normalize(&ws.cwd.join(n))).collect();
    let dir = paths[0].parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(other) = paths.iter().find(|p| p.parent() != Some(dir.as_path())) {
        return Err(PatternError(format!(
            "named files must all be in one directory; have {} and {}",
            ws.display(&dir),
            ws.display(other.parent().unwrap_or(Path::new("/")))
        )));
    }
    let mut files = Vec::new();
    for path in paths {
        if ws.fs.inner.is_file(&path) {
            if !files.contains(&path) {
                files.push(path);
            }
        } else if ws.fs.inner.is_dir(&path) {
            return Err(PatternError(format!("{} is a directory, not a .gox file", ws.display(&path))));
        } else {
            diagnostics.push(path_diagnostic(map, &path, "no such file"));
        }
    }
    let id = ws.resolver.package_for_dir(&dir).ok_or_else(|| {
        PatternError(format!("directory {} is outside the module rooted at {}", ws.display(&dir), ws.display(&ws.root)))
    })?;
    let package = ws.resolver.package(&id).map_err(|e| PatternError(e.message(&ws.cwd)))?;
    Ok(Root { package, files: Some(files), explicit: true })
}

fn expand_one(ws: &Workspace, map: &SourceMap, pattern: &str, out: &mut Expansion) -> Result<(), PatternError> {
    let is_relative = pattern == "." || pattern == ".." || pattern.starts_with("./") || pattern.starts_with("../");
    if is_relative || Path::new(pattern).is_absolute() || pattern == "..." {
        let (base, recursive) = match pattern.strip_suffix("/...") {
            Some(base) => (base, true),
            None if pattern == "..." => (".", true),
            None => (pattern, false),
        };
        let dir = normalize(&ws.cwd.join(base));
        if !dir.starts_with(&ws.root) {
            return Err(PatternError(format!(
                "directory {} is outside the module rooted at {}",
                ws.display(&dir),
                ws.display(&ws.root)
            )));
        }
        if !ws.fs.inner.is_dir(&dir) {
            return Err(PatternError(format!("pattern {pattern}: directory {} does not exist", ws.display(&dir))));
        }
        let dirs = if recursive {
            let found = discover(&ws.fs, &dir);
            for err in found.errors {
                out.diagnostics.push(path_diagnostic(map, err.path(), &format!("cannot read directory: {}", err.reason())));
            }
            found.dirs
        } else {
            vec![dir]
        };
        // Each directory's package is found on the pool, in order.
        let packages: Vec<Option<Result<ResolvedPackage, ResolveError>>> =
            dirs.par_iter().map(|d| ws.resolver.package_for_dir(d).map(|id| ws.resolver.package(&id))).collect();
        out.roots.reserve(packages.len());
        // Distinct directories are distinct packages: only roots of earlier
        // patterns can repeat. They are looked up in linear time (./...
        // may match 20,000 directories), and the first pattern, usually
        // the only one, skips the table (serial work before loading).
        let mut have: Option<HashSet<PackageId>> =
            (!out.roots.is_empty()).then(|| out.roots.iter().map(|r| r.package.id.clone()).collect());
        for package in packages.into_iter().flatten() {
            let package = package.map_err(|e| PatternError(e.message(&ws.cwd)))?;
            if have.as_mut().is_none_or(|have| have.insert(package.id.clone())) {
                out.roots.push(Root { package, files: None, explicit: !recursive });
            }
        }
        return Ok(());
    }
    // An import path: std, the module's own packages (with or without the
    // module path prefix).
    let id = if gox_module::is_std_package(pattern) {
        PackageId::Std(pattern.to_string())
    } else {
        let module = ws.module_path().to_string();
        let rel = if pattern == module {
            String::new()
        } else {
            pattern.strip_prefix(&format!("{module}/")).unwrap_or(pattern).to_string()
        };
        PackageId::Module { module, dir: rel }
    };
    let package = ws.resolver.package(&id).map_err(|err| PatternError(format!("package {pattern}: {}", err.message(&ws.cwd))))?;
    if !out.roots.iter().any(|r| r.package.id == package.id) {
        out.roots.push(Root { package, files: None, explicit: true });
    }
    Ok(())
}

/// Patterns for every main package of the root module (the default of
/// `gox build`): directories whose package clause says `main`, and those
/// whose files cannot tell (unreadable, no clause), so that their errors
/// are reported rather than the package skipped.
pub fn main_package_patterns(ws: &Workspace) -> Vec<String> {
    let found = discover(&ws.fs, &ws.root);
    let mut dirs: Vec<PathBuf> = found.errors.iter().map(|e| e.path().to_path_buf()).collect();
    for dir in found.dirs {
        let Ok(set) = gox_common::FileSet::list(&ws.fs, &dir, ws.resolver.build_config()) else {
            dirs.push(dir);
            continue;
        };
        let is_main = set.files.iter().any(|f| match ws.fs.read_shared(f) {
            Ok(bytes) => {
                let (text, _) = gox_syntax::decode_source(&bytes);
                let (ast, errors) = gox_syntax::parse_package_clause_and_imports(gox_common::FileId(0), &text);
                ast.name.name.as_str() == "main" || errors.iter().any(|e| e.span.lo <= ast.name.span.hi)
            }
            Err(_) => true,
        });
        if is_main {
            dirs.push(dir);
        }
    }
    dirs.sort();
    dirs.into_iter()
        .map(|d| match d.strip_prefix(&ws.cwd) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) => format!("./{}", rel.display()),
            Err(_) => d.display().to_string(),
        })
        .collect()
}
