//! `gox`: the package manager and type checker driver for GoX.

mod commands;

use gox_cli::cli;

use std::process::ExitCode;

use clap::Parser;

/// Parsing and checking allocate many small nodes from two threads:
/// mimalloc's thread-local heaps are markedly faster than glibc's malloc here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's runtime option setter (linked in by the `mimalloc` crate).
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
}

/// `mi_option_purge_delay` in the mimalloc bundled by libmimalloc-sys 0.1.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// A check allocates and frees ASTs package after package: keeping freed
/// pages instead of returning them to the OS (and faulting them in again)
/// saves ~15% of a cold check. The process is short-lived.
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc allows it at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = match cli::Cli::try_parse_from(go_style_flags(std::env::args_os())) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version itself; usage errors exit 2, as go does.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    // Deeply nested source (long operator chains, nested literals) is
    // parsed and checked recursively on the worker threads: give them room.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build_global();
    if let Some(dir) = &cli.dir {
        if let Err(err) = std::env::set_current_dir(dir) {
            eprintln!("gox: -C {}: {err}", dir.display());
            return ExitCode::from(2);
        }
    }
    match commands::run(cli.command) {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("gox: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// The go command spells long flags with one dash (`gox list -json -deps`);
/// accept those spellings of our long flags too.
fn go_style_flags(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const LONG: &[&str] = &["-json", "-deps", "-tests", "-timings", "-ast", "-dot", "-offline", "-cache", "-alias", "-color", "-tags"];
    args.map(|a| match a.to_str() {
        Some(s) if LONG.iter().any(|l| s == *l || s.starts_with(&format!("{l}="))) => format!("-{s}").into(),
        _ => a,
    })
    .collect()
}
