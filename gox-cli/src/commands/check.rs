//! `gox check` and `gox build`: check packages and print diagnostics.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use gox_cli::cli::CheckArgs;
use gox_cli::driver::patterns::is_file_pattern;
use gox_cli::output::{print_diagnostics, Format};
use gox_cli::driver::analyze::analyze_project_cached;
use gox_cli::driver::cache::{cache_dir, Cache};
use gox_cli::{Workspace, WorkspaceError};
use gox_common::BuildConfig;

use super::Status;

/// What `build` adds to `check`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Check,
    Build,
}

pub fn build_config(args: &CheckArgs) -> BuildConfig {
    BuildConfig { tests: args.tests, tags: args.tags.clone(), ..BuildConfig::default() }
}

/// Opens the workspace for `patterns`: the enclosing module, or for `.gox`
/// files outside any module a synthetic one. `Err(status)` when the
/// problem has been reported.
pub fn open_workspace(patterns: &[String], build: BuildConfig) -> Result<Result<Workspace, Status>> {
    let cwd = std::env::current_dir()?;
    let files: Vec<PathBuf> = patterns.iter().filter(|p| is_file_pattern(p)).map(PathBuf::from).collect();
    if !files.is_empty() && files.len() != patterns.len() {
        eprintln!("gox: cannot mix .gox files and package patterns");
        return Ok(Err(Status::Usage));
    }
    if !files.is_empty() && gox_cli::driver::workspace::find_module_root(&cwd).is_none() {
        return match Workspace::for_files(&cwd, &files, build) {
            Ok(ws) => Ok(Ok(ws)),
            Err(err) => {
                eprintln!("gox: {err:#}");
                Ok(Err(Status::Usage))
            }
        };
    }
    match Workspace::open(&cwd, build) {
        Ok(ws) => Ok(Ok(ws)),
        Err(err @ WorkspaceError::NoModule { .. }) => {
            eprintln!("gox: {err}");
            Ok(Err(Status::Usage))
        }
        Err(err) => {
            eprintln!("{}", relative_message(&err.to_string(), &cwd));
            Ok(Err(Status::Failure))
        }
    }
}

/// Module errors name absolute paths; show them relative to the current
/// directory, as diagnostics are.
pub fn relative_message(message: &str, cwd: &std::path::Path) -> String {
    let prefix = format!("{}/", cwd.display());
    message.replace(&prefix, "")
}

pub fn run(args: &CheckArgs, mode: Mode) -> Result<Status> {
    let started = Instant::now();
    let mut patterns = args.packages.clone();
    let ws = match open_workspace(&patterns, build_config(args))? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    if patterns.iter().any(|p| is_file_pattern(p)) && ws.single_files.is_none() {
        // Files inside a module: check the package they belong to.
        patterns = vec![format!(
            "./{}",
            PathBuf::from(&patterns[0]).parent().map(|p| p.display().to_string()).unwrap_or_default()
        )
        .trim_end_matches('/')
        .to_string()];
    }
    if mode == Mode::Build {
        match gox_cli::driver::verify::verify_closure(&ws) {
            Ok(()) => {}
            Err(problems) => {
                for p in problems {
                    eprintln!("gox: {}", relative_message(&p, &ws.cwd));
                }
                return Ok(Status::Failure);
            }
        }
        if patterns.is_empty() {
            patterns = super::list::main_package_patterns(&ws);
            if patterns.is_empty() {
                eprintln!("gox: no main packages to build in {}", ws.root.display());
                return Ok(Status::Usage);
            }
        }
    }
    let cache = Cache::open(cache_dir());
    let analysis = match analyze_project_cached(&ws, &patterns, Some(&cache)) {
        Ok(a) => a,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Usage);
        }
    };
    cache.trim();
    let format = Format::choose(args.json, args.color);
    // Messages naming files (gox.mod, directories) show them relative to the
    // current directory, as positions are.
    let relative: Vec<(gox_common::Diagnostic, &str)> = analysis
        .diagnostics_by_package()
        .into_iter()
        .map(|(d, package)| {
            let mut d = d.clone();
            d.message = relative_message(&d.message, &ws.cwd);
            (d, package)
        })
        .collect();
    let shown: Vec<(&gox_common::Diagnostic, &str)> = relative.iter().map(|(d, p)| (d, *p)).collect();
    print_diagnostics(&shown, &analysis.map, &ws.cwd, format)?;
    let errors = shown.iter().filter(|(d, _)| d.is_error()).count();
    let warnings = shown.len() - errors;
    let packages = analysis.units.len();
    let mut summary = match errors {
        0 => format!("gox: {}, no errors", plural(packages, "package")),
        n => format!("gox: {} in {}", plural(n, "error"), plural(packages, "package")),
    };
    if warnings > 0 {
        summary.push_str(&format!(", {}", plural(warnings, "warning")));
    }
    eprintln!("{summary}");
    if args.timings {
        print_timings(&analysis, started.elapsed());
    }
    Ok(if errors > 0 { Status::Failure } else { Status::Success })
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn print_timings(analysis: &gox_cli::Analysis, wall: std::time::Duration) {
    let t = &analysis.timings;
    let cached = analysis.units.iter().filter(|u| u.cached).count();
    let checked = analysis.units.iter().filter(|u| u.package.is_some()).count();
    let lines: usize = analysis.units.iter().flat_map(|u| &u.unit.files).map(|f| f.line_count()).sum();
    eprintln!("timings: {} packages ({cached} from cache, {checked} checked), {lines} lines", analysis.units.len());
    eprintln!("  read + resolve  {:>10.1?}", t.load);
    eprintln!("  cache (cpu)     {:>10.1?}", t.cache);
    eprintln!("  parse (cpu)     {:>10.1?}", t.parse);
    eprintln!("  check (cpu)     {:>10.1?}", t.check);
    eprintln!("  total (wall)    {:>10.1?}", wall);
    for (path, time) in t.packages.iter().take(10) {
        eprintln!("    {time:>10.1?}  {path}");
    }
}
