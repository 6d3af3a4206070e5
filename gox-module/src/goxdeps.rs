//! `.goxdeps`, the directory under the project root holding every
//! dependency: the one function naming `<module>@<version>` in it, the
//! `.files` manifest gox writes next to each module it installs, the
//! listing of installed versions, and their removal.

use std::path::{Path, PathBuf};

use gox_common::{FileSystem, RealFs};
use semver::Version;

use crate::hash::{hash_file_list, FileHash};
use crate::modfile::parse_version;

/// The directory, under the root project, holding every dependency.
pub const GOXDEPS_DIR: &str = ".goxdeps";

/// `<module-path>@v<version>`: how a module version is named in `.goxdeps`,
/// in module zips, in the "h1:" hash and in messages.
pub fn module_version(module: &str, version: &Version) -> String {
    format!("{module}@v{version}")
}

/// `<goxdeps>/<module-path>@v<version>`: where `module@version` lives.
pub fn module_dir(goxdeps: &Path, module: &str, version: &Version) -> PathBuf {
    let mut dir = goxdeps.to_path_buf();
    dir.extend(module_version(module, version).split('/'));
    dir
}

/// `<root>/.goxdeps/<module-path>@v<version>`.
pub fn dep_dir(root: &Path, module: &str, version: &Version) -> PathBuf {
    module_dir(&root.join(GOXDEPS_DIR), module, version)
}

/// The manifest of a module directory: `<dir>.files`.
pub fn manifest_path(module_dir: &Path) -> PathBuf {
    let mut name = module_dir.file_name().unwrap_or_default().to_os_string();
    name.push(".files");
    module_dir.with_file_name(name)
}

/// What gox recorded when it installed a module: the SHA-256 of each file
/// (`<sha256>  <path>` lines) and, for a module fetched from git, a
/// `commit <id>` line. Its files hash to the module's hash at install time,
/// so a module whose tree still matches its manifest is what gox verified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: Vec<FileHash>,
    pub commit: Option<String>,
}

impl Manifest {
    /// The manifest next to `module_dir`, if present and well formed.
    pub fn read(module_dir: &Path) -> Option<Manifest> {
        Manifest::read_in(&RealFs, module_dir)
    }

    /// [`Manifest::read`] through any file system.
    pub fn read_in<F: FileSystem + ?Sized>(fs: &F, module_dir: &Path) -> Option<Manifest> {
        let text = fs.read_to_string(&manifest_path(module_dir)).ok()?;
        let mut manifest = Manifest::default();
        for line in text.lines() {
            if let Some(commit) = line.strip_prefix("commit ") {
                manifest.commit = Some(commit.to_string());
                continue;
            }
            let (sha256, path) = line.split_once("  ")?;
            manifest.files.push(FileHash { sha256: sha256.to_string(), path: path.to_string() });
        }
        Some(manifest)
    }

    /// The manifest's text: an optional `commit` line, then one
    /// `<sha256>  <path>` line per file.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        if let Some(commit) = &self.commit {
            text.push_str(&format!("commit {commit}\n"));
        }
        for f in &self.files {
            text.push_str(&format!("{}  {}\n", f.sha256, f.path));
        }
        text
    }

    /// Writes the manifest next to `module_dir`.
    pub fn write(&self, module_dir: &Path) -> std::io::Result<()> {
        crate::files::write_atomic(&manifest_path(module_dir), self.to_text().as_bytes())
    }

    /// The "h1:" hash of the files listed, for `module@v<version>`.
    pub fn hash(&self, module: &str, version: &Version) -> Option<String> {
        hash_file_list(&module_version(module, version), &self.files).ok()
    }
}

/// One module version found in `.goxdeps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub module: String,
    pub version: Version,
    pub dir: PathBuf,
}

/// Every `<module>@v<version>` directory under `goxdeps`, sorted by module
/// and version. Names that are no module version (the lock files,
/// temporaries, manifests) are skipped.
pub fn installed(goxdeps: &Path) -> Vec<Installed> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<Installed>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            match name.rsplit_once('@') {
                Some((last, version)) => {
                    let Ok(version) = parse_version(version) else { continue };
                    let module = if rel.is_empty() { last.to_string() } else { format!("{rel}/{last}") };
                    out.push(Installed { module, version, dir: e.path() });
                }
                None => {
                    let r = if rel.is_empty() { name } else { format!("{rel}/{name}") };
                    walk(&e.path(), &r, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(goxdeps, "", &mut out);
    out.sort_by(|a, b| (&a.module, &a.version).cmp(&(&b.module, &b.version)));
    out
}

/// Removes an installed module version and its manifest, then the
/// directories left empty above it. The module directory is first renamed
/// to a temporary name (removed by the next fetch if this process dies), so
/// a half-deleted module never stands under its real name.
pub fn remove(goxdeps: &Path, dir: &Path) -> std::io::Result<()> {
    let _lock = crate::fetch::GoxdepsLock::acquire(goxdeps)?;
    let tmp = tempfile::Builder::new().prefix(crate::fetch::lock::TEMP_PREFIX).tempdir_in(goxdeps)?;
    let aside = tmp.path().join("module");
    std::fs::rename(dir, &aside)?;
    let _ = std::fs::remove_file(manifest_path(dir));
    drop(tmp);
    let mut parent = dir.parent();
    while let Some(p) = parent {
        if p == goxdeps || std::fs::remove_dir(p).is_err() {
            break;
        }
        parent = p.parent();
    }
    Ok(())
}
