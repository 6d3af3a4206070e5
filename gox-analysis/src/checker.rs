//! The [`Checker`]: state of checking one package, the recording of results
//! into [`Info`], and the phases of a package check.
//!
//! API used by the statement checker (stmt.rs) and friends:
//! - [`Checker::expr`], [`Checker::multi_expr`], [`Checker::expr_with_hint`]
//!   (expr.rs) evaluate expressions to [`Operand`]s;
//!   [`Checker::type_expr`] (typexpr.rs) evaluates a type.
//! - [`Checker::assignment`], [`Checker::assign_var`], [`Checker::init_vars`],
//!   [`Checker::short_var_decl`] (assignments.rs).
//! - [`Checker::open_scope`]/[`Checker::close_scope`], [`Checker::declare`],
//!   [`Checker::record_def`], [`Checker::record_use`],
//!   [`Checker::record_implicit`], [`Checker::record_type`].
//! - [`Checker::error`], [`Checker::error_with_notes`] report diagnostics.
//! - [`Checker::local_decl`] (decl.rs) checks `var`/`const`/`type` inside a function.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use gox_common::{Diagnostic, FileId, Label, Span};
use gox_syntax::ast::{self, NodeId};

use crate::constant::Value;
use crate::importer::Importer;
use crate::objects::{obj_key, Obj, ObjectKind, Package, PackageId};
use crate::operand::{Mode, Operand};
use crate::scope::{Scope, ScopeKind};
use crate::types::Type;
use crate::Config;

/// Key of an expression or identifier in [`Info`]: the file and the node.
pub type NodeKey = (FileId, NodeId);

/// The type (and constant value) of an expression, as go/types' `TypeAndValue`.
#[derive(Clone, Debug)]
pub struct TypeAndValue {
    pub mode: Mode,
    pub ty: Type,
}

