//! Module content hashes, compatible with Go's `dirhash` "h1:" hashes (the
//! ones in `go.sum`).
//!
//! Definition ("Hash1"): take every file of the module as a name
//! `"{prefix}/{relpath}"` (forward slashes, `prefix` conventionally
//! `"{module-path}@{version}"`), sort the names as byte strings, and feed
//! SHA-256 one line per file:
//!
//! ```text
//! {lower-case hex SHA-256 of the file's contents}  {name}\n
//! ```
//!
//! (two spaces between hash and name). The result is `"h1:"` followed by the
//! standard (padded) base64 of that SHA-256 digest. A file name containing a
//! newline cannot be hashed. Directories contribute nothing but their files;
//! empty directories are invisible. In [`hash_dir`] a top-level `.git`
//! directory is skipped (it is a checkout's metadata, not module content);
//! nothing else is excluded. In [`hash_zip`] the names are the zip entry
//! names as they are (Go module zips already carry the `module@version/`
//! prefix), directory entries (names ending in `/`) are skipped.

use std::io::{Read, Seek};
use std::path::Path;

use base64::Engine;
use gox_common::{FileSystem, FsError};
use sha2::{Digest, Sha256};

/// Why a hash could not be computed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum HashError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("cannot hash file name with newline: {name:?}")]
    NewlineInName { name: String },
    #[error("{message}")]
    Zip { message: String },
}

/// One file of a module tree: its path relative to the module root (forward
/// slashes) and the lower-case hex SHA-256 of its contents.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

/// The first way in which two trees' file lists differ, in path order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The file is in both trees with different contents.
    Modified(String),
    /// The file is expected but absent.
    Missing(String),
    /// The file is present but not expected.
    Added(String),
}

impl Difference {
    /// The path (relative to the module root) of the differing file.
    pub fn path(&self) -> &str {
        match self {
            Difference::Modified(p) | Difference::Missing(p) | Difference::Added(p) => p,
        }
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Modified(p) => write!(f, "{p}: file has been modified"),
            Difference::Missing(p) => write!(f, "{p}: file is missing"),
            Difference::Added(p) => write!(f, "{p}: file was added"),
        }
    }
}

/// Every file under `dir` (a top-level `.git` directory excepted), with its
/// SHA-256, sorted by path.
pub fn file_hashes<F: FileSystem + ?Sized>(fs: &F, dir: &Path) -> Result<Vec<FileHash>, HashError> {
    let mut out = Vec::new();
    walk(fs, dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

fn walk<F: FileSystem + ?Sized>(
    fs: &F,
    dir: &Path,
    rel: &str,
    out: &mut Vec<FileHash>,
) -> Result<(), HashError> {
    for name in fs.read_dir(dir)? {
        if rel.is_empty() && name == ".git" {
            continue;
        }
        let path = dir.join(&name);
        let rel_path = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if fs.is_dir(&path) {
            walk(fs, &path, &rel_path, out)?;
        } else if fs.is_file(&path) {
            let contents = fs.read(&path)?;
            out.push(FileHash { path: rel_path, sha256: hex::encode(Sha256::digest(&contents)) });
        }
    }
    Ok(())
}

/// The "h1:" hash of a file list, each path being prefixed by `prefix/`.
pub fn hash_file_list(prefix: &str, files: &[FileHash]) -> Result<String, HashError> {
    let mut lines: Vec<(String, &str)> = Vec::with_capacity(files.len());
    for f in files {
        let name = if prefix.is_empty() { f.path.clone() } else { format!("{prefix}/{}", f.path) };
        if name.contains('\n') {
            return Err(HashError::NewlineInName { name });
        }
        lines.push((name, f.sha256.as_str()));
    }
    lines.sort();
    let mut h = Sha256::new();
    for (name, sum) in &lines {
        h.update(sum.as_bytes());
        h.update(b"  ");
        h.update(name.as_bytes());
        h.update(b"\n");
    }
    Ok(format!("h1:{}", base64::engine::general_purpose::STANDARD.encode(h.finalize())))
}

/// The "h1:" hash of the tree at `dir`, its files named `"{prefix}/{relpath}"`.
/// With `prefix = "{module}@{version}"` this equals Go's `go.sum` hash of the
/// module zip holding the same files.
pub fn hash_dir<F: FileSystem + ?Sized>(fs: &F, dir: &Path, prefix: &str) -> Result<String, HashError> {
    hash_file_list(prefix, &file_hashes(fs, dir)?)
}

/// The "h1:" hash of a module zip (Go's `HashZip`): names are the entry
/// names unchanged; directory entries are skipped. Reads every entry in full,
/// so only call it on an archive already checked against size limits.
pub fn hash_zip<R: Read + Seek>(reader: R) -> Result<String, HashError> {
    let zip_err = |e: zip::result::ZipError| HashError::Zip { message: e.to_string() };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_err)?;
    let mut files = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        let name = entry.name().to_string();
        if name.ends_with('/') {
            continue;
        }
        let mut h = Sha256::new();
        std::io::copy(&mut entry, &mut h)
            .map_err(|e| HashError::Zip { message: format!("{name}: {e}") })?;
        files.push(FileHash { path: name, sha256: hex::encode(h.finalize()) });
    }
    hash_file_list("", &files)
}

