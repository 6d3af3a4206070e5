//! `gox check --watch`: check, then check again whenever a `.gox` file,
//! gox.mod or gox.lock under the module changes (events debounced by
//! `notify-debouncer-mini`), printing only what changed: new diagnostics
//! in full, fixed ones as `fixed: path:line:col: message`. Unchanged
//! packages come from the build cache. Ctrl-C exits cleanly between runs.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use crossbeam_channel::select;
use gox_cli::cli::CheckArgs;
use gox_cli::driver::analyze::{analyze_project_with, Options};
use gox_cli::driver::cache::{cache_dir, Cache};
use gox_cli::driver::fileindex::{index_key, FileIndex, IndexedFs};
use gox_cli::output::{print_message, Format};
use gox_common::{render_go_style, Diagnostic, FileSystem, RealFs, Severity};
use notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer_opt, DebounceEventResult};

use super::{build_config, open_workspace_in, print_capped, Opened, Status};

/// Quiet time after the last file event before checking again.
const DEBOUNCE: Duration = Duration::from_millis(100);

pub fn run(args: &CheckArgs) -> Result<Status> {
    let format = Format::choose(args.format, args.json, args.color);
    let cwd = std::env::current_dir()?;
    let Some(root) = gox_cli::driver::workspace::find_module_root(&cwd) else {
        print_message(Severity::Error, "gox check --watch: no gox.mod in the current directory or any parent; run: gox init", format);
        return Ok(Status::Usage);
    };
    let (stop_tx, stop) = crossbeam_channel::bounded(1);
    ctrlc::set_handler(move || {
        let _ = stop_tx.try_send(());
    })
    .context("installing the Ctrl-C handler")?;
    let (events_tx, events) = crossbeam_channel::unbounded::<DebounceEventResult>();
    let config = notify_debouncer_mini::Config::default().with_timeout(DEBOUNCE);
    let mut debouncer = new_debouncer_opt::<_, ChangesOnly>(config, move |result| {
        let _ = events_tx.send(result);
    })
    .context("starting the file watcher")?;
    debouncer.watcher().watch(&root, RecursiveMode::Recursive).with_context(|| format!("watching {}", root.display()))?;

    let mut previous: Option<BTreeSet<String>> = None;
    // One cache for every check: its packs' indexes are read once.
    let dir = cache_dir().ok().flatten();
    let cache = dir.clone().map(Cache::open);
    // And one file index, renewed after each check: a check reads only the
    // files that changed since the last one.
    let mut index = dir.as_ref().map(|dir| Arc::new(FileIndex::load(dir, index_key(&cwd, &build_config(args)))));
    loop {
        let checked = check_once(args, format, cache.as_ref(), index.as_ref(), &mut previous);
        // The results are out: now the check's entries are written.
        if let Some(cache) = &cache {
            cache.finish();
        }
        index = index.map(|index| Arc::new(index.renew(dir.as_deref())));
        if let Some(status) = checked? {
            return Ok(status);
        }
        // Wait for a change that matters, or Ctrl-C.
        loop {
            select! {
                recv(stop) -> _ => return Ok(Status::Success),
                recv(events) -> result => match result {
                    Ok(Ok(events)) if events.iter().any(|e| matters(&root, &e.path)) => break,
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => eprintln!("gox: watching: {e}"),
                    Err(_) => return Ok(Status::Success),
                },
            }
        }
    }
}

/// The summary's note on errors the per-package cap left out.
fn more_not_shown(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        n => format!("; {n} more not shown (--all-errors shows them)"),
    }
}

/// The platform's watcher, passing on changes only. Linux's inotify also
/// reports every open and close of a file (notify's access events), and
/// the debouncer reports those as changes like any other: each check,
/// reading the module's files, set off the next, forever.
struct ChangesOnly(notify::RecommendedWatcher);

impl notify::Watcher for ChangesOnly {
    fn new<F: notify::EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let changes = move |event: notify::Result<notify::Event>| {
            if !matches!(&event, Ok(event) if event.kind.is_access()) {
                handler.handle_event(event);
            }
        };
        notify::RecommendedWatcher::new(changes, config).map(ChangesOnly)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

/// Whether a change of `path` can change what the check says.
fn matters(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    if rel.components().any(|c| matches!(c.as_os_str().to_str(), Some("target" | ".git"))) {
        return false;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".gox") || name == "gox.mod" || name == "gox.lock"
}

/// One check. The first prints everything; later ones what changed since
/// `previous`. `Some(status)` ends the watch (a usage error).
fn check_once(
    args: &CheckArgs,
    format: Format,
    cache: Option<&Cache>,
    index: Option<&Arc<FileIndex>>,
    previous: &mut Option<BTreeSet<String>>,
) -> Result<Option<Status>> {
    let started = Instant::now();
    // A new workspace each time: files changed since the index saw them
    // are read afresh.
    let fs: Arc<dyn FileSystem> = match index {
        Some(index) => Arc::new(IndexedFs::new(RealFs, index.clone())),
        None => Arc::new(RealFs),
    };
    let ws = match open_workspace_in(&args.packages, build_config(args), format, fs)? {
        Opened::Workspace(ws) => ws,
        Opened::Reported(Status::Usage) => return Ok(Some(Status::Usage)),
        Opened::Reported(_) => {
            *previous = None;
            return Ok(None);
        }
    };
    let analysis = match analyze_project_with(&ws, &args.packages, Options { cache, file_index: index, ..Options::default() }) {
        Ok(a) => a,
        Err(err) => {
            print_message(Severity::Error, &err.to_string(), format);
            return Ok(Some(Status::Usage));
        }
    };
    let all = analysis.diagnostics_by_package();
    let key = |d: &Diagnostic| render_go_style(d, &analysis.map, Some(&ws.cwd));
    let now: BTreeSet<String> = all.iter().map(|(d, _)| key(d)).collect();
    let errors = all.iter().filter(|(d, _)| d.is_error()).count();
    let summary = match errors {
        0 => "no errors".to_string(),
        1 => "1 error".to_string(),
        n => format!("{n} errors"),
    };
    match previous.as_ref() {
        None => {
            let hidden = print_capped(&mut std::io::stdout().lock(), &all, args.all_errors, &analysis.map, &ws.cwd, format)?;
            eprintln!("gox: {summary}{} ({:.0?}); watching for changes", more_not_shown(hidden), started.elapsed());
        }
        Some(before) => {
            let new: Vec<(&Diagnostic, &str)> = all.iter().filter(|(d, _)| !before.contains(&key(d))).copied().collect();
            let fixed: Vec<&String> = before.difference(&now).collect();
            if new.is_empty() && fixed.is_empty() {
                eprintln!("gox: no change: {summary} ({:.0?})", started.elapsed());
            } else {
                let hidden = print_capped(&mut std::io::stdout().lock(), &new, args.all_errors, &analysis.map, &ws.cwd, format)?;
                for line in &fixed {
                    println!("fixed: {line}");
                }
                eprintln!(
                    "gox: {summary}: {} new, {} fixed{} ({:.0?})",
                    new.len(),
                    fixed.len(),
                    more_not_shown(hidden),
                    started.elapsed()
                );
            }
        }
    }
    *previous = Some(now);
    Ok(None)
}
