//! The no-op fast path: a run record says what one `gox check` looked at
//! and what it printed, so that the next identical command, finding every
//! path it looked at unchanged, prints the same without reading, resolving
//! or looking up anything else.
//!
//! A [`RecordingFs`] under the workspace notes a [`Seen`] (what the path
//! was: missing, or a file or directory with its size, times, inode and
//! device) for every path the command asks about, *before* it reads it: a
//! change after the stamp shows in the next comparison, so the record can
//! only be stale towards doing the work again. Paths that did not exist
//! are recorded too: a gox.mod or gox.work appearing above the module, or a
//! package directory appearing where an import found none, changes the
//! answer. Directory stamps cover files added to or removed from a listing.
//!
//! A timestamp is only as fine as the file system's clock, so a file
//! changed twice within one tick, the second time after gox read it, could
//! keep its stamp. As git does with its index, a run that saw any path
//! changed less than [`RACY`] before it started writes no record; the next
//! run does the work (from the build cache) and records then.

use std::collections::hash_map::Entry;
use rustc_hash::FxHashMap as HashMap;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gox_common::paths::path_key;
use gox_common::{EntryKind, FileSystem, FsError, Stamp};
use rayon::prelude::*;

use super::binary::{self, put_bytes, put_i128, put_str, put_u32, put_u64};
use super::cache::{read_and_refresh, write_atomic, Hash, KeyBuilder};

/// What a run record starts with: its format.
const MAGIC: &[u8; 8] = b"goxrun01";

/// How recent a change makes a run's record untrustworthy.
pub const RACY: Duration = Duration::from_secs(2);

/// What a path was when the command first asked about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    Missing,
    /// It could not be examined (permission denied, say): the error text.
    Unreadable(String),
    Entry {
        /// 0 file, 1 directory, 2 anything else.
        kind: u8,
        size: u64,
        mtime_ns: i128,
        ctime_ns: i128,
        ino: u64,
        dev: u64,
    },
}

impl Seen {
    /// The path as it is now.
    pub fn of(path: &Path) -> Seen {
        match std::fs::metadata(path) {
            Ok(m) => Seen::of_metadata(&m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Seen::Missing,
            Err(e) => Seen::Unreadable(e.kind().to_string()),
        }
    }

    /// The stamp `meta` gives, or, where the file system gave none, a
    /// `stat` of `path` now.
    fn of_metadata_or_path(meta: Option<&std::fs::Metadata>, path: &Path) -> Seen {
        match meta {
            Some(meta) => Seen::of_metadata(meta),
            None => Seen::of(path),
        }
    }

    /// The stamp of what `m` describes (symbolic links followed).
    fn of_metadata(m: &std::fs::Metadata) -> Seen {
        Seen::Entry {
            kind: if m.is_file() {
                0
            } else if m.is_dir() {
                1
            } else {
                2
            },
            size: m.len(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
            ino: m.ino(),
            dev: m.dev(),
        }
    }

    /// Whether it changed (or its entry was made) at or after `since`
    /// (nanoseconds since the epoch).
    fn changed_since(&self, since: i128) -> bool {
        match self {
            Seen::Entry { mtime_ns, ctime_ns, .. } => *mtime_ns >= since || *ctime_ns >= since,
            _ => false,
        }
    }
}

/// A file system that stamps every path asked about before passing the
/// question on.
pub struct RecordingFs<F> {
    inner: F,
    /// By path ([`path_key`]).
    seen: Mutex<HashMap<Box<[u8]>, Seen>>,
}

impl<F: FileSystem> RecordingFs<F> {
    pub fn new(inner: F) -> RecordingFs<F> {
        RecordingFs { inner, seen: Mutex::default() }
    }

    /// Stamps `path` the first time it is asked about. The stat happens
    /// outside the lock: the loader's threads ask about files at once.
    fn note(&self, path: &Path) {
        if self.has_seen(path) {
            return;
        }
        self.record(path, Seen::of(path));
    }

    fn has_seen(&self, path: &Path) -> bool {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).contains_key(path_key(path))
    }

    /// Keeps the stamp of `path`; a second one that differs marks it as
    /// changed during the run.
    fn record(&self, path: &Path, stamp: Seen) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        match seen.entry(path_key(path).into()) {
            Entry::Vacant(entry) => {
                entry.insert(stamp);
            }
            // Two threads stamped it at once and saw it differ: it changed
            // during the run, and no later run may replay this one.
            Entry::Occupied(mut entry) if *entry.get() != stamp => {
                entry.insert(Seen::Unreadable("changed during the run".to_string()));
            }
            Entry::Occupied(_) => {}
        }
    }

