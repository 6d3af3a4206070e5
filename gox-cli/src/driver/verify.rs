//! Verifying `.goxdeps` against `gox.lock`: every module of the closure is
//! recorded, and its tree hashes to the recorded hash. Next to each module
//! directory gox keeps a manifest (`gox_module::goxdeps::Manifest`) whose
//! own hash must equal the locked one; with it a mismatch names the first
//! file that differs. Modules a workspace (gox.work) uses from their
//! directories are working copies: not verified.

use std::path::Path;

use gox_common::{FileSystem, RealFs};
use gox_module::goxdeps::Manifest;
use gox_module::hash::{file_hashes, first_difference, hash_file_list};
use gox_module::lockfile::lock_path;
use gox_module::{LockFile, Module};

use gox_common::{Diagnostic, LineCol, SourceMap, Span};

use super::source::path_diagnostic;
use super::workspace::Workspace;

/// `h1:` hash prefix of a module: `<path>@v<version>`.
pub fn hash_prefix(module: &Module) -> String {
    module.display_name()
}

/// Reads the root's gox.lock (an absent file is an empty lock).
pub fn read_lock(root: &Path) -> Result<LockFile, String> {
    let path = lock_path(root);
    if !path.exists() {
        return Ok(LockFile::new());
    }
    let text = RealFs.read_to_string(&path).map_err(|e| e.to_string())?;
    LockFile::parse(&path, &text).map_err(|e| e.to_string())
}

/// Checks one module against the lock; `Err` says what is wrong, with
/// paths shown relative to `base`.
pub fn verify_module(lock: &LockFile, module: &Module, base: &Path) -> Result<(), String> {
    let Some(version) = &module.version else { return Ok(()) };
    if module.workspace {
        return Ok(());
    }
    let name = module.display_name();
    let Some(entry) = lock.get(&module.path, version) else {
        return Err(format!("{name}: not recorded in gox.lock; run: gox get {name}"));
    };
    let files = file_hashes(&RealFs, &module.dir).map_err(|e| format!("{name}: {e}"))?;
    let actual = hash_file_list(&hash_prefix(module), &files).map_err(|e| format!("{name}: {e}"))?;
    if actual == entry.hash {
        return Ok(());
    }
    let detail = match Manifest::read(&module.dir) {
        Some(expected) if expected.hash(&module.path, version).as_deref() == Some(entry.hash.as_str()) => {
            match first_difference(&expected.files, &files) {
                Some(diff) => format!("{diff}"),
                None => "contents differ".to_string(),
            }
        }
        _ => "contents differ".to_string(),
    };
    Err(format!(
        "{name}: .goxdeps does not match gox.lock: {detail}\n\tgox.lock:  {}\n\t.goxdeps:  {actual}\n\tremove {} and run: gox mod download",
        entry.hash,
        gox_common::display_path(&module.dir, Some(base))
    ))
}

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
        let Err(message) = verify_module(&lock, module, &ws.cwd) else { continue };
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
