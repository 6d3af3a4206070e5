//! The build cache, through the real binary: a no-op re-check checks
//! nothing; a function-body edit re-checks the edited package's cone but
//! its importers stay cached; an API change re-checks importers; corrupt
//! entries and packs are ignored; many runs leave few packs;
//! `gox clean -cache` empties the cache.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

fn gox(dir: &Path, cache: &Path, args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_gox"))
        .args(args)
        .current_dir(dir)
        .env("GOXCACHE", cache)
        .output()
        .expect("running gox");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// The "(N from cache, M checked)" counts of `--timings`, and whether
/// `path` appears among the checked packages.
fn counts(stderr: &str) -> (usize, usize) {
    let line = stderr.lines().find(|l| l.starts_with("timings:")).expect("timings line");
    let inner = &line[line.find('(').expect("(") + 1..line.find(')').expect(")")];
    let nums: Vec<usize> = inner.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    (nums[0], nums[1])
}

fn checked_packages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("total"))
        .skip(1)
        .filter_map(|l| l.split_whitespace().last().map(String::from))
        .collect()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("gox.mod"), "module example.com/app\n").unwrap();
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::create_dir_all(root.join("util")).unwrap();
    std::fs::write(root.join("util/util.gox"), "package util\n\nfunc Double(x int) int { return 2 * x }\n").unwrap();
    std::fs::write(
        root.join("lib/lib.gox"),
        "package lib\n\nimport \"util\"\n\nfunc Quad(x int) int { return util.Double(util.Double(x)) }\n",
    )
    .unwrap();
    std::fs::write(root.join("main.gox"), "package main\n\nimport \"lib\"\n\nfunc main() { println(lib.Quad(1)) }\n").unwrap();
    dir
}

#[test]
fn no_op_recheck_checks_nothing() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let (_, first, _) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    let (cached, _) = counts(&first);
    assert_eq!(cached, 0);
    let (_, second, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    let total = second.lines().find(|l| l.starts_with("timings:")).unwrap();
    let (cached, checked) = counts(&second);
    assert_eq!(checked, 0, "{second}");
    assert!(total.contains(&format!("{cached} packages")), "{second}");
    assert_eq!(code, 0, "{second}");
}

#[test]
fn body_edit_keeps_importers_cached_and_api_change_does_not() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    // A body edit in util: util is re-checked, its importer lib is not.
    std::fs::write(p.path().join("util/util.gox"), "package util\n\nfunc Double(x int) int { return x + x }\n").unwrap();
    let (_, err, _) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    let checked = checked_packages(&err);
    assert_eq!(checked, vec!["example.com/app/util".to_string()], "{err}");
    // A body edit in lib, which imports util: util's types come from its
    // cached export data, so lib alone is checked.
    std::fs::write(
        p.path().join("lib/lib.gox"),
        "package lib\n\nimport \"util\"\n\nfunc Quad(x int) int { y := util.Double(x); return util.Double(y) }\n",
    )
    .unwrap();
    let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!(checked_packages(&err), vec!["example.com/app/lib".to_string()], "{err}");
    assert_eq!(code, 0, "{err}");
    // An API change in util: lib must be re-checked, and sees the error.
    std::fs::write(p.path().join("util/util.gox"), "package util\n\nfunc Double(x string) string { return x + x }\n").unwrap();
    let (out, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert!(checked_packages(&err).contains(&"example.com/app/lib".to_string()), "{err}");
    assert!(out.contains("lib/lib.gox:5:"), "{out}");
    assert_eq!(code, 1);
}

/// Flips the byte at `at(entry length)` of every entry in every pack; the
/// packs' indexes stay intact.
fn flip_in_every_entry(cache: &Path, at: impl Fn(u64) -> u64) {
    for pack in packs(cache) {
        let mut bytes = std::fs::read(&pack).unwrap();
        for (_, offset, len) in pack_index(&pack) {
            bytes[(offset + at(len)) as usize] ^= 0x55;
        }
        std::fs::write(&pack, &bytes).unwrap();
    }
}

