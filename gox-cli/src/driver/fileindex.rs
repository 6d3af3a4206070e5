//! The file index: what the loader learnt from each source file it read
//! (the SHA-256 of its text and its header: package clause, imports, build
//! constraint), by the file's stamp, so that a later run finds an unchanged
//! file by one `stat` and reads it only if a package of it must be checked.
//! After a one-line edit in a project of 3,000 packages, the re-check reads
//! one file instead of 3,000.
//!
//! A stamp is the file's size, modification and change times, inode and
//! device, as the run record ([`super::replay`]) compares them. A file
//! changed twice within the file system's clock tick could keep its stamp,
//! so, as with run records, a file changed less than [`RACY`] before it was
//! stamped is not indexed. Only files whose header has no error and whose
//! text is UTF-8 are indexed: the others are read every time, so their
//! errors are always reported from their text.
//!
//! Directories are indexed the same way, by their own stamp (an entry
//! added, removed or renamed changes it): [`IndexedFs`] answers a listing
//! of an unchanged directory from the index. A listing with a symbolic
//! link in it is not indexed (what the link points to can change without
//! the directory changing).
//!
//! One index per directory gox runs in, build configuration and gox build
//! lives at `$GOXCACHE/files/<key>`, written whole (atomically) by a run
//! that read a file or listed a directory the index did not have as it is,
//! holding the files and directories that run looked at.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use gox_common::paths::path_key;
use gox_common::{BuildConfig, EntryKind, FileSystem, FsError, Stamp};
use rustc_hash::FxHashMap as HashMap;

use super::binary::{self, put_i128, put_str, put_u32, put_u64, Reader};
use super::cache::{read_and_refresh, write_atomic, Hash, KeyBuilder};
use super::replay::RACY;

/// What identifies the contents of a regular file without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStamp {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
}

impl FileStamp {
    /// The stamp of a regular file; `None` for anything else.
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        meta.is_file().then(|| FileStamp::from_metadata(meta))
    }

    /// The stamp of a directory; `None` for anything else.
    pub fn of_dir(meta: &std::fs::Metadata) -> Option<FileStamp> {
        meta.is_dir().then(|| FileStamp::from_metadata(meta))
    }

    fn from_metadata(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            size: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }

    /// Whether the file changed less than [`RACY`] before `now`.
    fn is_racy(&self, now: SystemTime) -> bool {
        let since = now.checked_sub(RACY).unwrap_or(UNIX_EPOCH);
        let since = since.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        self.mtime_ns >= since || self.ctime_ns >= since
    }
}

/// One import spec of a header: its path, whether it is an `@` import and
/// the span of the path in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedImport {
    pub path: String,
    pub external: bool,
    pub lo: u32,
    pub hi: u32,
}

/// What the loader needs of a file it does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedFile {
    pub sha256: Hash,
    /// The length of the text in bytes, and its number of lines.
    pub len: u32,
    pub lines: u32,
    /// The package clause's name and the span of the name.
    pub package: Option<(String, u32, u32)>,
    pub imports: Vec<IndexedImport>,
    /// The build constraint line that leaves the file out of the build.
    pub excluded_by: Option<String>,
}

/// By path ([`path_key`]).
type Entries = HashMap<Box<[u8]>, (FileStamp, Arc<IndexedFile>)>;

/// A directory's entries, sorted by name, with their kinds.
type Listing = Arc<[(String, EntryKind)]>;

type Dirs = HashMap<Box<[u8]>, (FileStamp, Listing)>;

/// The entries of the stored index by path. Values are decoded when looked
/// up, on the loader's threads: decoding 6,000 of them up front, while the
/// run waited, took 2-4 ms at 3,001 packages.
type Stored = HashMap<Box<[u8]>, StoredEntry>;

/// An entry of the stored index.
struct StoredEntry {
    stamp: FileStamp,
    /// Where its value lies in the index's bytes.
    at: usize,
    /// Looked up (its stamp matching) by this process: kept by the next
    /// save. A flag, not an insertion into `current`: a lookup takes no
    /// lock and copies nothing.
    used: AtomicBool,
}

