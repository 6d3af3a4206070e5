//! `gox get` and `gox mod download`: fetch modules into `.goxdeps`, record
//! them in gox.mod and gox.lock.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::{anyhow, bail, Context, Result};
use gox_cli::cli::GetArgs;
use gox_cli::driver::verify::{read_lock, write_manifest};
use gox_cli::driver::workspace::find_module_root;
use gox_common::{FileSystem, RealFs};
use gox_module::closure::{GOXDEPS_DIR, MOD_FILE_NAME};
use gox_module::fetch::{Download, Fetched, Fetcher, LineProgress, Progress, Query};
use gox_module::hash::file_hashes;
use gox_module::lockfile::lock_path;
use gox_module::{ClosureError, LockEntry, LockFile, ModFile, ModuleClosure};

use super::Status;

/// A progress bar per download on a terminal.
struct BarProgress {
    bars: indicatif::MultiProgress,
    current: Mutex<Option<indicatif::ProgressBar>>,
}

impl Progress for BarProgress {
    fn start(&self, d: &Download<'_>) {
        let bar = match d.total {
            Some(total) => indicatif::ProgressBar::new(total),
            None => indicatif::ProgressBar::new_spinner(),
        };
        let style = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        let bar = self.bars.add(bar.with_style(style).with_message(format!("{} {}", d.module, d.version)));
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }
    fn advance(&self, _: &Download<'_>, bytes: u64) {
        if let Some(bar) = &*self.current.lock().unwrap_or_else(|e| e.into_inner()) {
            bar.inc(bytes);
        }
    }
    fn finish(&self, d: &Download<'_>, ok: bool) {
        if let Some(bar) = self.current.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_with_message(format!("{} {} {}", d.module, d.version, if ok { "done" } else { "failed" }));
        }
    }
}

fn fetcher(offline: bool) -> Result<Fetcher> {
    let progress: Box<dyn Progress> = if std::io::stderr().is_terminal() {
        Box::new(BarProgress { bars: indicatif::MultiProgress::new(), current: Mutex::new(None) })
    } else {
        Box::new(LineProgress)
    };
    Ok(Fetcher::from_env().map_err(|e| anyhow!("{e}"))?.with_offline(offline).with_progress(progress))
}

struct Project {
    root: PathBuf,
    modfile: ModFile,
    lock: LockFile,
}

impl Project {
    fn open() -> Result<Project> {
        let cwd = std::env::current_dir()?;
        let root = find_module_root(&cwd)
            .ok_or_else(|| anyhow!("gox.mod file not found in current directory or any parent directory; run: gox init"))?;
        let path = root.join(MOD_FILE_NAME);
        let text = RealFs.read_to_string(&path).map_err(|e| anyhow!("{e}"))?;
        let modfile = ModFile::parse(&path, &text).map_err(|e| anyhow!("{e}"))?;
        let lock = read_lock(&root).map_err(|e| anyhow!("{e}"))?;
        Ok(Project { root, modfile, lock })
    }

    fn goxdeps(&self) -> PathBuf {
        self.root.join(GOXDEPS_DIR)
    }

    /// Fetches one module (verifying it against gox.lock when locked),
    /// records it in the lock and writes its manifest.
    fn fetch(&mut self, fetcher: &Fetcher, module: &str, version: &semver::Version) -> Result<Fetched> {
        let goxdeps = self.goxdeps();
        std::fs::create_dir_all(&goxdeps).with_context(|| format!("creating {}", goxdeps.display()))?;
        let v = gox_module::fetch::Version::parse(&format!("v{version}"))
            .ok_or_else(|| anyhow!("{module}@v{version}: invalid version"))?;
        let expected = self.lock.get(module, version).map(|e| e.hash.clone());
        let fetched = fetcher.fetch(&goxdeps, module, &v, expected.as_deref()).map_err(|e| anyhow!("{e}"))?;
        let source = match fetched.origin.lock_source() {
            Some(source) => source,
            None => match self.lock.get(module, version) {
                Some(entry) => entry.source.clone(),
                None => bail!(
                    "{module}@v{version} is in {} but not in gox.lock, so its origin is unknown; remove {} and run gox get again",
                    GOXDEPS_DIR,
                    fetched.dir.display()
                ),
            },
        };
        let files = file_hashes(&RealFs, &fetched.dir).map_err(|e| anyhow!("{e}"))?;
        write_manifest(&fetched.dir, &files).with_context(|| format!("writing the manifest of {}", fetched.dir.display()))?;
        self.lock.upsert(LockEntry { path: module.to_string(), version: version.clone(), source, hash: fetched.hash.clone() });
        Ok(fetched)
    }

