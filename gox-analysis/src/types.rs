//! The representation of GoX types, as go/types' `Type`.
//!
//! A [`Type`] is a cheap reference-counted handle. Structural types are
//! compared with [`crate::predicates::identical`]; a named type is identical
//! only to itself (pointer identity of its `Arc`). A named type's underlying
//! type and methods are filled in while its package is being checked and never
//! change afterwards, so a checked package is immutable and `Send + Sync`.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock, RwLock};

use crate::objects::Obj;

#[derive(Clone)]
pub struct Type(Repr);

/// The basic types are statics: a reference to one is copied, not counted.
/// Every `int`, `string` or untyped constant operand clones its type, and
/// with a counted handle the two checking threads kept taking the cache
/// line of the same few counters from each other.
#[derive(Clone)]
enum Repr {
    Static(&'static TypeKind),
    Counted(Arc<TypeKind>),
}

pub enum TypeKind {
    Basic(Basic),
    /// `[len]elem`; `len` is negative when the length was invalid.
    Array {
        len: i64,
        elem: Type,
    },
    Slice(Type),
    Struct(Struct),
    /// `*base`; in GoX the base's underlying type is a struct.
    Pointer(Type),
    /// The type of a multi-valued expression (a call's results).
    Tuple(Vec<Type>),
    Signature(Signature),
    Interface(Interface),
    Map {
        key: Type,
        elem: Type,
    },
    Chan {
        dir: ChanDir,
        elem: Type,
    },
    Named(Named),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChanDir {
    Both,
    Send,
    Recv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BasicKind {
    Invalid,
    Bool,
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Float32,
    Float64,
    String,
    UntypedBool,
    UntypedInt,
    UntypedRune,
    UntypedFloat,
    UntypedString,
    UntypedNil,
}

impl BasicKind {
    pub fn is_boolean(self) -> bool {
        matches!(self, BasicKind::Bool | BasicKind::UntypedBool)
    }
    pub fn is_integer(self) -> bool {
        use BasicKind::*;
        matches!(
            self,
            Int | Int8
                | Int16
                | Int32
                | Int64
                | Uint
                | Uint8
                | Uint16
                | Uint32
                | Uint64
                | UntypedInt
                | UntypedRune
        )
    }
    pub fn is_unsigned(self) -> bool {
        use BasicKind::*;
        matches!(self, Uint | Uint8 | Uint16 | Uint32 | Uint64)
    }
    pub fn is_float(self) -> bool {
        matches!(
            self,
            BasicKind::Float32 | BasicKind::Float64 | BasicKind::UntypedFloat
        )
    }
    pub fn is_numeric(self) -> bool {
        self.is_integer() || self.is_float()
    }
    pub fn is_string(self) -> bool {
        matches!(self, BasicKind::String | BasicKind::UntypedString)
    }
    pub fn is_untyped(self) -> bool {
        use BasicKind::*;
        matches!(
            self,
            UntypedBool | UntypedInt | UntypedRune | UntypedFloat | UntypedString | UntypedNil
        )
    }
    pub fn is_ordered(self) -> bool {
        self.is_numeric() || self.is_string()
    }
    /// Types whose values can be constants.
    pub fn is_const_type(self) -> bool {
        self.is_boolean() || self.is_numeric() || self.is_string()
    }
    /// Size in bytes of a sized integer or float kind (int/uint are 64-bit).
    pub fn size(self) -> u32 {
        use BasicKind::*;
        match self {
            Bool | Int8 | Uint8 => 1,
            Int16 | Uint16 => 2,
            Int32 | Uint32 | Float32 => 4,
            Int | Int64 | Uint | Uint64 | Float64 => 8,
            _ => 8,
        }
    }
}

pub struct Basic {
    pub kind: BasicKind,
    pub name: &'static str,
}

pub struct Struct {
    /// Field variables, in source order.
    pub fields: Vec<Obj>,
    pub tags: Vec<Option<String>>,
}

pub struct Signature {
    /// The receiver of a method.
    pub recv: Option<Obj>,
    pub params: Vec<Obj>,
    pub results: Vec<Obj>,
    /// The last parameter is `...T`; its type is recorded as `[]T`.
    pub variadic: bool,
}

impl Signature {
    pub fn result_types(&self) -> Vec<Type> {
        self.results.iter().map(|p| p.ty()).collect()
    }
    /// The type of a call's value: nothing, the single result, or a tuple.
    pub fn result_type(&self) -> Option<Type> {
        match self.results.len() {
            0 => None,
            1 => Some(self.results[0].ty()),
            _ => Some(Type::new(TypeKind::Tuple(self.result_types()))),
        }
    }
}

pub struct Interface {
    /// Explicitly declared methods (func objects), in source order.
    pub methods: Vec<Obj>,
    /// Embedded interface types, in source order.
    pub embeddeds: Vec<Type>,
    /// Every method including embedded ones, sorted by name: computed when
    /// first needed once the embedded interfaces are complete (an embedded
    /// interface may still be being declared when this one is created).
    all: OnceLock<Vec<Obj>>,
}

impl Interface {
    /// An interface whose full method set is computed on demand.
    pub fn new(methods: Vec<Obj>, embeddeds: Vec<Type>) -> Interface {
        Interface {
            methods,
            embeddeds,
            all: OnceLock::new(),
        }
    }

    /// An interface with a known full method set (sorted by name).
    pub fn with_all_methods(
        methods: Vec<Obj>,
        embeddeds: Vec<Type>,
        all_methods: Vec<Obj>,
    ) -> Interface {
        let all = OnceLock::new();
        let _ = all.set(all_methods);
        Interface {
            methods,
            embeddeds,
            all,
        }
    }

    /// Every method including embedded ones, sorted by name.
    pub fn all_methods(&self) -> std::borrow::Cow<'_, [Obj]> {
        let mut complete = true;
        self.all_methods_in(&mut complete, &mut rustc_hash::FxHashSet::default())
    }

    /// The full method set, computed once: each embedded interface's set is
    /// itself computed once and then shared, so interfaces embedding
    /// overlapping interfaces (`T2 interface{ T1; T1 }`, ... go/types'
    /// issue6977) take linear time. A set that depends on a named interface
    /// still being declared is not kept (`complete` is cleared). `path`
    /// holds the interfaces being computed: an embedding cycle (an invalid
    /// type, reported by the checker) stops there.
    fn all_methods_in(&self, complete: &mut bool, path: &mut rustc_hash::FxHashSet<usize>) -> std::borrow::Cow<'_, [Obj]> {
        if let Some(v) = self.all.get() {
            return std::borrow::Cow::Borrowed(v.as_slice());
        }
        let key = self as *const Interface as usize;
        if !path.insert(key) {
            *complete = false;
            return std::borrow::Cow::Owned(Vec::new());
        }
        let mut own_complete = true;
        let v = stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || {
            self.compute_all(&mut own_complete, path)
        });
        path.remove(&key);
        if !own_complete {
            *complete = false;
            return std::borrow::Cow::Owned(v);
        }
        let _ = self.all.set(v);
        match self.all.get() {
            Some(v) => std::borrow::Cow::Borrowed(v.as_slice()),
            None => std::borrow::Cow::Owned(Vec::new()),
        }
    }