/// The key of the index for a command run in `cwd` with `build`: what a
/// file's header means depends on the build configuration (its build
/// constraint) and on gox's parser ([`KeyBuilder`] starts with the gox
/// build).
pub fn index_key(cwd: &Path, build: &BuildConfig) -> Hash {
    let mut key = KeyBuilder::new();
    key.part("files", cwd.as_os_str().as_encoded_bytes())
        .part("goos", build.goos.as_bytes())
        .part("goarch", build.goarch.as_bytes())
        .part("tags", build.tags.join(",").as_bytes())
        .part("tests", &[build.tests as u8]);
    key.finish()
}

/// The index of one module root and build configuration, as one run (or
/// one long-running process) uses it.
pub struct FileIndex {
    key: Hash,
    /// The stored index (its checksum checked) and its entries, as the
    /// last run left them.
    bytes: Vec<u8>,
    stored: Stored,
    stored_dirs: Stored,
    /// The files and directories this process read and indexed; with the
    /// stored entries it used, what the next save writes.
    current: Mutex<Entries>,
    current_dirs: Mutex<Dirs>,
    /// A file was indexed that the stored index did not have as it is.
    changed: AtomicBool,
    /// Deferred files found different from their entry when finally read.
    stale: Mutex<Vec<PathBuf>>,
}

/// The stored value of `path` if its stamp is `stamp`, noted as used (the
/// next save keeps it). `read` decodes a value.
fn lookup<T>(bytes: &[u8], stored: &Stored, path: &Path, stamp: &FileStamp, read: fn(&[u8]) -> Option<T>) -> Option<T> {
    let entry = stored.get(path_key(path))?;
    if entry.stamp != *stamp {
        return None;
    }
    let value = value_at(bytes, entry.at).and_then(read)?;
    entry.used.store(true, Ordering::Relaxed);
    Some(value)
}

/// `current` with the entries of `stored` it lacks (all, or those used),
/// their values decoded.
fn merged<T: Clone>(
    bytes: &[u8],
    stored: &Stored,
    current: &Mutex<HashMap<Box<[u8]>, (FileStamp, T)>>,
    all: bool,
    read: fn(&[u8]) -> Option<T>,
) -> HashMap<Box<[u8]>, (FileStamp, T)> {
    let mut merged = current.lock().unwrap_or_else(PoisonError::into_inner).clone();
    for (path, entry) in stored {
        if (all || entry.used.load(Ordering::Relaxed)) && !merged.contains_key(path) {
            if let Some(value) = value_at(bytes, entry.at).and_then(read) {
                merged.insert(path.clone(), (entry.stamp, value));
            }
        }
    }
    merged
}

/// The value whose length prefix is at `at`.
fn value_at(bytes: &[u8], at: usize) -> Option<&[u8]> {
    Reader::new(bytes.get(at..)?).bytes()
}

/// Where the index of `key` lives in the cache directory `dir`.
fn index_path(dir: &Path, key: &Hash) -> PathBuf {
    dir.join("files").join(hex::encode(key))
}

impl FileIndex {
    /// The index of `key` stored in the cache directory `dir`; empty when
    /// there is none or it is damaged.
    pub fn load(dir: &Path, key: Hash) -> FileIndex {
        FileIndex::from_bytes(key, read_and_refresh(&index_path(dir, &key)).unwrap_or_default())
    }

    /// The index `bytes` hold (empty if they are not an index of `key`).
    fn from_bytes(key: Hash, bytes: Vec<u8>) -> FileIndex {
        let (stored, stored_dirs) = decode(&bytes, &key).unwrap_or_default();
        // Sized for a run that looks at what the last one did.
        let current = Entries::with_capacity_and_hasher(stored.len(), Default::default());
        let current_dirs = Dirs::with_capacity_and_hasher(stored_dirs.len(), Default::default());
        FileIndex {
            key,
            bytes,
            stored,
            stored_dirs,
            current: Mutex::new(current),
            current_dirs: Mutex::new(current_dirs),
            changed: AtomicBool::new(false),
            stale: Mutex::default(),
        }
    }

    /// The module root and build configuration it is for.
    pub fn key(&self) -> Hash {
        self.key
    }

    /// Whether the index has an entry for `path` at all (if not, the file
    /// is read without looking at its stamp first).
    pub fn knows(&self, path: &Path) -> bool {
        self.stored.contains_key(path_key(path))
    }

