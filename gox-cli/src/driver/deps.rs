//! What the dependency commands (`gox get`, `gox mod download|tidy`,
//! `gox list -m -u`) share: the fetcher with its progress display, opening
//! the project under its lock, and reporting what changed in gox.lock.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use gox_module::fetch::{Download, Fetcher, LineProgress, Progress};
use gox_module::project::{Project, ProjectError};
use gox_module::LockFile;

use super::workspace::find_module_root;

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

/// The fetcher of `GOXPROXY`, with bars on a terminal and plain lines
/// otherwise.
pub fn fetcher(offline: bool) -> Result<Fetcher, String> {
    let progress: Box<dyn Progress> = if std::io::stderr().is_terminal() {
        Box::new(BarProgress::new())
    } else {
        Box::new(LineProgress)
    };
    Ok(Fetcher::from_env().map_err(|e| e.to_string())?.with_offline(offline).with_progress(progress))
}

/// Why no project could be opened.
pub enum OpenError {
    /// No gox.mod here or above: a usage error.
    NoModule,
    Other(ProjectError),
}

/// The project of the module containing `cwd`, under its lock.
pub fn open_project(cwd: &Path) -> Result<Project, OpenError> {
    let root = find_module_root(cwd).ok_or(OpenError::NoModule)?;
    Project::open(&root).map_err(OpenError::Other)
}

/// One line per module gox.lock no longer records (`removed M vX (no
/// longer required)`), for modules other than those in `except`.
pub fn dropped_lines(before: &LockFile, after: &LockFile, except: &[&str]) -> Vec<String> {
    before
        .entries()
        .iter()
        .filter(|e| after.get(&e.path, &e.version).is_none() && !except.contains(&e.path.as_str()))
        .filter(|e| !after.entries().iter().any(|a| a.path == e.path))
        .map(|e| format!("removed {} {} (no longer required)", e.path, e.version_text()))
        .collect()
}
