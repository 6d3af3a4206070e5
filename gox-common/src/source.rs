//! Source positions: files registered in a [`SourceMap`] get a [`FileId`];
//! a [`Span`] is a byte range in one file. Line/column lookup is a binary
//! search over precomputed line starts; columns are 1-based bytes, as Go
//! reports them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// Identifies one file registered in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range `[lo, hi)` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub fn new(file: FileId, lo: u32, hi: u32) -> Span {
        Span { file, lo, hi }
    }

    /// The empty span at the start of `self`.
    pub fn start(self) -> Span {
        Span { hi: self.lo, ..self }
    }

    /// The empty span at the end of `self`.
    pub fn end(self) -> Span {
        Span { lo: self.hi, ..self }
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, lo: self.lo.min(other.lo), hi: self.hi.max(other.hi) }
    }

    pub fn len(self) -> u32 {
        self.hi - self.lo
    }

    pub fn is_empty(self) -> bool {
        self.hi == self.lo
    }

    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.lo <= other.lo && other.hi <= self.hi
    }
}

/// A 1-based line and 1-based byte column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// One source file: its path (as it should be shown to the user), its text
/// and the byte offsets of its line starts.
///
/// A file may be registered before it is read ([`SourceMap::add_deferred`]):
/// when an index of files read by an earlier run already knows all a
/// command needs of it (its hash, its header), the text is read only if
/// something asks for it.
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    text: OnceLock<Arc<str>>,
    /// Reads the text of a deferred file, on first use.
    load: Option<Box<dyn Fn() -> Arc<str> + Send + Sync>>,
    /// The length of the text as registered (for a deferred file, the
    /// length it had when it was indexed).
    len: u32,
    /// For a deferred file, its number of lines as registered.
    lines: u32,
    /// Set for a path that is not source text (a directory, a file that
    /// could not be read): diagnostics about it show the path alone, as
    /// Go shows `open dir: permission denied`.
    pub path_only: bool,
    /// Computed on first use: most files never need a position.
    line_starts: OnceLock<Vec<u32>>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("id", &self.id)
            .field("path", &self.path)
            .field("len", &self.len)
            .field("loaded", &self.is_loaded())
            .field("path_only", &self.path_only)
            .finish()
    }
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, text: Arc<str>) -> SourceFile {
        let len = text.len() as u32;
        SourceFile { id, path, text: OnceLock::from(text), load: None, len, lines: 0, path_only: false, line_starts: OnceLock::new() }
    }

    /// The file's text (read now if the file was registered deferred).
    pub fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| match &self.load {
            Some(load) => load(),
            None => Arc::from(""),
        })
    }

    /// The length of the text in bytes, without reading a deferred file.
    pub fn len(&self) -> usize {
        match self.text.get() {
            Some(text) => text.len(),
            None => self.len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the text is in memory (always, unless registered deferred
    /// and not asked for yet).
    pub fn is_loaded(&self) -> bool {
        self.text.get().is_some()
    }

    fn starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(memchr_newlines(self.text().as_bytes()));
            starts
        })
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let line = match self.starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        LineCol { line: line as u32 + 1, col: offset - self.starts()[line] + 1 }
    }

    /// Byte range of the 1-based `line`, without its newline.
    pub fn line_range(&self, line: u32) -> Option<(u32, u32)> {
        let i = line.checked_sub(1)? as usize;
        let lo = *self.starts().get(i)?;
        let hi = self.starts().get(i + 1).map(|&s| s - 1).unwrap_or(self.text().len() as u32);
        Some((lo, hi))
    }

    /// The number of lines (without reading a deferred file).
    pub fn line_count(&self) -> usize {
        match (&self.load, self.text.get()) {
            (Some(_), None) => self.lines as usize,
            _ => self.starts().len(),
        }
    }

    /// The text of the 1-based `line`, without its line ending (`\n` or `\r\n`).
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let (lo, hi) = self.line_range(line)?;
        let text = self.text().get(lo as usize..hi as usize)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The byte offset of a 1-based line and byte column, if it is inside the
    /// file (the column may point just past the end of the line).
    pub fn offset(&self, pos: LineCol) -> Option<u32> {
        let (lo, hi) = self.line_range(pos.line)?;
        let offset = lo.checked_add(pos.col.checked_sub(1)?)?;
        (offset <= hi).then_some(offset)
    }

    /// The source text of `span` (which must be in this file), if its bounds
    /// are inside the text and on character boundaries.
    pub fn snippet(&self, span: Span) -> Option<&str> {
        self.text().get(span.lo as usize..span.hi as usize)
    }

    /// Byte offsets of the line starts (the first is 0).
    pub fn line_starts(&self) -> &[u32] {
        self.starts()
    }
}