    /// What the index knows of `path` as stamped.
    pub fn get(&self, path: &Path, stamp: &FileStamp) -> Option<Arc<IndexedFile>> {
        lookup(&self.bytes, &self.stored, path, stamp, read_file)
    }

    /// Indexes a file read this run, unless it changed too recently to
    /// trust its stamp.
    pub fn insert(&self, path: &Path, stamp: FileStamp, file: IndexedFile) {
        self.keep(&self.stored, &self.current, path, stamp, Arc::new(file), read_file);
    }

    /// Whether the index has a listing of `dir` at all (if not, the
    /// directory is listed without looking at its stamp first).
    fn knows_dir(&self, dir: &Path) -> bool {
        self.stored_dirs.contains_key(path_key(dir))
    }

    /// The listing of `dir` as stamped, if the index has it.
    fn listing(&self, dir: &Path, stamp: &FileStamp) -> Option<Listing> {
        lookup(&self.bytes, &self.stored_dirs, dir, stamp, read_listing)
    }

    /// Indexes a listing made this run, unless the directory changed too
    /// recently to trust its stamp.
    fn insert_dir(&self, dir: &Path, stamp: FileStamp, listing: Listing) {
        self.keep(&self.stored_dirs, &self.current_dirs, dir, stamp, listing, read_listing);
    }

    fn keep<T: PartialEq>(
        &self,
        stored: &Stored,
        current: &Mutex<HashMap<Box<[u8]>, (FileStamp, T)>>,
        path: &Path,
        stamp: FileStamp,
        value: T,
        read: fn(&[u8]) -> Option<T>,
    ) {
        if stamp.is_racy(SystemTime::now()) {
            return;
        }
        let same = |e: &StoredEntry| e.stamp == stamp && value_at(&self.bytes, e.at).and_then(read).is_some_and(|v| v == value);
        if !stored.get(path_key(path)).is_some_and(same) {
            self.changed.store(true, Ordering::Relaxed);
        }
        current.lock().unwrap_or_else(PoisonError::into_inner).insert(path_key(path).into(), (stamp, value));
    }

    /// Notes a deferred file whose text, when read, was not what the index
    /// said: it changed during the run.
    pub fn note_stale(&self, path: &Path) {
        self.stale.lock().unwrap_or_else(PoisonError::into_inner).push(path.to_path_buf());
    }

    /// Whether any of `files` was found changed during the run: results
    /// computed from them are not stored under a key made from the hash
    /// the index gave.
    pub fn any_stale(&self, files: &[Arc<gox_common::SourceFile>]) -> bool {
        let stale = self.stale.lock().unwrap_or_else(PoisonError::into_inner);
        !stale.is_empty() && files.iter().any(|f| stale.contains(&f.path))
    }

    /// The files found changed during the run so far (each once, sorted).
    pub fn take_stale(&self) -> Vec<PathBuf> {
        let mut stale = std::mem::take(&mut *self.stale.lock().unwrap_or_else(PoisonError::into_inner));
        stale.sort();
        stale.dedup();
        stale
    }

    /// The index for a process's next run (`gox check --watch`, `gox
    /// lsp`): what this one was loaded with, updated with what the run
    /// looked at and indexed, so that files read once are not read again
    /// while unchanged. With `dir`, also saved there when the run indexed
    /// something new.
    pub fn renew(&self, dir: Option<&Path>) -> FileIndex {
        let files = merged(&self.bytes, &self.stored, &self.current, true, read_file);
        let dirs = merged(&self.bytes, &self.stored_dirs, &self.current_dirs, true, read_listing);
        let bytes = encode(&files, &dirs, &self.key);
        if let (Some(dir), true) = (dir, self.changed.load(Ordering::Relaxed)) {
            self.write(dir, &bytes);
        }
        FileIndex::from_bytes(self.key, bytes)
    }

    /// Writes the files and directories looked at since the index was
    /// loaded, when one was indexed that the stored index did not have as
    /// it is now (entries of files no run looks at any more go with the
    /// next such save). Failures only cost the next run its reads.
    pub fn save(&self, dir: &Path) {
        if !self.changed.load(Ordering::Relaxed) {
            return;
        }
        let files = merged(&self.bytes, &self.stored, &self.current, false, read_file);
        let dirs = merged(&self.bytes, &self.stored_dirs, &self.current_dirs, false, read_listing);
        self.write(dir, &encode(&files, &dirs, &self.key));
    }

