//! Shared foundations of the gox toolchain: the [`FileSystem`] abstraction
//! with [`RealFs`] and [`MemoryFs`], [`FileSet`] (the `.gox` files of one
//! package for a [`BuildConfig`]), package discovery, source positions
//! ([`SourceMap`], [`Span`]) and [`Diagnostic`]s with their renderers.

pub mod constraint;
pub mod diag;
pub mod discover;
pub mod fileset;
pub mod memo;
pub mod paths;
pub mod render;
pub mod source;
pub mod vfs;

pub use constraint::BuildConfig;
pub use diag::{Diagnostic, Label, Severity};
pub use discover::{discover, discover_packages, discover_packages_real, Discovery};
pub use fileset::FileSet;
pub use memo::MemoFs;
pub use render::{display_path, render_go_style, render_go_style_all, render_rich, summary};
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};
pub use vfs::{EntryKind, FileSystem, FsError, MemoryFs, RealFs, Stamp};
