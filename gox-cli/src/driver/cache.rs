//! The build cache: for each package, keyed by a hash of gox's version, the
//! build configuration, the package's sources and its imports' API
//! fingerprints, the package's own API fingerprint and its diagnostics.
//!
//! Location: `$GOXCACHE`, else `gox` under the user's cache directory
//! (`$XDG_CACHE_HOME` or `~/.cache`). An entry is a checksummed header
//! (the key it was written for, the fingerprint, the diagnostics, the
//! export data's length and SHA-256) followed by the package's export data
//! (see [`encode_entry`]): the bytes the remote cache stores per key.
//! Locally, a run appends the entries it stores to one pack file in
//! `packs/` (see [`super::pack`]): one file created per run, not one per
//! package, written aside and named once whole, so readers never see half
//! of one. A corrupt or truncated header fails its checksum, an entry
//! under another key fails the key check, and either is a miss. A hit
//! reads the header only; damaged export data fails its hash when an
//! importer needs it, and the package is checked instead.
//! One writer thread per run encodes, checksums and appends the entries,
//! so checking never waits on the file system; the run waits for it (and
//! for the pack's index to be written) before it exits.
//!
//! Reading: at the first lookup, the indexes of the packs are read into
//! memory, so a miss costs no system call and a hit one read (of the
//! header; the export data is read only if used). A process
//! that keeps its [`Cache`] (the language server) lists `packs/` again at
//! the first lookup after each [`Cache::finish`], picking up its own new
//! pack and other processes'. A run that finds too many packs merges the
//! smallest.
//!
//! Like Go's build cache, it trims itself: a hit refreshes its pack's
//! modification time (at most once an hour), and at most once a day a run
//! deletes the packs (and files of older layouts) nobody used for five days
//! (`trim.txt` records when).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use super::pack::{self, PackSet, PackWriter};
use super::remote::Remote;

use gox_common::{Diagnostic, Label, Severity, SourceMap, Span};
use super::binary::{put_str, put_u32, put_u64, Reader};
use sha2::{Digest, Sha256};

/// A hit refreshes its pack's (or a run record's) modification time when it
/// is older than this.
const REFRESH_AFTER: Duration = Duration::from_secs(60 * 60);
/// Packs unused for this long are deleted ...
const TRIM_AFTER: Duration = Duration::from_secs(5 * 24 * 60 * 60);
/// ... by a run at most this often.
const TRIM_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// The file whose modification time says when the cache was last trimmed.
const TRIM_STAMP: &str = "trim.txt";

/// Bumped when the entry format, the layout of the cache or the meaning of a
/// key changes.
const FORMAT: &str = "gox-cache-9";

/// Where the build cache lives: `$GOXCACHE`, else `$XDG_CACHE_HOME/gox`,
/// else `~/.cache/gox`. `GOXCACHE=off` turns the cache off (`Ok(None)`); a
/// relative `GOXCACHE` is an error, as Go treats `GOCACHE`: it would name a
/// different directory in every directory gox runs in.
pub fn cache_dir() -> Result<Option<PathBuf>, String> {
    if let Some(dir) = std::env::var_os("GOXCACHE").filter(|d| !d.is_empty()) {
        if dir == "off" {
            return Ok(None);
        }
        let dir = PathBuf::from(dir);
        if !dir.is_absolute() {
            return Err(format!("GOXCACHE is not an absolute path: {}", dir.display()));
        }
        return Ok(Some(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Ok(Some(PathBuf::from(dir).join("gox")));
    }
    Ok(Some(match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("gox"),
        None => std::env::temp_dir().join("gox-cache"),
    }))
}

/// A cache key or fingerprint: a SHA-256.
pub type Hash = [u8; 32];

/// Builds a key from tagged parts.
#[derive(Clone)]
pub struct KeyBuilder(Sha256);

/// Identifies this gox build beyond its version number (a rebuilt checker
/// may judge the same sources differently): a hash of the sources it was
/// built from (see gox-cli/build.rs), the same on every machine that built
/// them, so that a shared cache serves them all.
fn build_id() -> &'static str {
    env!("GOX_BUILD_ID")
}

