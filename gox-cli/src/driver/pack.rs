//! Pack files: how the build cache keeps its entries on disk.
//!
//! A run appends every entry it stores to one pack, so that a cold check of
//! thousands of packages creates one file, not one per package (creating a
//! file costs tens of microseconds of kernel time; appending to one costs
//! next to nothing). A pack, `packs/<name>.pack`, is (integers
//! little-endian):
//!
//! ```text
//! entry bytes, back to back      each exactly as the remote cache stores it
//! index: per entry               key (32 bytes), offset (u64), length (u64)
//! count                          u64: the index's entries
//! checksum                       SHA-256 of index and count (32 bytes)
//! magic                          "GOXPACK1"
//! ```
//!
//! It is written to a file without a name (Linux's `O_TMPFILE` in `tmp/`),
//! else to a temporary file in `tmp/`, and gets its name in `packs/` only
//! once whole: a reader never sees half a pack. Readers ([`PackSet`]) read
//! only the index of each pack, then one entry per hit, and trust nothing:
//! a file that is not a regular file, an index that fails its checksum or
//! points outside the file, is skipped (every entry in it a miss); entries
//! carry their own checksum and key, checked by the cache.
//!
//! Every run that writes a pack adds one, so a run that finds more than
//! [`MAX_PACKS`] merges the smallest into one ([`compact`]): edits that each
//! write a small pack do not pile up, and a large pack (a cold check's) is
//! rewritten only once it is among the smallest.

use rustc_hash::FxHashMap;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::cache::{link_unnamed, write_unnamed_file, Hash, MAX_ENTRY, TMP_DIR};

/// The directory of the packs, in the cache directory.
pub const PACKS_DIR: &str = "packs";
/// A pack's file name ends with this; other files in `packs/` are not packs.
const PACK_SUFFIX: &str = ".pack";
/// The last bytes of every pack (of this layout).
const MAGIC: &[u8; 8] = b"GOXPACK1";
/// One index entry: key, offset, length.
const RECORD: u64 = 32 + 8 + 8;
/// What follows the index: count, checksum, magic.
const TRAILER: u64 = 8 + 32 + 8;
/// The largest index read (1.3 million entries): a bound on what a damaged
/// or hostile count makes a reader allocate.
const MAX_INDEX: u64 = 64 << 20;
/// A run that finds more packs than this merges some ...
pub const MAX_PACKS: usize = 16;
/// ... so that this many are left.
const PACKS_AFTER_MERGE: usize = 8;
/// Entries are written in chunks of about this size: a system call per
/// entry would cost more than the copy.
const CHUNK: usize = 1 << 20;

/// Where an entry lies: in which pack, at which offset, how long.
#[derive(Clone, Copy)]
struct Location {
    pack: u32,
    offset: u64,
    len: u64,
}

/// A pack's index entry.
type Record = (Hash, u64, u64);

/// A pack being written: entries are appended to a file that has no name
/// yet (or a temporary one), and [`PackWriter::commit`] writes the index
/// and names it.
pub struct PackWriter {
    file: TempPack,
    /// Entries not yet written.
    buffer: Vec<u8>,
    /// Bytes written and buffered: the next entry's offset.
    len: u64,
    index: Vec<Record>,
    /// A write failed: the pack is abandoned.
    failed: bool,
}

enum TempPack {
    /// Linux's `O_TMPFILE`: nothing to clean up if the run is killed.
    Unnamed(File),
    /// Elsewhere, a file in `tmp/` that [`super::cache::Cache::trim`]
    /// removes if a killed run leaves it.
    Named(tempfile::NamedTempFile),
}

impl TempPack {
    fn file(&mut self) -> &mut File {
        match self {
            TempPack::Unnamed(file) => file,
            TempPack::Named(tmp) => tmp.as_file_mut(),
        }
    }
}

impl PackWriter {
    /// A new pack in the cache directory `dir`; `None` when no file can be
    /// created there (a read-only cache: then nothing is stored).
    pub fn create(dir: &Path) -> Option<PackWriter> {
        let tmp_dir = dir.join(TMP_DIR);
        let file = match write_unnamed_file(&tmp_dir) {
            Some(file) => TempPack::Unnamed(file),
            None => {
                let _ = std::fs::create_dir_all(&tmp_dir);
                match write_unnamed_file(&tmp_dir) {
                    Some(file) => TempPack::Unnamed(file),
                    None => TempPack::Named(tempfile::NamedTempFile::new_in(&tmp_dir).ok()?),
                }
            }
        };
        Some(PackWriter { file, buffer: Vec::new(), len: 0, index: Vec::new(), failed: false })
    }

