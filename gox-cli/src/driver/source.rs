//! Reading source files into the [`SourceMap`]: every problem a
//! positioned diagnostic.

use std::path::Path;
use std::sync::Arc;

use gox_common::{Diagnostic, FileSystem, SourceFile, SourceMap, Span};

/// Reads `path` and registers it in `map`, with the encoding problems found
/// in it: each byte that is no UTF-8 encoding is reported as the lexer
/// reports it ([`gox_syntax::decode_source`]), so `gox parse` and `gox
/// check` agree. A file that cannot be read is an error at its path.
pub fn read_source<F: FileSystem + ?Sized>(
    fs: &F,
    map: &SourceMap,
    path: &Path,
) -> Result<(Arc<SourceFile>, Vec<Diagnostic>), Diagnostic> {
    let bytes = match fs.read_shared(path) {
        Ok(bytes) => bytes,
        Err(err) => return Err(path_diagnostic(map, path, &format!("cannot read file: {}", err.reason()))),
    };
    let (text, bad) = gox_syntax::decode_source(&bytes);
    let file = map.add(path, text);
    let diags = bad
        .into_iter()
        .map(|o| Diagnostic::error(Span::new(file.id, o, o + 1), gox_syntax::INVALID_UTF8))
        .collect();
    Ok((file, diags))
}

/// An error about a path as a whole (a directory, an unreadable file),
/// shown as `path: message`.
pub fn path_diagnostic(map: &SourceMap, path: &Path, message: &str) -> Diagnostic {
    let file = map.add_path(path);
    Diagnostic::error(Span::new(file.id, 0, 0), message)
}
