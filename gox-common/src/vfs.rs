//! The [`FileSystem`] abstraction: everything in gox that reads source or
//! module files goes through it, so that tests can run on [`MemoryFs`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::paths::normalize;
use std::time::SystemTime;

/// An error reading through a [`FileSystem`]; every variant names the path.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FsError {
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: is a directory")]
    IsADirectory { path: PathBuf },
    #[error("{path}: not a directory")]
    NotADirectory { path: PathBuf },
    #[error("{path}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    /// A malformed `//go:build` line (or several of them) in a file header.
    #[error("{path}:{line}: {message}")]
    BuildConstraint { path: PathBuf, line: u32, message: String },
}

impl FsError {
    /// What went wrong, without the path (for a message already placed at
    /// the path): `no such file or directory`, `permission denied`.
    pub fn reason(&self) -> String {
        match self {
            FsError::NotFound { .. } => "no such file or directory".to_string(),
            FsError::IsADirectory { .. } => "is a directory".to_string(),
            FsError::NotADirectory { .. } => "not a directory".to_string(),
            FsError::InvalidUtf8 { offset, .. } => format!("invalid UTF-8 at byte offset {offset}"),
            FsError::Io { message, .. } => message.clone(),
            FsError::BuildConstraint { line, message, .. } => format!("{line}: {message}"),
        }
    }

    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FsError::NotFound { path }
            | FsError::IsADirectory { path }
            | FsError::NotADirectory { path }
            | FsError::InvalidUtf8 { path, .. }
            | FsError::Io { path, .. }
            | FsError::BuildConstraint { path, .. } => path,
        }
    }
}

/// What changes when a file changes: used as a cache key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Stamp {
    /// Modification time (nanoseconds since the epoch) and size in bytes.
    Modified { nanos: u128, size: u64 },
    /// SHA-256 of the contents (for file systems without timestamps).
    Content([u8; 32]),
}

/// What a directory entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    /// Neither (a socket, a dangling symlink ...).
    Other,
}

/// Read-only access to files and directories.
pub trait FileSystem: Send + Sync {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError>;

    /// [`FileSystem::read`] into shared bytes: file systems that keep what
    /// they read hand out the same bytes again without copying.
    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        self.read(path).map(std::sync::Arc::from)
    }

    /// [`FileSystem::read_shared`] with, from a file system over the real
    /// one, the file's metadata as it was when opened, before it was read:
    /// a caller that stamps what it reads needs no `stat` of its own.
    /// `None` where there is no such metadata (or the read failed).
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        (self.read_shared(path), None)
    }

    /// The metadata of the real file at `path` (symbolic links followed),
    /// for callers that recognise a file they have read before by its size,
    /// times, inode and device. `None` where there is no real file behind
    /// the path (in-memory files, the embedded std, an editor's unsaved
    /// buffers) or it cannot be examined: such files are always read.
    fn real_metadata(&self, _path: &Path) -> Option<std::fs::Metadata> {
        None
    }

    /// The file as UTF-8 text; invalid UTF-8 is an error naming the file and
    /// the offset of the first bad byte.
    fn read_to_string(&self, path: &Path) -> Result<String, FsError> {
        let bytes = self.read(path)?;
        String::from_utf8(bytes)
            .map_err(|e| FsError::InvalidUtf8 { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })
    }

    /// The entries of a directory (file and directory names), sorted.
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError>;

    /// [`FileSystem::read_dir`] with what each entry is (symlinks followed),
    /// for file systems that learn it with the listing.
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        let names = self.read_dir(path)?;
        Ok(names
            .into_iter()
            .map(|name| {
                let child = path.join(&name);
                let kind = if self.is_file(&child) {
                    EntryKind::File
                } else if self.is_dir(&child) {
                    EntryKind::Dir
                } else {
                    EntryKind::Other
                };
                (name, kind)
            })
            .collect())
    }

    /// [`FileSystem::read_dir_kinds`] as a shared list: file systems that
    /// keep listings (`MemoFs`, the file index) hand out the one they have
    /// instead of copying every name for each caller.
    fn read_dir_shared(&self, path: &Path) -> Result<std::sync::Arc<[(String, EntryKind)]>, FsError> {
        self.read_dir_kinds(path).map(std::sync::Arc::from)
    }

    /// [`FileSystem::read_dir_kinds`], and whether any entry is a symbolic
    /// link (whose kind can change without the directory changing): `true`
    /// where the file system cannot tell.
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        Ok((self.read_dir_kinds(path)?, true))
    }

    /// [`FileSystem::read_dir_kinds_and_links`] with the directory's
    /// metadata, taken from the opened directory before its entries are
    /// read, for callers that stamp what they list (as
    /// [`FileSystem::read_shared_with_metadata`] does for files): `None`
    /// where the file system has none.
    #[allow(clippy::type_complexity)]
    fn read_dir_kinds_and_links_with_metadata(
        &self,
        path: &Path,
    ) -> (Result<(Vec<(String, EntryKind)>, bool), FsError>, Option<std::fs::Metadata>) {
        (self.read_dir_kinds_and_links(path), None)
    }

    fn is_file(&self, path: &Path) -> bool;

    fn is_dir(&self, path: &Path) -> bool;

    fn exists(&self, path: &Path) -> bool {
        self.is_file(path) || self.is_dir(path)
    }

    /// What identifies the current contents of a file; an error for a
    /// directory (`IsADirectory`) or a missing file (`NotFound`).
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError>;
}