/// The first file (in path order) where `actual` differs from `expected`;
/// `None` when the lists are equal. Both lists must be sorted by path, as
/// [`file_hashes`] returns them.
pub fn first_difference(expected: &[FileHash], actual: &[FileHash]) -> Option<Difference> {
    let (mut i, mut j) = (0, 0);
    loop {
        match (expected.get(i), actual.get(j)) {
            (None, None) => return None,
            (Some(e), None) => return Some(Difference::Missing(e.path.clone())),
            (None, Some(a)) => return Some(Difference::Added(a.path.clone())),
            (Some(e), Some(a)) => match e.path.cmp(&a.path) {
                std::cmp::Ordering::Less => return Some(Difference::Missing(e.path.clone())),
                std::cmp::Ordering::Greater => return Some(Difference::Added(a.path.clone())),
                std::cmp::Ordering::Equal => {
                    if e.sha256 != a.sha256 {
                        return Some(Difference::Modified(e.path.clone()));
                    }
                    i += 1;
                    j += 1;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gox_common::MemoryFs;

    // The tree used by the known vector: `a-b` sorts before `a/c.gox` as a
    // string ('-' < '/') although a directory walk visits `a/` first, and the
    // top-level `.git` is excluded. Computed independently with
    //   printf '%s  %s\n' $(sha256sum a-b) example.com/m@v1.0.0/a-b ... | sha256sum | xxd -r -p | base64
    // and confirmed with Go's own dirhash.HashDir(dir, "example.com/m@v1.0.0", dirhash.Hash1).
    fn vector_tree() -> MemoryFs {
        MemoryFs::from_files([
            ("m/a-b", "hello\n"),
            ("m/a/c.gox", "package c\n"),
            ("m/.git/HEAD", "x"),
        ])
    }

    #[test]
    fn hash_dir_matches_go_dirhash_known_vector() {
        let fs = vector_tree();
        let h = hash_dir(&fs, Path::new("m"), "example.com/m@v1.0.0").unwrap();
        assert_eq!(h, "h1:dbUePWv3e9qfJLQ380MdROCbjeIY4j/POb8Q6ucHAlU=");
    }

    #[test]
    fn file_hashes_lists_files_sorted_without_top_level_git() {
        let fs = vector_tree();
        let files = file_hashes(&fs, Path::new("m")).unwrap();
        assert_eq!(
            files,
            vec![
                FileHash {
                    path: "a-b".into(),
                    sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03".into()
                },
                FileHash {
                    path: "a/c.gox".into(),
                    sha256: "ebe4ab7d9a33b751d5bfaf7a1c7bd2958b17e588ed3ecb253a2efee675562a9d".into()
                },
            ]
        );
    }

    #[test]
    fn nested_git_directory_is_hashed_like_any_other() {
        let mut fs = vector_tree();
        let before = hash_dir(&fs, Path::new("m"), "p").unwrap();
        fs.insert("m/a/.git/HEAD", "y");
        let after = hash_dir(&fs, Path::new("m"), "p").unwrap();
        assert_ne!(before, after);
    }

    #[test]
    fn hash_zip_equals_hash_dir_of_same_files() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.add_directory("example.com/m@v1.0.0/a/", opts).unwrap();
            w.start_file("example.com/m@v1.0.0/a/c.gox", opts).unwrap();
            w.write_all(b"package c\n").unwrap();
            w.start_file("example.com/m@v1.0.0/a-b", opts).unwrap();
            w.write_all(b"hello\n").unwrap();
            w.finish().unwrap();
        }
        buf.set_position(0);
        assert_eq!(hash_zip(buf).unwrap(), "h1:dbUePWv3e9qfJLQ380MdROCbjeIY4j/POb8Q6ucHAlU=");
    }

    #[test]
    fn newline_in_file_name_is_an_error() {
        let fs = MemoryFs::from_files([("m/a\nb", "x")]);
        let err = hash_dir(&fs, Path::new("m"), "p").unwrap_err();
        assert_eq!(err.to_string(), "cannot hash file name with newline: \"p/a\\nb\"");
    }

    #[test]
    fn first_difference_names_the_first_differing_file() {
        let fs = vector_tree();
        let expected = file_hashes(&fs, Path::new("m")).unwrap();
        let mut tampered = fs.clone();
        tampered.insert("m/a/c.gox", "package d\n");
        let actual = file_hashes(&tampered, Path::new("m")).unwrap();
        assert_eq!(first_difference(&expected, &expected), None);
        assert_eq!(
            first_difference(&expected, &actual),
            Some(Difference::Modified("a/c.gox".into()))
        );
        tampered.insert("m/a-a", "new");
        let actual = file_hashes(&tampered, Path::new("m")).unwrap();
        let d = first_difference(&expected, &actual).unwrap();
        assert_eq!(d.to_string(), "a-a: file was added");
        assert_eq!(first_difference(&actual, &expected).unwrap().to_string(), "a-a: file is missing");
    }
}
