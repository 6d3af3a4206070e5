//! Reading source files into the [`SourceMap`], turning unreadable files
//! into positioned diagnostics.

use std::path::Path;
use std::sync::Arc;

use gox_common::{Diagnostic, FileSystem, SourceFile, SourceMap, Span};

/// Reads `path` and registers it in `map`, with the problems found reading
/// it. A file that cannot be read is registered empty with an error at its
/// start. Invalid UTF-8 is reported at each bad byte, as Go's scanner does
/// ("invalid UTF-8 encoding"); those bytes are replaced by spaces in the
/// registered text so that every other offset stays as in the file.
pub fn read_source<F: FileSystem + ?Sized>(fs: &F, map: &SourceMap, path: &Path) -> (Arc<SourceFile>, Vec<Diagnostic>) {
    let bytes = match fs.read_shared(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let file = map.add(path, "");
            return (file.clone(), vec![Diagnostic::error(Span::new(file.id, 0, 0), err.to_string())]);
        }
    };
    match std::str::from_utf8(&bytes) {
        Ok(text) => (map.add(path, text), Vec::new()),
        Err(_) => {
            let mut bytes = bytes.to_vec();
            let mut bad = Vec::new();
            let mut at = 0;
            while at < bytes.len() {
                match std::str::from_utf8(&bytes[at..]) {
                    Ok(_) => break,
                    Err(e) => {
                        let start = at + e.valid_up_to();
                        let len = e.error_len().unwrap_or(bytes.len() - start);
                        bad.push(start as u32);
                        for b in &mut bytes[start..start + len] {
                            *b = b' ';
                        }
                        at = start + len;
                    }
                }
            }
            let text = String::from_utf8(bytes).unwrap_or_default();
            let file = map.add(path, text);
            let diags = bad
                .into_iter()
                .map(|o| Diagnostic::error(Span::new(file.id, o, o + 1), "invalid UTF-8 encoding"))
                .collect();
            (file, diags)
        }
    }
}