impl<F: FileSystem + ?Sized> FileSystem for &F {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        (**self).read(path)
    }
    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        (**self).read_shared(path)
    }
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        (**self).read_shared_with_metadata(path)
    }
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        (**self).real_metadata(path)
    }
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        (**self).read_dir_kinds_and_links(path)
    }
    fn read_dir_kinds_and_links_with_metadata(
        &self,
        path: &Path,
    ) -> (Result<(Vec<(String, EntryKind)>, bool), FsError>, Option<std::fs::Metadata>) {
        (**self).read_dir_kinds_and_links_with_metadata(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        (**self).read_dir(path)
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        (**self).read_dir_kinds(path)
    }
    fn read_dir_shared(&self, path: &Path) -> Result<std::sync::Arc<[(String, EntryKind)]>, FsError> {
        (**self).read_dir_shared(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        (**self).is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        (**self).is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        (**self).stamp(path)
    }
}

impl<F: FileSystem + ?Sized> FileSystem for std::sync::Arc<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        (**self).read(path)
    }
    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        (**self).read_shared(path)
    }
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        (**self).read_shared_with_metadata(path)
    }
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        (**self).real_metadata(path)
    }
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        (**self).read_dir_kinds_and_links(path)
    }
    fn read_dir_kinds_and_links_with_metadata(
        &self,
        path: &Path,
    ) -> (Result<(Vec<(String, EntryKind)>, bool), FsError>, Option<std::fs::Metadata>) {
        (**self).read_dir_kinds_and_links_with_metadata(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        (**self).read_dir(path)
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        (**self).read_dir_kinds(path)
    }
    fn read_dir_shared(&self, path: &Path) -> Result<std::sync::Arc<[(String, EntryKind)]>, FsError> {
        (**self).read_dir_shared(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        (**self).is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        (**self).is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        (**self).stamp(path)
    }
}

/// The real file system, through `std::fs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

pub(crate) fn io_error(path: &Path, err: std::io::Error) -> FsError {
    let path = path.to_path_buf();
    match err.kind() {
        std::io::ErrorKind::NotFound => FsError::NotFound { path },
        std::io::ErrorKind::IsADirectory => FsError::IsADirectory { path },
        std::io::ErrorKind::NotADirectory => FsError::NotADirectory { path },
        _ => FsError::Io { path, message: io_reason(&err) },
    }
}

/// An I/O error as Go words it: `permission denied`, not
/// `Permission denied (os error 13)`.
fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

/// Reads a file: open, `fstat` (the size to read, and the metadata handed
/// back to callers that stamp what they read), read. The buffer is one byte
/// larger than the size, so a file that did not grow is read by one call
/// that returns exactly the size `fstat` gave. That is the whole file as
/// the metadata describes it (size, mtime): the callers stamp it with that
/// metadata, so a file that grows after `fstat` is one read just before it
/// grew, and later runs see its new stamp. No read that returns 0 follows
/// (one syscall less per file: 3,000 in a 3,000-package check). A file
/// whose size says nothing (`/proc`, a FIFO) is read until a read returns 0.
fn read_with_metadata(path: &Path) -> std::io::Result<(Vec<u8>, std::fs::Metadata)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let size = usize::try_from(meta.len()).ok().filter(|_| meta.is_file());
    let mut bytes = vec![0u8; size.unwrap_or(0).saturating_add(1)];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if Some(filled) == size {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok((bytes, meta))
}

impl FileSystem for RealFs {
    // No stat of the path before the call: the kernel reports EISDIR and
    // ENOTDIR itself, and reading packages is a hot path.
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        read_with_metadata(path).map(|(bytes, _)| bytes).map_err(|e| io_error(path, e))
    }

    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        self.read_shared_with_metadata(path).0
    }

    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        match read_with_metadata(path) {
            Ok((bytes, meta)) => (Ok(bytes.into()), Some(meta)),
            Err(e) => (Err(io_error(path, e)), None),
        }
    }

    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        std::fs::metadata(path).ok()
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(path).map_err(|e| io_error(path, e))? {
            let entry = entry.map_err(|e| io_error(path, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }

    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        self.read_dir_kinds_and_links(path).map(|(entries, _)| entries)
    }

    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        self.read_dir_kinds_and_links_with_metadata(path).0
    }

    // One open of the directory: its metadata from the descriptor (no
    // `stat` of the path besides: one syscall less per directory, 3,000 in
    // a 3,000-package check), then its entries. The kinds come with the
    // entries (d_type) except for symbolic links, which are followed.
    fn read_dir_kinds_and_links_with_metadata(
        &self,
        path: &Path,
    ) -> (Result<(Vec<(String, EntryKind)>, bool), FsError>, Option<std::fs::Metadata>) {
        use rustix::fs::{FileType, Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
        let dir = match rustix::fs::open(path, flags, Mode::empty()) {
            Ok(fd) => std::fs::File::from(fd),
            Err(e) => return (Err(io_error(path, e.into())), None),
        };
        let meta = match dir.metadata() {
            Ok(meta) => meta,
            Err(e) => return (Err(io_error(path, e)), None),
        };
        let mut entries = match rustix::fs::Dir::new(dir) {
            Ok(entries) => entries,
            Err(e) => return (Err(io_error(path, e.into())), Some(meta)),
        };
        let mut listed = Vec::new();
        let mut links = false;
        while let Some(entry) = entries.read() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return (Err(io_error(path, e.into())), Some(meta)),
            };
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let name = String::from_utf8_lossy(name).into_owned();
            let kind = match entry.file_type() {
                FileType::RegularFile => EntryKind::File,
                FileType::Directory => EntryKind::Dir,
                // A symbolic link, or a file system that does not say
                // (d_type unknown, as std's `DirEntry::file_type` then
                // asks `lstat`): what the path leads to.
                kind @ (FileType::Symlink | FileType::Unknown) => {
                    let child = path.join(&name);
                    let lstat = if kind == FileType::Unknown { std::fs::symlink_metadata(&child).ok() } else { None };
                    // An entry that vanished counts as a link: its kind
                    // can change without the directory changing.
                    let link = kind == FileType::Symlink || lstat.as_ref().is_none_or(|m| m.file_type().is_symlink());
                    links |= link;
                    let meta = if link { std::fs::metadata(&child).ok() } else { lstat };
                    match meta {
                        Some(m) if m.is_file() => EntryKind::File,
                        Some(m) if m.is_dir() => EntryKind::Dir,
                        _ => EntryKind::Other,
                    }
                }
                _ => EntryKind::Other,
            };
            listed.push((name, kind));
        }
        listed.sort_by(|a, b| a.0.cmp(&b.0));
        (Ok((listed, links)), Some(meta))
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        if meta.is_dir() {
            return Err(FsError::IsADirectory { path: path.to_path_buf() });
        }
        let nanos = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Ok(Stamp::Modified { nanos, size: meta.len() })
    }
}

