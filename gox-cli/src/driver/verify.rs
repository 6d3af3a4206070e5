//! Verification for the commands: gox-module's [`verify_module`] over the
//! real file system, its errors as diagnostics in gox.lock.

use gox_common::{Diagnostic, FileSystem, LineCol, RealFs, SourceMap, Span};
use gox_module::lockfile::lock_path;
use gox_module::verify::verify_module;
use gox_module::LockFile;

use super::source::path_diagnostic;
use super::workspace::Workspace;

/// Verifies every dependency of the closure: the problems, one per
/// module, as errors in gox.lock: at the hash a module no longer matches,
/// at the position of a syntax error, or at the file for a module it does
/// not record.
pub fn verify_closure(ws: &Workspace, map: &SourceMap) -> Vec<Diagnostic> {
    let path = lock_path(&ws.root);
    let (file, lock) = if RealFs.is_file(&path) {
        let text = match RealFs.read_to_string(&path) {
            Ok(text) => text,
            Err(e) => return vec![path_diagnostic(map, &path, &format!("cannot read file: {}", e.reason()))],
        };
        let file = map.add(&path, text);
        match LockFile::parse(&path, &file.text) {
            Ok(lock) => (Some(file), lock),
            Err(e) => {
                let at = file.offset(LineCol { line: e.pos.line, col: e.pos.col }).unwrap_or(0);
                return vec![Diagnostic::error(Span::new(file.id, at, at), e.message)];
            }
        }
    } else {
        (None, LockFile::new())
    };
    let mut problems = Vec::new();
    for module in ws.closure().modules() {
        let Err(err) = verify_module(&RealFs, &lock, module) else { continue };
        let message = err.message(&ws.cwd);
        let recorded = module.version.as_ref().and_then(|v| lock.get(&module.path, v));
        let at = match (&file, recorded) {
            (Some(file), Some(entry)) => file.text.find(&format!("\"{}\"", entry.hash)).map(|o| {
                let o = o as u32 + 1;
                Diagnostic::error(Span::new(file.id, o, o + entry.hash.len() as u32), &message)
            }),
            _ => None,
        };
        problems.push(at.unwrap_or_else(|| path_diagnostic(map, &path, &message)));
    }
    problems
}
