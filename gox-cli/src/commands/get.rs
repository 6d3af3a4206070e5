//! `gox get` and `gox mod download`: fetch modules into `.goxdeps`, record
//! them in gox.mod and gox.lock.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};
use gox_cli::cli::GetArgs;
use gox_cli::driver::verify::{manifest_path, read_lock, write_manifest};
use gox_cli::driver::workspace::find_module_root;
use gox_common::{FileSystem, FsError, RealFs, Stamp};
use gox_module::closure::{GOXDEPS_DIR, MOD_FILE_NAME};
use gox_module::fetch::{module_dir, Download, FetchError, Fetched, Fetcher, LineProgress, Origin, Progress, Query};
use gox_module::hash::file_hashes;
use gox_module::lockfile::lock_path;
use gox_module::{ClosureError, LockEntry, LockFile, ModFile, ModuleClosure};

use super::Status;

/// A progress bar per download on a terminal: bytes of a known total, or a
/// spinner with the bytes received (git fetches).
struct BarProgress {
    bars: indicatif::MultiProgress,
    current: Mutex<Option<indicatif::ProgressBar>>,
}

impl BarProgress {
    fn new() -> BarProgress {
        BarProgress { bars: indicatif::MultiProgress::new(), current: Mutex::new(None) }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Option<indicatif::ProgressBar>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for BarProgress {
    fn start(&self, d: &Download<'_>) {
        let (bar, template) = match d.total {
            Some(total) => (indicatif::ProgressBar::new(total), "gox: {msg} [{bar:30}] {bytes}/{total_bytes}"),
            None => (indicatif::ProgressBar::new_spinner(), "gox: {msg} {spinner} {bytes}"),
        };
        let style = indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = self.bars.add(bar.with_style(style).with_message(format!("downloading {} {}", d.module, d.version)));
        if d.total.is_none() {
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
        }
        *self.current() = Some(bar);
    }
    fn advance(&self, _: &Download<'_>, bytes: u64) {
        if let Some(bar) = &*self.current() {
            bar.inc(bytes);
        }
    }
    fn finish(&self, d: &Download<'_>, ok: bool) {
        if let Some(bar) = self.current().take() {
            // The bar goes; what stays on the terminal is the plain line.
            bar.finish_and_clear();
            self.bars.remove(&bar);
            let outcome = if ok { "downloading" } else { "failed to download" };
            eprintln!("gox: {outcome} {} {}", d.module, d.version);
        }
    }
}

fn fetcher(offline: bool) -> Result<Fetcher> {
    let progress: Box<dyn Progress> = if std::io::stderr().is_terminal() {
        Box::new(BarProgress::new())
    } else {
        Box::new(LineProgress)
    };
    Ok(Fetcher::from_env().map_err(|e| anyhow!("{e}"))?.with_offline(offline).with_progress(progress))
}

/// The file, inside `.goxdeps`, whose exclusive lock serialises every
/// read-modify-write of a project's gox.mod and gox.lock (`gox get`,
/// `gox mod download`). Distinct from the fetcher's own `.goxdeps/.lock`,
/// which is taken per download while this one is held.
pub const PROJECT_LOCK_FILE: &str = ".project.lock";

/// Holds the project lock until dropped.
struct ProjectLock {
    file: std::fs::File,
}

impl ProjectLock {
    fn acquire(root: &Path) -> Result<ProjectLock> {
        let goxdeps = root.join(GOXDEPS_DIR);
        std::fs::create_dir_all(&goxdeps).with_context(|| format!("creating {}", goxdeps.display()))?;
        let path = goxdeps.join(PROJECT_LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        fs4::fs_std::FileExt::lock_exclusive(&file).with_context(|| format!("locking {}", path.display()))?;
        Ok(ProjectLock { file })
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

/// The real file system, except that the root gox.mod reads as the edited
/// text not yet written: the closure is computed before anything is saved.
struct PendingModFs<'a> {
    path: PathBuf,
    text: &'a str,
}

impl FileSystem for PendingModFs<'_> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, FsError> {
        if path == self.path {
            return Ok(self.text.as_bytes().to_vec());
        }
        RealFs.read(path)
    }
    fn read_dir(&self, path: &Path) -> Result<Vec<String>, FsError> {
        RealFs.read_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        path == self.path || RealFs.is_file(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        RealFs.is_dir(path)
    }
    fn stamp(&self, path: &Path) -> Result<Stamp, FsError> {
        RealFs.stamp(path)
    }
}

struct Project {
    root: PathBuf,
    modfile: ModFile,
    lock: LockFile,
    /// Modules downloaded by this command, removed again if it fails (so
    /// that `.goxdeps` holds only what gox.lock records).
    downloaded: Vec<PathBuf>,
    /// What changed (`added ...`, `upgraded ...`), reported once saved.
    changes: Vec<String>,
    _guard: ProjectLock,
}

/// Why a project could not be opened: no gox.mod (a usage error) or
/// anything else.
enum OpenError {
    NoModule,
    Other(anyhow::Error),
}

impl Project {
    /// Finds the module root, takes the project lock, then reads gox.mod
    /// and gox.lock (so that a concurrent `gox get` is seen in full).
    fn open() -> Result<Project, OpenError> {
        let cwd = std::env::current_dir().map_err(|e| OpenError::Other(e.into()))?;
        let root = find_module_root(&cwd).ok_or(OpenError::NoModule)?;
        let guard = ProjectLock::acquire(&root).map_err(OpenError::Other)?;
        let path = root.join(MOD_FILE_NAME);
        let text = RealFs.read_to_string(&path).map_err(|e| OpenError::Other(anyhow!("{e}")))?;
        let modfile = ModFile::parse(&path, &text).map_err(|e| OpenError::Other(anyhow!("{e}")))?;
        let lock = read_lock(&root).map_err(|e| OpenError::Other(anyhow!("{e}")))?;
        Ok(Project { root, modfile, lock, downloaded: Vec::new(), changes: Vec::new(), _guard: guard })
    }

    fn goxdeps(&self) -> PathBuf {
        self.root.join(GOXDEPS_DIR)
    }

    /// Fetches one module (verifying it against gox.lock when locked),
    /// records it in the lock and writes its manifest. A module found in
    /// `.goxdeps` that gox.lock does not record is of unknown origin: it is
    /// removed and downloaded again.
    fn fetch(&mut self, fetcher: &Fetcher, module: &str, version: &semver::Version) -> Result<Fetched> {
        let goxdeps = self.goxdeps();
        let v = gox_module::fetch::Version::parse(&format!("v{version}"))
            .ok_or_else(|| anyhow!("{module}@v{version}: invalid version"))?;
        let locked = self.lock.get(module, version).cloned();
        let mut fetched =
            fetcher.fetch(&goxdeps, module, &v, locked.as_ref().map(|e| e.hash.as_str())).map_err(fetch_error)?;
        if fetched.origin == Origin::AlreadyPresent && locked.is_none() {
            if fetcher.is_offline() {
                bail!(
                    "cannot fetch {module}@{v}: network access disabled by --offline\n\t{} holds it but gox.lock does not record it",
                    fetched.dir.display()
                );
            }
            std::fs::remove_dir_all(&fetched.dir).with_context(|| format!("removing {}", fetched.dir.display()))?;
            let _ = std::fs::remove_file(manifest_path(&fetched.dir));
            fetched = fetcher.fetch(&goxdeps, module, &v, None).map_err(fetch_error)?;
        }
        if fetched.origin != Origin::AlreadyPresent {
            self.downloaded.push(fetched.dir.clone());
        }
        let source = match (fetched.origin.lock_source(), &locked) {
            (Some(source), _) => source,
            (None, Some(entry)) => entry.source.clone(),
            (None, None) => bail!("{module}@{v}: origin unknown: not recorded in gox.lock"),
        };
        if fetched.origin != Origin::AlreadyPresent || !manifest_path(&fetched.dir).is_file() {
            let files = file_hashes(&RealFs, &fetched.dir).map_err(|e| anyhow!("{e}"))?;
            write_manifest(&fetched.dir, &files)
                .with_context(|| format!("writing the manifest of {}", fetched.dir.display()))?;
        }
        self.lock.upsert(LockEntry { path: module.to_string(), version: version.clone(), source, hash: fetched.hash.clone() });
        Ok(fetched)
    }

    /// Fetches whatever the closure of the (edited, unsaved) gox.mod lacks
    /// until it loads.
    fn complete_closure(&mut self, fetcher: &Fetcher) -> Result<ModuleClosure> {
        let mut fetched = std::collections::HashSet::new();
        loop {
            let text = self.modfile.to_string();
            let fs = PendingModFs { path: self.root.join(MOD_FILE_NAME), text: &text };
            match ModuleClosure::load(&fs, &self.root) {
                Ok(closure) => return Ok(closure),
                Err(ClosureError::Missing { path, version, chain, .. })
                    if fetched.insert((path.clone(), version.clone())) =>
                {
                    self.fetch(fetcher, &path, &version)?;
                    let by = chain.last().cloned().unwrap_or_default();
                    self.changes.push(format!("added {path} v{version} (required by {by})"));
                }
                Err(err) => {
                    // Module errors name absolute paths; show them relative
                    // to the current directory, as `gox build` does.
                    let cwd = std::env::current_dir().unwrap_or_default();
                    bail!("{}", err.message(&cwd))
                }
            }
        }
    }

    /// Makes gox.lock record exactly the modules of the closure: a module
    /// it does not record yet (found in `.goxdeps`, of unknown origin) is
    /// fetched again; entries of modules no longer in the closure go.
    /// Returns the closure, recomputed if anything was fetched again.
    fn lock_closure(&mut self, fetcher: &Fetcher, mut closure: ModuleClosure) -> Result<ModuleClosure> {
        loop {
            let mut refetched = false;
            for module in closure.modules().iter().filter(|m| !m.is_root()) {
                if let Some(version) = &module.version {
                    if self.lock.get(&module.path, version).is_none() {
                        self.fetch(fetcher, &module.path, version)?;
                        refetched = true;
                    }
                }
            }
            if !refetched {
                break;
            }
            closure = self.complete_closure(fetcher)?;
        }
        self.lock.retain(|e| closure.module(&e.path).is_some_and(|m| m.version.as_ref() == Some(&e.version)));
        Ok(closure)
    }

    /// After a failure: removes the modules this command downloaded; gox.mod
    /// and gox.lock were not written.
    fn discard_downloads(&mut self) {
        for dir in self.downloaded.drain(..) {
            // Best effort: a leftover is of unknown origin, and the next
            // `gox get` downloads it again.
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::remove_file(manifest_path(&dir));
        }
    }

    fn save(&self) -> Result<()> {
        gox_module::write_atomic(&self.root.join(MOD_FILE_NAME), self.modfile.to_string().as_bytes())
            .context("writing gox.mod")?;
        gox_module::write_atomic(&lock_path(&self.root), self.lock.to_string().as_bytes()).context("writing gox.lock")?;
        Ok(())
    }
}

/// A fetch error for the user; a download that disagrees with gox.lock
/// gets Go's security warning.
fn fetch_error(err: FetchError) -> anyhow::Error {
    match &err {
        FetchError::HashMismatch { found_in, .. } if found_in == "downloaded" => anyhow!(
            "{err}\n\nSECURITY ERROR\nThis download does NOT match the one recorded in gox.lock.\n\
             The module may have been replaced at its source, or the download intercepted."
        ),
        FetchError::HashMismatch { module, version, .. } => {
            anyhow!("{err}\n\tremove {GOXDEPS_DIR}/{module}@{version} and run: gox mod download")
        }
        _ => anyhow!("{err}"),
    }
}

/// The default alias of a module: its last path element without a `/vN`
/// major suffix, made into an identifier.
pub fn default_alias(module: &str) -> String {
    let mut elems: Vec<&str> = module.split('/').collect();
    if elems.len() > 1 {
        if let Some(last) = elems.last() {
            if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
                elems.pop();
            }
        }
    }
    let last = elems.last().copied().unwrap_or(module);
    let last = last.strip_prefix("go-").unwrap_or(last);
    let last = last.strip_suffix(".go").or_else(|| last.strip_suffix(".gox")).unwrap_or(last);
    let mut alias: String =
        last.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if alias.is_empty() || alias.starts_with(|c: char| c.is_ascii_digit()) || alias == "_" {
        alias.insert(0, 'm');
    }
    alias
}

fn open_project(command: &str) -> Result<Result<Project, Status>> {
    match Project::open() {
        Ok(p) => Ok(Ok(p)),
        Err(OpenError::NoModule) => {
            eprintln!("{command}: gox.mod file not found in current directory or any parent directory; run: gox init");
            Ok(Err(Status::Usage))
        }
        Err(OpenError::Other(err)) => Err(err),
    }
}

/// One `gox get` argument: the module it names and the version query.
struct Target {
    text: String,
    module: String,
    query: Query,
}

/// Parses `module@query` or `alias@query` (no `@`: `latest`); an alias
/// names the module gox.mod requires under it.
fn parse_target(text: &str, modfile: &ModFile) -> Result<Target, String> {
    let (name, query_text) = text.rsplit_once('@').unwrap_or((text, "latest"));
    let query = Query::parse(query_text).map_err(|e| format!("gox get {text}: {e}"))?;
    let module = match modfile.require_by_alias(name) {
        Some(req) if !name.contains('/') && !name.contains('.') => req.module_path.clone(),
        _ => {
            if !name.contains('/') && !name.contains('.') {
                return Err(format!(
                    "gox get {text}: no require with alias \"{name}\" in gox.mod, and \"{name}\" is not a module path (missing dot in first path element)"
                ));
            }
            if let Err(why) = gox_module::modfile::check_module_path(name) {
                return Err(format!("gox get {text}: malformed module path \"{name}\": {why}"));
            }
            name.to_string()
        }
    };
    Ok(Target { text: text.to_string(), module, query })
}

pub fn run(args: &GetArgs) -> Result<Status> {
    if args.alias.is_some() && args.targets.len() > 1 {
        eprintln!("gox get: --alias needs exactly one module");
        return Ok(Status::Usage);
    }
    if let Some(alias) = &args.alias {
        if let Err(why) = gox_module::modfile::check_alias(alias) {
            eprintln!("gox get: invalid --alias \"{alias}\": {why}");
            return Ok(Status::Usage);
        }
    }
    let mut project = match open_project("gox get")? {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let mut targets = Vec::new();
    for text in &args.targets {
        match parse_target(text, &project.modfile) {
            Ok(t) => targets.push(t),
            Err(message) => {
                eprintln!("{message}");
                return Ok(Status::Usage);
            }
        }
    }
    let fetcher = fetcher(args.offline)?;
    let status = get_targets(&mut project, &fetcher, &targets, args.alias.as_deref());
    if !matches!(status, Ok(Status::Success)) {
        project.discard_downloads();
    }
    status
}

/// Fetches and requires each target, completes the closure, then writes
/// gox.mod and gox.lock (nothing is written unless everything succeeded).
fn get_targets(project: &mut Project, fetcher: &Fetcher, targets: &[Target], alias_flag: Option<&str>) -> Result<Status> {
    let goxdeps = project.goxdeps();
    for target in targets {
        let module = &target.module;
        let previous = project.modfile.require_by_path(module).cloned();
        let alias = match (alias_flag, &previous) {
            (Some(a), _) => a.to_string(),
            (None, Some(req)) => req.alias.clone(),
            (None, None) => default_alias(module),
        };
        if let Some(other) = project.modfile.require_by_alias(&alias) {
            if &other.module_path != module {
                eprintln!(
                    "gox get {}: alias \"{alias}\" is already used for {} in gox.mod; choose another with --alias NAME",
                    target.text, other.module_path
                );
                return Ok(Status::Failure);
            }
        }
        if let Err(why) = gox_module::modfile::check_alias(&alias) {
            eprintln!(
                "gox get {}: cannot use \"{alias}\" as the alias of {module}: {why}; choose one with --alias NAME",
                target.text
            );
            return Ok(Status::Failure);
        }
        // An exact version already in .goxdeps needs no lookup (and works offline).
        let version = match &target.query {
            Query::Exact(v) if module_dir(&goxdeps, module, v.as_str()).is_dir() => v.clone(),
            query => fetcher.resolve(module, query).map_err(fetch_error)?,
        };
        let semver = semver::Version::parse(version.as_str().trim_start_matches('v'))
            .map_err(|e| anyhow!("{module}@{version}: {e}"))?;
        project.fetch(fetcher, module, &semver)?;
        if let Some(prev) = &previous {
            if prev.alias != alias {
                project.modfile.remove_require(&prev.alias).map_err(|e| anyhow!("{e}"))?;
            }
        }
        project.modfile.add_or_replace_require(&alias, module, &semver).map_err(|e| anyhow!("{e}"))?;
        let change = match &previous {
            Some(prev) if prev.version < semver => Some(format!("upgraded {module} v{} => {version}", prev.version)),
            Some(prev) if prev.version > semver => Some(format!("downgraded {module} v{} => {version}", prev.version)),
            Some(prev) if prev.alias != alias => Some(format!("{module} {version} is now imported as @\"{alias}\"")),
            Some(_) => None,
            None => Some(format!("added {module} {version} as @\"{alias}\"")),
        };
        project.changes.extend(change);
    }
    // The closure of the edited gox.mod is completed before anything is
    // written: on failure gox.mod and gox.lock stay as they were.
    let closure = project.complete_closure(fetcher)?;
    project.lock_closure(fetcher, closure)?;
    project.save()?;
    for change in &project.changes {
        eprintln!("gox: {change}");
    }
    Ok(Status::Success)
}

/// `gox mod download`: fetch every module the closure lacks, verify those
/// present against gox.lock, and record them all in gox.lock.
pub fn download(offline: bool) -> Result<Status> {
    let mut project = match open_project("gox mod download")? {
        Ok(p) => p,
        Err(status) => return Ok(status),
    };
    let fetcher = fetcher(offline)?;
    let result = download_closure(&mut project, &fetcher);
    if result.is_err() {
        project.discard_downloads();
    }
    result.map(|()| Status::Success)
}

fn download_closure(project: &mut Project, fetcher: &Fetcher) -> Result<()> {
    let closure = project.complete_closure(fetcher)?;
    for module in closure.modules().iter().filter(|m| !m.is_root()) {
        if let Some(version) = &module.version {
            project.fetch(fetcher, &module.path, version)?;
        }
    }
    project.lock_closure(fetcher, closure)?;
    project.save()?;
    for change in &project.changes {
        eprintln!("gox: {change}");
    }
    Ok(())
}