impl KeyBuilder {
    pub fn new() -> KeyBuilder {
        let mut h = Sha256::new();
        h.update(FORMAT.as_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(build_id().as_bytes());
        KeyBuilder(h)
    }

    pub fn part(&mut self, tag: &str, bytes: &[u8]) -> &mut KeyBuilder {
        self.0.update((tag.len() as u64).to_le_bytes());
        self.0.update(tag.as_bytes());
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(&mut self) -> Hash {
        std::mem::take(&mut self.0).finalize().into()
    }
}

impl Default for KeyBuilder {
    fn default() -> Self {
        KeyBuilder::new()
    }
}

/// The package's API fingerprint: the hash of its export data without
/// positions (every package-level declaration with its full type, no
/// function bodies). When it is unchanged, importers need no re-check.
/// `api`: the API part of its export data
/// ([`gox_analysis::export::Exported::api`], as
/// [`gox_analysis::export::api_bytes`] reads it back).
pub fn api_fingerprint(api: &[u8]) -> Hash {
    Sha256::digest(api).into()
}

struct StoredLabel {
    file: String,
    lo: u32,
    hi: u32,
    message: String,
}

struct StoredDiagnostic {
    severity: u8,
    file: String,
    lo: u32,
    hi: u32,
    message: String,
    notes: Vec<StoredLabel>,
    help: Option<String>,
}

/// An entry's header: everything but the export data.
struct StoredEntry {
    /// The key the entry was written for: an entry found under another
    /// key (copied, or served by a confused or hostile server) is a miss,
    /// never another package's result.
    key: Hash,
    fingerprint: Hash,
    diagnostics: Vec<StoredDiagnostic>,
    /// The file of each file id in the export data's positions.
    files: Vec<(u32, String)>,
}

/// What a cache hit gives back.
pub struct Entry {
    pub fingerprint: Hash,
    pub diagnostics: Vec<Diagnostic>,
    /// The package's export data, for importers that must be checked.
    export: Export,
    /// The file of each file id in the export data's positions, as
    /// stored: looked up only when the export data is used (most hits
    /// never are).
    files: Vec<(u32, String)>,
}

/// Where a hit's export data is.
enum Export {
    /// Read with the header (from the remote cache) and checked.
    Read(Vec<u8>),
    /// Still in the pack: read and checked against the header's hash when
    /// an importer must be checked.
    InPack { file: Arc<std::fs::File>, offset: u64, len: u64, sha256: Hash },
}

impl Entry {
    /// The package's export data; `None` when it cannot be read or is not
    /// what the entry's header says (then the package is checked).
    pub fn export(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match &self.export {
            Export::Read(bytes) => Some(std::borrow::Cow::Borrowed(bytes)),
            Export::InPack { file, offset, len, sha256 } => {
                let bytes = pack::read_at(file, *offset, *len)?;
                (Sha256::digest(&bytes)[..] == sha256[..]).then_some(std::borrow::Cow::Owned(bytes))
            }
        }
    }

    /// What becomes of the export data's file ids in this run (paths in
    /// the entry relative to `root`): a function from a file id of the run
    /// that wrote the entry to this run's id for the same file.
    pub fn file_ids(&self, map: &SourceMap, root: &Path) -> impl Fn(gox_common::FileId) -> gox_common::FileId {
        let table: Vec<(u32, Option<gox_common::FileId>)> =
            self.files.iter().map(|(old, path)| (*old, map.find(&load_path(path, root)))).collect();
        move |id| table.iter().find(|(old, _)| *old == id.0).and_then(|(_, new)| *new).unwrap_or(id)
    }
}

pub struct Cache {
    shared: Arc<Shared>,
    /// The thread writing this run's entries, started by the first put.
    writer: Mutex<Option<Writer>>,
    local_hits: AtomicU64,
}

/// What the checking threads and the writer thread share.
struct Shared {
    dir: PathBuf,
    /// Set once this run has made sure `dir` exists.
    made: std::sync::OnceLock<bool>,
    /// The shared cache behind this one, if any.
    remote: Option<Remote>,
    /// The packs as last listed, and where each key's entry is.
    packs: RwLock<PackSet>,
    /// `packs/` is to be listed again before the next lookup: nothing was
    /// read yet, or a [`Cache::finish`] came since (a new pack of ours,
    /// maybe others').
    stale: AtomicBool,
    /// The pack this run's entries go to.
    pack: Mutex<RunPack>,
    /// Time spent storing entries and writing the pack, and how many
    /// entries were stored.
    write_nanos: AtomicU64,
    written: AtomicU64,
}

/// Where a stored path is relative to: the root of the module being
/// checked, so that entries serve the same project checked out anywhere.
const ROOT_PREFIX: &str = "@root/";

/// `path` as entries and keys name it: relative to the module root when
/// under it (`@root/...`), else as it is (the std's virtual paths).
pub fn store_path(path: &Path, root: &Path) -> String {
    match gox_common::paths::relative_slash(root, path) {
        Some(rel) => format!("{ROOT_PREFIX}{rel}"),
        None => path.to_string_lossy().into_owned(),
    }
}

fn load_path(stored: &str, root: &Path) -> PathBuf {
    match stored.strip_prefix(ROOT_PREFIX) {
        Some(rel) => root.join(rel),
        None => PathBuf::from(stored),
    }
}

impl Cache {
    pub fn open(dir: PathBuf) -> Cache {
        Cache::new(dir, None)
    }

    fn new(dir: PathBuf, remote: Option<Remote>) -> Cache {
        let shared = Shared {
            dir,
            made: std::sync::OnceLock::new(),
            remote,
            packs: RwLock::new(PackSet::default()),
            stale: AtomicBool::new(true),
            pack: Mutex::new(RunPack::NotYet),
            write_nanos: AtomicU64::new(0),
            written: AtomicU64::new(0),
        };
        Cache { shared: Arc::new(shared), writer: Mutex::new(None), local_hits: AtomicU64::new(0) }
    }

    /// This cache, backed by a shared one: local misses are looked up
    /// there, results stored here are pushed there.
    pub fn with_remote(self, remote: Remote) -> Cache {
        let cache = Cache::new(self.shared.dir.clone(), Some(remote));
        cache.local_hits.store(self.local_hits(), Ordering::Relaxed);
        cache
    }

    pub fn remote(&self) -> Option<&Remote> {
        self.shared.remote.as_ref()
    }

    /// Entries found in the local directory this run.
    pub fn local_hits(&self) -> u64 {
        self.local_hits.load(Ordering::Relaxed)
    }

    /// The entry for `key` (paths in it relative to `root`), from the local
    /// packs or else the remote cache; `None` when absent, corrupt, or
    /// naming a file the current build does not have.
    pub fn get(&self, key: &Hash, map: &SourceMap, root: &Path) -> Option<Entry> {
        if let Some(entry) = self.get_local(key, map, root) {
            self.local_hits.fetch_add(1, Ordering::Relaxed);
            return Some(entry);
        }
        let remote = self.shared.remote.as_ref()?;
        let bytes = remote.fetch(&hex::encode(key))?;
        let local = self.shared.made().then(|| bytes.clone());
        match decode_whole(bytes, key, map, root) {
            Some(entry) => {
                // Kept locally too, in this run's pack.
                if let Some(bytes) = local {
                    self.queue(Job::Copy { key: *key, bytes });
                }
                Some(entry)
            }
            None => {
                remote.reject();
                None
            }
        }
    }

    /// The entry for `key` in the local packs, their indexes read first if
    /// this is the first lookup (since the last [`Cache::finish`]).
    fn get_local(&self, key: &Hash, map: &SourceMap, root: &Path) -> Option<Entry> {
        if self.shared.stale.load(Ordering::Acquire) {
            let mut packs = self.shared.packs.write().unwrap_or_else(|e| e.into_inner());
            // Only the first thread here lists; the others waited for it.
            if self.shared.stale.swap(false, Ordering::AcqRel) {
                packs.rescan(&self.shared.dir);
            }
        }
        let packs = self.shared.packs.read().unwrap_or_else(|e| e.into_inner());
        packs.find(key, REFRESH_AFTER, |packed| decode_packed(packed, key, map, root))
    }
}

/// What every entry starts with: its layout.
const ENTRY_MAGIC: &[u8; 8] = b"goxent01";
/// The magic and the header's length.
const ENTRY_PREFIX: usize = ENTRY_MAGIC.len() + 4;
/// How much of a packed entry the first read takes: most headers (key,
/// fingerprint, a few diagnostics and file names) fit.
const FIRST_READ: u64 = 1024;

/// An entry as bytes (what a pack and the remote cache store under its
/// key):
///
/// ```text
/// magic "goxent01", header length (u32)
/// header      key, fingerprint, export data's length (u64) and SHA-256,
///             diagnostics, the files of the export data's positions
/// checksum    SHA-256 of all of the above (32 bytes)
/// export data
/// ```
///
/// A hit reads and checks the header only; the export data is read and
/// checked against its hash when an importer must be checked.
fn encode_entry(stored: &StoredEntry, export: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(256);
    header.extend_from_slice(&stored.key);
    header.extend_from_slice(&stored.fingerprint);
    put_u64(&mut header, export.len() as u64);
    header.extend_from_slice(&Sha256::digest(export));
    put_u32(&mut header, stored.diagnostics.len() as u32);
    for d in &stored.diagnostics {
        header.push(d.severity);
        put_label(&mut header, &d.file, d.lo, d.hi, &d.message);
        put_u32(&mut header, d.notes.len() as u32);
        for n in &d.notes {
            put_label(&mut header, &n.file, n.lo, n.hi, &n.message);
        }
        match &d.help {
            Some(help) => {
                header.push(1);
                put_str(&mut header, help);
            }
            None => header.push(0),
        }
    }
    put_u32(&mut header, stored.files.len() as u32);
    for (id, path) in &stored.files {
        put_u32(&mut header, *id);
        put_str(&mut header, path);
    }
    let mut out = Vec::with_capacity(ENTRY_PREFIX + header.len() + 32 + export.len());
    out.extend_from_slice(ENTRY_MAGIC);
    put_u32(&mut out, header.len() as u32);
    out.extend_from_slice(&header);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out.extend_from_slice(export);
    out
}

fn put_label(out: &mut Vec<u8>, file: &str, lo: u32, hi: u32, message: &str) {
    put_str(out, file);
    put_u32(out, lo);
    put_u32(out, hi);
    put_str(out, message);
}

/// Where an entry's header (with its checksum) ends, from its first bytes.
fn header_end(bytes: &[u8]) -> Option<usize> {
    let mut r = Reader::new(bytes);
    if r.take(ENTRY_MAGIC.len())? != ENTRY_MAGIC {
        return None;
    }
    let len = u64::from(r.u32()?);
    (len <= MAX_ENTRY).then(|| ENTRY_PREFIX + len as usize + 32)
}

/// The header of the entry `bytes` begins with (at least
/// [`header_end`] long), if its checksum holds and it was written for
/// `key`; with the export data's length and hash.
fn decode_header(bytes: &[u8], key: &Hash) -> Option<(StoredEntry, u64, Hash)> {
    let end = header_end(bytes)?;
    let (body, sum) = bytes.get(..end)?.split_at(end - 32);
    if Sha256::digest(body)[..] != *sum {
        return None;
    }
    let mut r = Reader::new(&body[ENTRY_PREFIX..]);
    let stored_key = r.array::<32>()?;
    if stored_key != *key {
        return None;
    }
    let fingerprint = r.array::<32>()?;
    let export_len = r.u64()?;
    let export_sha = r.array::<32>()?;
    let label = |r: &mut Reader| Some(StoredLabel { file: r.str()?.to_string(), lo: r.u32()?, hi: r.u32()?, message: r.str()?.to_string() });
    // A diagnostic takes at least 22 bytes, a note 16, a file 8.
    let n = r.count(22)?;
    let mut diagnostics = Vec::with_capacity(n);
    for _ in 0..n {
        let severity = r.u8()?;
        let StoredLabel { file, lo, hi, message } = label(&mut r)?;
        let notes = (0..r.count(16)?).map(|_| label(&mut r)).collect::<Option<Vec<_>>>()?;
        let help = if r.flag()? { Some(r.str()?.to_string()) } else { None };
        diagnostics.push(StoredDiagnostic { severity, file, lo, hi, message, notes, help });
    }
    let files = (0..r.count(8)?).map(|_| Some((r.u32()?, r.str()?.to_string()))).collect::<Option<Vec<_>>>()?;
    r.bytes.is_empty().then_some((StoredEntry { key: stored_key, fingerprint, diagnostics, files }, export_len, export_sha))
}

/// Whether `bytes` is an intact entry written for `key`: what a pack
/// merge copies.
fn is_intact(key: &Hash, bytes: &[u8]) -> bool {
    let Some(end) = header_end(bytes) else { return false };
    let Some((_, export_len, export_sha)) = decode_header(bytes, key) else { return false };
    (end as u64).checked_add(export_len) == Some(bytes.len() as u64) && Sha256::digest(&bytes[end..])[..] == export_sha[..]
}

/// A hit in a pack: its header read and checked, its export data left
/// where it is.
fn decode_packed(packed: &pack::Packed, key: &Hash, map: &SourceMap, root: &Path) -> Option<Entry> {
    let first = packed.read(0, packed.len.min(FIRST_READ))?;
    let end = header_end(&first)?;
    let bytes = if end <= first.len() { first } else { packed.read(0, end as u64)? };
    let (stored, export_len, sha256) = decode_header(&bytes, key)?;
    if (end as u64).checked_add(export_len) != Some(packed.len) {
        return None;
    }
    let export = Export::InPack { file: packed.file.clone(), offset: packed.offset + end as u64, len: export_len, sha256 };
    entry_from(stored, export, map, root)
}

/// An entry the remote cache gave, whole: header and export data checked.
fn decode_whole(mut bytes: Vec<u8>, key: &Hash, map: &SourceMap, root: &Path) -> Option<Entry> {
    let end = header_end(&bytes)?;
    let (stored, export_len, export_sha) = decode_header(&bytes, key)?;
    if (end as u64).checked_add(export_len) != Some(bytes.len() as u64) || Sha256::digest(&bytes[end..])[..] != export_sha[..] {
        return None;
    }
    // The export data stays where it was read: no second buffer.
    bytes.drain(..end);
    entry_from(stored, Export::Read(bytes), map, root)
}

/// The entry of a checked header: its diagnostics placed in this run's
/// files; `None` when one names a file the build does not have or a
/// position past its end.
fn entry_from(stored: StoredEntry, export: Export, map: &SourceMap, root: &Path) -> Option<Entry> {
    let span = |file: &str, lo: u32, hi: u32| -> Option<Span> {
        let id = map.find(&load_path(file, root))?;
        let len = map.file(id).len() as u32;
        (lo <= hi && hi <= len).then(|| Span::new(id, lo, hi))
    };
    let mut diagnostics = Vec::with_capacity(stored.diagnostics.len());
    for d in stored.diagnostics {
        let severity = match d.severity {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => Severity::Note,
        };
        let mut notes = Vec::new();
        for n in d.notes {
            notes.push(Label { span: span(&n.file, n.lo, n.hi)?, message: n.message });
        }
        diagnostics.push(Diagnostic { severity, span: span(&d.file, d.lo, d.hi)?, message: d.message, notes, help: d.help });
    }
    Some(Entry { fingerprint: stored.fingerprint, diagnostics, export, files: stored.files })
}

impl Cache {
    /// Stores an entry; failures (read-only or full disk) only cost speed.
    /// The entry is encoded, checksummed, written and pushed to the remote
    /// cache by the cache's writer thread, so the checking threads never
    /// wait on the file system; [`Cache::finish`] waits for it.
    pub fn put(
        &self,
        key: &Hash,
        fingerprint: &Hash,
        diagnostics: &[Diagnostic],
        export: Vec<u8>,
        files: &[std::sync::Arc<gox_common::SourceFile>],
        map: &SourceMap,
        root: &Path,
    ) {
        let path_of = |span: Span| store_path(&map.path(span.file), root);
        let stored = StoredEntry {
            key: *key,
            fingerprint: *fingerprint,
            diagnostics: diagnostics
                .iter()
                .map(|d| StoredDiagnostic {
                    severity: match d.severity {
                        Severity::Error => 0,
                        Severity::Warning => 1,
                        Severity::Note => 2,
                    },
                    file: path_of(d.span),
                    lo: d.span.lo,
                    hi: d.span.hi,
                    message: d.message.clone(),
                    notes: d
                        .notes
                        .iter()
                        .map(|n| StoredLabel { file: path_of(n.span), lo: n.span.lo, hi: n.span.hi, message: n.message.clone() })
                        .collect(),
                    help: d.help.clone(),
                })
                .collect(),
            files: files.iter().map(|f| (f.id.0, store_path(&f.path, root))).collect(),
        };
        self.queue(Job::Encode { key: *key, stored, export });
    }

    /// Hands `job` to the writer thread, started by the first job.
    fn queue(&self, job: Job) {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if writer.is_none() {
            *writer = Writer::spawn(&self.shared);
        }
        match writer.as_ref() {
            Some(w) => w.queue.push(job),
            // No thread could be started: the caller writes.
            None => {
                drop(writer);
                self.shared.store(job);
            }
        }
    }

    /// Waits until every entry given to [`Cache::put`] is written (and
    /// queued for the remote cache), writes the pack's index and names it,
    /// and merges packs if there are too many. Later puts start a new
    /// writer and a new pack; the next lookup lists the packs again.
    pub fn finish(&self) {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(Writer { queue, thread }) = writer {
            queue.close();
            let _ = thread.join();
        }
        let pack = std::mem::replace(&mut *self.shared.pack.lock().unwrap_or_else(|e| e.into_inner()), RunPack::NotYet);
        if let RunPack::Writing(pack) = pack {
            let started = Instant::now();
            if let Ok(Some(_)) = pack.commit(&self.shared.dir) {
                pack::compact(&self.shared.dir, is_intact);
            }
            self.shared.write_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        self.shared.stale.store(true, Ordering::Release);
    }

    /// Time spent encoding, hashing and writing entries (on the writer
    /// thread) and writing the pack's index, and how many entries were
    /// stored.
    pub fn write_stats(&self) -> (Duration, u64) {
        (Duration::from_nanos(self.shared.write_nanos.load(Ordering::Relaxed)), self.shared.written.load(Ordering::Relaxed))
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The pack of a run (of one analysis, in a process that keeps its cache).
enum RunPack {
    /// Nothing stored yet: the first entry creates it.
    NotYet,
    Writing(PackWriter),
    /// None could be created (a read-only cache): not tried again for
    /// every entry.
    Unavailable,
}

/// An entry on its way to the disk.
enum Job {
    /// A result of this run: encoded, stored, pushed to the remote cache.
    Encode { key: Hash, stored: StoredEntry, export: Vec<u8> },
    /// An entry the remote cache gave: stored as it is.
    Copy { key: Hash, bytes: Vec<u8> },
}

/// The thread that writes entries, and the queue feeding it.
struct Writer {
    queue: Arc<Queue>,
    thread: JoinHandle<()>,
}

/// Entries waiting for the writer. It is woken once [`BATCH`] are waiting
/// (or the queue is closed), not for each: a wake-up costs the checking
/// thread a system call and the writer a context switch.
#[derive(Default)]
struct Queue {
    state: Mutex<(Vec<Job>, bool)>,
    ready: Condvar,
}

const BATCH: usize = 16;

impl Queue {
    fn push(&self, job: Job) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.push(job);
        let wake = state.0.len() == BATCH;
        drop(state);
        if wake {
            self.ready.notify_one();
        }
    }

    /// No more jobs: the writer stores what is left and ends.
    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.ready.notify_one();
    }

    /// The waiting jobs, once there are [`BATCH`] or the queue is closed;
    /// `None` once it is closed and empty.
    fn take(&self) -> Option<Vec<Job>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.0.len() < BATCH && !state.1 {
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        let jobs = std::mem::take(&mut state.0);
        (!jobs.is_empty()).then_some(jobs)
    }
}

impl Writer {
    fn spawn(shared: &Arc<Shared>) -> Option<Writer> {
        let queue = Arc::new(Queue::default());
        let (shared, jobs) = (shared.clone(), queue.clone());
        let thread = std::thread::Builder::new()
            .name("gox-cache-writer".to_string())
            .spawn(move || {
                while let Some(batch) = jobs.take() {
                    for job in batch {
                        shared.store(job);
                    }
                }
            })
            .ok()?;
        Some(Writer { queue, thread })
    }
}

impl Shared {
    fn made(&self) -> bool {
        *self.made.get_or_init(|| std::fs::create_dir_all(&self.dir).is_ok())
    }

    /// Encodes and checksums one entry, appends it to this run's pack, and
    /// hands it to the remote cache.
    fn store(&self, job: Job) {
        let started = Instant::now();
        let (key, bytes, push) = match job {
            Job::Encode { key, stored, export } => {
                let bytes = encode_entry(&stored, &export);
                self.written.fetch_add(1, Ordering::Relaxed);
                (key, bytes, true)
            }
            Job::Copy { key, bytes } => (key, bytes, false),
        };
        if self.made() {
            let mut pack = self.pack.lock().unwrap_or_else(|e| e.into_inner());
            if let RunPack::NotYet = *pack {
                *pack = PackWriter::create(&self.dir).map_or(RunPack::Unavailable, RunPack::Writing);
            }
            if let RunPack::Writing(pack) = &mut *pack {
                pack.append(&key, &bytes);
            }
        }
        if let (Some(remote), true) = (&self.remote, push) {
            remote.push(hex::encode(key), bytes);
        }
        self.write_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

impl Cache {
    /// Deletes the packs and run records unused for [`TRIM_AFTER`] (and
    /// whatever an older gox left behind as long, such as the one file per
    /// entry of earlier layouts), unless that was done less than
    /// [`TRIM_INTERVAL`] ago. Failures only leave files behind.
    pub fn trim(&self) {
        let dir = &self.shared.dir;
        let now = SystemTime::now();
        remove_abandoned(dir, now);
        let stamp = dir.join(TRIM_STAMP);
        if modified(&stamp).is_some_and(|t| age(now, t) < TRIM_INTERVAL) {
            return;
        }
        if !dir.is_dir() {
            return;
        }
        trim_dir(dir, now, &stamp);
        let _ = std::fs::write(&stamp, format!("{}\n", now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())));
    }
}

/// Removes the files under `dir` (and the directories that empties) not
/// modified for [`TRIM_AFTER`], except `keep`.
fn trim_dir(dir: &Path, now: SystemTime, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            trim_dir(&path, now, keep);
            let _ = std::fs::remove_dir(&path); // only succeeds when empty
        } else if path != keep && modified(&path).is_some_and(|t| age(now, t) >= TRIM_AFTER) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// How long before `now` the time `then` was (zero for the future).
fn age(now: SystemTime, then: SystemTime) -> Duration {
    now.duration_since(then).unwrap_or(Duration::ZERO)
}

/// The bytes of the file at `path` (a run record); marks it used when its
/// modification time is older than [`REFRESH_AFTER`].
pub(crate) fn read_and_refresh(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    // Only regular files of a sane size: opening a FIFO would block, and a
    // link to a device could be read forever.
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_ENTRY {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let now = SystemTime::now();
    if meta.modified().is_ok_and(|t| age(now, t) >= REFRESH_AFTER) {
        let _ = file.set_modified(now);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_ENTRY + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_ENTRY).then_some(bytes)
}

/// The largest entry (or run record) read (export data of a huge package
/// is a few MB).
pub(super) const MAX_ENTRY: u64 = 256 << 20;

/// Temporary files are written here and renamed into the cache: a run
/// killed while writing leaves its file here, and the next run removes
/// files older than [`ABANDONED_AFTER`] (no write takes that long).
pub(super) const TMP_DIR: &str = "tmp";
const ABANDONED_AFTER: Duration = Duration::from_secs(10 * 60);

/// Removes temporary files left by killed runs.
fn remove_abandoned(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir.join(TMP_DIR)) else { return };
    for entry in entries.flatten() {
        if modified(&entry.path()).is_some_and(|t| age(now, t) >= ABANDONED_AFTER) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to a temporary file in `dir` and renames it to `path`.
pub(crate) fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> bool {
    let tmp_dir = dir.join(TMP_DIR);
    if write_unnamed(&tmp_dir, path, bytes) {
        return true;
    }
    let Ok(mut tmp) = tempfile::NamedTempFile::new_in(&tmp_dir)
        .or_else(|_| std::fs::create_dir_all(&tmp_dir).and_then(|()| tempfile::NamedTempFile::new_in(&tmp_dir)))
    else {
        return false;
    };
    std::io::Write::write_all(&mut tmp, bytes).is_ok() && tmp.persist(path).is_ok()
}

/// Writes `bytes` to a new file at `path` through a file without a name
/// (`O_TMPFILE` in `tmp_dir`) that gets its name only once it is whole:
/// one directory entry made instead of one made, renamed and removed, and
/// a run killed while writing leaves nothing behind. `false` when the file
/// system cannot (no `O_TMPFILE`, no `/proc`) or `path` exists (a corrupt
/// record being replaced): then [`write_atomic`] renames a named file.
fn write_unnamed(tmp_dir: &Path, path: &Path, bytes: &[u8]) -> bool {
    use std::io::Write;
    let Some(mut file) = write_unnamed_file(tmp_dir) else { return false };
    file.write_all(bytes).is_ok() && link_unnamed(&file, path)
}

/// A new file without a name in `tmp_dir`, open for reading and writing,
/// to be named by [`link_unnamed`] once whole; `None` where the file
/// system or the system cannot (no `O_TMPFILE`).
#[cfg(target_os = "linux")]
pub(super) fn write_unnamed_file(tmp_dir: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).write(true).custom_flags(libc::O_TMPFILE).mode(0o600).open(tmp_dir).ok()
}

#[cfg(not(target_os = "linux"))]
pub(super) fn write_unnamed_file(_tmp_dir: &Path) -> Option<std::fs::File> {
    None
}

/// Gives the unnamed `file` the name `path`; `false` when that fails (no
/// `/proc`, `path` exists, its directory is missing).
#[cfg(target_os = "linux")]
pub(super) fn link_unnamed(file: &std::fs::File, path: &Path) -> bool {
    use std::ffi::CString;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(from), Ok(to)) = (CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())), CString::new(path.as_os_str().as_bytes()))
    else {
        return false;
    };
    // SAFETY: two NUL-terminated paths that outlive the call; the
    // descriptor `from` names stays open until `file` drops.
    unsafe { libc::linkat(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_SYMLINK_FOLLOW) == 0 }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn link_unnamed(_file: &std::fs::File, _path: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A distinct key (and fingerprint) per number.
    fn key(n: u8) -> Hash {
        Sha256::digest([n]).into()
    }

    fn put(cache: &Cache, n: u8) {
        let map = SourceMap::new();
        cache.put(&key(n), &key(n), &[], vec![n; 100], &[], &map, Path::new("/root"));
    }

    /// The fingerprint of the entry for key `n`, if `cache` has it.
    fn get(cache: &Cache, n: u8) -> Option<Hash> {
        cache.get(&key(n), &SourceMap::new(), Path::new("/root")).map(|e| e.fingerprint)
    }

    fn packs(dir: &Path) -> usize {
        std::fs::read_dir(dir.join(pack::PACKS_DIR)).map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "pack")).count())
    }