    /// Stores `bytes` as this index in the cache directory `dir`.
    fn write(&self, dir: &Path, bytes: &[u8]) {
        let path = index_path(dir, &self.key);
        if path.parent().is_some_and(|files| std::fs::create_dir_all(files).is_ok()) {
            write_atomic(dir, &path, bytes);
        }
    }
}

/// A file system that answers listings of directories unchanged since the
/// index saw them from the index (one `stat` instead of opening and
/// reading the directory), and indexes the listings it makes.
pub struct IndexedFs<F> {
    inner: F,
    index: Arc<FileIndex>,
}

impl<F: FileSystem> IndexedFs<F> {
    pub fn new(inner: F, index: Arc<FileIndex>) -> IndexedFs<F> {
        IndexedFs { inner, index }
    }
}

impl<F: FileSystem> IndexedFs<F> {
    /// The listing of `path` (sorted by name) and whether it holds symbolic
    /// links: from the index when the directory's stamp is unchanged.
    /// Stamped before it is listed: a change in between shows next time.
    /// A directory the index does not have is stamped from the listing's
    /// open directory instead (one `stat` less per directory of a cold run).
    fn listing(&self, path: &Path) -> Result<(Listing, bool), FsError> {
        let (listed, stamp) = if self.index.knows_dir(path) {
            let stamp = self.inner.real_metadata(path).as_ref().and_then(FileStamp::of_dir);
            if let Some(listing) = stamp.and_then(|stamp| self.index.listing(path, &stamp)) {
                return Ok((listing, false));
            }
            (self.inner.read_dir_kinds_and_links(path), stamp)
        } else {
            let (listed, meta) = self.inner.read_dir_kinds_and_links_with_metadata(path);
            (listed, meta.as_ref().and_then(FileStamp::of_dir))
        };
        let (mut entries, links) = listed?;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let listing: Listing = entries.into();
        if let (Some(stamp), false) = (stamp, links) {
            self.index.insert_dir(path, stamp, listing.clone());
        }
        Ok((listing, links))
    }
}

impl<F: FileSystem> FileSystem for IndexedFs<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        self.inner.read(path)
    }
    fn read_shared(&self, path: &Path) -> Result<Arc<[u8]>, FsError> {
        self.inner.read_shared(path)
    }
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        self.inner.read_shared_with_metadata(path)
    }
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        self.inner.real_metadata(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        Ok(self.read_dir_kinds(path)?.into_iter().map(|(name, _)| name).collect())
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        self.read_dir_kinds_and_links(path).map(|(entries, _)| entries)
    }
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        self.listing(path).map(|(entries, links)| (entries.to_vec(), links))
    }
    fn read_dir_shared(&self, path: &Path) -> Result<Listing, FsError> {
        self.listing(path).map(|(entries, _)| entries)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.inner.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        self.inner.stamp(path)
    }
}

/// What the index starts with: its format and the key it was written for.
const MAGIC: &[u8; 8] = b"goxfidx2";

fn put_stamp(out: &mut Vec<u8>, stamp: &FileStamp) {
    put_u64(out, stamp.size);
    put_i128(out, stamp.mtime_ns);
    put_i128(out, stamp.ctime_ns);
    put_u64(out, stamp.ino);
    put_u64(out, stamp.dev);
}

/// `value` after its length, as [`value_at`] reads it.
fn put_value(out: &mut Vec<u8>, value: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    put_u32(out, 0);
    value(out);
    let len = (out.len() - at - 4) as u32;
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
}