    /// Every path asked about so far, with what it was, sorted by the
    /// bytes of the path; what is taken is forgotten (the run is over when
    /// its record is made). Moved out and compared as bytes: copying and
    /// comparing 6,000 paths component by component took 6 ms.
    pub fn take_seen(&self) -> Vec<(PathBuf, Seen)> {
        let seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner));
        let mut all: Vec<(Box<[u8]>, Seen)> = seen.into_iter().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all.into_iter().map(|(path, seen)| (PathBuf::from(std::ffi::OsString::from_vec(path.into_vec())), seen)).collect()
    }
}

impl<F: FileSystem> FileSystem for RecordingFs<F> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        self.note(path);
        self.inner.read(path)
    }
    fn read_shared(&self, path: &Path) -> Result<std::sync::Arc<[u8]>, FsError> {
        self.read_shared_with_metadata(path).0
    }
    // Stamped from the opened file, before it is read: no `stat` of the
    // path besides. A read that fails is stamped after it, as something
    // no later run trusts (the path could have appeared in between).
    fn read_shared_with_metadata(&self, path: &Path) -> (Result<std::sync::Arc<[u8]>, FsError>, Option<std::fs::Metadata>) {
        if self.has_seen(path) {
            return self.inner.read_shared_with_metadata(path);
        }
        let (bytes, meta) = self.inner.read_shared_with_metadata(path);
        let stamp = match (&bytes, &meta) {
            (Ok(_), Some(meta)) => Seen::of_metadata(meta),
            (Ok(_), None) => Seen::of(path),
            (Err(_), _) => Seen::Unreadable("failed to read during the run".to_string()),
        };
        self.record(path, stamp);
        (bytes, meta)
    }
    // A file known from the file index is stamped, not read: the stamp the
    // index compared is the one recorded.
    fn real_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        let meta = self.inner.real_metadata(path);
        self.record(path, Seen::of_metadata_or_path(meta.as_ref(), path));
        meta
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        self.note(path);
        self.inner.read_dir(path)
    }
    fn read_dir_kinds(&self, path: &Path) -> Result<Vec<(String, EntryKind)>, FsError> {
        self.note(path);
        self.inner.read_dir_kinds(path)
    }
    fn read_dir_kinds_and_links(&self, path: &Path) -> Result<(Vec<(String, EntryKind)>, bool), FsError> {
        self.read_dir_kinds_and_links_with_metadata(path).0
    }
    // Stamped from the opened directory, before its entries are read: no
    // `stat` of the path besides. A listing that fails is stamped after it.
    fn read_dir_kinds_and_links_with_metadata(
        &self,
        path: &Path,
    ) -> (Result<(Vec<(String, EntryKind)>, bool), FsError>, Option<std::fs::Metadata>) {
        if self.has_seen(path) {
            return self.inner.read_dir_kinds_and_links_with_metadata(path);
        }
        let (listed, meta) = self.inner.read_dir_kinds_and_links_with_metadata(path);
        self.record(path, Seen::of_metadata_or_path(meta.as_ref(), path));
        (listed, meta)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.note(path);
        self.inner.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.note(path);
        self.inner.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        self.note(path);
        self.inner.stamp(path)
    }
}

/// What a command printed and how it ended, with what it looked at.
#[derive(Debug)]
pub struct RunRecord {
    key: Hash,
    pub stdout: String,
    pub stderr: String,
    /// 0, 1 or 2: the exit status.
    pub status: u8,
    seen: Vec<(PathBuf, Seen)>,
}

/// The key of a run: this gox build and everything of the command line and
/// environment the command's output depends on, as `parts`.
pub fn run_key(parts: &[(&str, String)]) -> Hash {
    let mut key = KeyBuilder::new();
    key.part("run", b"check");
    for (name, value) in parts {
        key.part(name, value.as_bytes());
    }
    key.finish()
}

