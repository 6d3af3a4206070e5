//! `gox.lock`: what identifies each module of the closure. TOML, edited
//! with `toml_edit` so that a change touches only the lines it must, and
//! fields gox does not know are kept.
//!
//! ```toml
//! version = 1
//!
//! [[module]]
//! path = "github.com/gin-gonic/gin"
//! version = "v1.9.0"
//! hash = "h1:4idEAncQnU5cB7BeOkPtxjfCSye0AAm1R0RVIqJ+Jmg="
//! commit = "7d147928ad7ba0b2bf8cd5e2cb2e5ad44d2d1b86"
//! ```
//!
//! * `version` names the format; this crate reads and writes version 1.
//! * `hash` is the module content hash computed by `crate::hash` (Go's
//!   dirhash "h1:": base64 of SHA-256 over the sorted lines
//!   `<sha256-hex>  <relative path>\n` of every file of the module tree).
//!   This file only stores and compares it: it must start with `h1:`.
//! * `commit`, for a module fetched from git: the commit its version tag
//!   pointed to.
//!
//! The lock records what identifies the content, never the mirror it came
//! from: the same hash fetched from another proxy changes nothing. Files
//! written by earlier gox versions carry a `source` string
//! (`git+<url>#<commit>` or `proxy+<url>`); it is read (its commit kept) and
//! dropped when the file is next written.
//!
//! Entries are keyed by (module path, version); a new entry is appended.

use std::fmt;
use std::path::{Path, PathBuf};

use semver::Version;
use toml_edit::{ArrayOfTables, DocumentMut, ImDocument, Item, Table};

use crate::error::FilePos;
use crate::modfile::parse_version;
use crate::modpath::check_module_path;

/// A `gox.lock` error at `file:line:col`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockError {
    pub pos: FilePos,
    pub message: String,
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for LockError {}

/// The commit of a legacy `source = "git+<url>#<commit>"`; `Ok(None)` for
/// `proxy+<url>`; the error is the reason the string is malformed.
fn legacy_source_commit(text: &str) -> Result<Option<String>, String> {
    if let Some(rest) = text.strip_prefix("git+") {
        let Some((url, commit)) = rest.rsplit_once('#') else {
            return Err("missing \"#<commit>\" after the git URL".to_string());
        };
        if url.is_empty() {
            return Err("empty git URL".to_string());
        }
        check_commit(commit)?;
        return Ok(Some(commit.to_string()));
    }
    if let Some(url) = text.strip_prefix("proxy+") {
        if url.is_empty() {
            return Err("empty proxy URL".to_string());
        }
        return Ok(None);
    }
    Err("unknown kind of source".to_string())
}

fn check_commit(commit: &str) -> Result<(), String> {
    if commit.is_empty() || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("commit \"{commit}\" is not a hexadecimal commit id"));
    }
    Ok(())
}

/// One `[[module]]` of `gox.lock`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockEntry {
    pub path: String,
    pub version: Version,
    /// `h1:` followed by the base64 of the tree's SHA-256.
    pub hash: String,
    /// The git commit the version's tag pointed to, for a module fetched
    /// from git.
    pub commit: Option<String>,
}

impl LockEntry {
    /// The version as written in files: `v` + semver.
    pub fn version_text(&self) -> String {
        format!("v{}", self.version)
    }
}

/// A parsed `gox.lock`, editable in place.
#[derive(Clone, Debug)]
pub struct LockFile {
    doc: DocumentMut,
    entries: Vec<LockEntry>,
}

impl Default for LockFile {
    fn default() -> Self {
        LockFile::new()
    }
}

