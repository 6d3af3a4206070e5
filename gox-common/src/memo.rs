//! [`MemoFs`]: a [`FileSystem`] that asks the one it wraps about each path
//! once. Resolving a package looks at its files several times (build
//! constraints, the package clause, the full text); through a `MemoFs` the
//! disk sees one read per file and one listing per directory, and the kind
//! of every listed entry comes with the listing.
//!
//! It answers from a snapshot: use it for one command that only reads.

// Paths of the user's own tree: FxHash (no flooding concern), hashed on
// every read of every package's files.
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::paths::path_key;
use crate::vfs::{EntryKind, FileSystem, FsError, Stamp};

pub struct MemoFs<F> {
    inner: F,
    files: Mutex<HashMap<Box<[u8]>, Result<Arc<[u8]>, FsError>>>,
    dirs: Mutex<HashMap<Box<[u8]>, Result<Arc<[(String, EntryKind)]>, FsError>>>,
    /// What each path asked about outside the listings is (from stats).
    kinds: Mutex<HashMap<Box<[u8]>, EntryKind>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<F: FileSystem> MemoFs<F> {
    pub fn new(inner: F) -> MemoFs<F> {
        MemoFs { inner, files: Mutex::default(), dirs: Mutex::default(), kinds: Mutex::default() }
    }

    pub fn inner(&self) -> &F {
        &self.inner
    }

    fn listing(&self, path: &Path) -> Result<Arc<[(String, EntryKind)]>, FsError> {
        if let Some(found) = lock(&self.dirs).get(path_key(path)) {
            return found.clone();
        }
        let listed: Result<Arc<[(String, EntryKind)]>, FsError> = self.inner.read_dir_shared(path).map(|entries| {
            // Sorted by name, as listings are, for the lookups of `listed_kind`.
            if entries.is_sorted_by(|a, b| a.0 < b.0) {
                return entries;
            }
            let mut entries = entries.to_vec();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Arc::from(entries)
        });
        lock(&self.dirs).insert(path_key(path).into(), listed.clone());
        listed
    }

    /// What `path` is according to the listings made so far: a directory
    /// listed itself, or an entry (or no entry) of its listed parent.
    fn listed_kind(&self, path: &Path) -> Option<EntryKind> {
        let dirs = lock(&self.dirs);
        if let Some(Ok(_)) = dirs.get(path_key(path)) {
            return Some(EntryKind::Dir);
        }
        let name = path.file_name()?.to_str()?;
        let Ok(entries) = dirs.get(path_key(path.parent()?))? else { return None };
        Some(match entries.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => entries[i].1,
            Err(_) => EntryKind::Other,
        })
    }

    fn kind(&self, path: &Path) -> EntryKind {
        if let Some(kind) = self.listed_kind(path) {
            return kind;
        }
        if let Some(kind) = lock(&self.kinds).get(path_key(path)) {
            return *kind;
        }
        let kind = if self.inner.is_file(path) {
            EntryKind::File
        } else if self.inner.is_dir(path) {
            EntryKind::Dir
        } else {
            EntryKind::Other
        };
        lock(&self.kinds).insert(path_key(path).into(), kind);
        kind
    }
}

impl<F: FileSystem> FileSystem for MemoFs<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        self.read_shared(path).map(|bytes| bytes.to_vec())
    }

    fn read_shared(&self, path: &Path) -> Result<Arc<[u8]>, FsError> {
        if let Some(found) = lock(&self.files).get(path_key(path)) {
            return found.clone();
        }
        let read = self.inner.read_shared(path);
        lock(&self.files).insert(path_key(path).into(), read.clone());
        read
    }

    /// The first read of a path passes the metadata on; a read answered
    /// from memory has none.
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        if let Some(found) = lock(&self.files).get(path_key(path)) {
            return (found.clone(), None);
        }
        let (read, meta) = self.inner.read_shared_with_metadata(path);
        lock(&self.files).insert(path_key(path).into(), read.clone());
        (read, meta)
    }

    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        self.inner.real_metadata(path)
    }

    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        self.listing(path).map(|entries| entries.iter().map(|(name, _)| name.clone()).collect())
    }

    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        self.listing(path).map(|entries| entries.to_vec())
    }

    fn read_dir_shared(&self, path: &Path) -> Result<Arc<[(String, EntryKind)]>, FsError> {
        self.listing(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.kind(path) == EntryKind::File
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.kind(path) == EntryKind::Dir
    }

    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        self.inner.stamp(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryFs;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the calls that reach the wrapped file system.
    struct Counting {
        fs: MemoryFs,
        calls: AtomicUsize,
    }

    impl FileSystem for Counting {
        fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.fs.read(path)
        }
        fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.fs.read_dir(path)
        }
        fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let names = self.fs.read_dir(path)?;
            Ok(names
                .into_iter()
                .map(|n| {
                    let kind = if self.fs.is_dir(&path.join(&n)) { EntryKind::Dir } else { EntryKind::File };
                    (n, kind)
                })
                .collect())
        }
        fn is_file(&self, path: &Path) -> bool {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.fs.is_file(path)
        }
        fn is_dir(&self, path: &Path) -> bool {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.fs.is_dir(path)
        }
        fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
            self.fs.stamp(path)
        }
    }

    #[test]
    fn every_question_reaches_the_wrapped_fs_once() {
        let fs = MemoryFs::from_files([("/p/a.gox", "package p\n"), ("/p/sub/b.gox", "package sub\n")]);
        let memo = MemoFs::new(Counting { fs, calls: AtomicUsize::new(0) });
        for _ in 0..3 {
            assert_eq!(memo.read_dir(Path::new("/p")), Ok(vec!["a.gox".to_string(), "sub".to_string()]));
            assert!(memo.is_file(Path::new("/p/a.gox")) && !memo.is_dir(Path::new("/p/a.gox")));
            assert!(memo.is_dir(Path::new("/p/sub")) && !memo.is_file(Path::new("/p/sub")));
            assert_eq!(memo.read(Path::new("/p/a.gox")), Ok(b"package p\n".to_vec()));
            assert_eq!(memo.read(Path::new("/p/nope.gox")), Err(FsError::NotFound { path: "/p/nope.gox".into() }));
            assert!(!memo.is_file(Path::new("/q")));
        }
        // One listing (which answers the kinds of its entries), two reads,
        // and the two stats of /q.
        assert_eq!(memo.inner().calls.load(Ordering::Relaxed), 5);
    }

    #[test]
    fn answers_match_the_wrapped_fs() {
        let fs = MemoryFs::from_files([("/p/a.gox", "x"), ("/p/d/e.gox", "y")]);
        let memo = MemoFs::new(fs.clone());
        for path in ["/p", "/p/a.gox", "/p/d", "/p/d/e.gox", "/p/missing", "/p/a.gox/x"] {
            let path = Path::new(path);
            assert_eq!(memo.read(path), fs.read(path), "{}", path.display());
            assert_eq!(memo.read_dir(path), fs.read_dir(path), "{}", path.display());
            assert_eq!(memo.is_file(path), fs.is_file(path), "{}", path.display());
            assert_eq!(memo.is_dir(path), fs.is_dir(path), "{}", path.display());
        }
    }
}
