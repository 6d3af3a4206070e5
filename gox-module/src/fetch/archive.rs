//! Safe extraction of module trees: Go-style module zips (every entry under
//! `<module>@<version>/`) and, through [`TreeChecker`], git trees.
//!
//! Rejected: paths breaking [`crate::modpath::check_file_path`] (absolute
//! paths, `..` and other malformed elements), symbolic links and other
//! special files, names that collide case-insensitively,
//! entries outside the `<module>@<version>/` prefix, and trees over the
//! [`Limits`]. Sizes are enforced on the bytes actually decompressed, not on
//! what the archive claims.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::modpath::{check_file_path, PathError, PathKind, PathProblem};

/// Size limits for one module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest module zip accepted for download, in bytes.
    pub max_zip_bytes: u64,
    /// Largest total of uncompressed file sizes, in bytes.
    pub max_total_bytes: u64,
    /// Largest single uncompressed file, in bytes.
    pub max_file_bytes: u64,
    /// Most files (and directories) in one module.
    pub max_entries: usize,
}

impl Default for Limits {
    /// Go's limits for module zips (500 MiB), 100 MiB per file, 100 000 entries.
    fn default() -> Limits {
        Limits {
            max_zip_bytes: 500 << 20,
            max_total_bytes: 500 << 20,
            max_file_bytes: 100 << 20,
            max_entries: 100_000,
        }
    }
}

/// Why a module tree was rejected; the message names the offending entry.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{message}")]
pub struct ArchiveError {
    pub message: String,
}

fn archive_error(message: impl Into<String>) -> ArchiveError {
    ArchiveError { message: message.into() }
}

impl From<PathError> for ArchiveError {
    fn from(err: PathError) -> ArchiveError {
        archive_error(err.to_string())
    }
}

/// Checks the entries of one module tree as they are added: paths,
/// case-insensitive collisions (between files and directories too), entry
/// count and sizes.
#[derive(Debug)]
pub struct TreeChecker {
    limits: Limits,
    total: u64,
    entries: usize,
    /// Lower-cased path -> (path as given, is a directory).
    seen: HashMap<String, (String, bool)>,
}

impl TreeChecker {
    pub fn new(limits: Limits) -> TreeChecker {
        TreeChecker { limits, total: 0, entries: 0, seen: HashMap::new() }
    }

    fn record(&mut self, rel: &str, is_dir: bool) -> Result<(), ArchiveError> {
        let key = rel.to_lowercase();
        match self.seen.get(&key) {
            Some((other, other_is_dir)) => {
                if is_dir && *other_is_dir && other == rel {
                    return Ok(());
                }
                Err(archive_error(format!("case-insensitive file name collision: {other:?} and {rel:?}")))
            }
            None => {
                self.entries += 1;
                if self.entries > self.limits.max_entries {
                    return Err(archive_error(format!(
                        "module has too many files (max is {})",
                        self.limits.max_entries
                    )));
                }
                self.seen.insert(key, (rel.to_string(), is_dir));
                Ok(())
            }
        }
    }

    /// Adds a file or directory at `rel` (and its parent directories).
    pub fn add_path(&mut self, rel: &str, is_dir: bool) -> Result<(), ArchiveError> {
        check_file_path(rel)?;
        let mut end = 0;
        while let Some(i) = rel[end..].find('/') {
            end += i;
            self.record(&rel[..end], true)?;
            end += 1;
        }
        self.record(rel, is_dir)
    }

    /// Counts `size` more bytes of the file `rel` (whose size so far,
    /// including these, is `file_size`) against the limits.
    pub fn add_bytes(&mut self, rel: &str, file_size: u64, size: u64) -> Result<(), ArchiveError> {
        if file_size > self.limits.max_file_bytes {
            return Err(archive_error(format!(
                "{rel:?}: file too large (max size is {} bytes)",
                self.limits.max_file_bytes
            )));
        }
        self.total += size;
        if self.total > self.limits.max_total_bytes {
            return Err(archive_error(format!(
                "module source tree too large (max size is {} bytes)",
                self.limits.max_total_bytes
            )));
        }
        Ok(())
    }