impl TypeAndValue {
    pub fn value(&self) -> Option<&Value> {
        match &self.mode {
            Mode::Constant(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_type(&self) -> bool {
        matches!(self.mode, Mode::TypeExpr)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectionKind {
    /// `x.f` is a struct field.
    FieldVal,
    /// `x.m(...)` calls a method.
    MethodVal,
}

/// A resolved selector `x.f` (not a qualified identifier).
#[derive(Clone, Debug)]
pub struct Selection {
    pub kind: SelectionKind,
    /// The type of `x`.
    pub recv: Type,
    pub obj: Obj,
    /// The path of field indices through embedded fields; the last entry is
    /// the field's or method's index.
    pub index: Vec<usize>,
    /// Whether a pointer indirection was needed along the path.
    pub indirect: bool,
}

/// A package-level variable initialisation, in execution order.
#[derive(Clone, Debug)]
pub struct Initializer {
    /// The variables on the left (several for `a, b = f()`).
    pub lhs: Vec<Obj>,
    /// Span of the initialisation expression.
    pub rhs: Span,
}

/// What the checker learnt about the package's source, as go/types' `Info`.
#[derive(Default)]
pub struct Info {
    /// Type and value of every expression (including type expressions).
    pub types: HashMap<NodeKey, TypeAndValue>,
    /// The object each defining identifier declares (`None` for a blank or
    /// the package name).
    pub defs: HashMap<NodeKey, Option<Obj>>,
    /// The object each using identifier denotes.
    pub uses: HashMap<NodeKey, Obj>,
    /// Implicitly declared objects: keyed by the span of the import spec
    /// (package names), case clause (type switch variables) or anonymous field.
    pub implicits: HashMap<Span, Obj>,
    /// Selector expressions `x.f` keyed by the selector expression.
    pub selections: HashMap<NodeKey, Selection>,
    /// The scope opened by a file, function type, block or statement,
    /// keyed by the span of that node.
    pub scopes: HashMap<Span, Arc<Scope>>,
    /// Package-level variable initialisation order.
    pub init_order: Vec<Initializer>,
}

impl Info {
    pub fn type_of(&self, file: FileId, id: NodeId) -> Option<&TypeAndValue> {
        self.types.get(&(file, id))
    }
    /// The object an identifier defines or uses.
    pub fn object_of(&self, file: FileId, ident: &ast::Ident) -> Option<Obj> {
        let k = (file, ident.id);
        if let Some(o) = self.defs.get(&k) {
            return o.clone();
        }
        self.uses.get(&k).cloned()
    }
}

/// How a package-level object is declared.
pub(crate) enum DeclKind<'a> {
    Const {
        ty: Option<&'a ast::Expr>,
        init: Option<&'a ast::Expr>,
        iota: u32,
        inherited: bool,
    },
    /// `lhs` is set for `var a, b = f()` (all variables share one init).
    Var {
        lhs: Option<Vec<Obj>>,
        ty: Option<&'a ast::Expr>,
        init: Option<&'a ast::Expr>,
    },
    Type(&'a ast::TypeSpec),
    Func(&'a ast::FuncDecl),
}

pub(crate) struct DeclInfo<'a> {
    pub file_scope: Arc<Scope>,
    pub kind: DeclKind<'a>,
}

/// Cycle-detection colour of a package-level object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Color {
    White,
    Grey,
    Black,
}

/// Context of the declaration or function being checked.
#[derive(Clone, Default)]
pub struct Environment {
    /// The package-level object whose declaration is being checked (its
    /// dependencies feed the initialisation order).
    pub decl: Option<Obj>,
    /// Value of `iota` inside a constant declaration.
    pub iota: Option<Value>,
    /// The signature of the function whose body is being checked.
    pub sig: Option<Type>,
    /// Set while evaluating a `len`/`cap` argument: records whether a call
    /// or receive makes the result non-constant.
    pub has_call_or_recv: bool,
    /// Whether the function body contains labels.
    pub has_label: bool,
    /// When set, errors are reported here (constants with an inherited
    /// initialiser report at their name).
    pub errpos: Option<Span>,
}

/// A function body to check after all package-level declarations.
pub(crate) struct DelayedBody<'a> {
    pub name: &'static str,
    pub decl: Option<Obj>,
    pub sig: Type,
    pub body: &'a ast::Block,
    pub scope: Arc<Scope>,
}

pub struct Checker<'a> {
    pub pkg: Arc<PackageId>,
    pub pkg_scope: Arc<Scope>,
    pub(crate) importer: &'a mut dyn Importer,
    pub config: &'a Config,
    pub(crate) files: &'a [ast::File],
    pub info: Info,
    pub(crate) diags: Vec<Diagnostic>,
    /// Package-level declarations, by object key.
    pub(crate) decls: HashMap<usize, DeclInfo<'a>>,
    pub(crate) colors: HashMap<usize, Color>,
    /// The objects whose declarations are being checked, outermost first.
    pub(crate) obj_path: Vec<Obj>,
    /// Package-level objects in source order.
    pub(crate) objs_in_order: Vec<Obj>,
    /// Dependencies of package-level objects (for initialisation order).
    pub(crate) deps: HashMap<usize, Vec<Obj>>,
    pub(crate) methods: HashMap<usize, Vec<Obj>>,
    /// The current scope.
    pub scope: Arc<Scope>,
    pub env: Environment,
    pub(crate) delayed: Vec<DelayedBody<'a>>,
    pub(crate) imports: Vec<Arc<Package>>,
    /// File scopes in file order.
    pub(crate) file_scopes: Vec<Arc<Scope>>,
    /// Per dot-imported object: the package name object that imported it.
    pub(crate) dot_import_map: HashMap<(usize, usize), Obj>,
    /// Import package names declared, for unused-import reports.
    pub(crate) pkg_names: Vec<(Obj, &'a ast::ImportSpec)>,
    /// Dot imports: (file scope key, package name object, spec).
    pub(crate) dot_imports: Vec<(Obj, &'a ast::ImportSpec)>,
    /// Stand-in packages for failed imports (selectors on them are silent).
    pub(crate) fake_imports: Vec<usize>,
    /// Untyped constant left operands of non-constant shifts.
    pub(crate) shift_lhs: rustc_hash::FxHashSet<NodeKey>,
    /// The function expression of the call being checked (a selector
    /// there may denote a method).
    pub(crate) calling: Option<NodeKey>,
    /// How many records in `info.types` have an untyped type: while there
    /// are none, a typed record has none to replace (most of the time).
    untyped_records: usize,
    /// Whether a named type of this package is valid (not infinitely
    /// expanding), by object key, once walked: each is walked once.
    pub(crate) valid_types: HashMap<usize, bool>,
    /// The declaration nesting limit ([`crate::MAX_DECL_NESTING`]) was
    /// hit and reported.
    pub(crate) nesting_reported: bool,
    /// Package names shared by several packages of the import graph,
    /// computed on the first message that prints a type.
    pub(crate) shared_names: std::sync::OnceLock<Vec<gox_syntax::Symbol>>,
    /// Checks to run once all package-level types are set up.
    pub(crate) later: Vec<Box<dyn FnOnce(&mut Checker<'a>) + 'a>>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        pkg: Arc<PackageId>,
        importer: &'a mut dyn Importer,
        config: &'a Config,
        files: &'a [ast::File],
    ) -> Checker<'a> {
        let pkg_scope = Scope::new(
            Some(crate::universe::universe().scope.clone()),
            ScopeKind::Package,
            Span::default(),
        );
        Checker {
            pkg,
            scope: pkg_scope.clone(),
            pkg_scope,
            importer,
            config,
            files,
            info: Info::default(),
            diags: Vec::new(),
            decls: HashMap::default(),
            colors: HashMap::default(),
            obj_path: Vec::new(),
            objs_in_order: Vec::new(),
            deps: HashMap::default(),
            methods: HashMap::default(),
            env: Environment::default(),
            delayed: Vec::new(),
            imports: Vec::new(),
            file_scopes: Vec::new(),
            dot_import_map: HashMap::default(),
            pkg_names: Vec::new(),
            dot_imports: Vec::new(),
            fake_imports: Vec::new(),
            shift_lhs: Default::default(),
            calling: None,
            untyped_records: 0,
            valid_types: Default::default(),
            nesting_reported: false,
            shared_names: Default::default(),
            later: Vec::new(),
        }
    }

    // ---- diagnostics ----

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        let span = self.env.errpos.unwrap_or(span);
        self.diags.push(Diagnostic::error(span, msg));
    }

    /// An error with a `help:` suggestion, when there is one.
    pub(crate) fn error_with_help(&mut self, span: Span, msg: impl Into<String>, help: Option<String>) {
        let span = self.env.errpos.unwrap_or(span);
        let mut d = Diagnostic::error(span, msg);
        d.help = help;
        self.diags.push(d);
    }

    /// Schedules `f` to run after the package-level declarations.
    pub fn later(&mut self, f: impl FnOnce(&mut Checker<'a>) + 'a) {
        self.later.push(Box::new(f));
    }

    /// Runs the scheduled checks (including ones they schedule).
    pub(crate) fn process_later(&mut self) {
        let mut i = 0;
        while i < self.later.len() {
            let f = std::mem::replace(&mut self.later[i], Box::new(|_| {}));
            f(self);
            i += 1;
        }
        self.later.clear();
    }

    pub fn error_with_notes(&mut self, span: Span, msg: impl Into<String>, notes: Vec<Label>) {
        let span = self.env.errpos.unwrap_or(span);
        let mut d = Diagnostic::error(span, msg);
        d.notes = notes;
        self.diags.push(d);
    }

    /// `invalid operation: <msg>` at `span`.
    pub fn invalid_op(&mut self, span: Span, msg: impl AsRef<str>) {
        self.error(span, format!("invalid operation: {}", msg.as_ref()));
    }

    /// `invalid argument: <msg>` at `span`.
    pub fn invalid_arg(&mut self, span: Span, msg: impl AsRef<str>) {
        self.error(span, format!("invalid argument: {}", msg.as_ref()));
    }

    /// `t` printed relative to the package being checked.
    pub fn type_str(&self, t: &Type) -> String {
        crate::typestring::type_string_with(t, Some(&self.pkg), self.shared_package_names())
    }

    /// `x` printed as go/types' operand string, relative to this package.
    pub fn op_str(&self, x: &Operand<'_>) -> String {
        x.describe_with(Some(&self.pkg), self.shared_package_names())
    }

    /// The names that several packages of the import graph share (two
    /// `ast`s): types of those packages are printed with their path.
    fn shared_package_names(&self) -> &[gox_syntax::Symbol] {
        self.shared_names.get_or_init(|| {
            let mut paths: HashMap<gox_syntax::Symbol, Vec<String>> = HashMap::default();
            let mut seen: std::collections::HashSet<usize> = Default::default();
            let mut stack: Vec<Arc<Package>> = self.imports.clone();
            paths.entry(self.pkg.name).or_default().push(self.pkg.path.clone());
            while let Some(p) = stack.pop() {
                if !seen.insert(Arc::as_ptr(&p) as usize) {
                    continue;
                }
                let v = paths.entry(p.id.name).or_default();
                if !v.contains(&p.id.path) {
                    v.push(p.id.path.clone());
                }
                stack.extend(p.imports.iter().cloned());
            }
            let mut shared: Vec<gox_syntax::Symbol> = paths.into_iter().filter(|(_, v)| v.len() > 1).map(|(n, _)| n).collect();
            shared.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            shared
        })
    }

    // ---- scopes ----

    /// Opens a block scope covering `span` (recorded in [`Info::scopes`]).
    pub fn open_scope(&mut self, span: Span, kind: ScopeKind) -> Arc<Scope> {
        let s = Scope::new(Some(self.scope.clone()), kind, span);
        self.record_scope(span, &s);
        self.scope = s.clone();
        s
    }

    /// Returns to the parent of the current scope.
    pub fn close_scope(&mut self) {
        if let Some(p) = self.scope.parent.clone() {
            self.scope = p;
        }
    }

    /// Declares `obj` in `scope` (blank names are only recorded), reporting
    /// `x redeclared in this block` on conflict. `ident` (when given) is
    /// recorded as the definition.
    pub fn declare(&mut self, scope: &Arc<Scope>, ident: Option<&ast::Ident>, obj: Obj) {
        if let Some(id) = ident {
            self.record_def(id, Some(obj.clone()));
        }
        if obj.is_blank() {
            return;
        }
        if let Some(alt) = scope.insert(obj.clone()) {
            self.report_redeclared(&obj, &alt);
        }
    }

    pub(crate) fn report_redeclared(&mut self, obj: &Obj, alt: &Obj) {
        let mut notes = Vec::new();
        if alt.span != Span::default() {
            notes.push(Label {
                span: alt.span,
                message: format!("other declaration of {}", alt.name()),
            });
        }
        self.error_with_notes(
            obj.span,
            format!("{} redeclared in this block", obj.name()),
            notes,
        );
    }

    /// Looks `name` up from the current scope outwards.
    pub fn lookup(&self, name: gox_syntax::Symbol) -> Option<Obj> {
        self.scope.lookup_in_chain(name)
    }

    // ---- recording ----

    // ---- Info ----
    //
    // With `Config::no_info` only what the checker reads back is kept:
    // untyped expressions (their final type comes later), map index,
    // built-in and type operands (assignability and statement checks),
    // and uses of built-ins (is a call `panic`?).

    pub fn record_def(&mut self, id: &ast::Ident, obj: Option<Obj>) {
        if !self.config.no_info {
            self.info.defs.insert((id.span.file, id.id), obj);
        }
    }

    pub fn record_use(&mut self, id: &ast::Ident, obj: &Obj) {
        // Calls of panic end statement lists (returns.rs asks).
        if !self.config.no_info || matches!(obj.kind, ObjectKind::Builtin(crate::Builtin::Panic)) {
            self.info.uses.insert((id.span.file, id.id), obj.clone());
        }
    }

    pub fn record_implicit(&mut self, span: Span, obj: Obj) {
        if !self.config.no_info {
            self.info.implicits.insert(span, obj);
        }
    }

    /// Records the mode and type of `e` (in Info, or, without Info, when
    /// the check reads it back: see [`Checker::keeps_type`]). Both are
    /// borrowed and cloned only for a record that is kept: most are not
    /// without Info, and a clone of a counted type and its drop are two
    /// atomic operations.
    pub fn record_type(&mut self, e: &ast::Expr, mode: &Mode, ty: &Type) {
        if self.keeps_type(e, mode, ty) {
            let untyped = ty.is_untyped();
            let old = self.info.types.insert((e.span.file, e.id), TypeAndValue { mode: mode.clone(), ty: ty.clone() });
            self.untyped_records += untyped as usize;
            self.untyped_records -= old.is_some_and(|o| o.ty.is_untyped()) as usize;
        } else {
            self.drop_type(e);
        }
    }

    /// Whether [`Checker::record_type`] keeps a record of `e` with this
    /// mode and type. Without Info only what the check itself reads back is
    /// kept: untyped operands (given their final type later), map indexes
    /// (`m[k].f = v`), and whether a call's function (without parentheses:
    /// `calling`) is a type or a builtin (conversions and builtins in
    /// expression statements, `panic` ending a function). Keeping every
    /// type expression made the map the size of the package, and its growth
    /// and lookups a few percent of a check.
    fn keeps_type(&self, e: &ast::Expr, mode: &Mode, ty: &Type) -> bool {
        if !self.config.no_info || ty.is_untyped() || matches!(mode, Mode::MapIndex) {
            return true;
        }
        let key = Some((e.span.file, e.id));
        matches!(mode, Mode::Builtin(_) | Mode::TypeExpr) && self.calling == key
    }

    /// Forgets the untyped record of `e`, if any: it must not outlive a
    /// typed one. Looked up only while untyped records exist.
    fn drop_type(&mut self, e: &ast::Expr) {
        if self.untyped_records == 0 {
            return;
        }
        let key = (e.span.file, e.id);
        if self.info.types.get(&key).is_some_and(|old| old.ty.is_untyped()) {
            self.info.types.remove(&key);
            self.untyped_records -= 1;
        }
    }

    /// Records the selection `make` builds, only when Info is kept: a
    /// selection holds clones of the receiver's type and the object.
    pub(crate) fn record_selection(&mut self, e: &ast::Expr, make: impl FnOnce() -> Selection) {
        if !self.config.no_info {
            self.info.selections.insert((e.span.file, e.id), make());
        }
    }

    pub(crate) fn record_scope(&mut self, span: Span, scope: &Arc<Scope>) {
        if !self.config.no_info {
            self.info.scopes.insert(span, scope.clone());
        }
    }

    /// Notes that the declaration being checked depends on `obj`.
    pub(crate) fn add_dep(&mut self, obj: &Obj) {
        if let Some(d) = &self.env.decl {
            let k = obj_key(d);
            if self.decls.contains_key(&obj_key(obj)) {
                let v = self.deps.entry(k).or_default();
                if !v.iter().any(|o| Arc::ptr_eq(o, obj)) {
                    v.push(obj.clone());
                }
            }
        }
    }

    /// Sorted, deduplicated diagnostics.
    pub(crate) fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        let mut d = std::mem::take(&mut self.diags);
        d.sort_by(|a, b| (a.span.file, a.span.lo).cmp(&(b.span.file, b.span.lo)));
        d.dedup_by(|a, b| {
            a.span.file == b.span.file && a.span.lo == b.span.lo && a.message == b.message
        });
        // One error per position: keep the first reported.
        let mut out: Vec<Diagnostic> = Vec::with_capacity(d.len());
        for x in d {
            if let Some(last) = out.last() {
                if last.span.file == x.span.file
                    && last.span.lo == x.span.lo
                    && last.is_error()
                    && x.is_error()
                {
                    continue;
                }
            }
            out.push(x);
        }
        out
    }
}