/// The index as bytes: magic, key, files, directories, then the SHA-256
/// of all that. Each entry is a path, a stamp and a value after its
/// length (found without decoding it). Paths that are not UTF-8 are left
/// out.
fn encode(entries: &Entries, dirs: &Dirs, key: &Hash) -> Vec<u8> {
    let mut out = binary::start(MAGIC, key, 64 + entries.len() * 256 + dirs.len() * 128);
    let entries: Vec<_> = entries.iter().filter_map(|(path, e)| Some((std::str::from_utf8(path).ok()?, e))).collect();
    put_u32(&mut out, entries.len() as u32);
    for (path, (stamp, file)) in entries {
        put_str(&mut out, path);
        put_stamp(&mut out, stamp);
        put_value(&mut out, |out| put_file(out, file));
    }
    let dirs: Vec<_> = dirs.iter().filter_map(|(path, d)| Some((std::str::from_utf8(path).ok()?, d))).collect();
    put_u32(&mut out, dirs.len() as u32);
    for (path, (stamp, listing)) in dirs {
        put_str(&mut out, path);
        put_stamp(&mut out, stamp);
        put_value(&mut out, |out| {
            put_u32(out, listing.len() as u32);
            for (name, kind) in listing.iter() {
                put_str(out, name);
                out.push(match kind {
                    EntryKind::File => 0,
                    EntryKind::Dir => 1,
                    EntryKind::Other => 2,
                });
            }
        });
    }
    binary::seal(&mut out);
    out
}

fn put_file(out: &mut Vec<u8>, file: &IndexedFile) {
    out.extend_from_slice(&file.sha256);
    put_u32(out, file.len);
    put_u32(out, file.lines);
    match &file.package {
        Some((name, lo, hi)) => {
            out.push(1);
            put_str(out, name);
            put_u32(out, *lo);
            put_u32(out, *hi);
        }
        None => out.push(0),
    }
    put_u32(out, file.imports.len() as u32);
    for import in &file.imports {
        put_str(out, &import.path);
        out.push(import.external as u8);
        put_u32(out, import.lo);
        put_u32(out, import.hi);
    }
    match &file.excluded_by {
        Some(line) => {
            out.push(1);
            put_str(out, line);
        }
        None => out.push(0),
    }
}

/// A file's value as [`put_file`] wrote it, all of `bytes`.
fn read_file(bytes: &[u8]) -> Option<Arc<IndexedFile>> {
    let mut r = Reader::new(bytes);
    let sha256 = r.array::<32>()?;
    let len = r.u32()?;
    let lines = r.u32()?;
    let package = match r.flag()? {
        true => Some((r.str()?.to_string(), r.u32()?, r.u32()?)),
        false => None,
    };
    let n = r.count(13)?;
    let mut imports = Vec::with_capacity(n);
    for _ in 0..n {
        imports.push(IndexedImport { path: r.str()?.to_string(), external: r.flag()?, lo: r.u32()?, hi: r.u32()? });
    }
    let excluded_by = match r.flag()? {
        true => Some(r.str()?.to_string()),
        false => None,
    };
    r.bytes.is_empty().then(|| Arc::new(IndexedFile { sha256, len, lines, package, imports, excluded_by }))
}

/// A directory's listing as [`encode`] wrote it, all of `bytes`.
fn read_listing(bytes: &[u8]) -> Option<Listing> {
    let mut r = Reader::new(bytes);
    let n = r.count(5)?;
    let mut listing = Vec::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?.to_string();
        let kind = match r.u8()? {
            0 => EntryKind::File,
            1 => EntryKind::Dir,
            2 => EntryKind::Other,
            _ => return None,
        };
        listing.push((name, kind));
    }
    r.bytes.is_empty().then(|| listing.into())
}

/// A stamp as [`put_stamp`] wrote it.
fn read_stamp(r: &mut Reader) -> Option<FileStamp> {
    Some(FileStamp { size: r.u64()?, mtime_ns: r.i128()?, ctime_ns: r.i128()?, ino: r.u64()?, dev: r.u64()? })
}