    /// Appends the entry `bytes` stored under `key`.
    pub fn append(&mut self, key: &Hash, bytes: &[u8]) {
        if self.failed {
            return;
        }
        if self.buffer.len() + bytes.len() > CHUNK {
            self.flush();
        }
        if bytes.len() >= CHUNK {
            self.failed |= self.file.file().write_all(bytes).is_err();
        } else {
            self.buffer.extend_from_slice(bytes);
        }
        self.index.push((*key, self.len, bytes.len() as u64));
        self.len += bytes.len() as u64;
    }

    fn flush(&mut self) {
        if !self.failed && !self.buffer.is_empty() {
            self.failed |= self.file.file().write_all(&self.buffer).is_err();
        }
        self.buffer.clear();
    }

    /// Writes the index and names the pack in `dir/packs`. `Ok(None)` when
    /// there was nothing to store (no file is made), `Err` when writing
    /// failed (the pack is dropped whole).
    pub fn commit(mut self, dir: &Path) -> Result<Option<PathBuf>, ()> {
        if self.index.is_empty() {
            return Ok(None);
        }
        let mut tail = Vec::with_capacity(self.index.len() * RECORD as usize + TRAILER as usize);
        for (key, offset, len) in &self.index {
            tail.extend_from_slice(key);
            tail.extend_from_slice(&offset.to_le_bytes());
            tail.extend_from_slice(&len.to_le_bytes());
        }
        tail.extend_from_slice(&(self.index.len() as u64).to_le_bytes());
        let sum = Sha256::digest(&tail);
        tail.extend_from_slice(&sum);
        tail.extend_from_slice(MAGIC);
        if self.buffer.len() + tail.len() > CHUNK {
            self.flush();
        }
        self.buffer.extend_from_slice(&tail);
        self.flush();
        if self.failed {
            return Err(());
        }
        let packs = dir.join(PACKS_DIR);
        let path = packs.join(unique_name());
        let linked = |file: &TempPack| match file {
            TempPack::Unnamed(file) => link_unnamed(file, &path),
            TempPack::Named(_) => false,
        };
        // `packs/` may be missing (a first run, or a trim that emptied it).
        if linked(&self.file) || (std::fs::create_dir_all(&packs).is_ok() && linked(&self.file)) {
            return Ok(Some(path));
        }
        match self.file {
            TempPack::Unnamed(_) => Err(()),
            TempPack::Named(tmp) => {
                let _ = std::fs::create_dir_all(&packs);
                tmp.persist_noclobber(&path).map(|_| Some(path)).map_err(|_| ())
            }
        }
    }
}

/// A name no other pack has: the time, this process and a counter.
fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}-{}{PACK_SUFFIX}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A pack opened for reading, its index read and checked.
struct Pack {
    name: OsString,
    /// Shared with the entries found in it, whose export data is read
    /// only when used.
    file: Arc<File>,
    /// The modification time as last read or set (seconds since the
    /// epoch): a hit sets it again once it is older than an hour, also in
    /// a process that keeps the pack open for days.
    modified: AtomicU64,
    index: Vec<Record>,
}

/// Opening a FIFO with this does not wait for the other end.
#[cfg(target_os = "linux")]
const NONBLOCK: i32 = libc::O_NONBLOCK;
#[cfg(not(target_os = "linux"))]
const NONBLOCK: i32 = 0;

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The pack at `path` and its index; `None` unless it is a regular file
/// holding a whole pack whose index checks out.
fn open_pack(path: &Path) -> Option<(File, SystemTime, Vec<Record>)> {
    // A FIFO would block the open, a device (through a link) never end:
    // look before opening, and again at what was opened (the name may
    // have been replaced in between). O_NONBLOCK keeps even that open
    // from waiting.
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let file = std::fs::OpenOptions::new().read(true).custom_flags(NONBLOCK).open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let index = read_index(&file, meta.len())?;
    Some((file, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), index))
}