    /// Writes `reader` to `dest` (which must not exist), enforcing the limits
    /// on the bytes actually read.
    pub fn write_file(&mut self, rel: &str, reader: &mut dyn Read, dest: &Path) -> Result<(), ArchiveError> {
        let io = |e: std::io::Error| archive_error(format!("{}: {e}", dest.display()));
        let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(dest).map_err(io)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            let n = reader.read(&mut buf).map_err(|e| archive_error(format!("{rel:?}: {e}")))?;
            if n == 0 {
                break;
            }
            written += n as u64;
            self.add_bytes(rel, written, n as u64)?;
            out.write_all(&buf[..n]).map_err(io)?;
        }
        out.flush().map_err(io)
    }
}

const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// Extracts the module zip at `zip_path` into `dest` (created; must not
/// exist), stripping the `<module>@<version>/` prefix every entry must carry.
/// Every entry is checked before anything is written.
pub fn extract_module_zip(
    zip_path: &Path,
    dest: &Path,
    module: &str,
    version: &str,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    let file = File::open(zip_path).map_err(|e| archive_error(format!("{}: {e}", zip_path.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > limits.max_zip_bytes {
        return Err(archive_error(format!(
            "module zip too large (max size is {} bytes)",
            limits.max_zip_bytes
        )));
    }
    extract_module_zip_from(file, dest, module, version, limits)
}

fn extract_module_zip_from<R: Read + Seek>(
    reader: R,
    dest: &Path,
    module: &str,
    version: &str,
    limits: &Limits,
) -> Result<(), ArchiveError> {
    let zip_err = |e: zip::result::ZipError| archive_error(format!("invalid zip file: {e}"));
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_err)?;
    let prefix = format!("{module}@{version}/");
    // First pass: names and kinds only; nothing is written yet.
    let mut checker = TreeChecker::new(*limits);
    let mut plan: Vec<(usize, String, bool)> = Vec::with_capacity(archive.len());
    let mut declared_total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(zip_err)?;
        let name = entry.name().to_string();
        check_file_path(name.trim_end_matches('/'))?;
        let Some(rel) = name.strip_prefix(&prefix) else {
            return Err(archive_error(format!("file {name:?} is not in the module directory {prefix:?}")));
        };
        let mode = entry.unix_mode().unwrap_or(0) & S_IFMT;
        if entry.is_symlink() || mode == S_IFLNK {
            return Err(archive_error(format!("{name:?}: symbolic links are not allowed")));
        }
        let is_dir = entry.is_dir();
        if mode != 0 && mode != S_IFREG && mode != S_IFDIR {
            return Err(archive_error(format!("{name:?}: not a regular file")));
        }
        let rel = rel.trim_end_matches('/');
        if rel.is_empty() {
            if is_dir {
                continue;
            }
            let problem = PathProblem::EmptyElement;
            return Err(PathError { kind: PathKind::File, path: name, problem }.into());
        }
        checker.add_path(rel, is_dir)?;
        if !is_dir {
            if entry.size() > limits.max_file_bytes {
                return Err(archive_error(format!(
                    "{rel:?}: file too large (max size is {} bytes)",
                    limits.max_file_bytes
                )));
            }
            declared_total = declared_total.saturating_add(entry.size());
            if declared_total > limits.max_total_bytes {
                return Err(archive_error(format!(
                    "module source tree too large (max size is {} bytes)",
                    limits.max_total_bytes
                )));
            }
        }
        plan.push((i, rel.to_string(), is_dir));
    }
    // Second pass: write, counting the bytes actually decompressed.
    let io = |p: &Path, e: std::io::Error| archive_error(format!("{}: {e}", p.display()));
    std::fs::create_dir(dest).map_err(|e| io(dest, e))?;
    let mut counter = TreeChecker::new(*limits);
    for (i, rel, is_dir) in plan {
        let target = dest.join(&rel);
        if is_dir {
            std::fs::create_dir_all(&target).map_err(|e| io(&target, e))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        counter.write_file(&rel, &mut entry, &target)?;
    }
    Ok(())
}

/// Writes a Go-style module zip of the directory `src` (every regular file,
/// a top-level `.git` excepted, named `<module>@<version>/<relpath>`, in
/// path order). For publishing to a file or HTTP proxy, and for tests.
pub fn write_module_zip<W: Write + Seek>(
    src: &Path,
    module: &str,
    version: &str,
    out: W,
) -> Result<W, ArchiveError> {
    let files = crate::hash::file_hashes(&gox_common::RealFs, src)
        .map_err(|e| archive_error(e.to_string()))?;
    let mut w = zip::ZipWriter::new(out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let zip_err = |e: zip::result::ZipError| archive_error(e.to_string());
    for f in files {
        let path = src.join(&f.path);
        let data = std::fs::read(&path).map_err(|e| archive_error(format!("{}: {e}", path.display())))?;
        w.start_file(format!("{module}@{version}/{}", f.path), opts).map_err(zip_err)?;
        w.write_all(&data).map_err(|e| archive_error(e.to_string()))?;
    }
    w.finish().map_err(zip_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> std::io::Cursor<Vec<u8>> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.set_position(0);
        buf
    }

    fn extract(entries: &[(&str, &[u8])], limits: Limits) -> Result<Vec<String>, ArchiveError> {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("out");
        extract_module_zip_from(zip_of(entries), &dest, "example.com/m", "v1.0.0", &limits)?;
        let files = crate::hash::file_hashes(&gox_common::RealFs, &dest).unwrap();
        Ok(files.into_iter().map(|f| f.path).collect())
    }

    #[test]
    fn extracts_entries_under_the_module_prefix() {
        let got = extract(
            &[("example.com/m@v1.0.0/gox.mod", b"module example.com/m\n"), ("example.com/m@v1.0.0/a/b.gox", b"package a\n")],
            Limits::default(),
        )
        .unwrap();
        assert_eq!(got, ["a/b.gox", "gox.mod"]);
    }

    #[test]
    fn rejects_entries_outside_the_prefix() {
        let err = extract(&[("other@v1.0.0/x", b"")], Limits::default()).unwrap_err();
        assert_eq!(err.message, "file \"other@v1.0.0/x\" is not in the module directory \"example.com/m@v1.0.0/\"");
    }

    #[test]
    fn rejects_case_insensitive_collisions() {
        let err = extract(
            &[("example.com/m@v1.0.0/a/x.gox", b""), ("example.com/m@v1.0.0/A/y.gox", b"")],
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.message, "case-insensitive file name collision: \"a\" and \"A\"");
        let err = extract(
            &[("example.com/m@v1.0.0/README", b""), ("example.com/m@v1.0.0/readme", b"")],
            Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.message, "case-insensitive file name collision: \"README\" and \"readme\"");
    }

    #[test]
    fn rejects_absolute_and_dotdot_paths() {
        let err = extract(&[("/etc/passwd", b"")], Limits::default()).unwrap_err();
        assert_eq!(err.message, "malformed file path \"/etc/passwd\": absolute path");
        let err = extract(&[("example.com/m@v1.0.0/../../x", b"")], Limits::default()).unwrap_err();
        assert_eq!(err.message, "malformed file path \"example.com/m@v1.0.0/../../x\": invalid path element \"..\"");
    }

    #[test]
    fn rejects_trees_over_the_size_limits() {
        let small = Limits { max_total_bytes: 10, max_file_bytes: 6, ..Limits::default() };
        let err = extract(&[("example.com/m@v1.0.0/a", b"1234567")], small).unwrap_err();
        assert_eq!(err.message, "\"a\": file too large (max size is 6 bytes)");
        let err = extract(
            &[("example.com/m@v1.0.0/a", b"123456"), ("example.com/m@v1.0.0/b", b"123456")],
            small,
        )
        .unwrap_err();
        assert_eq!(err.message, "module source tree too large (max size is 10 bytes)");
    }

    #[test]
    fn rejects_symlink_entries() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.add_symlink("example.com/m@v1.0.0/link", "/etc/passwd", opts).unwrap();
            w.finish().unwrap();
        }
        buf.set_position(0);
        let tmp = tempfile::tempdir().unwrap();
        let err = extract_module_zip_from(buf, &tmp.path().join("o"), "example.com/m", "v1.0.0", &Limits::default())
            .unwrap_err();
        assert_eq!(err.message, "\"example.com/m@v1.0.0/link\": symbolic links are not allowed");
        assert!(!tmp.path().join("o").exists());
    }
}
