//! `gox.lock`: parsing any text gives a lock file or an error at a
//! position in the text, never a panic. A lock file that parses prints
//! as a lock file with the same entries (and printing that changes nothing
//! more), and the edits `gox get` makes (update an entry, add one, remove
//! one) print as a lock file that parses to exactly the entries the edit
//! leaves.
#![no_main]

use std::path::Path;

use gox_module::lockfile::{LockEntry, LockFile};
use libfuzzer_sys::fuzz_target;
use semver::Version;

const PATH: &str = "/w/gox.lock";

fn reparse(lock: &LockFile) -> Vec<LockEntry> {
    let text = lock.to_string();
    match LockFile::parse(Path::new(PATH), &text) {
        Ok(again) => again.entries().to_vec(),
        Err(e) => panic!("an edited lock file does not parse: {e}\n{text}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lock = match LockFile::parse(Path::new(PATH), &text) {
        Ok(lock) => lock,
        Err(e) => {
            assert_eq!(e.pos.file, Path::new(PATH));
            let lines = text.split('\n').count() as u32;
            assert!(e.pos.line >= 1 && e.pos.line <= lines, "{e}");
            assert!(e.pos.col >= 1, "{e}");
            assert!(!e.message.is_empty());
            return;
        }
    };
    // Printing is stable (toml_edit keeps the formatting, up to line ends).
    let printed = lock.to_string();
    let again = LockFile::parse(Path::new(PATH), &printed).expect("a printed lock file parses");
    assert_eq!(again.to_string(), printed, "printing a printed lock file changes it");
    let entries = lock.entries().to_vec();
    assert_eq!(reparse(&lock), entries);
    for e in &entries {
        assert_eq!(lock.get(&e.path, &e.version), Some(e));
    }

    // Updating an entry's hash and commit keeps its place and the others.
    if let Some(first) = entries.first() {
        let mut edited = lock.clone();
        let updated = LockEntry {
            hash: "h1:fuzzfuzzfuzz=".to_string(),
            commit: Some("0123abcd".to_string()),
            ..first.clone()
        };
        edited.upsert(updated.clone());
        let mut want = entries.clone();
        want[0] = updated;
        assert_eq!(edited.entries(), want);
        assert_eq!(reparse(&edited), want);
    }

    // Adding a new entry appends it.
    let added = LockEntry {
        path: "example.com/fuzz/added".to_string(),
        version: Version::new(1, 2, 3),
        hash: "h1:added=".to_string(),
        commit: None,
    };
    if lock.get(&added.path, &added.version).is_none() {
        let mut edited = lock.clone();
        edited.upsert(added.clone());
        let mut want = entries.clone();
        want.push(added);
        assert_eq!(reparse(&edited), want);
    }

    // Removing an entry removes just that one.
    if let Some(last) = entries.last() {
        let mut edited = lock.clone();
        assert!(edited.remove(&last.path, &last.version));
        assert_eq!(reparse(&edited), entries[..entries.len() - 1]);
    }
});
