//! Between the protocol's and gox's coordinates: LSP positions (0-based
//! line, column in UTF-16 code units or, when negotiated, bytes) and byte
//! offsets; `file://` URIs and paths; and the std mirror, where files of
//! the embedded std (`/$std/fmt/print.gox`) are written so that an editor
//! can open them.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use gox_common::{SourceFile, SourceMap, Span};
use gox_module::std::STD_ROOT;
use lsp_types::{Position, Range, Uri};

use super::LspError;

/// How columns are counted (LSP's `positionEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The byte offsets of the line starts of `text`.
pub fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0];
    starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i as u32 + 1));
    starts
}

/// The byte offset of `pos` in `text`; an error past the end of a line or
/// of the text (a column inside a character counts as its end).
pub fn offset(text: &str, starts: &[u32], pos: Position, enc: Encoding) -> Result<u32, LspError> {
    let past = || LspError::InvalidParams(format!("position {}:{} is past the end of the file", pos.line, pos.character));
    let lo = *starts.get(pos.line as usize).ok_or_else(past)? as usize;
    let hi = starts.get(pos.line as usize + 1).map_or(text.len(), |&s| s as usize - 1);
    let line = &text[lo..hi];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return Ok((lo + i) as u32);
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    if units >= pos.character {
        Ok((lo + line.len()) as u32)
    } else {
        Err(past())
    }
}

/// The position of byte `offset` of `file`.
pub fn position(file: &SourceFile, offset: u32, enc: Encoding) -> Position {
    let offset = offset.min(file.text().len() as u32);
    let lc = file.line_col(offset);
    let start = file.line_starts()[lc.line as usize - 1] as usize;
    let before = file.text().get(start..offset as usize).unwrap_or("");
    let character = match enc {
        Encoding::Utf8 => before.len() as u32,
        Encoding::Utf16 => before.encode_utf16().count() as u32,
    };
    Position { line: lc.line - 1, character }
}

pub fn range(file: &SourceFile, span: Span, enc: Encoding) -> Range {
    Range { start: position(file, span.lo, enc), end: position(file, span.hi, enc) }
}

/// The range of `span` in the file of `map` it belongs to.
pub fn span_range(map: &SourceMap, span: Span, enc: Encoding) -> Option<(PathBuf, Range)> {
    let file = map.get(span.file)?;
    Some((file.path.clone(), range(&file, span, enc)))
}

/// The path a `file://` URI names.
pub fn uri_to_path(uri: &Uri) -> Result<PathBuf, LspError> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://").ok_or_else(|| LspError::InvalidParams(format!("not a file URI: {s}")))?;
    // `file:///p` or `file://localhost/p`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path).ok_or_else(|| LspError::InvalidParams(format!("bad file URI: {s}")))?;
    let path = String::from_utf8(bytes).map_err(|_| LspError::InvalidParams(format!("bad file URI: {s}")))?;
    if !path.starts_with('/') {
        return Err(LspError::InvalidParams(format!("not an absolute file URI: {s}")));
    }
    Ok(gox_common::paths::normalize(Path::new(&path)))
}

pub fn path_to_uri(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~@:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).unwrap_or_else(|_| Uri::from_str("file:///").expect("a valid URI"))
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The embedded std's files as real files under `dir`, read-only, written
/// when first shown to the editor; and the way back from those files to
/// the virtual `/$std` paths the checker knows.
pub struct StdMirror {
    dir: PathBuf,
}

impl StdMirror {
    pub fn new(dir: PathBuf) -> StdMirror {
        StdMirror { dir }
    }

    /// The path to show the editor for `path`: a std file's mirror (written
    /// now if it is missing or differs), any other path as it is.
    pub fn to_disk(&self, path: &Path) -> PathBuf {
        let Ok(rel) = path.strip_prefix(STD_ROOT) else { return path.to_path_buf() };
        let target = self.dir.join(rel);
        let std = gox_module::std::StdOverlayFs::new(gox_common::MemoryFs::new());
        let Ok(bytes) = gox_common::FileSystem::read(&std, path) else { return path.to_path_buf() };
        // Written again when another gox build left a different std there.
        if std::fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
            let written = target.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
                // Written aside and renamed: another server may be here too.
                let tmp = target.with_extension(format!("tmp{}", std::process::id()));
                std::fs::write(&tmp, &bytes)?;
                let mut perms = std::fs::metadata(&tmp)?.permissions();
                perms.set_readonly(true);
                std::fs::set_permissions(&tmp, perms)?;
                std::fs::rename(&tmp, &target)
            });
            if written.is_err() {
                return path.to_path_buf();
            }
        }
        target
    }

    /// The virtual std path of a mirrored file, or the path as it is.
    pub fn to_virtual(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.dir) {
            Ok(rel) => Path::new(STD_ROOT).join(rel),
            Err(_) => path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gox_common::FileId;

    #[test]
    fn columns_count_utf16_code_units_or_bytes() {
        let text = "a := \"é😀\" + b\nx\r\ny";
        let starts = line_starts(text);
        let b = text.find(" b").unwrap() as u32 + 1;
        // 'é' is one UTF-16 unit (2 bytes), '😀' two units (4 bytes).
        assert_eq!(offset(text, &starts, Position::new(0, 13), Encoding::Utf16).unwrap(), b);
        assert_eq!(offset(text, &starts, Position::new(0, 16), Encoding::Utf8).unwrap(), b);
        let file = SourceFile::new(FileId(0), "f.gox".into(), text.into());
        assert_eq!(position(&file, b, Encoding::Utf16), Position::new(0, 13));
        assert_eq!(position(&file, b, Encoding::Utf8), Position::new(0, 16));
        // The end of a CRLF line is before its '\r'.
        assert_eq!(offset(text, &starts, Position::new(1, 1), Encoding::Utf16).unwrap(), text.find('\r').unwrap() as u32);
        assert_eq!(offset(text, &starts, Position::new(2, 1), Encoding::Utf16).unwrap(), text.len() as u32);
    }

    #[test]
    fn positions_past_the_end_are_errors() {
        let text = "ab\ncd";
        let starts = line_starts(text);
        assert!(offset(text, &starts, Position::new(0, 3), Encoding::Utf16).is_err());
        assert!(offset(text, &starts, Position::new(2, 0), Encoding::Utf16).is_err());
        assert_eq!(offset(text, &starts, Position::new(1, 2), Encoding::Utf16).unwrap(), 5);
    }

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/my project/a+b.gox");
        let uri = path_to_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/my%20project/a%2Bb.gox");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        assert!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_err());
    }
}
