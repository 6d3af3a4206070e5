//! The GoX type checker, modelled on go/types. It reads no files: imports
//! reach it through the [`Importer`] trait.
//!
//! Entry point: [`check_package`]. A checked [`Package`] is immutable and
//! `Send + Sync`; independent packages can be checked on different threads.
//!
//! # Representation
//!
//! Types are reference-counted values ([`Type`], an `Arc<TypeKind>`); a
//! named type is identical only to itself (pointer identity) and its
//! underlying type and methods are filled in while its package is checked.
//! Objects ([`Obj`] = `Arc<Object>`) refer to their package by
//! [`PackageId`] (path and name). Results for tools are in [`Info`], keyed
//! by `(FileId, NodeId)` ([`NodeKey`]).
//!
//! # Layout (one file per concern, as go/types)
//!
//! `checker.rs` (state, Info, recording), `resolver.rs` (collecting
//! package-level objects, imports), `decl.rs` (declarations, cycles),
//! `typexpr.rs` (type expressions), `expr.rs` / `binary.rs` (expressions,
//! operators, untyped conversion), `call.rs` (calls, selectors),
//! `builtins.rs`, `conversions.rs`, `index.rs` (index, slice, composite
//! literals, type assertions), `assignments.rs`, `lookup.rs` (fields,
//! methods, interface satisfaction), `predicates.rs` (identity,
//! comparability), `operand.rs` (operands, assignability), `typestring.rs`,
//! `universe.rs`, `scope.rs`, `objects.rs`, `types.rs`; statements and
//! function bodies in `stmt.rs`, `labels.rs`, `returns.rs`, `initorder.rs`.
//!
//! Message wording follows go/types (Go 1.19) with the newer forms where
//! they are clearer: `undefined: x`, `assignment mismatch: 2 variables but
//! f returns 1 value`, `constant 300 overflows byte` for constant integer
//! conversions, `cannot convert x to type T`.
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
//! | interface element `int \| string`, `~int`, or a non-interface type | `cannot use int \| string in interface (type constraints are not supported in GoX)`, once per element |
//! | unused import | `"strings" imported and not used`, `"strings" imported as s and not used` |
//! | type cycles | `invalid recursive type T` with notes `T refers to U` ... |
//! | more than [`MAX_DECL_NESTING`] package-level declarations in progress (`const c0 = c1 + 1; const c1 = c2 + 1; ...`) | `declaration nesting too deep: more than 5000 declarations in progress`, once, at the first declaration past the limit |
//! | a constant string operation yielding more than 16 MiB | `constant string too long: 33554432 bytes (limit 16777216)` at the operator |
//!
//! # Adversarial input
//!
//! Checking stays linear on types that share subtrees (interface method
//! sets, validType verdicts, identity and comparability are computed once
//! per type or pair) and needs no big thread stack: the recursive walks
//! grow their stack on the heap ([`stacker`]) and long left-nested binary
//! chains are evaluated in a loop. `tests/adversarial.rs` holds the shapes.

pub mod constant;
pub mod export;
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
mod assignments;
mod binary;
mod builtins;
mod call;
mod conversions;
mod decl;
pub mod expr;
mod index;
mod initorder;
mod labels;
mod resolver;
mod returns;
pub mod stmt;
mod suggest;
pub use suggest::closest;
mod typexpr;
mod cell;

use std::sync::Arc;

/// Stack growth for the checker's recursive walks (declarations, type
/// expressions, expressions, statements, type predicates): when less than
/// `RED_ZONE` bytes of stack remain, `stacker::maybe_grow` continues on a new
/// `STACK_SEGMENT`-byte segment, as rustc does, so deep input needs no big
/// thread stack. Total depth is bounded by the parser's limits and by
/// [`MAX_DECL_NESTING`].
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const STACK_SEGMENT: usize = 1024 * 1024;

/// How many package-level declarations may be in progress at once (`const
/// c0 = c1 + 1; const c1 = c2 + 1; ...` checks c1 inside c0, and so on). The
/// declaration that would exceed it is reported once, `declaration nesting
/// too deep`, and treated as invalid; this bounds the memory a chain of
/// declarations written in reverse dependency order can take. Real packages
/// nest a few dozen deep.
pub const MAX_DECL_NESTING: usize = 5_000;

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
    /// The package's source files, when available: messages that quote a
    /// line number (`goto L jumps over variable declaration at line 7`)
    /// need it.
    pub sources: Option<Arc<gox_common::SourceMap>>,
    /// Leave [`Checked::info`] without what only tools read (the types of
    /// typed expressions, definitions, most uses, selections, scopes):
    /// checking records just what it consults itself. Diagnostics and the
    /// package are the same; the checker allocates far less. For callers
    /// that only report diagnostics.
    pub no_info: bool,
    /// Report "missing function body" for every function and method
    /// declared without one. go/types allows them (their code may be
    /// assembly), so this is off by default; gox's driver sets it for every
    /// package but the std's, whose declarations are an API without code.
    pub require_bodies: bool,
}

/// The result of [`check_package`].
pub struct Checked {
    pub package: Arc<Package>,
    pub info: Info,
    /// Errors sorted by position and deduplicated.
    pub diagnostics: Vec<gox_common::Diagnostic>,
}

/// Type-checks one package made of `files` (already parsed), asking
/// `importer` for its imports. Never reads files; never panics on bad input.
pub fn check_package(import_path: &str, files: &[gox_syntax::ast::File], importer: &mut dyn Importer, config: &Config) -> Checked {
    use gox_syntax::Symbol;
    let mut diags = Vec::new();
    // The package name is the first file's; others must agree.
    let mut name: Option<Symbol> = None;
    let mut good: Vec<usize> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.name.is_blank() {
            diags.push(gox_common::Diagnostic::error(f.name.span, "invalid package name _"));
            continue;
        }
        match name {
            None => {
                name = Some(f.name.name);
                good.push(i);
            }
            Some(n) if n == f.name.name => good.push(i),
            Some(n) => diags.push(gox_common::Diagnostic::error(
                f.name.span,
                format!("package {}; expected {}", f.name.name, n),
            )),
        }
    }
    let name = name.unwrap_or_else(|| Symbol::intern(import_path.rsplit('/').next().unwrap_or(import_path)));
    let id = Arc::new(PackageId { path: import_path.to_string(), name });
    // Files with a mismatching package clause are not checked.
    let selected: Vec<gox_syntax::ast::File>;
    let files: &[gox_syntax::ast::File] = if good.len() == files.len() {
        files
    } else {
        selected = good.iter().map(|&i| files[i].clone()).collect();
        &selected
    };
    let mut c = checker::Checker::new(id.clone(), importer, config, files);
    c.collect_objects();
    c.package_objects();
    c.process_delayed();
    c.process_later();
    c.init_order();
    c.check_main_and_init();
    c.unused_imports();
    if config.no_info {
        // Importers look names up in the package scope only: the file,
        // function and block scopes below it need not outlive the check.
        c.pkg_scope.clear_children();
    }
    c.pkg_scope.freeze();
    c.diags.extend(diags);
    let mut diagnostics = c.take_diagnostics();
    if config.first_error_only {
        diagnostics.truncate(1);
    }
    let package = Arc::new(Package { id, scope: c.pkg_scope.clone(), imports: c.imports.clone() });
    Checked { package, info: std::mem::take(&mut c.info), diagnostics }
}