const FORMAT_VERSION: i64 = 1;

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn error(&self, span: Option<std::ops::Range<usize>>, message: impl Into<String>) -> LockError {
        let offset = span.map_or(0, |s| s.start);
        LockError { pos: FilePos::at(self.path, self.text, offset), message: message.into() }
    }

    fn string_field<'t>(&self, table: &'t Table, key: &str, index: usize) -> Result<(&'t str, Option<std::ops::Range<usize>>), LockError> {
        match table.get(key) {
            None => Err(self.error(table.span(), format!("[[module]] #{index} has no \"{key}\" field"))),
            Some(item) => match item.as_str() {
                Some(s) => Ok((s, item.span())),
                None => Err(self.error(item.span(), format!("\"{key}\" must be a string"))),
            },
        }
    }

    fn entry(&self, table: &Table, index: usize) -> Result<LockEntry, LockError> {
        let (path, span) = self.string_field(table, "path", index)?;
        check_module_path(path).map_err(|err| self.error(span, err.to_string()))?;
        let (version, span) = self.string_field(table, "version", index)?;
        let version = parse_version(version).map_err(|why| {
            self.error(span, format!("invalid version \"{version}\": {why}; expected an exact version like v1.2.3"))
        })?;
        let (hash, span) = self.string_field(table, "hash", index)?;
        if !hash.starts_with("h1:") || hash.len() == 3 {
            return Err(self.error(span, format!("invalid hash \"{hash}\"; expected \"h1:<base64 of SHA-256>\"")));
        }
        let mut commit = None;
        if table.contains_key("commit") {
            let (text, span) = self.string_field(table, "commit", index)?;
            check_commit(text).map_err(|why| self.error(span, format!("invalid commit: {why}")))?;
            commit = Some(text.to_string());
        }
        if table.contains_key("source") {
            let (source, span) = self.string_field(table, "source", index)?;
            let legacy = legacy_source_commit(source).map_err(|why| {
                self.error(
                    span,
                    format!("invalid source \"{source}\": {why}; expected \"git+<url>#<commit>\" or \"proxy+<url>\""),
                )
            })?;
            commit = commit.or(legacy);
        }
        Ok(LockEntry { path: path.to_string(), version, hash: hash.to_string(), commit })
    }

    fn check(&self, doc: &ImDocument<&str>) -> Result<Vec<LockEntry>, LockError> {
        match doc.get("version") {
            None => return Err(self.error(None, "missing format version; expected \"version = 1\" at the top")),
            Some(item) => {
                if item.as_integer() != Some(FORMAT_VERSION) {
                    let found = item.as_value().map_or("a table".to_string(), |v| v.to_string().trim().to_string());
                    return Err(self.error(
                        item.span(),
                        format!("unsupported gox.lock format version {found}; this gox reads version = 1"),
                    ));
                }
            }
        }
        let mut entries: Vec<LockEntry> = Vec::new();
        let Some(modules) = doc.get("module") else { return Ok(entries) };
        let Some(array) = modules.as_array_of_tables() else {
            return Err(self.error(modules.span(), "\"module\" must be an array of tables, written [[module]]"));
        };
        for (i, table) in array.iter().enumerate() {
            let entry = self.entry(table, i + 1)?;
            if entries.iter().any(|e| e.path == entry.path && e.version == entry.version) {
                return Err(self.error(
                    table.span(),
                    format!("duplicate [[module]] for {}@{}", entry.path, entry.version_text()),
                ));
            }
            entries.push(entry);
        }
        Ok(entries)
    }
}

fn entry_table(entry: &LockEntry) -> Table {
    let mut t = Table::new();
    t.insert("path", toml_edit::value(entry.path.as_str()));
    t.insert("version", toml_edit::value(entry.version_text()));
    t.insert("hash", toml_edit::value(entry.hash.as_str()));
    if let Some(commit) = &entry.commit {
        t.insert("commit", toml_edit::value(commit.as_str()));
    }
    t
}

/// Sets `table[key]` to `value` unless it already holds exactly that string
/// (so that an unchanged field keeps its formatting).
fn set_string(table: &mut Table, key: &str, value: &str) {
    if table.get(key).and_then(Item::as_str) != Some(value) {
        table.insert(key, toml_edit::value(value));
    }
}

impl LockFile {
    /// An empty lock file: just `version = 1`.
    pub fn new() -> LockFile {
        let mut doc = DocumentMut::new();
        doc.insert("version", toml_edit::value(FORMAT_VERSION));
        LockFile { doc, entries: Vec::new() }
    }