    fn compute_all(&self, complete: &mut bool, path: &mut rustc_hash::FxHashSet<usize>) -> Vec<Obj> {
        let mut all = self.methods.clone();
        let mut names: rustc_hash::FxHashSet<gox_syntax::Symbol> = all.iter().map(|m| m.name).collect();
        for e in &self.embeddeds {
            let u = match e.as_named() {
                Some(n) => {
                    if !n.underlying_is_set() {
                        *complete = false;
                        continue;
                    }
                    n.resolved_underlying()
                }
                None => e.clone(),
            };
            if let TypeKind::Interface(i) = u.kind() {
                for m in i.all_methods_in(complete, path).iter() {
                    if names.insert(m.name) {
                        all.push(m.clone());
                    }
                }
            }
        }
        all.sort_by(|a, b| a.name().cmp(b.name()));
        all
    }

    pub fn is_empty(&self) -> bool {
        self.all_methods().is_empty()
    }

    /// The first method of the full method set (and its position there) named
    /// `name` as seen from package `pkg`: a binary search, the set being
    /// sorted by name.
    pub fn method_by_id(
        &self,
        pkg: Option<&crate::objects::PackageId>,
        name: gox_syntax::Symbol,
    ) -> Option<(usize, Obj)> {
        let all = self.all_methods();
        let key = name.as_str();
        let start = all.partition_point(|m| m.name() < key);
        all[start..]
            .iter()
            .take_while(|m| m.name == name)
            .position(|m| m.same_id(pkg, name))
            .map(|i| (start + i, all[start + i].clone()))
    }
}