    /// Fetches whatever the closure lacks until it loads.
    fn complete_closure(&mut self, fetcher: &Fetcher) -> Result<ModuleClosure> {
        let mut fetched = std::collections::HashSet::new();
        loop {
            match ModuleClosure::load(&RealFs, &self.root) {
                Ok(closure) => return Ok(closure),
                Err(ClosureError::Missing { path, version, .. }) if fetched.insert((path.clone(), version.clone())) => {
                    self.fetch(fetcher, &path, &version)?;
                }
                Err(err) => bail!("{err}"),
            }
        }
    }

    fn save(&self) -> Result<()> {
        gox_module::write_atomic(&self.root.join(MOD_FILE_NAME), self.modfile.to_string().as_bytes())
            .context("writing gox.mod")?;
        gox_module::write_atomic(&lock_path(&self.root), self.lock.to_string().as_bytes()).context("writing gox.lock")?;
        Ok(())
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

pub fn run(args: &GetArgs) -> Result<Status> {
    if args.alias.is_some() && args.targets.len() > 1 {
        eprintln!("gox get: --alias needs exactly one module");
        return Ok(Status::Usage);
    }
    let mut project = match Project::open() {
        Ok(p) => p,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Usage);
        }
    };
    let fetcher = fetcher(args.offline)?;
    for target in &args.targets {
        let (name, query_text) = target.rsplit_once('@').unwrap_or((target.as_str(), "latest"));
        let query = match Query::parse(query_text) {
            Ok(q) => q,
            Err(err) => {
                eprintln!("gox get {target}: {err}");
                return Ok(Status::Usage);
            }
        };
        // `alias@version` changes the version of an existing dependency.
        let existing = project.modfile.require_by_alias(name).cloned();
        let module = match &existing {
            Some(req) if !name.contains('/') && !name.contains('.') => req.module_path.clone(),
            _ => name.to_string(),
        };
        let version = fetcher.resolve(&module, &query).map_err(|e| anyhow!("{e}"))?;
        let semver = semver::Version::parse(version.as_str().trim_start_matches('v'))
            .map_err(|e| anyhow!("{module}@{version}: {e}"))?;
        let alias = match (&args.alias, project.modfile.require_by_path(&module)) {
            (Some(a), _) => a.clone(),
            (None, Some(req)) => req.alias.clone(),
            (None, None) => default_alias(&module),
        };
        if let Some(other) = project.modfile.require_by_alias(&alias) {
            if other.module_path != module {
                eprintln!(
                    "gox get {target}: alias \"{alias}\" is already used for {} in gox.mod; choose another with --alias NAME",
                    other.module_path
                );
                return Ok(Status::Failure);
            }
        }
        project.fetch(&fetcher, &module, &semver)?;
        let previous = project.modfile.require_by_path(&module).cloned();
        if let Some(prev) = &previous {
            if prev.alias != alias {
                project.modfile.remove_require(&prev.alias).map_err(|e| anyhow!("{e}"))?;
            }
        }
        project.modfile.add_or_replace_require(&alias, &module, &semver).map_err(|e| anyhow!("{e}"))?;
        match &previous {
            Some(prev) if prev.version != semver => eprintln!("gox: upgraded {module} v{} => {version}", prev.version),
            Some(_) => {}
            None => eprintln!("gox: added {module} {version} as @\"{alias}\""),
        }
    }
    // Write gox.mod first so that the closure sees the new requires.
    project.save()?;
    project.complete_closure(&fetcher)?;
    project.save()?;
    Ok(Status::Success)
}

/// `gox mod download`: fetch every module the closure lacks, and verify
/// those present against gox.lock.
pub fn download(offline: bool) -> Result<Status> {
    let mut project = Project::open()?;
    let fetcher = fetcher(offline)?;
    let closure = project.complete_closure(&fetcher)?;
    for module in closure.modules().iter().filter(|m| !m.is_root()) {
        if let Some(version) = &module.version {
            project.fetch(&fetcher, &module.path, version)?;
        }
    }
    project.save()?;
    Ok(Status::Success)
}