/// Where the record of `key` lives in the cache directory `dir`.
fn record_path(dir: &Path, key: &Hash) -> PathBuf {
    dir.join("runs").join(hex::encode(key))
}

impl RunRecord {
    pub fn new(key: &Hash, stdout: String, stderr: String, status: u8, seen: Vec<(PathBuf, Seen)>) -> RunRecord {
        RunRecord { key: *key, stdout, stderr, status, seen }
    }

    /// The record of `key` in the cache directory `dir`, if there is one
    /// that is intact and every path it names is as it was.
    pub fn load(dir: &Path, key: &Hash) -> Option<RunRecord> {
        // Read as entries are (regular files of bounded size), and marked
        // used, so that the cache's trim keeps a record in use.
        let bytes = read_and_refresh(&record_path(dir, key))?;
        let record = RunRecord::decode(&bytes, key)?;
        // On the pool: a record of a large project names thousands of paths.
        record.seen.par_iter().all(|(path, seen)| Seen::of(path) == *seen).then_some(record)
    }

    /// Stores the record unless a path it names changed less than [`RACY`]
    /// before `started`. Failures only cost the next run its fast path.
    pub fn save(&self, dir: &Path, started: SystemTime) {
        let since = started.checked_sub(RACY).unwrap_or(UNIX_EPOCH);
        let since = since.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        if self.seen.iter().any(|(_, seen)| seen.changed_since(since)) {
            return;
        }
        let path = record_path(dir, &self.key);
        if path.parent().is_some_and(|runs| std::fs::create_dir_all(runs).is_ok()) {
            write_atomic(dir, &path, &self.encode());
        }
    }

    /// The record as bytes: magic, key, status, stdout, stderr, the paths
    /// seen, then the SHA-256 of all that. Binary: the JSON this replaced
    /// took 5-10 ms to parse at 3,001 packages, before anything else could
    /// start.
    fn encode(&self) -> Vec<u8> {
        let mut out = binary::start(MAGIC, &self.key, 64 + self.stdout.len() + self.stderr.len() + self.seen.len() * 128);
        out.push(self.status);
        put_str(&mut out, &self.stdout);
        put_str(&mut out, &self.stderr);
        put_u32(&mut out, self.seen.len() as u32);
        for (path, seen) in &self.seen {
            put_bytes(&mut out, path.as_os_str().as_bytes());
            match seen {
                Seen::Missing => out.push(0),
                Seen::Unreadable(why) => {
                    out.push(1);
                    put_str(&mut out, why);
                }
                Seen::Entry { kind, size, mtime_ns, ctime_ns, ino, dev } => {
                    out.push(2);
                    out.push(*kind);
                    put_u64(&mut out, *size);
                    put_i128(&mut out, *mtime_ns);
                    put_i128(&mut out, *ctime_ns);
                    put_u64(&mut out, *ino);
                    put_u64(&mut out, *dev);
                }
            }
        }
        binary::seal(&mut out);
        out
    }

