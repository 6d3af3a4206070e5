//! `gox lsp`: the checker in the editor, as a Language Server Protocol
//! server over stdio (`lsp-server` and `lsp-types`, rust-analyzer's
//! synchronous crates).
//!
//! Threads and data:
//!
//! ```text
//! editor ──stdin──> main loop (server.rs) ── open buffers, versions
//!                     │  every change: generation += 1, Job to the worker
//!                     ▼
//!                   worker (analysis.rs): takes the NEWEST job only (stale ones are dropped)
//!                     A: the open packages, over OverlayFs (buffers over the disk), with
//!                        full Info for them, everything else from the build cache
//!                        ─> publish their files' diagnostics ─> Snapshot to the main loop
//!                     B: unless a newer job waits: ./... from the cache (importers of a
//!                        changed API re-checked) ─> publish what changed
//!                     │
//!  requests ◄─────────┘ hover, definition, completion ... wait for the snapshot of the
//!                       current generation, then are answered from it (snapshot.rs);
//!                       references and rename check the module with Info on their own thread
//! ```
//!
//! Packages nobody has open are never kept as syntax trees: the snapshot
//! holds their checked API (rebuilt from export data) and their text.
//! Every request answers (an LSP error for bad params, an unknown file, a
//! position past the end), and a panic in a handler becomes an error
//! response, never a dead server.

mod actions;
mod analysis;
mod complete;
pub mod convert;
mod hover;
mod locate;
mod navigate;
pub mod overlay;
mod server;
mod snapshot;
mod symbols;

use std::path::PathBuf;

use gox_common::BuildConfig;
use lsp_server::Connection;

pub use server::serve;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The build cache (export data of unchanged packages); `None`: off.
    pub cache_dir: Option<PathBuf>,
    /// Where std files are written for the editor to open.
    pub std_mirror: PathBuf,
    pub build: BuildConfig,
}

impl Settings {
    /// The settings of `gox lsp`: the user's build cache (`GOXCACHE`).
    pub fn standard() -> Result<Settings, String> {
        let cache_dir = crate::driver::cache::cache_dir()?;
        let base = cache_dir.clone().unwrap_or_else(|| std::env::temp_dir().join("gox"));
        let std_mirror = base.join(format!("std-src-{}", env!("CARGO_PKG_VERSION")));
        Ok(Settings { cache_dir, std_mirror, build: BuildConfig::default() })
    }
}

/// Serves one editor over stdin and stdout until it says `exit`.
pub fn serve_stdio() -> anyhow::Result<()> {
    let (connection, io) = Connection::stdio();
    serve(connection, Settings::standard().map_err(anyhow::Error::msg)?)?;
    io.join()?;
    Ok(())
}

/// Why a request failed: sent back as an LSP error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LspError {
    /// Malformed params, a position past the end of a file.
    InvalidParams(String),
    /// A file the server does not know.
    UnknownFile(String),
    /// A rename that cannot be done (a std name, a bad identifier).
    Refused(String),
    Internal(String),
}

impl LspError {
    pub fn code(&self) -> i32 {
        use lsp_server::ErrorCode;
        match self {
            LspError::InvalidParams(_) | LspError::UnknownFile(_) => ErrorCode::InvalidParams as i32,
            LspError::Refused(_) => ErrorCode::RequestFailed as i32,
            LspError::Internal(_) => ErrorCode::InternalError as i32,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            LspError::InvalidParams(m) | LspError::UnknownFile(m) | LspError::Refused(m) | LspError::Internal(m) => m,
        }
    }
}
