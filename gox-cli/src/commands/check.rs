//! `gox check` and `gox build`: check packages and print diagnostics.

use std::io::Write;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::Result;
use gox_cli::cli::CheckArgs;
use gox_cli::driver::analyze::{analyze_project_with, Options};
use gox_cli::driver::cache::{cache_dir, Cache};
use gox_cli::driver::fileindex::{index_key, FileIndex, IndexedFs};
use gox_cli::driver::remote::{Remote, RemoteConfig};
use gox_cli::driver::patterns::is_file_pattern;
use gox_cli::driver::replay::{run_key, RecordingFs, RunRecord};
use gox_cli::output::{print_diagnostics, print_message, write_message, Format};
use gox_common::{Diagnostic, FileSystem, RealFs, Severity, SourceMap};

use super::{build_config, open_workspace_in, print_capped, Opened, Status};

/// What `build` adds to `check`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Build,
}

pub fn run(args: &CheckArgs, mode: Mode) -> Result<Status> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    let format = Format::choose(args.format, args.json, args.color);
    let mut patterns = args.packages.clone();
    // The no-op fast path: a plain check whose every input is as a
    // previous identical run saw it prints what that run printed.
    let replayable = mode == Mode::Check
        && !args.verbose
        && !args.timings
        && !patterns.iter().any(|p| is_file_pattern(p));
    let record_at = match (replayable, cache_dir()) {
        (true, Ok(Some(dir))) => Some((dir, run_key(&key_parts(args, format)?))),
        _ => None,
    };
    // The file index is read while the run record is compared (each takes
    // a few milliseconds in a large project); a replayed run never waits
    // for it. `gox build` reads everything: it vouches for every byte of
    // the build.
    let index_loading = match (mode, cache_dir()) {
        (Mode::Check, Ok(Some(dir))) => {
            let key = index_key(&std::env::current_dir()?, &build_config(args));
            let at = dir.clone();
            Some((dir, std::thread::spawn(move || FileIndex::load(&at, key))))
        }
        _ => None,
    };
    if let Some((dir, key)) = &record_at {
        if let Some(record) = RunRecord::load(dir, key) {
            std::io::stdout().write_all(record.stdout.as_bytes())?;
            std::io::stderr().write_all(record.stderr.as_bytes())?;
            return Ok(match record.status {
                0 => Status::Success,
                1 => Status::Failure,
                _ => Status::Usage,
            });
        }
    }
    let recording = record_at.as_ref().map(|_| Arc::new(RecordingFs::new(RealFs)));
    let mut fs: Arc<dyn FileSystem> = match &recording {
        Some(fs) => fs.clone(),
        None => Arc::new(RealFs),
    };
    // Files and directories unchanged since an earlier check are not read
    // again unless a package must be checked.
    let file_index = index_loading.and_then(|(dir, loading)| {
        let index = Arc::new(loading.join().ok()?);
        fs = Arc::new(IndexedFs::new(fs.clone(), index.clone()));
        Some((dir, index))
    });
    let opened = open_workspace_in(&patterns, build_config(args), format, fs)?;
    let ws = match opened {
        Opened::Workspace(ws) => ws,
        Opened::Reported(status) => return Ok(status),
    };
    if mode == Mode::Build {
        let map = SourceMap::new();
        let problems = gox_cli::driver::verify::verify_closure(&ws, &map);
        if !problems.is_empty() {
            let shown: Vec<(&Diagnostic, &str)> = problems.iter().map(|d| (d, "")).collect();
            print_diagnostics(&shown, &map, &ws.cwd, format)?;
            return Ok(Status::Failure);
        }
        if patterns.is_empty() {
            patterns = gox_cli::driver::patterns::main_package_patterns(&ws);
            if patterns.is_empty() {
                print_message(Severity::Warning, &format!("no main packages to build in {}", ws.display(&ws.root)), format);
                return Ok(Status::Success);
            }
        }
    }
    let cache = match open_cache(args, format) {
        Ok(cache) => cache,
        Err(status) => return Ok(status),
    };
    // -v: each package as it is finished, on stderr (stdout carries diagnostics).
    let verbose = |path: &str, cached: bool| eprintln!("{path}{}", if cached { " (cached)" } else { "" });
    let options = Options {
        cache: cache.as_ref(),
        file_index: file_index.as_ref().map(|(_, index)| index),
        progress: args.verbose.then_some(&verbose as _),
        ..Options::default()
    };
    let analysis = match analyze_project_with(&ws, &patterns, options) {
        Ok(a) => a,
        Err(err) => {
            print_message(Severity::Error, &err.to_string(), format);
            return Ok(Status::Usage);
        }
    };
    if let Some(cache) = &cache {
        cache.trim();
    }
    // The report is written aside first: a replayable run records it.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = report(args, format, &ws, &analysis, &mut out, &mut err)?;
    std::io::stdout().write_all(&out)?;
    std::io::stderr().write_all(&err)?;
    // Results are out; what is left is writing the run record, the cache
    // entries (and pushing them to a shared cache) and the file index: at
    // once, each a few milliseconds in a large project.
    std::thread::scope(|scope| {
        if let (Some((dir, key)), Some(fs)) = (&record_at, &recording) {
            let (out, err) = (&out, &err);
            scope.spawn(move || {
                let stdout = String::from_utf8_lossy(out).into_owned();
                let stderr = String::from_utf8_lossy(err).into_owned();
                let code = match status {
                    Status::Success => 0,
                    Status::Failure => 1,
                    Status::Usage => 2,
                };
                RunRecord::new(key, stdout, stderr, code, fs.take_seen()).save(dir, started_at);
            });
        }
        if let Some((dir, index)) = &file_index {
            scope.spawn(move || index.save(dir));
        }
        if let Some(cache) = &cache {
            cache.finish();
        }
    });
    if let Some(remote) = cache.as_ref().and_then(Cache::remote) {
        remote.finish();
    }
    if args.timings {
        print_timings(&analysis, cache.as_ref(), started.elapsed());
    }
    // The process ends after this command: freeing every package's types,
    // objects and scopes one by one (on one thread, after all the parallel
    // work) would only delay the exit: 0.7% of a cold check's
    // instructions (callgrind, 300 packages), all of it on the critical path.
    // The same goes for the workspace's resolved packages, the file index,
    // the paths the run looked at and the cache's tables (its writes are
    // finished above).
    std::mem::forget(analysis);
    std::mem::forget(ws);
    std::mem::forget(file_index);
    std::mem::forget(recording);
    std::mem::forget(cache);
    Ok(status)
}

