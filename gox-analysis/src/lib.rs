//! The GoX type checker, modelled on go/types. It reads no files: imports
//! reach it through the [`Importer`] trait.
//!
//! Entry point: [`check_package`]. A checked [`Package`] is immutable and
//! `Send + Sync`; independent packages can be checked on different threads.
//!
//! # GoX-specific diagnostics
//!
//! | situation | message |
//! |---|---|
//! | `complex64`, `complex128`, `complex`, `real`, `imag` | `complex numbers are not supported in GoX` |
//! | imaginary literal `2i` | `complex numbers are not supported in GoX` |
//! | `uintptr` | `uintptr is not supported in GoX` |
//! | `*T` where T's underlying type is not a struct | `pointer to non-struct type T` |
//! | `&x` where x is not a struct | `cannot take address of x (variable of type int): pointer to non-struct type int` |
//! | `f := x.M`, `T.M` | `method value not supported; use a func literal` |
//! | unused import | `"strings" imported and not used`, `"strings" imported as s and not used` |
//! | type cycles | `invalid recursive type T` with notes `T refers to U` ... |

pub mod constant;
pub mod importer;
pub mod objects;
pub mod predicates;
pub mod scope;
pub mod types;
pub mod typestring;
pub mod universe;
pub mod lookup;
pub mod operand;
pub mod checker;

use std::sync::Arc;

pub use checker::{Info, Initializer, NodeKey, Selection, SelectionKind, TypeAndValue};
pub use constant::Value;
pub use importer::{ImportError, ImportRequest, Importer, MapImporter};
pub use objects::{Builtin, Obj, Object, ObjectKind, Package, PackageId};
pub use operand::Mode;
pub use scope::{Scope, ScopeKind};
pub use types::{BasicKind, Type, TypeKind};

/// Options of a package check.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Report only the first error (as `go vet`-style quick checks do).
    pub first_error_only: bool,
}

/// The result of [`check_package`].
pub struct Checked {
    pub package: Arc<Package>,
    pub info: Info,
    /// Errors sorted by position and deduplicated.
    pub diagnostics: Vec<gox_common::Diagnostic>,
}
