//! Reading source files into the [`SourceMap`]: every problem a
//! positioned diagnostic.

use std::path::Path;
use std::sync::Arc;

use gox_common::{Diagnostic, FileSystem, SourceFile, SourceMap, Span};

/// Reads `path` and registers it in `map`, with the encoding problems found
/// in it: each byte that is no UTF-8 encoding is reported as the lexer
/// reports it ([`gox_syntax::decode_source`]), so `gox parse` and `gox
/// check` agree. A file that cannot be read is an error at its path. The
/// file's metadata as it was opened comes along where the file system
/// has it (a real file read for the first time).
pub fn read_source<F: FileSystem + ?Sized>(
    fs: &F,
    map: &SourceMap,
    path: &Path,
) -> Result<(Arc<SourceFile>, Vec<Diagnostic>, Option<std::fs::Metadata>), Diagnostic> {
    let (bytes, meta) = match fs.read_shared_with_metadata(path) {
        (Ok(bytes), meta) => (bytes, meta),
        (Err(err), _) => return Err(path_diagnostic(map, path, &format!("cannot read file: {}", err.reason()))),
    };
    let (text, bad) = decode(bytes);
    let file = map.add(path, text);
    let diags = bad
        .into_iter()
        .map(|o| Diagnostic::error(Span::new(file.id, o, o + 1), gox_syntax::INVALID_UTF8))
        .collect();
    Ok((file, diags, meta))
}

/// The text of `path` as [`read_source`] would register it, for a file
/// registered before it was read; empty if it cannot be read now (whoever
/// registered it finds the text not what it expected).
pub fn read_text<F: FileSystem + ?Sized>(fs: &F, path: &Path) -> Arc<str> {
    match fs.read_shared(path) {
        Ok(bytes) => decode(bytes).0,
        Err(_) => Arc::from(""),
    }
}

/// The text of `bytes` and the offsets of the bytes that are no UTF-8.
fn decode(bytes: Arc<[u8]>) -> (Arc<str>, Vec<u32>) {
    match shared_str(bytes) {
        Ok(text) => (text, Vec::new()),
        Err(bytes) => {
            let (text, bad) = gox_syntax::decode_source(&bytes);
            (Arc::from(text), bad)
        }
    }
}

/// The bytes as text without copying them, when they are UTF-8: the
/// source map then shares the buffer the file system read (and may keep).
fn shared_str(bytes: Arc<[u8]>) -> Result<Arc<str>, Arc<[u8]>> {
    if std::str::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: `str` is `[u8]` known to be UTF-8, with the same layout and
    // metadata (the length); the bytes were checked just above and nothing
    // can change them behind a shared `Arc`.
    Ok(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}

/// An error about a path as a whole (a directory, an unreadable file),
/// shown as `path: message`.
pub fn path_diagnostic(map: &SourceMap, path: &Path, message: &str) -> Diagnostic {
    let file = map.add_path(path);
    Diagnostic::error(Span::new(file.id, 0, 0), message)
}