pub struct Named {
    pub obj: Obj,
    /// Read at every use of the type: see [`Settable`].
    pub(crate) underlying: crate::cell::Settable<Type>,
    pub(crate) methods: RwLock<MethodList>,
}

/// A named type's methods in declaration order, with an index by name once
/// there are more than [`MethodList::SCANNED`], so that a lookup costs the
/// same for 40,000 methods as for 4.
#[derive(Default)]
pub(crate) struct MethodList {
    list: Vec<Obj>,
    /// Boxed: most named types have a few methods or none, and every type
    /// node has room for a named type's fields (with the index inline, a
    /// node took the next allocation size, 160 bytes instead of 128).
    index: Option<Box<MethodIndex>>,
}

struct MethodIndex {
    /// Name -> position of the first method with that name.
    first: rustc_hash::FxHashMap<gox_syntax::Symbol, usize>,
    /// Whether two methods share a name (only after an error): lookups then
    /// scan the list, as the index keeps only the first.
    repeated: bool,
}

impl MethodList {
    /// Methods found by scanning the list, without an index.
    const SCANNED: usize = 8;

    /// The first method (and its position) named `name` as seen from
    /// package `pkg`.
    fn by_id(&self, pkg: Option<&crate::objects::PackageId>, name: gox_syntax::Symbol) -> Option<(usize, &Obj)> {
        match &self.index {
            Some(index) if !index.repeated => {
                let i = *index.first.get(&name)?;
                let m = self.list.get(i)?;
                m.same_id(pkg, name).then_some((i, m))
            }
            _ => self.list.iter().enumerate().find(|(_, m)| m.same_id(pkg, name)),
        }
    }

    /// The first method named `name`, from any package.
    fn named(&self, name: gox_syntax::Symbol) -> Option<&Obj> {
        match &self.index {
            Some(index) => index.first.get(&name).and_then(|&i| self.list.get(i)),
            None => self.list.iter().find(|m| m.name == name),
        }
    }

    fn push(&mut self, m: Obj) {
        if self.index.is_none() && self.list.len() >= Self::SCANNED {
            let mut index = MethodIndex { first: rustc_hash::FxHashMap::default(), repeated: false };
            for (i, old) in self.list.iter().enumerate() {
                index.add(old.name, i);
            }
            self.index = Some(Box::new(index));
        }
        if let Some(index) = &mut self.index {
            index.add(m.name, self.list.len());
        }
        self.list.push(m);
    }
}

impl MethodIndex {
    fn add(&mut self, name: gox_syntax::Symbol, at: usize) {
        match self.first.entry(name) {
            std::collections::hash_map::Entry::Occupied(_) => self.repeated = true,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(at);
            }
        }
    }
}

impl Named {
    /// Methods declared on the type, in declaration order.
    pub fn methods(&self) -> Vec<Obj> {
        self.methods
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .list
            .clone()
    }
    /// The first method (and its position) named `name` as seen from
    /// package `pkg` (an unexported name matches only in its own package).
    pub fn method_by_id(
        &self,
        pkg: Option<&crate::objects::PackageId>,
        name: gox_syntax::Symbol,
    ) -> Option<(usize, Obj)> {
        let ms = self.methods.read().unwrap_or_else(|e| e.into_inner());
        ms.by_id(pkg, name).map(|(i, m)| (i, m.clone()))
    }
    /// The first method named `name`, from any package.
    pub fn method_named(&self, name: gox_syntax::Symbol) -> Option<Obj> {
        let ms = self.methods.read().unwrap_or_else(|e| e.into_inner());
        ms.named(name).cloned()
    }
    /// Drops the method list: only when the declaring package is dropped
    /// (see `Drop for Package`), when nothing can look a method up any more.
    pub(crate) fn forget_methods(&self) {
        *self.methods.write().unwrap_or_else(|e| e.into_inner()) = MethodList::default();
    }