    /// Reads what [`RunRecord::encode`] wrote for `key`; `None` for
    /// anything else (damage, another key, an older format).
    fn decode(bytes: &[u8], key: &Hash) -> Option<RunRecord> {
        let mut r = binary::open(bytes, MAGIC, key)?;
        let status = r.u8()?;
        let stdout = r.str()?.to_string();
        let stderr = r.str()?.to_string();
        // A path and its tag take at least five bytes.
        let count = r.count(5)?;
        let mut seen = Vec::with_capacity(count);
        for _ in 0..count {
            let path = PathBuf::from(std::ffi::OsStr::from_bytes(r.bytes()?));
            let stamp = match r.u8()? {
                0 => Seen::Missing,
                1 => Seen::Unreadable(r.str()?.to_string()),
                2 => Seen::Entry { kind: r.u8()?, size: r.u64()?, mtime_ns: r.i128()?, ctime_ns: r.i128()?, ino: r.u64()?, dev: r.u64()? },
                _ => return None,
            };
            seen.push((path, stamp));
        }
        r.bytes.is_empty().then_some(RunRecord { key: *key, stdout, stderr, status, seen })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use gox_common::RealFs;

    fn old(path: &Path) {
        let file = std::fs::File::options().write(true).open(path).or_else(|_| std::fs::File::open(path)).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
    }

    #[test]
    fn a_record_holds_while_nothing_it_saw_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("p");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.gox");
        std::fs::write(&file, "package a\n").unwrap();
        let fs = RecordingFs::new(RealFs);
        fs.read(&file).unwrap();
        fs.read_dir(&dir).unwrap();
        assert!(!fs.is_file(&dir.join("gox.work")));
        let key = run_key(&[("args", "./...".to_string())]);
        let record = RunRecord::new(&key, "out\n".into(), "err\n".into(), 1, fs.take_seen());
        let cache = tmp.path().join("cache");

        // Everything was just made: too recent to trust.
        record.save(&cache, SystemTime::now());
        assert!(RunRecord::load(&cache, &key).is_none());

        // Much later, the same stamps are old enough.
        record.save(&cache, SystemTime::now() + Duration::from_secs(60));
        let loaded = RunRecord::load(&cache, &key).expect("record");
        assert_eq!((loaded.stdout.as_str(), loaded.stderr.as_str(), loaded.status), ("out\n", "err\n", 1));
        assert!(RunRecord::load(&cache, &run_key(&[("args", "./a".to_string())])).is_none());

        // A file edited, a file added, a path that was missing appearing:
        // each makes the record stale.
        std::fs::write(&file, "package b\n").unwrap();
        assert!(RunRecord::load(&cache, &key).is_none());
        let fs2 = RecordingFs::new(RealFs);
        fs2.read(&file).unwrap();
        fs2.read_dir(&dir).unwrap();
        assert!(!fs2.is_file(&dir.join("gox.work")));
        RunRecord::new(&key, String::new(), String::new(), 0, fs2.take_seen()).save(&cache, SystemTime::now() + Duration::from_secs(60));
        assert!(RunRecord::load(&cache, &key).is_some());
        std::fs::write(dir.join("gox.work"), "go 1.19\n").unwrap();
        assert!(RunRecord::load(&cache, &key).is_none());
        std::fs::remove_file(dir.join("gox.work")).unwrap();
        old(&dir);
        // The directory's own times changed with the add and remove.
        assert!(RunRecord::load(&cache, &key).is_none());
    }

    #[test]
    fn a_record_round_trips_and_rejects_what_it_did_not_write() {
        use std::os::unix::ffi::OsStrExt;
        let key = run_key(&[("args", "./...".to_string())]);
        let seen = vec![
            (PathBuf::from(std::ffi::OsStr::from_bytes(b"/p/\xff.gox")), Seen::Missing),
            (PathBuf::from("/p/a.gox"), Seen::Unreadable("permission denied".to_string())),
            (PathBuf::from("/p"), Seen::Entry { kind: 1, size: 4096, mtime_ns: -5, ctime_ns: 1 << 70, ino: 7, dev: 9 }),
        ];
        let record = RunRecord::new(&key, "out".into(), "err".into(), 2, seen.clone());
        let bytes = record.encode();
        let back = RunRecord::decode(&bytes, &key).expect("decodes");
        assert_eq!((back.stdout.as_str(), back.stderr.as_str(), back.status, &back.seen), ("out", "err", 2, &seen));
        assert!(RunRecord::decode(&bytes, &run_key(&[])).is_none());
        assert!(RunRecord::decode(&bytes[..bytes.len() - 1], &key).is_none());
        assert!(RunRecord::decode(b"{\"key\":\"00\"}", &key).is_none());
        // A count the bytes cannot hold, under a valid checksum.
        let mut body = bytes[..bytes.len() - 32].to_vec();
        let at = MAGIC.len() + 32 + 1 + 4 + 3 + 4 + 3;
        body[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let sum = Sha256::digest(&body);
        body.extend_from_slice(&sum);
        assert!(RunRecord::decode(&body, &key).is_none());
    }

    #[test]
    fn a_damaged_record_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let key = run_key(&[]);
        let cache = tmp.path();
        RunRecord::new(&key, "x".into(), String::new(), 0, Vec::new()).save(cache, SystemTime::now());
        assert!(RunRecord::load(cache, &key).is_some());
        let path = record_path(cache, &key);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[10] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(RunRecord::load(cache, &key).is_none());
    }
}
