//! Objects: the named language entities (go/types' `Object`), and packages.
//!
//! Objects are reference counted ([`Obj`]) and compared by pointer. Their
//! type (and a constant's value) is set once while their package is checked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::cell::Settable;

use gox_common::Span;
use gox_syntax::Symbol;

use crate::constant::Value;
use crate::scope::Scope;
use crate::types::Type;

pub type Obj = Arc<Object>;

/// Path and name of a package: what objects refer to (no cycle through
/// [`Package`]).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PackageId {
    pub path: String,
    pub name: Symbol,
}

impl PackageId {
    /// Whether `self` and `other` name the same package: the same handle
    /// (the objects of a package share their checker's), else the same path.
    /// Asked at every use of a variable, where comparing the paths was a
    /// visible share of a check.
    pub fn same(&self, other: &PackageId) -> bool {
        std::ptr::eq(self, other) || self.path == other.path
    }
}

/// A checked package: immutable once [`crate::check_package`] returns.
pub struct Package {
    pub id: Arc<PackageId>,
    /// The package scope: every package-level object (exported or not).
    pub scope: Arc<Scope>,
    /// The packages imported by this package's files, in import order, without duplicates.
    pub imports: Vec<Arc<Package>>,
}

/// When nobody holds a package any more (an editor's package checked again,
/// with its Info), what it declared is freed only once two reference cycles
/// are cut. A scope points at its parent and lists its children (without
/// Info the lists were cut when the check ended); a method's receiver has
/// the type the method is declared on, which lists its methods, with every
/// signature and parameter on the way. Importers hold the packages they
/// import, so nothing can look a method up once its package is gone.
impl Drop for Package {
    fn drop(&mut self) {
        self.scope.clear_children();
        for o in self.scope.objects_where(|o| o.is_type_name()) {
            if let Some(n) = o.ty_ref().as_named() {
                if Arc::ptr_eq(&n.obj, &o) {
                    n.forget_methods();
                }
            }
        }
    }
}

impl Package {
    pub fn name(&self) -> &'static str {
        self.id.name.as_str()
    }
    pub fn path(&self) -> &str {
        &self.id.path
    }
    pub fn is_main(&self) -> bool {
        self.name() == "main"
    }
    /// The package-level object `name`, if declared (exported or not).
    pub fn lookup(&self, name: &str) -> Option<Obj> {
        self.scope.lookup(Symbol::intern(name))
    }
    /// The exported package-level object `name`.
    pub fn lookup_exported(&self, name: &str) -> Option<Obj> {
        let sym = Symbol::intern(name);
        if !sym.is_exported() {
            return None;
        }
        self.scope.lookup(sym)
    }
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "package {} ({:?})", self.name(), self.path())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Append,
    Cap,
    Close,
    Copy,
    Delete,
    Len,
    Make,
    New,
    Panic,
    Print,
    Println,
    Recover,
    Assert,
}

impl Builtin {
    pub fn name(self) -> &'static str {
        use Builtin::*;
        match self {
            Append => "append",
            Cap => "cap",
            Close => "close",
            Copy => "copy",
            Delete => "delete",
            Len => "len",
            Make => "make",
            New => "new",
            Panic => "panic",
            Print => "print",
            Println => "println",
            Recover => "recover",
            Assert => "assert",
        }
    }
    /// (minimum argument count, variadic) as go/types' predeclaredFuncs.
    pub fn arity(self) -> (usize, bool) {
        use Builtin::*;
        match self {
            Append => (1, true),
            Cap | Close | Len | New | Panic => (1, false),
            Copy | Delete => (2, false),
            Make => (1, true),
            Print | Println => (0, true),
            Recover => (0, false),
            Assert => (1, true),
        }
    }
    /// Whether a call may be used as an expression statement.
    pub fn is_statement(self) -> bool {
        use Builtin::*;
        matches!(
            self,
            Close | Copy | Delete | Panic | Print | Println | Recover | Assert
        )
    }
}

pub enum ObjectKind {
    /// An imported package's name in a file scope.
    PkgName {
        imported: Arc<Package>,
    },
    /// Boxed: a constant's value is large and most objects are not
    /// constants (every object would carry its room otherwise).
    Const {
        value: Box<RwLock<Value>>,
    },
    TypeName,
    /// A variable, parameter, result or struct field.
    Var {
        field: bool,
        embedded: bool,
    },
    /// A function or (with a receiver in its signature) a method.
    Func,
    Label,
    Builtin(Builtin),
    Nil,
}

pub struct Object {
    pub name: Symbol,
    /// The position of the declaring identifier (empty for predeclared objects).
    pub span: Span,
    /// The declaring package; `None` for universe objects.
    pub pkg: Option<Arc<PackageId>>,
    pub kind: ObjectKind,
    /// Read at every use of the name, by every checking thread for
    /// imported objects: a first type is read without a lock.
    ty: Settable<Type>,
    /// A universe object, whose type never changes.
    predeclared: bool,
    used: AtomicBool,
}

impl Object {
    pub fn new(
        name: Symbol,
        span: Span,
        pkg: Option<Arc<PackageId>>,
        kind: ObjectKind,
        ty: Option<Type>,
    ) -> Obj {
        Arc::new(Object {
            name,
            span,
            pkg,
            kind,
            ty: Settable::new(ty),
            predeclared: false,
            used: AtomicBool::new(false),
        })
    }