/// All files of one run. Cheap to share: files are behind `Arc` and the map
/// is append-only, so any thread may add or look up files.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: RwLock<Vec<Arc<SourceFile>>>,
    /// The latest file registered under each path.
    /// By path ([`crate::paths::path_key`]).
    by_path: RwLock<rustc_hash::FxHashMap<Box<[u8]>, FileId>>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&self, path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        self.insert(path.into(), text.into(), false)
    }

    /// Registers a path that has no source text to point into (a directory,
    /// an unreadable file): diagnostics at it render as `path: message`.
    pub fn add_path(&self, path: impl Into<PathBuf>) -> Arc<SourceFile> {
        self.insert(path.into(), Arc::from(""), true)
    }

    /// Registers a file whose text is not read yet: `len` and `lines` are
    /// its length in bytes and its number of lines as far as the caller
    /// knows, `load` reads it when something first asks for the text (line
    /// and column lookups, snippets).
    pub fn add_deferred(
        &self,
        path: impl Into<PathBuf>,
        len: u32,
        lines: u32,
        load: Box<dyn Fn() -> Arc<str> + Send + Sync>,
    ) -> Arc<SourceFile> {
        self.register(path.into(), |id, path| SourceFile {
            id,
            path,
            text: OnceLock::new(),
            load: Some(load),
            len,
            lines,
            path_only: false,
            line_starts: OnceLock::new(),
        })
    }

    fn insert(&self, path: PathBuf, text: Arc<str>, path_only: bool) -> Arc<SourceFile> {
        self.register(path, |id, path| {
            let mut file = SourceFile::new(id, path, text);
            file.path_only = path_only;
            file
        })
    }

    fn register(&self, path: PathBuf, make: impl FnOnce(FileId, PathBuf) -> SourceFile) -> Arc<SourceFile> {
        // Copies happen before taking the locks: threads add files at once.
        let key: Box<[u8]> = crate::paths::path_key(&path).into();
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        let id = FileId(files.len() as u32);
        let file = Arc::new(make(id, path));
        files.push(file.clone());
        self.by_path.write().unwrap_or_else(|e| e.into_inner()).insert(key, id);
        file
    }

    pub fn get(&self, id: FileId) -> Option<Arc<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).get(id.0 as usize).cloned()
    }

    pub fn file(&self, id: FileId) -> Arc<SourceFile> {
        self.get(id).expect("FileId from another SourceMap")
    }

    pub fn path(&self, id: FileId) -> PathBuf {
        self.file(id).path.clone()
    }

    pub fn line_col(&self, span: Span) -> LineCol {
        self.file(span.file).line_col(span.lo)
    }

    /// Like [`SourceMap::line_col`], but `None` for a span of another map.
    pub fn try_line_col(&self, span: Span) -> Option<LineCol> {
        Some(self.get(span.file)?.line_col(span.lo))
    }

    /// The text of the 1-based `line` of a file, without its line ending.
    pub fn line_text(&self, file: FileId, line: u32) -> Option<String> {
        Some(self.get(file)?.line_text(line)?.to_string())
    }

    /// The source text of `span`, if it is a valid range of its file.
    pub fn snippet(&self, span: Span) -> Option<String> {
        Some(self.get(span.file)?.snippet(span)?.to_string())
    }

    /// Every file, in the order they were added.
    pub fn files(&self) -> Vec<Arc<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.by_path.read().unwrap_or_else(|e| e.into_inner()).get(crate::paths::path_key(path)).copied()
    }

    pub fn len(&self) -> usize {
        self.files.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_in_bytes() {
        let map = SourceMap::new();
        let f = map.add("a.gox", "package a\n\nvar é = 1\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(f.line_col(10), LineCol { line: 2, col: 1 });
        assert_eq!(f.line_col(11), LineCol { line: 3, col: 1 });
        // `=` comes after the two-byte `é` and a space.
        assert_eq!(f.line_col(18), LineCol { line: 3, col: 8 });
        assert_eq!(f.line_range(3), Some((11, 21)));
    }

    #[test]
    fn line_text_offset_and_snippet() {
        let map = SourceMap::new();
        let f = map.add("b.gox", "package b\r\n\nvar é = 1");
        assert_eq!(f.line_text(1), Some("package b"));
        assert_eq!(f.line_text(2), Some(""));
        assert_eq!(f.line_text(3), Some("var é = 1"));
        assert_eq!(f.line_text(4), None);
        assert_eq!(f.line_text(0), None);
        assert_eq!(map.line_text(f.id, 3), Some("var é = 1".to_string()));
        assert_eq!(map.line_text(FileId(9), 1), None);
        assert_eq!(f.offset(LineCol { line: 3, col: 8 }), Some(19));
        assert_eq!(f.offset(LineCol { line: 3, col: 11 }), Some(22));
        assert_eq!(f.offset(LineCol { line: 3, col: 12 }), None);
        assert_eq!(f.offset(LineCol { line: 3, col: 0 }), None);
        assert_eq!(map.snippet(Span::new(f.id, 12, 15)), Some("var".to_string()));
        // Not a character boundary: inside `é`.
        assert_eq!(map.snippet(Span::new(f.id, 16, 17)), None);
        assert_eq!(map.try_line_col(Span::new(FileId(9), 0, 0)), None);
        assert_eq!(map.files().len(), 1);
    }

    #[test]
    fn source_map_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SourceMap>();
        check::<SourceFile>();
    }
}

/// Offsets just past each `\n`.
fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i as u32 + 1)
}
