//! The workspace: where the module root is, its closure, and the [`ImportResolver`]
//! that maps imports to package directories.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gox_common::{BuildConfig, Diagnostic, FileSystem, LineCol, MemoFs, MemoryFs, RealFs, SourceMap, Span};
use gox_module::std::StdOverlayFs;
use gox_module::resolve::{ImportResolver, StdResolver};
use gox_module::{ClosureError, ModuleClosure};

/// The file system every package is read through: the project (or the
/// in-memory single-file module) with the embedded std overlaid.
pub type ProjectFs = StdOverlayFs<Arc<dyn FileSystem>>;

/// Why no workspace could be opened.
#[derive(Debug)]
pub enum WorkspaceError {
    /// No gox.mod in the directory or any parent: a usage error.
    NoModule { cwd: PathBuf },
    /// The module closure is broken (bad gox.mod, missing or conflicting
    /// dependency): reported like any other error.
    Closure(ClosureError),
}

impl std::fmt::Display for WorkspaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkspaceError::NoModule { cwd } => write!(
                f,
                "gox.mod file not found in current directory or any parent directory ({}); run: gox init",
                cwd.display()
            ),
            WorkspaceError::Closure(e) => write!(f, "{e}"),
        }
    }
}

impl WorkspaceError {
    /// A broken closure as a diagnostic at its position in the gox.mod it
    /// is about (read through `fs` into `map`), or at the path it names.
    /// `None` for [`WorkspaceError::NoModule`], a usage error.
    pub fn diagnostic(&self, fs: &dyn FileSystem, map: &SourceMap) -> Option<Diagnostic> {
        let WorkspaceError::Closure(err) = self else { return None };
        let (pos, path, message) = err.parts();
        if let Some(pos) = pos {
            if let Ok(text) = fs.read_to_string(&pos.file) {
                let file = map.add(&pos.file, text);
                let offset = file.offset(LineCol { line: pos.line, col: pos.col }).unwrap_or(0);
                return Some(Diagnostic::error(Span::new(file.id, offset, offset), message));
            }
        }
        let path = path.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("gox.mod"));
        Some(super::source::path_diagnostic(map, &path, &message))
    }
}

pub struct Workspace {
    /// The directory the command runs in; output paths are relative to it.
    pub cwd: PathBuf,
    /// The root module's directory.
    pub root: PathBuf,
    pub fs: ProjectFs,
    pub resolver: ImportResolver<Arc<dyn FileSystem>>,
    /// Set for `gox check a.gox b.gox` outside a module: the files given.
    pub single_files: Option<Vec<PathBuf>>,
}

/// The nearest directory at or above `start` holding a gox.mod.
pub fn find_module_root(start: &Path) -> Option<PathBuf> {
    find_module_root_in(&RealFs, start)
}

/// [`find_module_root`] on any file system.
pub fn find_module_root_in<F: FileSystem + ?Sized>(fs: &F, start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| fs.is_file(&d.join("gox.mod"))).map(Path::to_path_buf)
}

/// The modules of the gox.work at or above `cwd` (or the file `GOXWORK`
/// names; none with `GOXWORK=off`), each used from its directory.
pub fn work_modules(fs: &dyn FileSystem, cwd: &Path) -> Result<Vec<gox_module::WorkModule>, ClosureError> {
    let path = match std::env::var_os("GOXWORK").filter(|v| !v.is_empty()) {
        Some(v) if v == "off" => return Ok(Vec::new()),
        Some(v) => Some(cwd.join(v)),
        None => gox_module::workfile::find_work_file(fs, cwd),
    };
    let Some(path) = path else { return Ok(Vec::new()) };
    let text = fs.read_to_string(&path).map_err(ClosureError::Read)?;
    let work = gox_module::workfile::WorkFile::parse(&path, &text).map_err(ClosureError::Mod)?;
    work.modules(fs).map_err(ClosureError::Mod)
}

impl Workspace {
    /// The workspace of the module containing `cwd`.
    pub fn open(cwd: &Path, build: BuildConfig) -> Result<Workspace, WorkspaceError> {
        // One command reads each file once, however often resolution and
        // loading look at it.
        Workspace::open_in(Arc::new(MemoFs::new(RealFs)), cwd, build)
    }

    /// The workspace of the module containing `cwd` on any file system
    /// (a [`MemoryFs`] holding whole projects, an editor's overlay): what
    /// embedders and tests drive [`crate::analyze_project`] with.
    pub fn open_in(fs: Arc<dyn FileSystem>, cwd: &Path, build: BuildConfig) -> Result<Workspace, WorkspaceError> {
        let root = find_module_root_in(&*fs, cwd).ok_or_else(|| WorkspaceError::NoModule { cwd: cwd.to_path_buf() })?;
        let work = work_modules(&*fs, cwd).map_err(WorkspaceError::Closure)?;
        let closure = ModuleClosure::load_with(&*fs, &root, &work).map_err(WorkspaceError::Closure)?;
        Ok(Workspace::new(cwd, root, fs, closure, build, None))
    }

    /// `path` as messages show it: relative to the current directory when
    /// that is shorter (`./a`, `sub/b.gox`), as Go shows file paths.
    pub fn display(&self, path: &Path) -> String {
        super::load::display_dir(path, &self.cwd)
    }

    /// A workspace for files outside any module: a synthetic module
    /// `command-line-arguments` rooted at their directory that holds only
    /// those files, so that their imports resolve to the std alone.
    pub fn for_files(cwd: &Path, files: &[PathBuf], build: BuildConfig) -> anyhow::Result<Workspace> {
        let dir = files
            .first()
            .and_then(|f| f.parent())
            .map(|d| if d.as_os_str().is_empty() { cwd.to_path_buf() } else { cwd.join(d) })
            .unwrap_or_else(|| cwd.to_path_buf());
        let mut mem = MemoryFs::new();
        mem.insert(dir.join("gox.mod"), "module command-line-arguments\n");
        let mut abs = Vec::new();
        for f in files {
            let path = cwd.join(f);
            // Files of other directories and files that cannot be read are
            // reported by the pattern expansion, with their paths.
            if path.parent() == Some(dir.as_path()) {
                if let Ok(bytes) = RealFs.read(&path) {
                    mem.insert(&path, bytes);
                }
            }
            abs.push(path);
        }
        let closure = ModuleClosure::load(&mem, &dir).map_err(|e| anyhow::anyhow!("{e}"))?;
        let fs: Arc<dyn FileSystem> = Arc::new(mem);
        Ok(Workspace::new(cwd, dir, fs, closure, build, Some(abs)))
    }

    fn new(
        cwd: &Path,
        root: PathBuf,
        fs: Arc<dyn FileSystem>,
        closure: ModuleClosure,
        build: BuildConfig,
        single_files: Option<Vec<PathBuf>>,
    ) -> Workspace {
        let resolver = ImportResolver::with_std(fs.clone(), closure, StdResolver::embedded(), build);
        Workspace { cwd: cwd.to_path_buf(), root, fs: StdOverlayFs::new(fs), resolver, single_files }
    }

    pub fn closure(&self) -> &ModuleClosure {
        self.resolver.closure()
    }

    pub fn module_path(&self) -> &str {
        self.closure().root().mod_file.module_path()
    }
}