#[test]
fn corrupt_cache_entries_are_ignored() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    // A byte of every entry's header (within its key).
    flip_in_every_entry(cache.path(), |_| 20);
    let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!(counts(&err).0, 0, "corrupt entries must not be trusted: {err}");
    assert_eq!(code, 0, "{err}");
    // The run that found them corrupt wrote good ones in their place.
    let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!(counts(&err).1, 0, "corrupt entries are replaced: {err}");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn damaged_export_data_is_found_when_used_and_its_package_is_checked_instead() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    // The last byte of every entry is export data: the headers (results,
    // fingerprints) still hold, and are read without the export data.
    flip_in_every_entry(cache.path(), |len| len - 1);
    // A body edit in lib: lib is checked against util's export data,
    // which fails its hash, so util is checked again instead.
    std::fs::write(
        p.path().join("lib/lib.gox"),
        "package lib\n\nimport \"util\"\n\nfunc Quad(x int) int { y := util.Double(x); return util.Double(y) }\n",
    )
    .unwrap();
    let (out, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    let checked = checked_packages(&err);
    assert!(checked.contains(&"example.com/app/lib".to_string()) && checked.contains(&"example.com/app/util".to_string()), "{err}");
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
}

#[test]
fn a_pack_whose_index_is_damaged_is_skipped_whole() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let (first, _, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    let all = packs(cache.path());
    assert_eq!(all.len(), 1, "one run, one pack");
    let mut bytes = std::fs::read(&all[0]).unwrap();
    // One bit of the first index entry's length flipped: every entry still
    // intact, but the index no longer matches its checksum.
    let index_at = bytes.len() - 48 - 48 * pack_index(&all[0]).len();
    bytes[index_at + 40] ^= 1;
    std::fs::write(&all[0], &bytes).unwrap();
    let (out, err, again) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!((out, again), (first, code), "{err}");
    assert_eq!(counts(&err).0, 0, "nothing may be taken from a pack whose index fails its checksum: {err}");
}

#[test]
fn many_runs_leave_few_packs_and_what_they_stored_still_hits() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let util = |i: usize| format!("package util\n\nfunc Double(x int) int {{ return x*2 + {i} - {i} }}\n");
    // Each body edit re-checks util alone and writes a pack of one entry.
    for i in 0..40 {
        std::fs::write(p.path().join("util/util.gox"), util(i)).unwrap();
        let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(counts(&err).1, if i == 0 { 3 } else { 1 }, "run {i}: {err}");
        let n = packs(cache.path()).len();
        assert!(n <= 16, "run {i} left {n} packs");
    }
    // Merged or not, every version's entry is still there.
    for i in [0, 1, 17, 38, 39] {
        std::fs::write(p.path().join("util/util.gox"), util(i)).unwrap();
        let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
        assert_eq!((code, counts(&err).1), (0, 0), "version {i}: {err}");
    }
    // Merged packs are whole packs; no temporary file is left behind.
    let mut keys = 0;
    for pack in packs(cache.path()) {
        keys += read_pack(&pack).len();
    }
    assert_eq!(keys, 42, "each entry once: util's 40 versions, lib and main");
    assert!(walk(&cache.path().join("tmp")).is_empty());
}