    pub(crate) fn add_method(&self, m: Obj) {
        self.methods.write().unwrap_or_else(|e| e.into_inner()).push(m);
    }
    pub fn underlying_is_set(&self) -> bool {
        self.underlying.is_set()
    }
    /// Sets the underlying type. Setting the same type again changes
    /// nothing: a type keeps being read without a lock or a clone (see
    /// [`Type::under`]) as long as it was set only once.
    pub(crate) fn set_underlying(&self, t: Type) {
        if self.underlying.first_only().is_some_and(|cur| cur.ptr_eq(&t)) {
            return;
        }
        self.underlying.set(t);
    }
    /// [`Named::resolved_underlying`] without a clone, when every type
    /// along the chain was set once (else `None`: take the clone).
    fn resolved_underlying_ref(&self) -> Option<&Type> {
        let mut t = self.underlying.first_only()?;
        for _ in 0..100 {
            match t.as_named() {
                Some(n) => t = n.underlying.first_only()?,
                None => return Some(t),
            }
        }
        None
    }

    /// The type the name was declared with, following declared-type chains
    /// (`type A B`): never a named type; invalid while unresolved or cyclic.
    pub fn resolved_underlying(&self) -> Type {
        let mut t = match self.underlying.get() {
            Some(t) => t,
            None => return Type::invalid(),
        };
        for _ in 0..100 {
            let next = match t.as_named() {
                Some(n) => n.underlying.get(),
                None => return t,
            };
            match next {
                Some(n) => t = n,
                None => return Type::invalid(),
            }
        }
        Type::invalid()
    }
}

/// The basic types, indexed by [`BasicKind`], and `byte` and `rune`.
static BASICS: [TypeKind; 21] = {
    use BasicKind::*;
    const fn b(kind: BasicKind, name: &'static str) -> TypeKind {
        TypeKind::Basic(Basic { kind, name })
    }
    [
        b(Invalid, "invalid type"),
        b(Bool, "bool"),
        b(Int, "int"),
        b(Int8, "int8"),
        b(Int16, "int16"),
        b(Int32, "int32"),
        b(Int64, "int64"),
        b(Uint, "uint"),
        b(Uint8, "uint8"),
        b(Uint16, "uint16"),
        b(Uint32, "uint32"),
        b(Uint64, "uint64"),
        b(Float32, "float32"),
        b(Float64, "float64"),
        b(String, "string"),
        b(UntypedBool, "untyped bool"),
        b(UntypedInt, "untyped int"),
        b(UntypedRune, "untyped rune"),
        b(UntypedFloat, "untyped float"),
        b(UntypedString, "untyped string"),
        b(UntypedNil, "untyped nil"),
    ]
};
static BYTE: TypeKind = TypeKind::Basic(Basic { kind: BasicKind::Uint8, name: "byte" });
static RUNE: TypeKind = TypeKind::Basic(Basic { kind: BasicKind::Int32, name: "rune" });

impl Type {
    pub fn new(kind: TypeKind) -> Type {
        Type(Repr::Counted(Arc::new(kind)))
    }

    /// The unique basic type of `kind`.
    pub fn basic(kind: BasicKind) -> Type {
        Type(Repr::Static(&BASICS[kind as usize]))
    }
    pub fn invalid() -> Type {
        Type::basic(BasicKind::Invalid)
    }
    /// `byte`, an alias of `uint8` that prints as `byte`.
    pub fn byte() -> Type {
        Type(Repr::Static(&BYTE))
    }
    /// `rune`, an alias of `int32` that prints as `rune`.
    pub fn rune() -> Type {
        Type(Repr::Static(&RUNE))
    }

    pub fn kind(&self) -> &TypeKind {
        match &self.0 {
            Repr::Static(kind) => kind,
            Repr::Counted(kind) => kind,
        }
    }

    /// The address of the type node: its identity.
    pub(crate) fn addr(&self) -> usize {
        self.kind() as *const TypeKind as usize
    }

    /// Pointer identity (the same type node).
    pub fn ptr_eq(&self, other: &Type) -> bool {
        self.addr() == other.addr()
    }

    /// The underlying type: for a named type the type it was declared with
    /// (invalid while still unresolved), otherwise the type itself.
    pub fn underlying(&self) -> Type {
        self.under().into_owned()
    }