/// The index of a pack `len` bytes long, if its trailer, checksum and
/// every entry's bounds check out.
fn read_index(file: &File, len: u64) -> Option<Vec<Record>> {
    let trailer_at = len.checked_sub(TRAILER)?;
    let mut trailer = [0u8; TRAILER as usize];
    file.read_exact_at(&mut trailer, trailer_at).ok()?;
    let (count, rest) = trailer.split_at(8);
    let (sum, magic) = rest.split_at(32);
    if magic != MAGIC {
        return None;
    }
    let count = u64::from_le_bytes(count.try_into().ok()?);
    let index_len = count.checked_mul(RECORD).filter(|&n| n <= MAX_INDEX)?;
    let index_at = trailer_at.checked_sub(index_len)?;
    let mut index = vec![0u8; index_len as usize + 8];
    file.read_exact_at(&mut index, index_at).ok()?;
    if Sha256::digest(&index)[..] != *sum {
        return None;
    }
    let mut records = Vec::with_capacity(count as usize);
    for record in index[..index_len as usize].chunks_exact(RECORD as usize) {
        let key: Hash = record[..32].try_into().ok()?;
        let offset = u64::from_le_bytes(record[32..40].try_into().ok()?);
        let len = u64::from_le_bytes(record[40..48].try_into().ok()?);
        if len > MAX_ENTRY || offset.checked_add(len)? > index_at {
            return None;
        }
        records.push((key, offset, len));
    }
    Some(records)
}

/// The bytes at `offset`, `len` long (bounds checked when the index was read).
pub(super) fn read_at(file: &File, offset: u64, len: u64) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; usize::try_from(len).ok()?];
    file.read_exact_at(&mut bytes, offset).ok()?;
    Some(bytes)
}

/// An entry in a pack, found by its key: read as much of it as needed.
pub struct Packed<'a> {
    pub file: &'a Arc<File>,
    /// Where the entry starts in the file, and its length.
    pub offset: u64,
    pub len: u64,
}

impl Packed<'_> {
    /// `len` bytes of the entry from `at`, if the entry holds them.
    pub fn read(&self, at: u64, len: u64) -> Option<Vec<u8>> {
        if at.checked_add(len)? > self.len {
            return None;
        }
        read_at(self.file, self.offset + at, len)
    }
}

/// The packs of a cache directory as this process last saw them, and where
/// each key's entry is: a lookup that misses costs no system call, a hit
/// one read. Open packs stay open, so a pack another process deletes
/// (after merging it) still reads until the next [`PackSet::rescan`].
#[derive(Default)]
pub struct PackSet {
    packs: Vec<Pack>,
    /// Names in `packs/` that are no pack (not a regular file, a damaged
    /// index): not read again while they are listed. A pack is named only
    /// once whole, so a name that was no pack never becomes one.
    rejected: HashSet<OsString>,
    /// By key (a SHA-256 already: hashed again cheaply).
    entries: FxHashMap<Hash, Location>,
    /// Keys found in more than one pack: their other places, tried when
    /// the first holds a damaged entry.
    more: FxHashMap<Hash, Vec<Location>>,
}