/// An in-memory file system built from (path, contents) pairs. Directories
/// are implied by the files they contain; empty ones can be added with
/// [`MemoryFs::insert_dir`]. Paths are normalised lexically (`.` dropped,
/// `..` applied), so `a/./b` and `a/c/../b` are the same file. Errors match
/// [`RealFs`] on Unix: reading through a file (`f.gox/x`) is `NotADirectory`.
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
}

/// The first component of `path` below `dir`, if `path` is strictly under it.
fn child_name(dir: &Path, path: &Path) -> Option<String> {
    let c = path.strip_prefix(dir).ok()?.components().next()?;
    Some(c.as_os_str().to_string_lossy().into_owned())
}

impl MemoryFs {
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    pub fn from_files<P, C, I>(files: I) -> MemoryFs
    where
        P: AsRef<Path>,
        C: AsRef<[u8]>,
        I: IntoIterator<Item = (P, C)>,
    {
        let mut fs = MemoryFs::new();
        for (p, c) in files {
            fs.insert(p, c);
        }
        fs
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        self.files.insert(normalize(path.as_ref()), contents.as_ref().to_vec());
    }

    /// Adds a directory, which exists even when no file is under it.
    pub fn insert_dir(&mut self, path: impl AsRef<Path>) {
        self.dirs.insert(normalize(path.as_ref()));
    }

