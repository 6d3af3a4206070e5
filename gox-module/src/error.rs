//! Positions shared by the errors of this crate: every error about a file
//! names it as `file:line:col` (1-based line, 1-based byte column, as Go).

use std::fmt;
use std::path::PathBuf;

/// A position in a named file, shown as `file:line:col`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FilePos {
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
}

impl FilePos {
    /// The position of byte `offset` of `text`, which is the contents of `file`.
    pub fn at(file: impl Into<PathBuf>, text: &str, offset: usize) -> FilePos {
        let (line, col) = line_col(text, offset);
        FilePos { file: file.into(), line, col }
    }
}

impl fmt::Display for FilePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// The 1-based line and 1-based byte column of byte `offset` in `text`
/// (an offset past the end is clamped to the end).
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line as u32, (offset - line_start) as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_bytes_from_one() {
        let text = "ab\ncd\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 1), (1, 2));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (3, 1));
        assert_eq!(line_col(text, 99), (3, 1));
    }
}