    #[test]
    fn a_kept_cache_sees_its_own_new_pack_and_others_after_each_finish() {
        let tmp = tempfile::tempdir().unwrap();
        let ours = Cache::open(tmp.path().to_path_buf());
        let theirs = Cache::open(tmp.path().to_path_buf());
        // A file that is no pack, listed on every scan.
        std::fs::create_dir_all(tmp.path().join(pack::PACKS_DIR)).unwrap();
        std::fs::write(tmp.path().join(pack::PACKS_DIR).join("junk.pack"), "no pack").unwrap();
        assert_eq!(get(&ours, 1), None);
        put(&ours, 1);
        ours.finish();
        assert_eq!(get(&ours, 1), Some(key(1)), "its own pack, once finished");
        put(&theirs, 2);
        theirs.finish();
        // Listed at most once per analysis: after our next finish.
        assert_eq!(get(&ours, 2), None);
        ours.finish();
        assert_eq!(get(&ours, 2), Some(key(2)), "another process's pack");
        assert_eq!(get(&ours, 1), Some(key(1)));
        assert_eq!(packs(tmp.path()), 3);
    }

    #[test]
    fn packs_merged_away_by_another_process_still_serve_and_their_merge_is_found() {
        let tmp = tempfile::tempdir().unwrap();
        let ours = Cache::open(tmp.path().to_path_buf());
        let theirs = Cache::open(tmp.path().to_path_buf());
        for n in 0..pack::MAX_PACKS as u8 {
            put(&theirs, n);
            theirs.finish();
        }
        assert_eq!(packs(tmp.path()), pack::MAX_PACKS);
        // Ours reads the 16 packs' indexes and holds them open ...
        assert_eq!(get(&ours, 0), Some(key(0)));
        // ... while theirs writes a 17th and merges the smallest away.
        put(&theirs, 100);
        theirs.finish();
        assert!(packs(tmp.path()) < pack::MAX_PACKS, "merged: {}", packs(tmp.path()));
        for n in 0..pack::MAX_PACKS as u8 {
            assert_eq!(get(&ours, n), Some(key(n)), "entry {n} from a deleted pack still open");
        }
        ours.finish();
        for n in (0..pack::MAX_PACKS as u8).chain([100]) {
            assert_eq!(get(&ours, n), Some(key(n)), "entry {n} after listing the packs again");
        }
    }

