//! Reading source files into the [`SourceMap`], turning unreadable files
//! into positioned diagnostics.

use std::path::Path;
use std::sync::Arc;

use gox_common::{Diagnostic, FileSystem, SourceFile, SourceMap, Span};

/// Reads `path` and registers it in `map`. Invalid UTF-8 is reported at the
/// first bad byte, as Go's scanner does ("invalid UTF-8 encoding"); a file
/// that cannot be read is reported at its start.
pub fn read_source<F: FileSystem + ?Sized>(fs: &F, map: &SourceMap, path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = match fs.read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let file = map.add(path, "");
            return Err(Diagnostic::error(Span::new(file.id, 0, 0), err.to_string()));
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(map.add(path, text)),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to() as u32;
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = map.add(path, text);
            Err(Diagnostic::error(Span::new(file.id, offset, offset + 1), "invalid UTF-8 encoding"))
        }
    }
}
