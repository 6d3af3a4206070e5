//! `gox mod graph|download|verify`.

use anyhow::Result;
use gox_cli::cli::ModCommand;
use gox_cli::driver::verify::{read_lock, verify_module};
use gox_cli::output::Format;
use gox_cli::Workspace;
use gox_common::BuildConfig;

use super::Status;

pub fn run(cmd: &ModCommand) -> Result<Status> {
    match cmd {
        ModCommand::Graph { dot } => graph(*dot),
        ModCommand::Verify => verify(),
        ModCommand::Download { offline } => super::get::download(*offline),
    }
}

fn open() -> Result<Result<Workspace, Status>> {
    Ok(match super::open_workspace(&[], BuildConfig::default(), Format::GoStyle)? {
        super::Opened::Workspace(ws) => Ok(ws),
        super::Opened::Reported(status) => Err(status),
    })
}

/// One line per requirement, `from to` as `go mod graph` prints them
/// (modules as `path@version`, the root as its path).
fn graph(dot: bool) -> Result<Status> {
    let ws = match open()? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let closure = ws.closure();
    let modules = closure.modules();
    let name = |i: usize| modules[i].display_name();
    if dot {
        println!("digraph modules {{");
        println!("\trankdir=LR;");
        for r in closure.requirements() {
            let label = if modules[r.selected].version.as_ref() == Some(&r.version) {
                r.alias.clone()
            } else {
                format!("{} (wants v{})", r.alias, r.version)
            };
            println!("\t\"{}\" -> \"{}\" [label=\"{}\"];", name(r.from), name(r.selected), label);
        }
        println!("}}");
    } else {
        for r in closure.requirements() {
            println!("{} {}@v{}", name(r.from), r.path, r.version);
        }
    }
    Ok(Status::Success)
}

fn verify() -> Result<Status> {
    let ws = match open()? {
        Ok(ws) => ws,
        Err(status) => return Ok(status),
    };
    let lock = match read_lock(&ws.root) {
        Ok(lock) => lock,
        Err(err) => {
            eprintln!("gox: {err}");
            return Ok(Status::Failure);
        }
    };
    let mut bad = 0;
    for module in ws.closure().modules().iter().filter(|m| !m.is_root()) {
        if let Err(problem) = verify_module(&lock, module, &ws.cwd) {
            eprintln!("gox: {problem}");
            bad += 1;
        }
    }
    if bad == 0 {
        println!("all modules verified");
        Ok(Status::Success)
    } else {
        Ok(Status::Failure)
    }
}