    /// [`Type::underlying`], borrowed where it can be: for reading it,
    /// without the atomic increment and decrement of a clone.
    pub fn under(&self) -> Cow<'_, Type> {
        match self.kind() {
            TypeKind::Named(n) => match n.resolved_underlying_ref() {
                Some(t) => Cow::Borrowed(t),
                None => Cow::Owned(n.resolved_underlying()),
            },
            _ => Cow::Borrowed(self),
        }
    }

    pub fn as_named(&self) -> Option<&Named> {
        match self.kind() {
            TypeKind::Named(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_named(&self) -> bool {
        matches!(self.kind(), TypeKind::Named(_))
    }

    /// The basic kind of the underlying type, if it is basic.
    pub fn basic_kind(&self) -> Option<BasicKind> {
        match self.under().kind() {
            TypeKind::Basic(b) => Some(b.kind),
            _ => None,
        }
    }

    fn basic_is(&self, f: impl Fn(BasicKind) -> bool) -> bool {
        self.basic_kind().is_some_and(f)
    }

    pub fn is_invalid(&self) -> bool {
        self.basic_kind() == Some(BasicKind::Invalid)
    }
    pub fn is_boolean(&self) -> bool {
        self.basic_is(BasicKind::is_boolean)
    }
    pub fn is_integer(&self) -> bool {
        self.basic_is(BasicKind::is_integer)
    }
    pub fn is_unsigned(&self) -> bool {
        self.basic_is(BasicKind::is_unsigned)
    }
    pub fn is_float(&self) -> bool {
        self.basic_is(BasicKind::is_float)
    }
    pub fn is_numeric(&self) -> bool {
        self.basic_is(BasicKind::is_numeric)
    }
    pub fn is_string(&self) -> bool {
        self.basic_is(BasicKind::is_string)
    }
    pub fn is_ordered(&self) -> bool {
        self.basic_is(BasicKind::is_ordered)
    }
    pub fn is_const_type(&self) -> bool {
        self.basic_is(BasicKind::is_const_type)
    }
    /// An untyped basic type (untyped nil included). Only basic types can be
    /// untyped; a named type never is.
    pub fn is_untyped(&self) -> bool {
        match self.kind() {
            TypeKind::Basic(b) => b.kind.is_untyped(),
            _ => false,
        }
    }
    pub fn is_untyped_nil(&self) -> bool {
        matches!(self.kind(), TypeKind::Basic(b) if b.kind == BasicKind::UntypedNil)
    }
    pub fn is_interface(&self) -> bool {
        matches!(self.under().kind(), TypeKind::Interface(_))
    }
    pub fn is_tuple(&self) -> bool {
        matches!(self.kind(), TypeKind::Tuple(_))
    }

    /// The struct of `self` or of the struct `self` points to.
    pub fn struct_fields(&self) -> Option<Vec<Obj>> {
        match self.under().kind() {
            TypeKind::Struct(s) => Some(s.fields.clone()),
            _ => None,
        }
    }

    /// The pointer's base type, for a (possibly named) pointer type.
    pub fn pointer_elem(&self) -> Option<Type> {
        match self.under().kind() {
            TypeKind::Pointer(b) => Some(b.clone()),
            _ => None,
        }
    }

    pub fn new_pointer(base: Type) -> Type {
        Type::new(TypeKind::Pointer(base))
    }
    pub fn new_slice(elem: Type) -> Type {
        Type::new(TypeKind::Slice(elem))
    }
}

impl std::fmt::Debug for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self)
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::typestring::type_string(self, None))
    }
}

#[cfg(test)]
mod tests {
    use super::{Named, RwLock};
    use crate::objects::{Object, ObjectKind};
    use gox_common::Span;
    use gox_syntax::Symbol;

    fn object(name: &str, kind: ObjectKind) -> crate::objects::Obj {
        Object::new(Symbol::intern(name), Span::default(), None, kind, None)
    }

    #[test]
    fn methods_are_found_by_name_with_and_without_the_index() {
        for n in [1usize, 8, 9, 40] {
            let named = Named {
                obj: object("T", ObjectKind::TypeName),
                underlying: Default::default(),
                methods: RwLock::default(),
            };
            for i in 0..n {
                named.add_method(object(&format!("M{i}"), ObjectKind::Func));
            }
            for i in 0..n {
                let (at, m) = named.method_by_id(None, Symbol::intern(&format!("M{i}"))).expect("declared");
                assert_eq!((at, m.name), (i, Symbol::intern(&format!("M{i}"))), "{n} methods");
            }
            assert!(named.method_by_id(None, Symbol::intern("Missing")).is_none());
            // A second M0 (reported elsewhere) leaves the first one found.
            named.add_method(object("M0", ObjectKind::Func));
            assert_eq!(named.method_by_id(None, Symbol::intern("M0")).map(|(at, _)| at), Some(0), "{n} methods");
            assert_eq!(named.methods().len(), n + 1);
        }
    }
}