#[test]
fn processes_merging_packs_at_once_lose_no_entry_and_leave_whole_packs() {
    let cache = tempfile::tempdir().unwrap();
    let util = |i: usize| format!("package util\n\nfunc Double(x int) int {{ return x*2 + {i} - {i} }}\n");
    let p = project();
    // Sixteen packs: the next run to write one merges.
    for i in 0..16 {
        std::fs::write(p.path().join("util/util.gox"), util(i)).unwrap();
        gox(p.path(), cache.path(), &["check", "./..."]);
    }
    assert_eq!(packs(cache.path()).len(), 16);
    // Four checkouts of the project (the same keys wherever it is), each
    // with a version of util of its own, checked at once: four packs
    // written, and each run finds too many.
    let copies: Vec<_> = (16..20)
        .map(|i| {
            let copy = project();
            std::fs::write(copy.path().join("util/util.gox"), util(i)).unwrap();
            copy
        })
        .collect();
    std::thread::scope(|s| {
        for copy in &copies {
            s.spawn(|| assert_eq!(gox(copy.path(), cache.path(), &["check", "./..."]).2, 0));
        }
    });
    for pack in packs(cache.path()) {
        assert!(!read_pack(&pack).is_empty(), "{} is whole", pack.display());
    }
    assert!(packs(cache.path()).len() < 16, "{:?}", packs(cache.path()));
    for i in 0..20 {
        std::fs::write(p.path().join("util/util.gox"), util(i)).unwrap();
        let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
        assert_eq!((code, counts(&err).1), (0, 0), "version {i}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_the_merge_lock_blocks_nothing() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    for i in 0..16 {
        std::fs::write(p.path().join("util/util.gox"), format!("package util\n\nfunc Double(x int) int {{ return x*2 + {i} - {i} }}\n")).unwrap();
        gox(p.path(), cache.path(), &["check", "./..."]);
    }
    let lock = cache.path().join("packs/lock");
    let _ = std::fs::remove_file(&lock);
    assert!(Command::new("mkfifo").arg(&lock).status().unwrap().success());
    // The seventeenth pack: this run would merge, and must not wait on the FIFO.
    std::fs::write(p.path().join("util/util.gox"), "package util\n\nfunc Double(x int) int { return x + x }\n").unwrap();
    let (_, err, code) = gox_within(p.path(), cache.path(), &["check", "--timings", "./..."], std::time::Duration::from_secs(30));
    assert_eq!((code, counts(&err).1), (0, 1), "{err}");
}

#[test]
fn clean_cache_empties_it() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    assert!(!walk(cache.path()).is_empty());
    let (_, err, code) = gox(p.path(), cache.path(), &["clean", "-cache"]);
    assert_eq!(code, 0, "{err}");
    assert!(walk(cache.path()).is_empty());
}

/// The packs of a cache directory, by name.
fn packs(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache.join("packs"))
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "pack")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A pack's index: per entry its key, offset and length. Checks the
/// layout gox writes: entries, index (key, offset, length: 48 bytes per
/// entry), count, SHA-256 of index and count, magic.
fn pack_index(path: &Path) -> Vec<([u8; 32], u64, u64)> {
    let bytes = std::fs::read(path).unwrap();
    let n = bytes.len();
    assert_eq!(&bytes[n - 8..], b"GOXPACK1", "{}", path.display());
    let count = u64::from_le_bytes(bytes[n - 48..n - 40].try_into().unwrap()) as usize;
    let index_at = n - 48 - 48 * count;
    assert_eq!(Sha256::digest(&bytes[index_at..n - 40])[..], bytes[n - 40..n - 8], "index checksum of {}", path.display());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    (0..count)
        .map(|i| {
            let at = index_at + 48 * i;
            let (offset, len) = (u64_at(at + 32), u64_at(at + 40));
            assert!(offset + len <= index_at as u64);
            (bytes[at..at + 32].try_into().unwrap(), offset, len)
        })
        .collect()
}

/// A pack's entries: key and bytes.
fn read_pack(path: &Path) -> Vec<([u8; 32], Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    pack_index(path).into_iter().map(|(key, offset, len)| (key, bytes[offset as usize..(offset + len) as usize].to_vec())).collect()
}