/// The entries of an index (for `key`, its checksum holding): each path's
/// stamp and where its value is in `bytes`; the values are decoded on
/// lookup ([`read_file`], [`read_listing`]).
fn decode(bytes: &[u8], key: &Hash) -> Option<(Stored, Stored)> {
    let mut r = binary::open(bytes, MAGIC, key)?;
    let mut section = || -> Option<Stored> {
        // A path, a stamp and a value's length take over 64 bytes: a count
        // the bytes cannot hold is damage, not a reason to reserve memory.
        let count = r.count(64)?;
        let mut entries = Stored::with_capacity_and_hasher(count, Default::default());
        for _ in 0..count {
            let path: Box<[u8]> = r.str()?.as_bytes().into();
            let stamp = read_stamp(&mut r)?;
            // Offsets into `bytes`, whose last 32 are the checksum.
            let at = bytes.len() - 32 - r.bytes.len();
            r.bytes()?;
            entries.insert(path, StoredEntry { stamp, at, used: AtomicBool::new(false) });
        }
        Some(entries)
    };
    let files = section()?;
    let dirs = section()?;
    r.bytes.is_empty().then_some((files, dirs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::time::Duration;

    fn old_file(path: &Path, text: &str) -> FileStamp {
        std::fs::write(path, text).unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
        // The change time cannot be set back: the test's clock is moved
        // instead, by indexing what is stamped as of a minute ago.
        let mut stamp = FileStamp::of(&std::fs::metadata(path).unwrap()).unwrap();
        stamp.ctime_ns -= 60_000_000_000;
        stamp
    }

    fn entry(n: u8) -> IndexedFile {
        IndexedFile {
            sha256: [n; 32],
            len: 42,
            lines: 3,
            package: Some(("p".to_string(), 8, 9)),
            imports: vec![
                IndexedImport { path: "fmt".to_string(), external: false, lo: 20, hi: 25 },
                IndexedImport { path: "gin/render".to_string(), external: true, lo: 30, hi: 43 },
            ],
            excluded_by: (n % 2 == 0).then(|| "//go:build ignore".to_string()),
        }
    }

    #[test]
    fn an_index_round_trips_and_holds_only_while_the_stamp_does() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let a = tmp.path().join("a.gox");
        let stamp = old_file(&a, "package p\n");
        let key = [7u8; 32];

        let index = FileIndex::load(&cache, key);
        assert!(!index.knows(&a));
        index.insert(&a, stamp, entry(1));
        index.save(&cache);

        let index = FileIndex::load(&cache, key);
        assert!(index.knows(&a));
        assert_eq!(index.get(&a, &stamp).as_deref(), Some(&entry(1)));
        let mut other = stamp;
        other.size += 1;
        assert_eq!(index.get(&a, &other), None);
        // Another key (another build configuration) shares nothing.
        assert!(!FileIndex::load(&cache, [8u8; 32]).knows(&a));
    }

    #[test]
    fn values_are_read_when_looked_up_and_a_damaged_one_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, d) = (tmp.path().join("a.gox"), tmp.path().join("d"));
        let stamp = old_file(&a, "package p\n");
        std::fs::create_dir(&d).unwrap();
        let dir_stamp = FileStamp { ctime_ns: stamp.ctime_ns, ..stamp };
        let listing: Listing = vec![("a.gox".to_string(), EntryKind::File), ("sub".to_string(), EntryKind::Dir)].into();
        let key = [5u8; 32];
        let index = FileIndex::load(tmp.path(), key);
        index.insert(&a, stamp, entry(3));
        index.insert_dir(&d, dir_stamp, listing.clone());
        index.save(tmp.path());
        let index = FileIndex::load(tmp.path(), key);
        assert_eq!(index.get(&a, &stamp).as_deref(), Some(&entry(3)));
        assert_eq!(index.listing(&d, &dir_stamp), Some(listing));
        // The same value again is no change: nothing to save.
        index.insert(&a, stamp, entry(3));
        assert!(!index.changed.load(Ordering::Relaxed));
        index.insert(&a, stamp, entry(4));
        assert!(index.changed.load(Ordering::Relaxed));

        // A value whose import count is absurd, under a mended checksum.
        let path = index_path(tmp.path(), &key);
        let mut bytes = std::fs::read(&path).unwrap();
        let body = bytes.len() - 32;
        let at = decode(&bytes, &key).unwrap().0[path_key(&a)].at;
        let count_at = at + 4 + 32 + 4 + 4 + 1 + 4 + 1 + 4 + 4;
        bytes[count_at..count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let sum = Sha256::digest(&bytes[..body]);
        bytes[body..].copy_from_slice(&sum);
        std::fs::write(&path, &bytes).unwrap();
        let index = FileIndex::load(tmp.path(), key);
        assert!(index.knows(&a));
        assert_eq!(index.get(&a, &stamp), None);
    }

    /// Three old files in `dir`, a.gox, b.gox and c.gox, and their stamps;
    /// the index of `key` saved there with a and b (entries 1 and 2).
    fn a_and_b_indexed(dir: &Path, key: Hash) -> ([PathBuf; 3], [FileStamp; 3]) {
        let paths = ["a", "b", "c"].map(|n| dir.join(format!("{n}.gox")));
        let stamps = [0, 1, 2].map(|i| old_file(&paths[i], "package p\n"));
        let index = FileIndex::load(dir, key);
        index.insert(&paths[0], stamps[0], entry(1));
        index.insert(&paths[1], stamps[1], entry(2));
        index.save(dir);
        (paths, stamps)
    }

    #[test]
    fn a_renewed_index_keeps_what_the_run_did_not_look_at_and_adds_what_it_read() {
        let tmp = tempfile::tempdir().unwrap();
        let key = [9u8; 32];
        let ([a, b, c], [sa, sb, sc]) = a_and_b_indexed(tmp.path(), key);

        // A run looks at a only, and reads and indexes c.
        let run = FileIndex::load(tmp.path(), key);
        assert_eq!(run.get(&a, &sa).as_deref(), Some(&entry(1)));
        run.insert(&c, sc, entry(3));
        let next = run.renew(Some(tmp.path()));
        for index in [&next, &FileIndex::load(tmp.path(), key)] {
            assert_eq!(index.get(&a, &sa).as_deref(), Some(&entry(1)));
            assert_eq!(index.get(&b, &sb).as_deref(), Some(&entry(2)), "not looked at, kept");
            assert_eq!(index.get(&c, &sc).as_deref(), Some(&entry(3)), "read by the run");
        }
        // Nothing new indexed: renewed in memory, nothing written.
        std::fs::remove_file(index_path(tmp.path(), &key)).unwrap();
        let again = next.renew(Some(tmp.path()));
        assert!(again.knows(&c));
        assert!(!index_path(tmp.path(), &key).exists());
    }

    #[test]
    fn a_save_keeps_what_the_run_used_and_read_and_drops_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let key = [6u8; 32];
        let ([a, b, c], [sa, sb, sc]) = a_and_b_indexed(tmp.path(), key);
        let run = FileIndex::load(tmp.path(), key);
        assert!(run.get(&a, &sa).is_some());
        let mut changed = sb;
        changed.size += 1;
        assert!(run.get(&b, &changed).is_none(), "b changed: not used");
        run.insert(&c, sc, entry(3));
        run.save(tmp.path());
        let next = FileIndex::load(tmp.path(), key);
        assert!(next.knows(&a) && next.knows(&c));
        assert!(!next.knows(&b), "no longer looked at as it was");
    }

    #[test]
    fn a_file_changed_within_the_clock_tick_is_not_indexed() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.gox");
        std::fs::write(&a, "package p\n").unwrap();
        let fresh = FileStamp::of(&std::fs::metadata(&a).unwrap()).unwrap();
        let index = FileIndex::load(tmp.path(), [1u8; 32]);
        index.insert(&a, fresh, entry(1));
        index.save(tmp.path());
        assert!(!FileIndex::load(tmp.path(), [1u8; 32]).knows(&a));
    }

    #[test]
    fn a_damaged_index_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.gox");
        let stamp = old_file(&a, "package p\n");
        let key = [3u8; 32];
        let index = FileIndex::load(tmp.path(), key);
        index.insert(&a, stamp, entry(2));
        index.save(tmp.path());
        let path = index_path(tmp.path(), &key);
        let good = std::fs::read(&path).unwrap();
        for at in [0, 9, 45, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            assert!(!FileIndex::load(tmp.path(), key).knows(&a), "flipped byte {at}");
        }
        // Cut short, or with a count no file could hold (checksum mended).
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert!(!FileIndex::load(tmp.path(), key).knows(&a));
        let mut huge = good[..good.len() - 32].to_vec();
        huge[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        let sum = Sha256::digest(&huge);
        huge.extend_from_slice(&sum);
        std::fs::write(&path, &huge).unwrap();
        assert!(!FileIndex::load(tmp.path(), key).knows(&a));
    }
}