    /// A universe object, whose type is fixed.
    pub(crate) fn predeclared(name: Symbol, kind: ObjectKind, ty: Type) -> Obj {
        Arc::new(Object {
            name,
            span: Span::default(),
            pkg: None,
            kind,
            ty: Settable::new(Some(ty)),
            predeclared: true,
            used: AtomicBool::new(false),
        })
    }

    pub fn name(&self) -> &'static str {
        self.name.as_str()
    }

    /// The object's type; invalid while not yet determined.
    pub fn ty(&self) -> Type {
        self.ty.get().unwrap_or_else(Type::invalid)
    }
    /// [`Object::ty`], borrowed where it can be: for reading it without
    /// the atomic increment and decrement of a clone (see [`Type::under`]).
    pub fn ty_ref(&self) -> std::borrow::Cow<'_, Type> {
        match self.ty.first_only() {
            Some(t) => std::borrow::Cow::Borrowed(t),
            None => std::borrow::Cow::Owned(self.ty()),
        }
    }
    pub fn has_type(&self) -> bool {
        self.ty.is_set()
    }
    /// Gives the object its type. Only the thread checking the object's
    /// package does, before other threads can see the object.
    pub(crate) fn set_type(&self, t: Type) {
        debug_assert!(!self.predeclared, "set_type of a predeclared object");
        self.ty.set(t);
    }

    /// Gives the object a type that stands in until [`Object::set_type`]
    /// sets the real one (a function's empty signature while its own is
    /// checked): the real type is then read as the first, without a lock.
    pub(crate) fn set_provisional_type(&self, t: Type) {
        debug_assert!(!self.predeclared, "set_provisional_type of a predeclared object");
        self.ty.set_provisional(t);
    }

    /// A constant's value (unknown for other objects or invalid constants).
    pub fn const_value(&self) -> Value {
        match &self.kind {
            ObjectKind::Const { value } => value.read().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Value::Unknown,
        }
    }
    pub(crate) fn set_const_value(&self, v: Value) {
        if let ObjectKind::Const { value } = &self.kind {
            *value.write().unwrap_or_else(|e| e.into_inner()) = v;
        }
    }

    pub fn is_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
    pub(crate) fn mark_used(&self) {
        // Objects of imported packages are shared by the checking threads:
        // write their cache line only when it changes anything.
        if !self.used.load(Ordering::Relaxed) {
            self.used.store(true, Ordering::Relaxed)
        }
    }
    pub(crate) fn set_used(&self, used: bool) {
        self.used.store(used, Ordering::Relaxed)
    }

    pub fn is_exported(&self) -> bool {
        self.name.is_exported()
    }
    pub fn is_blank(&self) -> bool {
        self.name.is_blank()
    }
    pub fn is_var(&self) -> bool {
        matches!(self.kind, ObjectKind::Var { .. })
    }
    pub fn is_field(&self) -> bool {
        matches!(self.kind, ObjectKind::Var { field: true, .. })
    }
    pub fn is_embedded(&self) -> bool {
        matches!(self.kind, ObjectKind::Var { embedded: true, .. })
    }
    pub fn is_type_name(&self) -> bool {
        matches!(self.kind, ObjectKind::TypeName)
    }
    pub fn is_func(&self) -> bool {
        matches!(self.kind, ObjectKind::Func)
    }
    pub fn is_const(&self) -> bool {
        matches!(self.kind, ObjectKind::Const { .. })
    }

    /// Whether a type name declares an alias (its type is not a named type
    /// owned by it).
    pub fn is_alias(&self) -> bool {
        if !self.is_type_name() {
            return false;
        }
        match self.ty_ref().as_named() {
            Some(n) => !std::ptr::eq(Arc::as_ptr(&n.obj), self as *const Object),
            None => {
                self.pkg.is_some() || !matches!(self.ty_ref().kind(), crate::types::TypeKind::Basic(_))
            }
        }
    }

    /// The object's package path, or "" for the universe.
    pub fn pkg_path(&self) -> &str {
        self.pkg.as_ref().map_or("", |p| p.path.as_str())
    }

    /// Whether two objects' names are the same identifier in Go's sense:
    /// exported names match across packages, unexported ones only within.
    pub fn same_id(&self, pkg: Option<&PackageId>, name: Symbol) -> bool {
        if self.name != name {
            return false;
        }
        if name.is_exported() {
            return true;
        }
        match (&self.pkg, pkg) {
            (Some(a), Some(b)) => a.same(b),
            (None, None) => true,
            _ => false,
        }
    }

    /// go/types' object kind word: "variable", "constant", ...
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            ObjectKind::PkgName { .. } => "package",
            ObjectKind::Const { .. } => "constant",
            ObjectKind::TypeName => "type",
            ObjectKind::Var { field: true, .. } => "field",
            ObjectKind::Var { .. } => "variable",
            ObjectKind::Func => "function",
            ObjectKind::Label => "label",
            ObjectKind::Builtin(_) => "built-in",
            ObjectKind::Nil => "nil",
        }
    }
}

/// Pointer identity key of an object, for maps.
pub fn obj_key(o: &Obj) -> usize {
    Arc::as_ptr(o) as usize
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind_word(), self.name)
    }
}