/// Writes a pack of `entries` at `path`, laid out as gox writes them.
fn write_pack(path: &Path, entries: &[([u8; 32], Vec<u8>)]) {
    let mut bytes = Vec::new();
    let mut index = Vec::new();
    for (key, entry) in entries {
        index.extend_from_slice(key);
        index.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        index.extend_from_slice(&(entry.len() as u64).to_le_bytes());
        bytes.extend_from_slice(entry);
    }
    index.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    let sum = Sha256::digest(&index);
    bytes.extend_from_slice(&index);
    bytes.extend_from_slice(&sum);
    bytes.extend_from_slice(b"GOXPACK1");
    std::fs::write(path, bytes).unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn set_age(path: &Path, days: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 24 * 60 * 60);
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(when).unwrap();
}

fn age_days(path: &Path) -> u64 {
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    std::time::SystemTime::now().duration_since(modified).unwrap_or_default().as_secs() / (24 * 60 * 60)
}

#[test]
fn hits_refresh_packs_and_old_unused_packs_are_trimmed() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    let stamp = cache.path().join("trim.txt");
    assert!(stamp.is_file(), "the first run trims and records it");
    let entries = packs(cache.path());
    assert_eq!(entries.len(), 1);
    // A pack this build uses, but last used a week ago; a pack nobody
    // uses, an entry file of the previous layout (one file per entry) and
    // a file of an older layout still, all as old; and the last trim two
    // days ago.
    for e in &entries {
        set_age(e, 7);
    }
    let unused = cache.path().join("packs").join("unused.pack");
    write_pack(&unused, &[([0; 32], b"old".to_vec())]);
    set_age(&unused, 7);
    let old_entry = cache.path().join("00".repeat(32));
    std::fs::write(&old_entry, "old").unwrap();
    set_age(&old_entry, 7);
    std::fs::create_dir_all(cache.path().join("ab")).unwrap();
    let old_layout = cache.path().join("ab").join("cdef");
    std::fs::write(&old_layout, "old").unwrap();
    set_age(&old_layout, 7);
    set_age(&stamp, 2);

    let (_, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&err).1, 0, "the old entries still serve: {err}");
    for e in &entries {
        assert!(e.is_file() && age_days(e) == 0, "{} was used, so refreshed and kept", e.display());
    }
    assert!(!unused.exists(), "a pack unused for a week is trimmed");
    assert!(!old_entry.exists(), "so is an entry file of the previous layout");
    assert!(!old_layout.exists() && !cache.path().join("ab").exists(), "and an older layout's");
    assert_eq!(age_days(&stamp), 0);

    // A recent trim means no trimming: an old unused entry survives a day.
    std::fs::write(&unused, "old").unwrap();
    set_age(&unused, 7);
    gox(p.path(), cache.path(), &["check", "./..."]);
    assert!(unused.exists());
}

#[test]
fn processes_sharing_the_cache_agree_and_leave_whole_packs() {
    let p = project();
    std::fs::write(p.path().join("util/extra.gox"), "package util\n\nfunc unused() { x := 1 }\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_gox"))
            .args(["check", "./..."])
            .current_dir(p.path())
            .env("GOXCACHE", cache.path())
            .output()
    };
    // Four cold checks at once, writing the same entries.
    let outputs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(spawn)).collect();
        handles.into_iter().map(|h| h.join().unwrap().expect("running gox")).collect()
    });
    for out in &outputs {
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(out.stdout, outputs[0].stdout);
        assert_eq!(String::from_utf8_lossy(&out.stdout), "util/extra.gox:3:17: x declared but not used\n");
    }
    // What they left is complete: the next run takes everything from it
    // and reports the same.
    let (out, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!((code, counts(&err).1), (1, 0), "{err}");
    assert_eq!(out.as_bytes(), outputs[0].stdout.as_slice());
    assert!(walk(cache.path()).iter().all(|e| !e.file_name().unwrap().to_string_lossy().starts_with(".tmp")), "no temporary files left");
    // At most one pack per run (a run that found another's pack already
    // named wrote fewer entries), each whole.
    let all = packs(cache.path());
    assert!((1..=4).contains(&all.len()), "{all:?}");
    for pack in all {
        assert!(!read_pack(&pack).is_empty(), "{} is whole", pack.display());
    }
}

