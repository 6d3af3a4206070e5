//! Modules: `gox.mod`, `gox.lock`, the module closure, the mapping of
//! imports to package directories, and the fetchers.

pub mod closure;
pub mod error;
pub mod fetch;
pub mod files;
pub mod goxdeps;
pub mod hash;
pub mod lockfile;
pub mod modfile;
pub mod modpath;
pub mod project;
pub mod resolve;
pub mod std;
pub mod verify;
pub mod workfile;

pub use closure::{ClosureError, Module, ModuleClosure, Override, Requirement, WorkModule};
pub use error::FilePos;
pub use lockfile::{LockEntry, LockError, LockFile};
pub use modfile::{write_atomic, ModError, ModFile, Require};
pub use crate::std::{is_package_dir, is_std_package, EmbeddedStd, StdOverlayFs, STD_ROOT};
pub use resolve::{
    FsKind, ImportResolver, LocalResolver, ModuleResolver, PackageId, ResolveError, ResolvedPackage, StdResolver,
};