    /// Parses and validates `text`; `path` is the file named in errors.
    pub fn parse(path: &Path, text: &str) -> Result<LockFile, LockError> {
        let checker = Checker { path, text };
        let doc = ImDocument::parse(text).map_err(|e| {
            let message = e.message().trim().trim_end_matches('.').lines().collect::<Vec<_>>().join("; ");
            let message = if message.is_empty() { "invalid TOML".to_string() } else { format!("invalid TOML: {message}") };
            checker.error(e.span(), message)
        })?;
        let entries = checker.check(&doc)?;
        Ok(LockFile { doc: doc.into_mut(), entries })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[LockEntry] {
        &self.entries
    }

    /// The entry of `module_path` at `version`.
    pub fn get(&self, module_path: &str, version: &Version) -> Option<&LockEntry> {
        self.entries.iter().find(|e| e.path == module_path && &e.version == version)
    }

    fn array_mut(&mut self) -> &mut ArrayOfTables {
        let item = self.doc.entry("module").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
        if !item.is_array_of_tables() {
            *item = Item::ArrayOfTables(ArrayOfTables::new());
        }
        match item.as_array_of_tables_mut() {
            Some(a) => a,
            None => unreachable!("just set to an array of tables"),
        }
    }

    /// Inserts `entry`, or updates the entry with the same module path and
    /// version. An entry with the same hash is left as it is (a commit it
    /// lacks is added): where the same content came from does not matter.
    /// A different hash replaces hash and commit; other fields are kept.
    pub fn upsert(&mut self, entry: LockEntry) {
        let index = self.entries.iter().position(|e| e.path == entry.path && e.version == entry.version);
        let old = index.map(|i| self.entries[i].clone());
        let array = self.array_mut();
        let Some(table) = index.and_then(|i| array.get_mut(i)) else {
            array.push(entry_table(&entry));
            self.entries.push(entry);
            return;
        };
        let old = old.unwrap_or_else(|| entry.clone());
        let merged = if old.hash == entry.hash {
            LockEntry { commit: old.commit.clone().or(entry.commit), ..old.clone() }
        } else {
            entry
        };
        set_string(table, "hash", &merged.hash);
        match &merged.commit {
            Some(commit) => set_string(table, "commit", commit),
            None => {
                table.remove("commit");
            }
        }
        if merged != old {
            table.remove("source");
        }
        if let Some(i) = index {
            self.entries[i] = merged;
        }
    }

    /// Drops the `source` strings files of earlier gox versions carry (the
    /// mirror a module happened to come from), keeping a git source's
    /// commit as `commit`. Returns whether anything changed.
    pub fn drop_legacy_sources(&mut self) -> bool {
        let entries = self.entries.clone();
        let mut changed = false;
        let array = self.array_mut();
        for (table, entry) in array.iter_mut().zip(&entries) {
            if table.remove("source").is_some() {
                changed = true;
                if let Some(commit) = &entry.commit {
                    set_string(table, "commit", commit);
                }
            }
        }
        changed
    }

    /// Removes the entry of `module_path` at `version`; false if absent.
    pub fn remove(&mut self, module_path: &str, version: &Version) -> bool {
        let Some(i) = self.entries.iter().position(|e| e.path == module_path && &e.version == version) else {
            return false;
        };
        self.array_mut().remove(i);
        self.entries.remove(i);
        true
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&LockEntry) -> bool) {
        let mut i = 0;
        while i < self.entries.len() {
            if keep(&self.entries[i]) {
                i += 1;
            } else {
                self.array_mut().remove(i);
                self.entries.remove(i);
            }
        }
    }
}

impl fmt::Display for LockFile {
    /// The TOML text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.doc)
    }
}

/// The conventional name of the lock file next to `gox.mod`.
pub const LOCK_FILE_NAME: &str = "gox.lock";

/// `dir/gox.lock`.
pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join(LOCK_FILE_NAME)
}