/// Runs gox with a deadline: a hang is a failure, not a stuck test.
fn gox_within(dir: &Path, cache: &Path, args: &[&str], limit: std::time::Duration) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gox"))
        .args(args)
        .current_dir(dir)
        .env("GOXCACHE", cache)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running gox");
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().expect("waiting").is_some() {
            let out = child.wait_with_output().expect("output");
            return (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                out.status.code().unwrap_or(-1),
            );
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("gox {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn an_entry_under_another_key_is_a_miss() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let (first, _, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    let all = packs(cache.path());
    assert_eq!(all.len(), 1);
    let entries = read_pack(&all[0]);
    assert!(entries.len() >= 2);
    // Every key given its neighbour's valid entry, in a valid pack:
    // nothing matches its key.
    let swapped: Vec<_> = (0..entries.len()).map(|i| (entries[i].0, entries[(i + 1) % entries.len()].1.clone())).collect();
    write_pack(&all[0], &swapped);
    let (out, err, again) = gox_within(p.path(), cache.path(), &["check", "--timings", "./..."], std::time::Duration::from_secs(30));
    assert_eq!((out, again), (first, code), "{err}");
    assert_eq!(counts(&err).0, 0, "no entry may be taken for another package: {err}");
}

#[cfg(unix)]
#[test]
fn only_regular_files_holding_whole_packs_are_read() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    let (first, _, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    let good = packs(cache.path());
    let entries = read_pack(&good[0]);
    for pack in &good {
        std::fs::remove_file(pack).unwrap();
    }
    let dir = cache.path().join("packs");
    // A FIFO would block a reader forever; a link to /dev/zero never ends.
    assert!(Command::new("mkfifo").arg(dir.join("fifo.pack")).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.pack")).unwrap();
    // A trailer claiming more entries than any file holds.
    let mut huge = vec![0u8; 64];
    huge.extend_from_slice(&(u64::MAX / 48).to_le_bytes());
    huge.extend_from_slice(&[0; 32]);
    huge.extend_from_slice(b"GOXPACK1");
    std::fs::write(dir.join("huge.pack"), huge).unwrap();
    // A pack cut short, and one whose (checksummed) index points past its end.
    let mut whole = Vec::new();
    write_pack(&dir.join("whole"), &entries);
    std::io::Read::read_to_end(&mut std::fs::File::open(dir.join("whole")).unwrap(), &mut whole).unwrap();
    std::fs::remove_file(dir.join("whole")).unwrap();
    std::fs::write(dir.join("cut.pack"), &whole[..whole.len() - 1]).unwrap();
    let mut past_end = whole.clone();
    let body: usize = entries.iter().map(|(_, e)| e.len()).sum();
    past_end.drain(..body);
    std::fs::write(dir.join("past-end.pack"), &past_end).unwrap();
    let (out, err, again) = gox_within(p.path(), cache.path(), &["check", "--timings", "./..."], std::time::Duration::from_secs(30));
    assert_eq!((out.as_str(), again), (first.as_str(), code), "{err}");
    assert_eq!(counts(&err).0, 0, "nothing taken from them: {err}");
    // The run stored its results in a pack of its own, which serves next
    // to them.
    let (out, err, again) = gox_within(p.path(), cache.path(), &["check", "--timings", "./..."], std::time::Duration::from_secs(30));
    assert_eq!((out, again), (first, code), "{err}");
    assert_eq!(counts(&err).1, 0, "{err}");
}

#[test]
fn a_killed_runs_temporary_files_are_removed_by_the_next_run() {
    let p = project();
    let cache = tempfile::tempdir().unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    let tmp = cache.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let (old, young) = (tmp.join(".tmpKILLED"), tmp.join(".tmpWRITING"));
    std::fs::write(&old, b"half an entry").unwrap();
    std::fs::write(&young, b"being written right now").unwrap();
    let file = std::fs::File::options().write(true).open(&old).unwrap();
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600)).unwrap();
    gox(p.path(), cache.path(), &["check", "./..."]);
    assert!(!old.exists(), "an abandoned temporary file stays");
    assert!(young.exists(), "a file another run may be writing was removed");
}