/// Everything of the command line and environment a check's output
/// depends on besides the files it reads: what a run record is keyed by.
fn key_parts(args: &CheckArgs, format: Format) -> Result<Vec<(&'static str, String)>> {
    let cwd = std::env::current_dir()?;
    Ok(vec![
        ("cwd", cwd.to_string_lossy().into_owned()),
        ("patterns", args.packages.join("\0")),
        ("build", format!("{:?}", build_config(args))),
        ("format", format!("{format:?}")),
        ("all-errors", args.all_errors.to_string()),
        ("quiet", args.quiet.to_string()),
        ("GOXWORK", std::env::var("GOXWORK").unwrap_or_default()),
    ])
}

/// The diagnostics (at most ten errors a package unless `--all-errors`),
/// warnings and the summary line, as `gox check` prints them, to `out` and
/// `err` (stdout and stderr); the exit status they call for.
fn report(
    args: &CheckArgs,
    format: Format,
    ws: &gox_cli::Workspace,
    analysis: &gox_cli::Analysis,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status> {
    let shown = analysis.diagnostics_by_package();
    let hidden = print_capped(out, &shown, args.all_errors, &analysis.map, &ws.cwd, format)?;
    let errors = shown.iter().filter(|(d, _)| d.is_error()).count();
    let status = if errors > 0 { Status::Failure } else { Status::Success };
    if args.quiet {
        return Ok(status);
    }
    for warning in &analysis.warnings {
        write_message(out, err, Severity::Warning, warning, format)?;
    }
    let warnings = shown.len() - errors;
    // The packages asked for, and the whole build when it is more.
    let checked = analysis.units.len();
    let roots = analysis.units.iter().filter(|u| u.unit.is_root).count();
    let mut packages = plural(roots, "package");
    if checked > roots {
        packages.push_str(&format!(" ({checked} checked)"));
    }
    let mut summary = match errors {
        0 => format!("gox: {packages}, no errors"),
        n => format!("gox: {} in {packages}", plural(n, "error")),
    };
    if warnings > 0 {
        summary.push_str(&format!(", {}", plural(warnings, "warning")));
    }
    if hidden > 0 {
        summary.push_str(&format!("; {hidden} more not shown (--all-errors shows them)"));
    }
    writeln!(err, "{summary}")?;
    Ok(status)
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The local build cache (`GOXCACHE`), backed by the shared one when
/// `--remote-cache` or `GOXREMOTECACHE` names it. `Err` once a usage error
/// has been printed.
fn open_cache(args: &CheckArgs, format: Format) -> Result<Option<Cache>, Status> {
    let usage = |message: &str| {
        print_message(Severity::Error, message, format);
        Status::Usage
    };
    let dir = cache_dir().map_err(|m| usage(&m))?;
    let remote = RemoteConfig::from_env(args.remote_cache.as_deref()).map_err(|m| usage(&m))?;
    let Some(dir) = dir else {
        if remote.is_some() {
            print_message(Severity::Warning, "GOXCACHE=off: the remote cache is not used either", format);
        }
        return Ok(None);
    };
    let cache = Cache::open(dir);
    Ok(Some(match remote {
        Some(config) => cache.with_remote(Remote::new(config).map_err(|m| usage(&m))?),
        None => cache,
    }))
}

fn print_timings(analysis: &gox_cli::Analysis, cache: Option<&Cache>, wall: std::time::Duration) {
    let t = &analysis.timings;
    let cached = analysis.units.iter().filter(|u| u.cached).count();
    let checked = analysis.units.iter().filter(|u| u.package.is_some()).count();
    let lines: usize = analysis.units.iter().flat_map(|u| &u.unit.files).map(|f| f.line_count()).sum();
    eprintln!("timings: {} packages ({cached} from cache, {checked} checked), {lines} lines", analysis.units.len());
    eprintln!("  read + resolve  {:>10.1?}  ({} of {} files read; the others unchanged since indexed)", t.load, t.files_read, t.files);
    eprintln!("  cache (cpu)     {:>10.1?}", t.cache);
    eprintln!("  parse (cpu)     {:>10.1?}", t.parse);
    eprintln!("  check (cpu)     {:>10.1?}", t.check);
    if let Some(cache) = cache {
        let (writing, written) = cache.write_stats();
        eprintln!("  cache write     {:>10.1?}  ({written} entries, on the writer thread; then the pack's index)", writing);
        eprintln!("  local cache     {} hits", cache.local_hits());
    }
    if let Some(remote) = cache.and_then(Cache::remote) {
        let r = remote.stats();
        eprintln!(
            "  remote cache    {} hits, {} misses, {} rejected, {} pushed; {} B down, {} B up; {:.1?} waiting",
            r.hits, r.misses, r.rejected, r.pushed, r.bytes_down, r.bytes_up, r.network
        );
        if let Some(why) = r.disabled {
            eprintln!("  remote cache    given up: {why}");
        }
    }
    if !t.critical_path.is_empty() {
        let length: std::time::Duration = t.critical_path.iter().map(|(_, time)| *time).sum();
        let share = 100.0 * length.as_secs_f64() / wall.as_secs_f64().max(1e-9);
        let chain: Vec<String> = t.critical_path.iter().map(|(path, time)| format!("{path} ({time:.1?})")).collect();
        eprintln!("  critical path   {length:>10.1?}  ({share:.0}% of wall): {}", chain.join(" -> "));
    }
    // Last: the slowest packages follow it.
    eprintln!("  total (wall)    {:>10.1?}", wall);
    for (path, time) in t.packages.iter().take(10) {
        eprintln!("    {time:>10.1?}  {path}");
    }
}
