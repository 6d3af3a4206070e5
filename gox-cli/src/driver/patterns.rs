//! Package patterns, as the go command has them: `.`, `./...`, `./dir`,
//! `./dir/...`, import paths (`fmt`, `utils`, `<module>/utils`), and `.gox`
//! files.

use std::path::{Path, PathBuf};

use gox_common::discover::discover_packages;
use gox_module::{PackageId, ResolvedPackage};
use rayon::prelude::*;

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

/// The packages the patterns name, in pattern order, each once.
pub fn expand_patterns(ws: &Workspace, patterns: &[String]) -> Result<Vec<ResolvedPackage>, PatternError> {
    let mut out: Vec<ResolvedPackage> = Vec::new();
    if let Some(files) = &ws.single_files {
        let dir = files.first().and_then(|f| f.parent()).map(Path::to_path_buf).unwrap_or_default();
        let id = ws.vfs.package_for_dir(&dir).ok_or_else(|| PatternError(format!("{}: not a package directory", dir.display())))?;
        let rp = ws.vfs.package(&id).map_err(|e| PatternError(e.to_string()))?;
        out.push(rp);
        return Ok(out);
    }
    let default = [".".to_string()];
    let patterns = if patterns.is_empty() { &default[..] } else { patterns };
    for pattern in patterns {
        let matched = expand_one(ws, pattern)?;
        if matched.is_empty() {
            return Err(PatternError(format!("pattern {pattern}: matched no packages")));
        }
        for rp in matched {
            if !out.iter().any(|o| o.id == rp.id) {
                out.push(rp);
            }
        }
    }
    Ok(out)
}

fn expand_one(ws: &Workspace, pattern: &str) -> Result<Vec<ResolvedPackage>, PatternError> {
    let is_relative = pattern == "." || pattern == ".." || pattern.starts_with("./") || pattern.starts_with("../");
    if is_relative || Path::new(pattern).is_absolute() {
        let (base, recursive) = match pattern.strip_suffix("/...") {
            Some(base) => (base, true),
            None if pattern == "..." => (".", true),
            None => (pattern, false),
        };
        let dir = normalize(&ws.cwd.join(base));
        if !dir.starts_with(&ws.root) {
            return Err(PatternError(format!(
                "directory {} is outside the module rooted at {}",
                dir.display(),
                ws.root.display()
            )));
        }
        let dirs = if recursive {
            if !ws.fs.inner.is_dir(&dir) {
                return Ok(Vec::new());
            }
            discover_packages(&ws.fs, &dir).map_err(|e| PatternError(e.to_string()))?
        } else {
            if !ws.fs.inner.is_dir(&dir) {
                return Err(PatternError(format!("directory {} does not exist", dir.display())));
            }
            vec![dir]
        };
        // Resolving a directory reads its files: in parallel.
        let resolved: Vec<_> = dirs
            .par_iter()
            .filter_map(|d| ws.vfs.package_for_dir(d))
            .map(|id| ws.vfs.package(&id))
            .collect();
        let mut out = Vec::new();
        for result in resolved {
            match result {
                Ok(rp) => out.push(rp),
                // `./...` skips directories that are not packages.
                Err(_) if recursive => {}
                Err(err) => return Err(PatternError(err.to_string())),
            }
        }
        return Ok(out);
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
    match ws.vfs.package(&id) {
        Ok(rp) => Ok(vec![rp]),
        Err(err) => Err(PatternError(format!("package {pattern}: {err}"))),
    }
}

/// `path` with `.` and `..` applied lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
