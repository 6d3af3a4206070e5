//! Shared foundations of the gox toolchain: the [`FileSystem`] abstraction
//! with [`RealFs`] and [`MemoryFs`], [`FileSet`] (the `.gox` files of one
//! package), source positions ([`SourceMap`], [`Span`]) and [`Diagnostic`]s.

pub mod diag;
pub mod fileset;
pub mod source;
pub mod vfs;

pub use diag::{Diagnostic, Label, Severity};
pub use fileset::FileSet;
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};
pub use vfs::{FileSystem, FsError, MemoryFs, RealFs, Stamp};
