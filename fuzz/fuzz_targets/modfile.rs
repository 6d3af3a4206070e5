//! `gox.mod`: parsing any text gives a file or an error at a position in
//! the text, never a panic. A file that parses keeps its text byte for
//! byte, reparses to the same requires, and survives the edits `gox get`
//! and `gox mod` make (replace a version, add a require, remove one): each
//! edit gives a valid file that changes only what it must.
#![no_main]

use std::path::Path;

use gox_module::modfile::{ModFile, Require};
use libfuzzer_sys::fuzz_target;
use semver::Version;

const PATH: &str = "/w/gox.mod";

/// (alias, module path, version text) of every require.
fn summary(file: &ModFile) -> Vec<(String, String, String)> {
    file.requires()
        .iter()
        .map(|r| (r.alias.clone(), r.module_path.clone(), r.version_text.clone()))
        .collect()
}

fn assert_position_in(text: &str, line: u32, col: u32) {
    let lines = text.split('\n').count() as u32;
    assert!(line >= 1 && line <= lines, "line {line} outside a text of {lines} lines");
    let line_len = text.split('\n').nth(line as usize - 1).map_or(0, str::len) as u32;
    assert!(col >= 1 && col <= line_len + 1, "column {col} outside line {line} of {line_len} bytes");
}

fn assert_require_consistent(text: &str, r: &Require) {
    let written = &text[r.span.clone()];
    assert!(written.starts_with(&r.alias), "span {written:?} does not start with alias {:?}", r.alias);
    assert!(written.ends_with(&r.version_text), "span {written:?} does not end with {:?}", r.version_text);
    assert!(written.contains(&r.module_path));
    assert_eq!(format!("v{}", r.version), r.version_text);
    assert_position_in(text, r.line, r.col);
}

/// `after` is `before` with the bytes `before[range]` replaced.
fn assert_only_changed(before: &str, after: &str, range: std::ops::Range<usize>) {
    assert!(after.starts_with(&before[..range.start]), "edit changed bytes before the require:\n{before:?}\n{after:?}");
    assert!(after.ends_with(&before[range.end..]), "edit changed bytes after the require:\n{before:?}\n{after:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = match ModFile::parse(Path::new(PATH), &text) {
        Ok(file) => file,
        Err(e) => {
            let pos = e.pos.expect("a parse error has a position");
            assert_eq!(pos.file, Path::new(PATH));
            assert_position_in(&text, pos.line, pos.col);
            assert!(!e.message.is_empty());
            return;
        }
    };
    assert_eq!(file.text(), &*text);
    assert_eq!(file.to_string(), &*text);
    for (i, r) in file.requires().iter().enumerate() {
        assert_require_consistent(&text, r);
        assert!(file.require_positions(i).is_some());
        assert_eq!(file.require_by_alias(&r.alias), Some(r));
        assert_eq!(file.require_by_path(&r.module_path), Some(r));
    }
    let again = ModFile::parse(Path::new(PATH), file.text()).expect("a file's own text reparses");
    assert_eq!(summary(&again), summary(&file));
    assert_eq!(again.module_path(), file.module_path());

    let before = summary(&file);

    // Replacing the version of an existing require touches only its bytes.
    if let Some(first) = file.requires().first() {
        let mut edited = file.clone();
        let bumped = Version::new(9, 9, 9);
        let version = if first.version == bumped { Version::new(9, 9, 8) } else { bumped };
        edited
            .add_or_replace_require(&first.alias, &first.module_path, &version)
            .unwrap_or_else(|e| panic!("replacing a version gives an invalid file: {e}"));
        assert_only_changed(file.text(), edited.text(), first.span.clone());
        let mut want = before.clone();
        want[0].2 = format!("v{version}");
        assert_eq!(summary(&edited), want);
    }

    // Adding a new require keeps the others and appends it.
    let (alias, module) = ("fuzzadded", "example.com/fuzz/added");
    if file.require_by_alias(alias).is_none() && file.require_by_path(module).is_none() {
        let mut edited = file.clone();
        let version = Version::new(1, 2, 3);
        edited
            .add_or_replace_require(alias, module, &version)
            .unwrap_or_else(|e| panic!("adding a require gives an invalid file: {e}\n{}", file.text()));
        let got = summary(&edited);
        assert_eq!(got.len(), before.len() + 1);
        assert!(got.contains(&(alias.to_string(), module.to_string(), "v1.2.3".to_string())));
        assert!(before.iter().all(|r| got.contains(r)), "adding a require lost another");
    }

    // Removing a require removes just that one.
    if let Some(last) = file.requires().last() {
        let mut edited = file.clone();
        let removed = edited
            .remove_require(&last.alias)
            .unwrap_or_else(|e| panic!("removing a require gives an invalid file: {e}\n{}", file.text()))
            .expect("the require exists");
        assert_eq!(&removed, last);
        assert_eq!(summary(&edited), before[..before.len() - 1]);
        assert_eq!(edited.module_path(), file.module_path());
    }
});