    pub fn remove(&mut self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        self.files.remove(&normalize(path.as_ref()))
    }

    /// Every file, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, c)| (p.as_path(), c.as_slice()))
    }

    /// Whether some proper ancestor of `key` is a file (so `key` cannot exist).
    fn under_file(&self, key: &Path) -> bool {
        key.ancestors().skip(1).any(|a| self.files.contains_key(a))
    }

    /// Files and explicit directories strictly under `key`.
    fn entries_under<'a>(&'a self, key: &'a Path) -> impl Iterator<Item = &'a Path> + 'a {
        let files = self.files.range(key.to_path_buf()..).map(|(p, _)| p).take_while(move |p| p.starts_with(key));
        let dirs = self.dirs.range(key.to_path_buf()..).take_while(move |p| p.starts_with(key));
        files.chain(dirs).map(|p| p.as_path()).filter(move |p| *p != key)
    }

    fn missing(&self, key: &Path, path: &Path) -> FsError {
        if self.under_file(key) {
            FsError::NotADirectory { path: path.to_path_buf() }
        } else {
            FsError::NotFound { path: path.to_path_buf() }
        }
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        let key = normalize(path);
        if let Some(c) = self.files.get(&key) {
            return Ok(c.clone());
        }
        if self.is_dir(path) {
            return Err(FsError::IsADirectory { path: path.to_path_buf() });
        }
        Err(self.missing(&key, path))
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        let key = normalize(path);
        if self.files.contains_key(&key) {
            return Err(FsError::NotADirectory { path: path.to_path_buf() });
        }
        if !self.is_dir(path) {
            return Err(self.missing(&key, path));
        }
        let mut names: Vec<String> = self.entries_under(&key).filter_map(|p| child_name(&key, p)).collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&normalize(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        let key = normalize(path);
        if self.files.contains_key(&key) || self.under_file(&key) {
            return false;
        }
        self.dirs.contains(&key) || self.entries_under(&key).next().is_some()
    }

    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        use sha2::{Digest, Sha256};
        let bytes = self.read(path)?;
        Ok(Stamp::Content(Sha256::digest(&bytes).into()))
    }
}
