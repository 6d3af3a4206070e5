//! `gox lsp`: the language server, over stdin and stdout.

use anyhow::Result;

use super::Status;

pub fn run() -> Result<Status> {
    gox_cli::lsp::serve_stdio()?;
    Ok(Status::Success)
}