#[test]
fn unchanged_project_is_answered_from_the_run_record_and_any_change_ends_that() {
    let p = project();
    std::fs::write(p.path().join("lib/extra.gox"), "package lib\n\nvar Broken int = \"no\"\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    // A run that saw files changed in the last two seconds records nothing
    // (a timestamp is only so fine); these are older by then.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = gox(p.path(), cache.path(), &["check", "--format", "go", "./..."]);
    assert_eq!(first.2, 1, "{first:?}");
    assert!(first.0.contains("lib/extra.gox:3:18: cannot use \"no\""), "{first:?}");
    assert!(cache.path().join("runs").read_dir().unwrap().count() == 1, "no run record written");

    // With the build cache's entries gone, only the record can answer
    // without checking (a check would store the entries again).
    for pack in packs(cache.path()) {
        std::fs::remove_file(pack).unwrap();
    }
    let replayed = gox(p.path(), cache.path(), &["check", "--format", "go", "./..."]);
    assert_eq!(replayed, first);
    assert!(packs(cache.path()).is_empty(), "the second run checked instead of replaying");

    // Another command line is another record.
    let json = gox(p.path(), cache.path(), &["check", "--json", "./..."]);
    assert!(json.0.starts_with("{\"file\":\"lib/extra.gox\""), "{json:?}");

    // An edit that keeps the file's size is still seen.
    std::fs::write(p.path().join("lib/extra.gox"), "package lib\n\nvar Broken int = \"ok\"\n").unwrap();
    let edited = gox(p.path(), cache.path(), &["check", "--format", "go", "./..."]);
    assert!(edited.0.contains("cannot use \"ok\""), "{edited:?}");
    // So is a new package in a directory no run listed before.
    std::fs::remove_file(p.path().join("lib/extra.gox")).unwrap();
    std::fs::create_dir_all(p.path().join("fresh")).unwrap();
    std::fs::write(p.path().join("fresh/f.gox"), "package fresh\n\nvar X = undefinedName\n").unwrap();
    let added = gox(p.path(), cache.path(), &["check", "--format", "go", "./..."]);
    assert_eq!(added.0, "fresh/f.gox:3:9: undefined: undefinedName\n", "{added:?}");
}

/// The packages of the `critical path` line of `--timings`, in its order.
fn critical_path(stderr: &str) -> Vec<String> {
    let line = stderr.lines().find(|l| l.trim_start().starts_with("critical path")).expect("critical path line");
    assert!(line.contains("% of wall): "), "{line}");
    let chain = &line[line.find("): ").expect("chain") + 3..];
    chain.split(" -> ").map(|step| step[..step.rfind(" (").expect("time")].to_string()).collect()
}

#[test]
fn timings_name_a_critical_path_that_is_an_import_chain() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // main imports c (which imports b, which imports a) and d.
    let files = [
        ("gox.mod", "module example.com/app\n"),
        ("a/a.gox", "package a\n\nfunc A() int { return 1 }\n"),
        ("b/b.gox", "package b\n\nimport \"a\"\n\nfunc B() int { return a.A() + 1 }\n"),
        ("c/c.gox", "package c\n\nimport \"b\"\n\nfunc C() int { return b.B() + 1 }\n"),
        ("d/d.gox", "package d\n\nfunc D() int { return 4 }\n"),
        ("main.gox", "package main\n\nimport (\n\t\"c\"\n\t\"d\"\n)\n\nfunc main() { println(c.C() + d.D()) }\n"),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let app = |p: &str| if p.is_empty() { "example.com/app".to_string() } else { format!("example.com/app/{p}") };
    let imports = [("b", "a"), ("c", "b"), ("", "c"), ("", "d")];
    let cache = tempfile::tempdir().unwrap();
    // Cold (everything checked), then warm (everything from the cache).
    for run in ["cold", "warm"] {
        let (_, err, code) = gox(root, cache.path(), &["check", "--timings", "./..."]);
        assert_eq!(code, 0, "{err}");
        let chain = critical_path(&err);
        assert!(chain.first() == Some(&app("a")) || chain.first() == Some(&app("d")), "{run}: starts at a package importing nothing: {err}");
        assert_eq!(chain.last(), Some(&app("")), "{run}: ends at the package nothing imports: {err}");
        for pair in chain.windows(2) {
            assert!(
                imports.iter().any(|(importer, imported)| pair[0] == app(imported) && pair[1] == app(importer)),
                "{run}: {} does not import {}: {err}",
                pair[1],
                pair[0]
            );
        }
    }
}

/// The "N of M files read" of `--timings`.
fn files_read(stderr: &str) -> (usize, usize) {
    let line = stderr.lines().find(|l| l.contains("files read")).expect("files line");
    let inner = &line[line.find('(').expect("(") + 1..];
    let nums: Vec<usize> = inner.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    (nums[0], nums[1])
}

#[test]
fn files_unchanged_since_indexed_are_not_read_yet_their_errors_show_where_they_are() {
    let p = project();
    std::fs::write(
        p.path().join("util/util.gox"),
        "package util\n\n// Double doubles.\nfunc Double(x int) int {\n\tvar s string = x\n\treturn 2 * x\n}\n",
    )
    .unwrap();
    // Files changed within the last two seconds are never indexed (their
    // stamps could hide a second change).
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let cache = tempfile::tempdir().unwrap();
    let (first, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!(code, 1, "{err}");
    assert!(first.contains("util/util.gox:5:17: cannot use x (variable of type int) as string value in variable declaration"), "{first}");
    let (read, total) = files_read(&err);
    assert_eq!(read, total, "a first run reads everything: {err}");

    // Nothing changed: only the file with the error is read (to show it),
    // and the diagnostics are the same to the byte.
    let (second, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!((second.as_str(), code), (first.as_str(), 1), "{err}");
    let (read, total) = files_read(&err);
    let project_files = 3;
    assert_eq!(read, total - project_files + 1, "util.gox alone of the project's files is read: {err}");

    // An edit is seen (its stamp changed) and the rest stays unread.
    std::fs::write(p.path().join("main.gox"), "package main\n\nimport \"lib\"\n\nfunc main() { println(lib.Quad(2)) }\n").unwrap();
    let (third, err, code) = gox(p.path(), cache.path(), &["check", "--timings", "./..."]);
    assert_eq!((third.as_str(), code), (first.as_str(), 1), "{err}");
    assert_eq!(checked_packages(&err), vec!["example.com/app".to_string()], "{err}");
    let (read, total) = files_read(&err);
    assert_eq!(read, total - project_files + 2, "main.gox and util.gox: {err}");

    // A new file, and a fix: both seen.
    std::fs::write(p.path().join("util/more.gox"), "package util\n\nfunc Triple(x int) int { return 3 * x }\n").unwrap();
    std::fs::write(p.path().join("util/util.gox"), "package util\n\nfunc Double(x int) int { return 2 * x }\n").unwrap();
    let (out, err, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    std::fs::write(p.path().join("main.gox"), "package main\n\nimport \"util\"\n\nfunc main() { println(util.Triple(2)) }\n").unwrap();
    let (out, err, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    std::fs::remove_file(p.path().join("util/more.gox")).unwrap();
    let (out, _, code) = gox(p.path(), cache.path(), &["check", "./..."]);
    assert!(out.contains("main.gox:5:28: undefined: util.Triple"), "{out}");
    assert_eq!(code, 1);
}
