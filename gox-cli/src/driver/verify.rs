//! Verification for the commands: gox-module's [`verify_module`] over the
//! real file system, its errors as diagnostics in gox.lock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_common::{Diagnostic, FileSystem, LineCol, RealFs, SourceFile, SourceMap, Span};
use gox_module::lockfile::lock_path;
use gox_module::verify::{lock_root_of, verify_module};
use gox_module::LockFile;

use super::source::path_diagnostic;
use super::workspace::Workspace;

/// A gox.lock as the commands read it: its text in the source map (for
/// positions), or none when there is no file.
struct Lock {
    path: PathBuf,
    file: Option<Arc<SourceFile>>,
    lock: LockFile,
}

/// Reads the gox.lock of the module at `root`; an error is the diagnostic
/// that says why it cannot be used.
fn read_lock(root: &Path, map: &SourceMap) -> Result<Lock, Diagnostic> {
    let path = lock_path(root);
    if !RealFs.is_file(&path) {
        return Ok(Lock { path, file: None, lock: LockFile::new() });
    }
    let text = RealFs
        .read_to_string(&path)
        .map_err(|e| path_diagnostic(map, &path, &format!("cannot read file: {}", e.reason())))?;
    let file = map.add(&path, text);
    match LockFile::parse(&path, &file.text()) {
        Ok(lock) => Ok(Lock { path, file: Some(file), lock }),
        Err(e) => {
            let at = file.offset(LineCol { line: e.pos.line, col: e.pos.col }).unwrap_or(0);
            Err(Diagnostic::error(Span::new(file.id, at, at), e.message))
        }
    }
}

/// Verifies every dependency of the closure: the problems, one per
/// module, as errors in the gox.lock that pins it: at the hash a module no
/// longer matches, at the position of a syntax error, or at the file for a
/// module it does not record. A module from a workspace member's
/// `.goxdeps` is pinned by that member's gox.lock.
pub fn verify_closure(ws: &Workspace, map: &SourceMap) -> Vec<Diagnostic> {
    let mut roots = vec![ws.root.clone()];
    roots.extend(ws.closure().modules().iter().filter(|m| m.workspace).map(|m| m.dir.clone()));
    let mut locks: HashMap<PathBuf, Option<Lock>> = HashMap::new();
    let mut problems = Vec::new();
    for module in ws.closure().modules() {
        let root = lock_root_of(module, &roots).unwrap_or(&ws.root);
        let lock = locks.entry(root.to_path_buf()).or_insert_with(|| match read_lock(root, map) {
            Ok(lock) => Some(lock),
            Err(d) => {
                problems.push(d);
                None
            }
        });
        // An unusable gox.lock has been reported, once.
        let Some(Lock { path, file, lock }) = lock else { continue };
        let Err(err) = verify_module(&RealFs, lock, module) else { continue };
        let message = err.message(&ws.cwd);
        let recorded = module.version.as_ref().and_then(|v| lock.get(&module.path, v));
        let at = match (&file, recorded) {
            (Some(file), Some(entry)) => file.text().find(&format!("\"{}\"", entry.hash)).map(|o| {
                let o = o as u32 + 1;
                Diagnostic::error(Span::new(file.id, o, o + entry.hash.len() as u32), &message)
            }),
            _ => None,
        };
        problems.push(at.unwrap_or_else(|| path_diagnostic(map, path, &message)));
    }
    problems
}