impl PackSet {
    /// Brings the set up to date with `dir/packs`: reads the indexes of the
    /// packs not seen before and forgets those no longer there. A listing
    /// that did not change costs one directory read.
    pub fn rescan(&mut self, dir: &Path) {
        let listed: HashSet<OsString> = match std::fs::read_dir(dir.join(PACKS_DIR)) {
            Ok(entries) => {
                entries.flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().ends_with(PACK_SUFFIX)).collect()
            }
            Err(_) => HashSet::new(),
        };
        self.rejected.retain(|name| listed.contains(name));
        if listed.len() == self.packs.len() + self.rejected.len() && self.packs.iter().all(|p| listed.contains(&p.name)) {
            return;
        }
        self.packs.retain(|p| listed.contains(&p.name));
        let known: HashSet<&OsString> = self.packs.iter().map(|p| &p.name).chain(&self.rejected).collect();
        let mut new: Vec<OsString> = listed.iter().filter(|n| !known.contains(n)).cloned().collect();
        new.sort();
        for name in new {
            match open_pack(&dir.join(PACKS_DIR).join(&name)) {
                Some((file, modified, index)) => {
                    self.packs.push(Pack { name, file: Arc::new(file), modified: AtomicU64::new(unix_seconds(modified)), index })
                }
                None => {
                    self.rejected.insert(name);
                }
            }
        }
        self.entries.clear();
        self.more.clear();
        for (i, pack) in self.packs.iter().enumerate() {
            for &(key, offset, len) in &pack.index {
                let at = Location { pack: i as u32, offset, len };
                match self.entries.entry(key) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(at);
                    }
                    std::collections::hash_map::Entry::Occupied(_) => self.more.entry(key).or_default().push(at),
                }
            }
        }
    }

    /// The first entry stored under `key` that `accept` takes (it reads
    /// what it needs of the entry, checks it and decodes it); marks its
    /// pack used when its modification time is older than `refresh_after`.
    pub fn find<T>(&self, key: &Hash, refresh_after: Duration, mut accept: impl FnMut(&Packed) -> Option<T>) -> Option<T> {
        let first = self.entries.get(key)?;
        let others = self.more.get(key).map_or(&[][..], Vec::as_slice);
        for at in std::iter::once(first).chain(others) {
            let pack = &self.packs[at.pack as usize];
            let Some(found) = accept(&Packed { file: &pack.file, offset: at.offset, len: at.len }) else { continue };
            let now = SystemTime::now();
            let (then, seconds) = (pack.modified.load(Ordering::Relaxed), unix_seconds(now));
            // One thread refreshes; the others see the new time.
            if seconds.saturating_sub(then) >= refresh_after.as_secs()
                && pack.modified.compare_exchange(then, seconds, Ordering::Relaxed, Ordering::Relaxed).is_ok()
            {
                let _ = pack.file.set_modified(now);
            }
            return Some(found);
        }
        None
    }
}

/// Merges packs once `dir/packs` holds more than [`MAX_PACKS`]: the
/// smallest, into one, leaving [`PACKS_AFTER_MERGE`]. Only entries `keep`
/// accepts (intact, under their own key) are copied, each key once. The
/// merged pack is named before the merged ones are deleted, so every entry
/// is always in some pack; a process that compacts while another does
/// gives up (`packs/lock`). Failures leave the packs as they were. The
/// merged pack takes the newest modification time of those it replaces: a
/// merge is no use, and must not keep unused entries from the trim.
pub fn compact(dir: &Path, keep: impl Fn(&Hash, &[u8]) -> bool) {
    let packs_dir = dir.join(PACKS_DIR);
    if list_packs(&packs_dir).len() <= MAX_PACKS {
        return;
    }
    // Opened without waiting, and only a regular file: a FIFO put in its
    // place must not block the run.
    let lock = File::options().create(true).truncate(false).write(true).custom_flags(NONBLOCK).open(packs_dir.join("lock"));
    let Ok(lock) = lock else { return };
    if !lock.metadata().is_ok_and(|m| m.is_file()) || lock.try_lock().is_err() {
        return;
    }
    // Listed again under the lock: another process may just have merged.
    let mut packs = list_packs(&packs_dir);
    if packs.len() <= MAX_PACKS {
        return;
    }
    packs.sort_by_key(|(_, len, _)| *len);
    packs.truncate(packs.len() - PACKS_AFTER_MERGE + 1);
    let Some(mut merged) = PackWriter::create(dir) else { return };
    let mut seen = HashSet::new();
    for (path, _, _) in &packs {
        let Some((file, _, index)) = open_pack(path) else { continue };
        for (key, offset, len) in index {
            if seen.contains(&key) {
                continue;
            }
            if let Some(bytes) = read_at(&file, offset, len).filter(|b| keep(&key, b)) {
                merged.append(&key, &bytes);
                seen.insert(key);
            }
        }
    }
    let Ok(written) = merged.commit(dir) else { return };
    if let (Some(path), Some(newest)) = (&written, packs.iter().map(|(_, _, modified)| *modified).max()) {
        let _ = File::open(path).and_then(|f| f.set_modified(newest));
    }
    for (path, _, _) in &packs {
        if Some(path) != written.as_ref() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The packs in `packs_dir` (regular files named `*.pack`), their sizes and
/// modification times.
fn list_packs(packs_dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let Ok(entries) = std::fs::read_dir(packs_dir) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(PACK_SUFFIX))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file().then(|| (e.path(), meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
        })
        .collect()
}
