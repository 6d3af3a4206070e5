//! One module per `gox` command.

mod check;
mod get;
mod init;
mod list;
mod lsp;
mod modcmd;
mod parse;
mod watch;
mod work;


use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use clap::CommandFactory;

use gox_cli::cli::{CheckArgs, Cli, Command};
use gox_cli::driver::deps::{open_project, OpenError};
use gox_cli::driver::patterns::is_file_pattern;
use gox_cli::driver::workspace::find_module_root;
use gox_cli::output::{cap_errors_per_package, print_diagnostics, print_message, write_diagnostics, Format};
use gox_cli::{Workspace, WorkspaceError};
use gox_common::{BuildConfig, Diagnostic, FileSystem, MemoFs, RealFs, Severity, SourceMap};
use gox_module::project::Project;

/// The build configuration `gox check`, `gox build` and `--watch` ask for.
pub fn build_config(args: &CheckArgs) -> BuildConfig {
    BuildConfig { tests: args.tests, tags: args.tags.clone(), ..BuildConfig::default() }
}

/// How many errors of one package are shown without `--all-errors`, as
/// `go build` does.
const ERRORS_PER_PACKAGE: usize = 10;

/// Prints diagnostics with at most [`ERRORS_PER_PACKAGE`] errors of each
/// package (then `too many errors`), unless `all` is set or the format is
/// JSON, which always carries every one. Returns how many were left out.
pub fn print_capped(
    out: &mut dyn std::io::Write,
    diags: &[(&Diagnostic, &str)],
    all: bool,
    map: &SourceMap,
    base: &Path,
    format: Format,
) -> std::io::Result<usize> {
    if all || format == Format::Json {
        write_diagnostics(out, diags, map, base, format)?;
        return Ok(0);
    }
    let (capped, hidden) = cap_errors_per_package(diags, ERRORS_PER_PACKAGE);
    if hidden == 0 {
        write_diagnostics(out, diags, map, base, format)?;
    } else {
        let capped: Vec<(&Diagnostic, &str)> = capped.iter().map(|(d, p)| (d, *p)).collect();
        write_diagnostics(out, &capped, map, base, format)?;
    }
    Ok(hidden)
}

/// A workspace, or the status of a command whose problem has been printed.
pub enum Opened {
    Workspace(Workspace),
    Reported(Status),
}

/// Opens the workspace for `patterns`: the enclosing module, or for `.gox`
/// files outside any module a synthetic one. A missing gox.mod is a usage
/// error; a broken one is printed as a diagnostic at its position.
pub fn open_workspace(patterns: &[String], build: BuildConfig, format: Format) -> Result<Opened> {
    open_workspace_in(patterns, build, format, Arc::new(RealFs))
}

/// [`open_workspace`] reading the module through `fs` (each file once).
pub fn open_workspace_in(patterns: &[String], build: BuildConfig, format: Format, fs: Arc<dyn FileSystem>) -> Result<Opened> {
    let cwd = std::env::current_dir()?;
    let files: Vec<PathBuf> = patterns.iter().filter(|p| is_file_pattern(p)).map(PathBuf::from).collect();
    if !files.is_empty() && files.len() == patterns.len() && find_module_root(&cwd).is_none() {
        return Ok(Opened::Workspace(Workspace::for_files(&cwd, &files, build)?));
    }
    match Workspace::open_in(Arc::new(MemoFs::new(fs)), &cwd, build) {
        Ok(ws) => Ok(Opened::Workspace(ws)),
        Err(err @ WorkspaceError::NoModule { .. }) => {
            print_message(Severity::Error, &err.to_string(), format);
            Ok(Opened::Reported(Status::Usage))
        }
        Err(err) => {
            let map = SourceMap::new();
            if let Some(d) = err.diagnostic(&RealFs, &map) {
                print_diagnostics(&[(&d, "")], &map, &cwd, format)?;
            }
            Ok(Opened::Reported(Status::Failure))
        }
    }
}

/// Opens the project (gox.mod and gox.lock under the project lock) of the
/// current directory for a dependency command, printing why it cannot be.
pub fn open_or_report(command: &str) -> Result<Result<Project, Status>> {
    let cwd = std::env::current_dir()?;
    match open_project(&cwd) {
        Ok(p) => Ok(Ok(p)),
        Err(OpenError::NoModule) => {
            eprintln!("{command}: gox.mod file not found in current directory or any parent directory; run: gox init");
            Ok(Err(Status::Usage))
        }
        Err(OpenError::Other(err)) => {
            eprintln!("gox: {}", err.message(&cwd));
            Ok(Err(Status::Failure))
        }
    }
}

/// The process exit status of a command that ran: 0 success, 1 errors were
/// reported, 2 usage errors (as the go command).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    Failure,
    Usage,
}

impl From<Status> for std::process::ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Success => std::process::ExitCode::SUCCESS,
            Status::Failure => std::process::ExitCode::from(1),
            Status::Usage => std::process::ExitCode::from(2),
        }
    }
}

pub fn run(command: Command) -> Result<Status> {
    match command {
        Command::Init { module_path, gitignore } => init::run(module_path.as_deref(), gitignore),
        Command::Parse { ast, files } => parse::run(&files, ast),
        Command::Version => {
            println!("gox version {} {}/{}", env!("CARGO_PKG_VERSION"), std::env::consts::OS, std::env::consts::ARCH);
            Ok(Status::Success)
        }
        Command::Completion { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "gox", &mut std::io::stdout());
            Ok(Status::Success)
        }
        Command::Help { command } => help(&command),
        Command::Check(args) if args.watch => watch::run(&args),
        Command::Check(args) => check::run(&args, check::Mode::Check),
        Command::Lsp => lsp::run(),
        Command::Build(args) => check::run(&args, check::Mode::Build),
        Command::Get(args) => get::run(&args),
        Command::List(args) => list::run(&args),
        Command::Mod(cmd) => modcmd::run(&cmd),
        Command::Work(cmd) => work::run(&cmd),
        Command::Clean { cache } => clean(cache),
    }
}

fn help(path: &[String]) -> Result<Status> {
    if let [name] = path {
        if let Some(topic) = gox_cli::help_topics::topic(name) {
            print!("{}", topic.text);
            return Ok(Status::Success);
        }
    }
    let mut cmd = Cli::command();
    let mut current = &mut cmd;
    for name in path {
        match current.find_subcommand_mut(name) {
            Some(sub) => current = sub,
            None => {
                eprintln!("gox help {}: unknown help topic. Run 'gox help'.", path.join(" "));
                return Ok(Status::Usage);
            }
        }
    }
    current.print_long_help()?;
    if path.is_empty() {
        print!("\n{}", gox_cli::help_topics::topic_list());
    }
    Ok(Status::Success)
}

fn clean(cache: bool) -> Result<Status> {
    if !cache {
        eprintln!("gox clean: nothing to do; use -cache to empty the build cache");
        return Ok(Status::Usage);
    }
    let dir = match gox_cli::driver::cache::cache_dir() {
        Ok(Some(dir)) => dir,
        Ok(None) => return Ok(Status::Success),
        Err(message) => {
            eprintln!("gox: {message}");
            return Ok(Status::Usage);
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| anyhow::anyhow!("removing {}: {e}", dir.display()))?;
    }
    Ok(Status::Success)
}
