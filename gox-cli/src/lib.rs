//! The library behind the `gox` binary: the workspace (module root, closure,
//! import resolution), the package graph loader, the [`ProjectImporter`]
//! that feeds checked packages to the checker, and output rendering.

pub mod cli;
pub mod driver;
pub mod help_topics;
pub mod lsp;
pub mod output;

pub use driver::analyze::{analyze_project, Analysis, CheckedUnit};
pub use driver::importer::ProjectImporter;
pub use driver::workspace::{Workspace, WorkspaceError};