    #[test]
    fn a_merge_copies_only_intact_entries_under_their_own_key() {
        let stored = StoredEntry { key: key(1), fingerprint: key(2), diagnostics: Vec::new(), files: vec![(0, "@root/a.gox".to_string())] };
        let entry = encode_entry(&stored, b"export data");
        assert!(is_intact(&key(1), &entry));
        assert!(!is_intact(&key(2), &entry), "another key");
        let header = header_end(&entry).unwrap();
        for at in [20, header - 1, header, entry.len() - 1] {
            let mut damaged = entry.clone();
            damaged[at] ^= 1;
            assert!(!is_intact(&key(1), &damaged), "a flipped byte at {at}");
        }
        assert!(!is_intact(&key(1), &entry[..entry.len() - 1]), "cut short");
        // An export length that overflows, under a mended header checksum.
        let mut absurd = entry[..header].to_vec();
        let at = ENTRY_PREFIX + 64;
        absurd[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let sum = Sha256::digest(&absurd[..header - 32]);
        absurd[header - 32..].copy_from_slice(&sum);
        absurd.extend_from_slice(b"export data");
        assert!(decode_header(&absurd, &key(1)).is_some());
        assert!(!is_intact(&key(1), &absurd), "overflowing export length");
        assert!(decode_whole(absurd, &key(1), &SourceMap::new(), Path::new("/root")).is_none());
        assert!(!is_intact(&key(1), &entry[..header - 1]), "shorter than its header");
    }
}
