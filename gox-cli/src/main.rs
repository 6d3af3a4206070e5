//! `gox`: the package manager and type checker driver for GoX.

mod commands;

use gox_cli::cli;

use std::process::ExitCode;

use clap::Parser;

/// Parsing and checking allocate many small nodes from two threads:
/// mimalloc's thread-local heaps are markedly faster than glibc's malloc here.
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, asked for plain blocks where a plain block will do.
/// `mimalloc::MiMalloc` asks for every block through the aligned entry
/// points, which check the alignment and the free block's address before
/// taking the same fast path; nearly every allocation of a check is
/// aligned to at most a word, which every mimalloc block is.
struct Allocator;

/// The alignment every mimalloc block has: its blocks are whole words.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method hands the layout to mimalloc's matching entry point;
// blocks from `mi_malloc`/`mi_zalloc`/`mi_realloc` are word-aligned, so
// they are used only for alignments of at most a word; everything else
// goes to `mimalloc::MiMalloc`. Both free with `mi_free`.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi_malloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi_zalloc(layout.size()).cast()
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        mimalloc::MiMalloc.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mimalloc::MiMalloc.realloc(ptr, layout, new_size)
        }
    }
}

extern "C" {
    /// mimalloc's runtime option setter and plain allocation entry points
    /// (linked in by the `mimalloc` crate).
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_zalloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_realloc(ptr: *mut std::ffi::c_void, new_size: usize) -> *mut std::ffi::c_void;
}

#[cfg(target_os = "linux")]
extern "C" {
    fn prctl(option: std::os::raw::c_int, ...) -> std::os::raw::c_int;
}

/// `PR_SET_THP_DISABLE` from `<linux/prctl.h>`.
#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: std::os::raw::c_int = 41;

/// Option numbers of the mimalloc (v3) bundled by libmimalloc-sys 0.1.49.
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;
const MI_OPTION_ALLOW_THP: std::os::raw::c_int = 43;

/// A check allocates and frees ASTs package after package. Keep freed pages
/// for reuse instead of returning them to the OS, and do not ask for
/// transparent huge pages: the kernel zeroes each 2 MiB page on first touch,
/// which was a fifth of a cold check's time. The process is short-lived.
extern "C" fn tune_allocator() {
    // SAFETY: sets plain integer options; mimalloc allows it at any time.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        mi_option_set(MI_OPTION_ALLOW_THP, 0);
    }
    // The allocator reserved its first arena before `main`; the kernel
    // checks this flag at each page fault, so it covers that arena too.
    // SAFETY: prctl with an integer flag; failure only costs speed.
    #[cfg(target_os = "linux")]
    unsafe {
        prctl(PR_SET_THP_DISABLE, 1 as std::os::raw::c_ulong, 0 as std::os::raw::c_ulong, 0 as std::os::raw::c_ulong, 0 as std::os::raw::c_ulong);
    }
}

/// `gox lsp` runs for hours: memory it frees (old versions of the open
/// packages) goes back to the OS a moment later, as mimalloc does by
/// default, instead of staying with the process (see `tune_allocator`).
fn long_running_allocator() {
    // SAFETY: sets a plain integer option; mimalloc allows it at any time.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, LSP_PURGE_DELAY_MS);
    }
}

/// How long freed memory of `gox lsp` waits before it is returned.
const LSP_PURGE_DELAY_MS: std::os::raw::c_long = 250;

/// Runs [`tune_allocator`] as the program is loaded, before Rust's runtime
/// makes its first allocation in `main`: that allocation touches the
/// allocator's first arena, and with transparent huge pages allowed its
/// first page fault would zero a whole 2 MiB page (4 ms, serial, in every
/// run).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR_AT_LOAD: extern "C" fn() = tune_allocator;

fn main() -> ExitCode {
    #[cfg(not(target_os = "linux"))]
    tune_allocator();
    let args = go_style_flags(std::env::args_os());
    let json = args.iter().any(|a| a == "--json");
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) if json && err.use_stderr() => {
            // Whoever asked for JSON reads stdout: the usage error goes there too.
            let message = err.to_string();
            let first = message.lines().next().unwrap_or_default().trim_start_matches("error: ");
            gox_cli::output::print_message(gox_common::Severity::Error, first, gox_cli::output::Format::Json);
            return ExitCode::from(2);
        }
        Err(err) => {
            // clap prints help and version itself; usage errors exit 2, as go does.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    // No big thread stacks: deep source (long operator chains, nested
    // literals, long declaration chains) is parsed and checked with
    // `stacker`, which grows the stack on the heap where it must.
    if let Some(dir) = &cli.dir {
        if let Err(err) = std::env::set_current_dir(dir) {
            eprintln!("gox: -C {}: {err}", dir.display());
            return ExitCode::from(2);
        }
    }
    if matches!(cli.command, cli::Command::Lsp) {
        long_running_allocator();
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
    const LONG: &[&str] = &["-json", "-format", "-deps", "-tests", "-timings", "-ast", "-dot", "-offline", "-cache", "-alias", "-color", "-tags"];
    args.map(|a| match a.to_str() {
        Some(s) if LONG.iter().any(|l| s == *l || s.starts_with(&format!("{l}="))) => format!("-{s}").into(),
        _ => a,
    })
    .collect()
}
