//! Export data: what importers of a checked package need (go/types'
//! `gcexportdata`), as a compact binary, so that a build cache can keep a
//! package's API and rebuild an equivalent [`Package`] without its sources.
//!
//! [`export_package`] writes every package-level object (exported or not)
//! with its type in full: named types with their underlying type and
//! methods, struct fields with names, embedding and tags, interfaces with
//! methods and embeddeds, signatures with parameter names and `...`,
//! constants with their exact values. Types of other packages are written
//! as (package path, type name) and found again through the caller's
//! `lookup` by [`import_package`], so that a named type reached through two
//! packages stays one type. There are no function bodies.
//!
//! # Format (version 2)
//!
//! ```text
//! "GOXE" version:uvarint api_len:uvarint api[api_len] positions checksum:8 bytes LE
//! ```
//!
//! Integers are LEB128 varints (signed ones zigzag-encoded), strings and
//! byte strings are length-prefixed. The trailing [`checksum`] covers
//! everything before it. `api` holds, in order: the string table, the
//! package table (entry 0 is the exported package), imports, references to
//! other packages' named types, the headers of this package's named types,
//! the table of structural types, the named types' bodies (underlying type
//! and methods) and the package-level objects. A type reference is
//! `index << 2 | class` with class 0 predeclared, 1 another package's named
//! type, 2 a named type of this data, 3 a structural type (which may only
//! refer to earlier structural types): decoding needs no recursion, and
//! recursive types go through named types, which are all created before
//! anything refers to them and filled in afterwards.
//!
//! # Positions
//!
//! Every object's [`Span`] is kept verbatim (file id, offsets) in the
//! `positions` section, outside `api`: its `FileId` is meaningful with the
//! exporting process' `SourceMap` only (the checker never prints an
//! imported object's position; it is there for tools' "declared at" notes).
//! Editing a function body shifts positions but leaves [`api_bytes`]
//! unchanged, which is what importers' cache keys should hash.
//!
//! # Object identity
//!
//! Within the imported package, objects and named types are shared exactly
//! as in the exported one. An interface's full method set is not written:
//! it is computed again from its methods and embedded interfaces.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use gox_common::{FileId, Span};
use gox_syntax::Symbol;
use num_bigint::{BigInt, Sign};
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use crate::constant::{ConstStr, Float, Value};
use crate::objects::{Obj, Object, ObjectKind, Package, PackageId};
use crate::scope::{Scope, ScopeKind};
use crate::types::{BasicKind, ChanDir, Interface, Named, Signature, Struct, Type, TypeKind};
use crate::universe::universe;

const MAGIC: &[u8; 4] = b"GOXE";
/// The format version written by [`export_package`].
pub const VERSION: u64 = 2;

/// Largest integer (magnitude) in a constant, in bytes: far above what a
/// constant can hold (literals are at most 10000 characters).
const MAX_BIG_BYTES: usize = 1 << 14;

/// Why export data was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("export data: not GoX export data")]
    BadMagic,
    #[error("export data: unsupported version {0} (want {VERSION})")]
    Version(u64),
    #[error("export data: truncated")]
    Truncated,
    #[error("export data: checksum mismatch")]
    Checksum,
    #[error("export data: corrupt ({0})")]
    Corrupt(&'static str),
    #[error("export data: could not import {0}")]
    MissingPackage(String),
    #[error("export data: {path}.{name} is not a named type")]
    MissingType { path: String, name: String },
}

type Result<T> = std::result::Result<T, ExportError>;

// Predeclared type references (class 0): basic kinds by `BasicKind as u64`,
// then these.
const BASIC_KINDS: [BasicKind; 21] = [
    BasicKind::Invalid,
    BasicKind::Bool,
    BasicKind::Int,
    BasicKind::Int8,
    BasicKind::Int16,
    BasicKind::Int32,
    BasicKind::Int64,
    BasicKind::Uint,
    BasicKind::Uint8,
    BasicKind::Uint16,
    BasicKind::Uint32,
    BasicKind::Uint64,
    BasicKind::Float32,
    BasicKind::Float64,
    BasicKind::String,
    BasicKind::UntypedBool,
    BasicKind::UntypedInt,
    BasicKind::UntypedRune,
    BasicKind::UntypedFloat,
    BasicKind::UntypedString,
    BasicKind::UntypedNil,
];
const PRE_BYTE: u64 = 21;
const PRE_RUNE: u64 = 22;
const PRE_ANY: u64 = 23;
const PRE_ERROR: u64 = 24;

const CLASS_PREDECLARED: u64 = 0;
const CLASS_FOREIGN: u64 = 1;
const CLASS_LOCAL: u64 = 2;
const CLASS_TABLE: u64 = 3;
/// The invalid type's reference (predeclared `BasicKind::Invalid`).
const INVALID_REF: u64 = 0;

// Structural type tags.
const T_ARRAY: u8 = 0;
const T_SLICE: u8 = 1;
const T_STRUCT: u8 = 2;
const T_POINTER: u8 = 3;
const T_TUPLE: u8 = 4;
const T_SIGNATURE: u8 = 5;
const T_INTERFACE: u8 = 6;
const T_MAP: u8 = 7;
const T_CHAN: u8 = 8;

// Object kinds; variables add the flags.
const K_CONST: u8 = 0;
const K_TYPE: u8 = 1;
const K_VAR: u8 = 2;
const K_FUNC: u8 = 3;
const K_FIELD_FLAG: u8 = 0x10;
const K_EMBEDDED_FLAG: u8 = 0x20;

// Constant values.
const V_UNKNOWN: u8 = 0;
const V_FALSE: u8 = 1;
const V_TRUE: u8 = 2;
const V_STRING: u8 = 3;
const V_SMALL_INT: u8 = 4;
const V_BIG_INT: u8 = 5;
const V_RAT: u8 = 6;
const V_BIN_FLOAT: u8 = 7;

// Package-level object entries.
const O_NAMED: u8 = 0;
const O_OBJECT: u8 = 1;

/// The trailing checksum of export data: it catches truncated and
/// corrupted data (cache entries carry a SHA-256 as well; this is no
/// cryptographic hash). Four lanes take eight bytes at a time each, with
/// multiplications by odd constants and rotations, which are invertible:
/// any one changed byte changes the sum. Version 1's FNV-1a, a byte at a
/// time, took about 1% of a cold check. The constants are xxHash's primes.
pub fn checksum(data: &[u8]) -> u64 {
    const P1: u64 = 0x9e37_79b1_85eb_ca87;
    const P2: u64 = 0xc2b2_ae3d_27d4_eb4f;
    let mut lanes = [P1, P2, P1 ^ P2, !P1];
    let mut blocks = data.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            *lane = (*lane ^ u64::from_le_bytes(w).wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1);
        }
    }
    let mut h = lanes.iter().fold(data.len() as u64, |h, &lane| (h ^ lane).rotate_left(27).wrapping_mul(P1));
    for &byte in blocks.remainder() {
        h = (h ^ byte as u64).wrapping_mul(P2).rotate_left(11);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^ (h >> 29)
}

/// The encoder's maps (pointer, symbol and string keys; the data is the
/// checker's own, so no flooding concern). rustc-hash's FxHasher finishes
/// with a rotation and hashes strings as a whole: a plain multiply-and-xor
/// leaves the low bits, which pick the bucket, nearly equal for names like
/// `c100000`, `c100001` (and zero for aligned pointers): with 400,000
/// constants, long probe sequences made export the largest cost of the check.
type FxMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

fn type_key(t: &Type) -> usize {
    t.addr()
}

// ---------------------------------------------------------------------------
// Writing

#[derive(Default)]
struct Buf(Vec<u8>);

impl Buf {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }
    fn uv(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn iv(&mut self, v: i64) {
        self.uv(((v << 1) ^ (v >> 63)) as u64);
    }
    fn len(&mut self, n: usize) {
        self.uv(n as u64);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    fn big(&mut self, i: &BigInt) {
        let (sign, mag) = i.to_bytes_le();
        self.u8(match sign {
            Sign::NoSign => 0,
            Sign::Plus => 1,
            Sign::Minus => 2,
        });
        if sign != Sign::NoSign {
            self.bytes(&mag);
        }
    }
}

/// A section of the data and the positions of the objects it creates.
#[derive(Default)]
struct Section {
    buf: Buf,
    count: usize,
    pos: Vec<Span>,
}

impl Section {
    fn append(&mut self, other: Section) {
        self.buf.0.extend_from_slice(&other.buf.0);
        self.count += other.count;
        self.pos.extend(other.pos);
    }
}

struct Encoder {
    own: Arc<PackageId>,
    /// Packages reachable through imports, by path: where other packages'
    /// named types are checked to be found again by name. Filled on demand
    /// (see `known_package`): a package deep in an import chain of 20,000
    /// does not walk all its transitive imports to export an API that names
    /// no other package's type.
    known: FxMap<String, Arc<Package>>,
    /// The rest of the breadth-first walk over imports that fills `known`:
    /// the package of a type from a direct import is found after at most
    /// the direct imports (depth first, the walk could first go through the
    /// whole graph below another import: 2.6% of a cold check at 3,001
    /// packages).
    unwalked: std::collections::VecDeque<Arc<Package>>,
    strings: Buf,
    string_count: usize,
    /// Strings other than names (package paths, struct tags).
    string_index: FxMap<String, u64>,
    symbol_index: FxMap<Symbol, u64>,
    pkgs: Buf,
    pkg_index: FxMap<String, u64>,
    /// `pkg_index` by the address of a `PackageId` (each object holds one;
    /// the encoder's package keeps them all alive).
    pkg_by_addr: FxMap<usize, u64>,
    foreign: Section,
    local: Vec<Type>,
    headers: Section,
    table: Section,
    /// The reference (index and class) of every named type seen and of
    /// every table entry, by type address: one lookup per reference.
    refs: FxMap<usize, u64>,
    /// Types given a table index, kept alive so that their addresses stay unique.
    keep: Vec<Type>,
    bodies: Section,
    objects: Section,
    /// Scratch vectors of `type_ref`'s walk.
    walk_stack: Vec<(Type, bool)>,
    walk_in_progress: Vec<usize>,
    walk_parts: Vec<Type>,
}

impl Encoder {
    fn new(pkg: &Package) -> Encoder {
        // Sized for the package up front: growing the maps one doubling at
        // a time was most of their cost. Each package-level object brings
        // a few names (fields, methods, parameters) and types.
        let objects = pkg.scope.len();
        let names = 4 * objects + 16;
        let mut e = Encoder {
            own: pkg.id.clone(),
            known: FxMap::default(),
            unwalked: pkg.imports.iter().cloned().collect(),
            strings: Buf::default(),
            string_count: 0,
            string_index: FxMap::with_capacity_and_hasher(names, Default::default()),
            symbol_index: FxMap::with_capacity_and_hasher(names, Default::default()),
            pkgs: Buf::default(),
            pkg_index: FxMap::default(),
            pkg_by_addr: FxMap::default(),
            foreign: Section::default(),
            local: Vec::new(),
            headers: Section::default(),
            table: Section::default(),
            refs: FxMap::with_capacity_and_hasher(2 * objects + 16, Default::default()),
            keep: Vec::new(),
            bodies: Section::default(),
            objects: Section::default(),
            walk_stack: Vec::new(),
            walk_in_progress: Vec::new(),
            walk_parts: Vec::new(),
        };
        e.pkg_ref(&pkg.id.clone());
        e
    }

    fn string(&mut self, s: &str) -> u64 {
        match self.string_index.get(s) {
            Some(&i) => i,
            None => self.add_string(s.to_string()),
        }
    }

    fn add_string(&mut self, s: String) -> u64 {
        let i = self.push_string(&s);
        self.string_index.insert(s, i);
        i
    }

    /// Appends `s` to the string table; its index.
    fn push_string(&mut self, s: &str) -> u64 {
        let i = self.string_count as u64;
        self.string_count += 1;
        self.strings.bytes(s.as_bytes());
        i
    }

    /// A name's index in the string table. Names are indexed by symbol
    /// only: one integer hashed, not the name's text (a name equal to a
    /// path or tag string may take a second entry).
    fn symbol(&mut self, s: Symbol) -> u64 {
        if let Some(&i) = self.symbol_index.get(&s) {
            return i;
        }
        let i = self.push_string(s.as_str());
        self.symbol_index.insert(s, i);
        i
    }

    /// The index of `id` in the package table.
    fn pkg_ref(&mut self, id: &PackageId) -> u64 {
        if let Some(&i) = self.pkg_index.get(&id.path) {
            return i;
        }
        let i = self.pkg_index.len() as u64;
        let (path, name) = (self.string(&id.path), self.symbol(id.name));
        self.pkgs.uv(path);
        self.pkgs.uv(name);
        self.pkg_index.insert(id.path.clone(), i);
        i
    }

    /// An object's package: 0 for none (the universe), else table index + 1.
    fn obj_pkg(&mut self, o: &Object) -> u64 {
        match &o.pkg {
            None => 0,
            Some(id) => self.pkg_ref_shared(id) + 1,
        }
    }

    /// [`Encoder::pkg_ref`] of a package's shared id: a package's objects
    /// (and its importers' lists) share one `PackageId`, looked up by its
    /// address, so the path is hashed once per package, not per use.
    fn pkg_ref_shared(&mut self, id: &Arc<PackageId>) -> u64 {
        let key = Arc::as_ptr(id) as usize;
        if let Some(&i) = self.pkg_by_addr.get(&key) {
            return i;
        }
        let i = self.pkg_ref(id);
        self.pkg_by_addr.insert(key, i);
        i
    }

    /// The reference of `t` if it needs no table entry (basic, predeclared,
    /// named: a named type gets its index here) or already has one.
    fn known_ref(&mut self, t: &Type) -> Option<u64> {
        let u = universe();
        match t.kind() {
            TypeKind::Basic(b) => Some(
                (match (b.kind, b.name) {
                    (BasicKind::Uint8, "byte") => PRE_BYTE,
                    (BasicKind::Int32, "rune") => PRE_RUNE,
                    (k, _) => k as u64,
                }) << 2
                    | CLASS_PREDECLARED,
            ),
            TypeKind::Named(n) => {
                if t.ptr_eq(&u.error_type) {
                    return Some(PRE_ERROR << 2 | CLASS_PREDECLARED);
                }
                let key = type_key(t);
                if let Some(&r) = self.refs.get(&key) {
                    return Some(r);
                }
                Some(self.add_named(t, n))
            }
            TypeKind::Interface(_) if t.ptr_eq(&u.any_type) => Some(PRE_ANY << 2 | CLASS_PREDECLARED),
            _ => self.refs.get(&type_key(t)).copied(),
        }
    }

    /// The package reachable through imports whose path is `path` (one
    /// package per path in a build): the walk goes on only until it is
    /// found.
    fn known_package(&mut self, path: &str) -> Option<&Arc<Package>> {
        while !self.known.contains_key(path) {
            let p = self.unwalked.pop_front()?;
            if p.path() == self.own.path || self.known.contains_key(p.path()) {
                continue;
            }
            self.unwalked.extend(p.imports.iter().cloned());
            self.known.insert(p.path().to_string(), p);
        }
        self.known.get(path)
    }

    /// Gives a first-seen named type its reference: another package's type
    /// that importers can find by name, or one written in full here.
    fn add_named(&mut self, t: &Type, n: &Named) -> u64 {
        let key = type_key(t);
        let obj = &n.obj;
        if let Some(id) = &obj.pkg {
            let found = id.path != self.own.path
                && self
                    .known_package(&id.path)
                    .and_then(|p| p.scope.lookup(obj.name))
                    .is_some_and(|o| Arc::ptr_eq(&o, obj));
            if found {
                let i = self.foreign.count as u64;
                let (p, name) = (self.pkg_ref(id), self.symbol(obj.name));
                self.foreign.buf.uv(p);
                self.foreign.buf.uv(name);
                self.foreign.count += 1;
                self.refs.insert(key, i << 2 | CLASS_FOREIGN);
                return i << 2 | CLASS_FOREIGN;
            }
        }
        let i = self.local.len() as u64;
        self.local.push(t.clone());
        self.refs.insert(key, i << 2 | CLASS_LOCAL);
        let (name, pkg) = (self.symbol(obj.name), self.obj_pkg(obj));
        self.headers.buf.uv(name);
        self.headers.buf.uv(pkg);
        self.headers.pos.push(obj.span);
        self.headers.count += 1;
        i << 2 | CLASS_LOCAL
    }

    /// The reference of `t`, writing table entries for it and the
    /// structural types it contains (children first, without recursion).
    fn type_ref(&mut self, t: &Type) -> u64 {
        if let Some(r) = self.known_ref(t) {
            return r;
        }
        // The walk's vectors are kept between calls: most walks are short.
        let mut in_progress = std::mem::take(&mut self.walk_in_progress);
        let mut stack = std::mem::take(&mut self.walk_stack);
        let mut parts = std::mem::take(&mut self.walk_parts);
        in_progress.clear();
        stack.push((t.clone(), false));
        while let Some((cur, expanded)) = stack.pop() {
            if self.known_ref(&cur).is_some() {
                continue;
            }
            if expanded {
                in_progress.retain(|&k| k != type_key(&cur));
                self.write_entry(&cur);
                continue;
            }
            in_progress.push(type_key(&cur));
            stack.push((cur.clone(), true));
            children(&cur, &mut parts);
            for c in parts.drain(..) {
                if !in_progress.contains(&type_key(&c)) && self.known_ref(&c).is_none() {
                    stack.push((c, false));
                }
            }
        }
        self.walk_in_progress = in_progress;
        self.walk_stack = stack;
        self.walk_parts = parts;
        self.known_ref(t).unwrap_or(INVALID_REF)
    }

    fn opt_type_ref(&mut self, t: Option<Type>) -> u64 {
        match t {
            None => 0,
            Some(t) => self.type_ref(&t) + 1,
        }
    }

    /// The reference of a type whose entry exists (a structural cycle,
    /// which the checker never builds, degrades to the invalid type).
    fn child_ref(&mut self, t: &Type) -> u64 {
        self.known_ref(t).unwrap_or(INVALID_REF)
    }

    /// The object's type, borrowed where it can be (see [`Object::ty_ref`]).
    fn obj_type(o: &Object) -> Option<std::borrow::Cow<'_, Type>> {
        if o.has_type() {
            Some(o.ty_ref())
        } else {
            None
        }
    }

    /// Writes an object whose type already has a reference.
    fn write_obj(&mut self, s: &mut Section, o: &Obj) {
        let kind = match &o.kind {
            ObjectKind::Const { .. } => K_CONST,
            ObjectKind::TypeName => K_TYPE,
            ObjectKind::Func => K_FUNC,
            ObjectKind::Var { field, embedded } => {
                K_VAR | if *field { K_FIELD_FLAG } else { 0 } | if *embedded { K_EMBEDDED_FLAG } else { 0 }
            }
            // Not found in types or at package level; kept as a variable.
            ObjectKind::PkgName { .. } | ObjectKind::Label | ObjectKind::Builtin(_) | ObjectKind::Nil => K_VAR,
        };
        let name = self.symbol(o.name);
        let pkg = self.obj_pkg(o);
        let ty = match Self::obj_type(o) {
            None => 0,
            Some(t) => self.child_ref(&t) + 1,
        };
        s.buf.u8(kind);
        s.buf.uv(name);
        s.buf.uv(pkg);
        s.buf.uv(ty);
        if kind == K_CONST {
            write_value(&mut s.buf, &o.const_value());
        }
        s.pos.push(o.span);
    }

    fn write_objs(&mut self, s: &mut Section, objs: &[Obj]) {
        s.buf.len(objs.len());
        for o in objs {
            self.write_obj(s, o);
        }
    }

    /// Writes the table entry of a structural type whose children have
    /// references.
    fn write_entry(&mut self, t: &Type) {
        if matches!(t.kind(), TypeKind::Basic(_) | TypeKind::Named(_)) {
            return;
        }
        // Written in place at the end of the table (nothing below adds
        // table entries): a section per entry, appended, was a tenth of
        // the export's instructions.
        let mut s = std::mem::take(&mut self.table);
        match t.kind() {
            TypeKind::Basic(_) | TypeKind::Named(_) => {}
            TypeKind::Array { len, elem } => {
                let e = self.child_ref(elem);
                s.buf.u8(T_ARRAY);
                s.buf.iv(*len);
                s.buf.uv(e);
            }
            TypeKind::Slice(elem) => {
                let e = self.child_ref(elem);
                s.buf.u8(T_SLICE);
                s.buf.uv(e);
            }
            TypeKind::Pointer(base) => {
                let e = self.child_ref(base);
                s.buf.u8(T_POINTER);
                s.buf.uv(e);
            }
            TypeKind::Map { key, elem } => {
                let (k, e) = (self.child_ref(key), self.child_ref(elem));
                s.buf.u8(T_MAP);
                s.buf.uv(k);
                s.buf.uv(e);
            }
            TypeKind::Chan { dir, elem } => {
                let e = self.child_ref(elem);
                s.buf.u8(T_CHAN);
                s.buf.u8(match dir {
                    ChanDir::Both => 0,
                    ChanDir::Send => 1,
                    ChanDir::Recv => 2,
                });
                s.buf.uv(e);
            }
            TypeKind::Tuple(ts) => {
                s.buf.u8(T_TUPLE);
                s.buf.len(ts.len());
                for t in ts {
                    let r = self.child_ref(t);
                    s.buf.uv(r);
                }
            }
            TypeKind::Struct(st) => {
                s.buf.u8(T_STRUCT);
                s.buf.len(st.fields.len());
                for (i, f) in st.fields.iter().enumerate() {
                    self.write_obj(&mut s, f);
                    let tag = match st.tags.get(i) {
                        Some(Some(tag)) => self.string(tag) + 1,
                        _ => 0,
                    };
                    s.buf.uv(tag);
                }
            }
            TypeKind::Signature(sig) => {
                s.buf.u8(T_SIGNATURE);
                s.buf.u8(sig.recv.is_some() as u8 | (sig.variadic as u8) << 1);
                if let Some(r) = &sig.recv {
                    self.write_obj(&mut s, r);
                }
                self.write_objs(&mut s, &sig.params);
                self.write_objs(&mut s, &sig.results);
            }
            TypeKind::Interface(it) => {
                s.buf.u8(T_INTERFACE);
                self.write_objs(&mut s, &it.methods);
                s.buf.len(it.embeddeds.len());
                for e in &it.embeddeds {
                    let r = self.child_ref(e);
                    s.buf.uv(r);
                }
            }
        }
        let i = s.count as u64;
        s.count += 1;
        self.table = s;
        self.refs.insert(type_key(t), i << 2 | CLASS_TABLE);
        self.keep.push(t.clone());
    }

    /// Writes the bodies of named types given an index so far (which may
    /// give more types one).
    fn write_bodies(&mut self) {
        let mut next = self.bodies.count;
        while next < self.local.len() {
            let t = self.local[next].clone();
            next += 1;
            let mut s = Section { count: 1, ..Section::default() };
            let Some(n) = t.as_named() else {
                s.buf.uv(0);
                s.buf.len(0);
                self.bodies.append(s);
                continue;
            };
            let under = n.underlying.get();
            let u = self.opt_type_ref(under);
            let methods = n.methods();
            for m in &methods {
                self.type_ref(&m.ty_ref());
            }
            s.buf.uv(u);
            self.write_objs(&mut s, &methods);
            self.bodies.append(s);
        }
    }

    fn finish(mut self, pkg: &Package) -> Exported {
        // Package-level objects, sorted by name.
        let objs = pkg.scope.objects();
        let mut entries = Section::default();
        for o in &objs {
            match o.kind {
                ObjectKind::Const { .. } | ObjectKind::TypeName | ObjectKind::Var { .. } | ObjectKind::Func => {}
                _ => continue,
            }
            let t = Self::obj_type(o);
            if let Some(t) = &t {
                let r = self.type_ref(t);
                let owns = o.is_type_name() && t.as_named().is_some_and(|n| Arc::ptr_eq(&n.obj, o));
                if owns && r & 3 == CLASS_LOCAL {
                    entries.buf.u8(O_NAMED);
                    entries.buf.uv(r >> 2);
                    entries.count += 1;
                    continue;
                }
            }
            entries.buf.u8(O_OBJECT);
            self.write_obj(&mut entries, o);
            entries.count += 1;
        }
        self.write_bodies();
        self.objects = entries;

        let imports: Vec<u64> = pkg.imports.iter().map(|p| self.pkg_ref_shared(&p.id)).collect();

        let mut api = Buf::default();
        api.len(self.string_count);
        api.0.extend_from_slice(&self.strings.0);
        api.len(self.pkg_index.len());
        api.0.extend_from_slice(&self.pkgs.0);
        api.len(imports.len());
        for i in imports {
            api.uv(i);
        }
        let mut positions: Vec<Span> = Vec::new();
        for s in [&self.foreign, &self.headers, &self.table, &self.bodies, &self.objects] {
            api.len(s.count);
            api.0.extend_from_slice(&s.buf.0);
        }
        for s in [self.headers, self.table, self.bodies, self.objects] {
            positions.extend(s.pos);
        }

        let mut out = Buf::default();
        out.0.extend_from_slice(MAGIC);
        out.uv(VERSION);
        out.len(api.0.len());
        let api_at = out.0.len();
        out.0.extend_from_slice(&api.0);
        let api_range = api_at..out.0.len();
        out.len(positions.len());
        for sp in &positions {
            out.uv(sp.file.0 as u64);
            out.uv(sp.lo as u64);
            out.uv(sp.hi.saturating_sub(sp.lo) as u64);
        }
        let sum = checksum(&out.0);
        out.0.extend_from_slice(&sum.to_le_bytes());
        Exported { data: out.0, api: api_range }
    }
}

/// The types `t` is made of, appended to `out`.
fn children(t: &Type, out: &mut Vec<Type>) {
    fn obj_types(out: &mut Vec<Type>, objs: &[Obj]) {
        out.extend(objs.iter().filter(|o| o.has_type()).map(|o| o.ty()));
    }
    match t.kind() {
        TypeKind::Basic(_) | TypeKind::Named(_) => {}
        TypeKind::Array { elem, .. } | TypeKind::Slice(elem) | TypeKind::Pointer(elem) | TypeKind::Chan { elem, .. } => {
            out.push(elem.clone())
        }
        TypeKind::Map { key, elem } => {
            out.push(key.clone());
            out.push(elem.clone());
        }
        TypeKind::Tuple(ts) => out.extend(ts.iter().cloned()),
        TypeKind::Struct(s) => obj_types(out, &s.fields),
        TypeKind::Signature(s) => {
            obj_types(out, s.recv.as_slice());
            obj_types(out, &s.params);
            obj_types(out, &s.results);
        }
        TypeKind::Interface(i) => {
            obj_types(out, &i.methods);
            out.extend(i.embeddeds.iter().cloned());
        }
    }
}

fn write_value(b: &mut Buf, v: &Value) {
    match v {
        Value::Unknown => b.u8(V_UNKNOWN),
        Value::Bool(false) => b.u8(V_FALSE),
        Value::Bool(true) => b.u8(V_TRUE),
        Value::String(s) => {
            b.u8(V_STRING);
            b.bytes(s.as_bytes());
        }
        Value::Int(i) => match i.to_i64() {
            Some(small) => {
                b.u8(V_SMALL_INT);
                b.iv(small);
            }
            None => {
                b.u8(V_BIG_INT);
                b.big(i);
            }
        },
        Value::Float(f) => {
            if let Some(r) = f.exact_rat() {
                b.u8(V_RAT);
                b.big(r.numer());
                b.big(r.denom());
            } else if let Some((mant, exp)) = f.bin_parts() {
                b.u8(V_BIN_FLOAT);
                b.big(mant);
                b.iv(exp);
            } else {
                b.u8(V_UNKNOWN);
            }
        }
    }
}

/// Serializes every package-level object of `pkg` (see the module
/// documentation). The result is deterministic: the same package gives the
/// same bytes.
pub fn export_package(pkg: &Package) -> Vec<u8> {
    export_package_and_api(pkg).data
}

/// Export data just written, with where its API part ([`api_bytes`]) lies:
/// the writer knows it without reading the data back and checking its
/// checksum.
pub struct Exported {
    pub data: Vec<u8>,
    api: std::ops::Range<usize>,
}

impl Exported {
    /// What [`api_bytes`] of [`Exported::data`] gives.
    pub fn api(&self) -> &[u8] {
        &self.data[self.api.clone()]
    }
}

/// [`export_package`], with where the API part lies.
pub fn export_package_and_api(pkg: &Package) -> Exported {
    Encoder::new(pkg).finish(pkg)
}

// ---------------------------------------------------------------------------
// Reading

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    fn u8(&mut self) -> Result<u8> {
        let b = *self.data.get(self.pos).ok_or(ExportError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }
    fn uv(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            if shift == 63 && b > 1 {
                return Err(ExportError::Corrupt("varint overflows 64 bits"));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(ExportError::Corrupt("varint overflows 64 bits"))
    }
    fn iv(&mut self) -> Result<i64> {
        let u = self.uv()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }
    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.uv()?).map_err(|_| ExportError::Corrupt("offset out of range"))
    }
    /// A count of items that each take at least one byte.
    fn count(&mut self) -> Result<usize> {
        let n = self.uv()?;
        if n > self.remaining() as u64 {
            return Err(ExportError::Truncated);
        }
        Ok(n as usize)
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.uv()?;
        if n > self.remaining() as u64 {
            return Err(ExportError::Truncated);
        }
        let b = &self.data[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(b)
    }
    fn big(&mut self) -> Result<BigInt> {
        let sign = match self.u8()? {
            0 => return Ok(BigInt::zero()),
            1 => Sign::Plus,
            2 => Sign::Minus,
            _ => return Err(ExportError::Corrupt("bad integer sign")),
        };
        let mag = self.bytes()?;
        if mag.len() > MAX_BIG_BYTES {
            return Err(ExportError::Corrupt("integer too large"));
        }
        let i = BigInt::from_bytes_le(sign, mag);
        if i.is_zero() {
            return Err(ExportError::Corrupt("signed zero"));
        }
        Ok(i)
    }
}

/// The header, checked: `(reader at the API section, version)`.
fn open(data: &[u8]) -> Result<Reader<'_>> {
    if data.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(data) { ExportError::Truncated } else { ExportError::BadMagic });
    }
    if &data[..4] != MAGIC {
        return Err(ExportError::BadMagic);
    }
    let mut r = Reader { data, pos: 4 };
    let version = r.uv()?;
    if version != VERSION {
        return Err(ExportError::Version(version));
    }
    if data.len() < r.pos + 8 {
        return Err(ExportError::Truncated);
    }
    let (body, sum) = data.split_at(data.len() - 8);
    let mut want = [0u8; 8];
    want.copy_from_slice(sum);
    if checksum(body) != u64::from_le_bytes(want) {
        return Err(ExportError::Checksum);
    }
    Ok(Reader { data: body, pos: r.pos })
}

/// The part of export data that describes the package's API, without
/// positions: what an importer's cache key should hash (it does not change
/// when a function body is edited). Checks the header and checksum.
pub fn api_bytes(data: &[u8]) -> std::result::Result<&[u8], ExportError> {
    let mut r = open(data)?;
    r.bytes()
}

struct Decoder<'a, 'l> {
    lookup: &'l mut dyn FnMut(&str) -> Option<Arc<Package>>,
    strings: Vec<&'a str>,
    symbols: Vec<Option<Symbol>>,
    /// Package table: (path, name), the package looked up (if tried), its id.
    pkgs: Vec<(&'a str, &'a str)>,
    looked_up: Vec<Option<Option<Arc<Package>>>>,
    ids: Vec<Option<Arc<PackageId>>>,
    foreign: Vec<Type>,
    local: Vec<Type>,
    table: Vec<Type>,
    spans: Vec<Span>,
    next_span: usize,
}

impl<'a> Decoder<'a, '_> {
    fn str(&self, i: u64) -> Result<&'a str> {
        self.strings.get(i as usize).copied().ok_or(ExportError::Corrupt("string index out of range"))
    }
    fn sym(&mut self, i: u64) -> Result<Symbol> {
        let slot = self.symbols.get_mut(i as usize).ok_or(ExportError::Corrupt("string index out of range"))?;
        if let Some(s) = slot {
            return Ok(*s);
        }
        let s = Symbol::intern(self.strings[i as usize]);
        self.symbols[i as usize] = Some(s);
        Ok(s)
    }

    /// The package at table index `i`, asking `lookup` once.
    fn package(&mut self, i: usize) -> Result<Option<Arc<Package>>> {
        if i == 0 {
            return Err(ExportError::Corrupt("package refers to itself"));
        }
        let slot = self.looked_up.get(i).ok_or(ExportError::Corrupt("package index out of range"))?;
        if let Some(p) = slot {
            return Ok(p.clone());
        }
        let p = (self.lookup)(self.pkgs[i].0);
        self.looked_up[i] = Some(p.clone());
        Ok(p)
    }

    /// The id of package table entry `i`: the looked-up package's if any.
    fn pkg_id(&mut self, i: usize) -> Result<Arc<PackageId>> {
        let slot = self.ids.get(i).ok_or(ExportError::Corrupt("package index out of range"))?;
        if let Some(id) = slot {
            return Ok(id.clone());
        }
        let id = match self.looked_up.get(i).cloned().flatten().flatten() {
            Some(p) => p.id.clone(),
            None => {
                let (path, name) = self.pkgs[i];
                Arc::new(PackageId { path: path.to_string(), name: Symbol::intern(name) })
            }
        };
        self.ids[i] = Some(id.clone());
        Ok(id)
    }

    fn obj_pkg(&mut self, v: u64) -> Result<Option<Arc<PackageId>>> {
        match v {
            0 => Ok(None),
            v => self.pkg_id((v - 1) as usize).map(Some),
        }
    }

    fn span(&mut self) -> Result<Span> {
        let s = *self.spans.get(self.next_span).ok_or(ExportError::Corrupt("missing position"))?;
        self.next_span += 1;
        Ok(s)
    }

    fn type_ref(&self, r: u64) -> Result<Type> {
        let i = (r >> 2) as usize;
        let t = match r & 3 {
            CLASS_PREDECLARED => match r >> 2 {
                PRE_BYTE => Some(Type::byte()),
                PRE_RUNE => Some(Type::rune()),
                PRE_ANY => Some(universe().any_type.clone()),
                PRE_ERROR => Some(universe().error_type.clone()),
                _ => BASIC_KINDS.get(i).map(|&k| Type::basic(k)),
            },
            CLASS_FOREIGN => self.foreign.get(i).cloned(),
            CLASS_LOCAL => self.local.get(i).cloned(),
            _ => self.table.get(i).cloned(),
        };
        t.ok_or(ExportError::Corrupt("type reference out of range"))
    }

    fn opt_type_ref(&self, r: u64) -> Result<Option<Type>> {
        match r {
            0 => Ok(None),
            r => self.type_ref(r - 1).map(Some),
        }
    }

    fn obj(&mut self, r: &mut Reader<'a>) -> Result<Obj> {
        let kind = r.u8()?;
        let name = r.uv()?;
        let name = self.sym(name)?;
        let pkg = r.uv()?;
        let pkg = self.obj_pkg(pkg)?;
        let ty = r.uv()?;
        let ty = self.opt_type_ref(ty)?;
        let kind = match kind {
            K_CONST => ObjectKind::Const { value: Box::new(RwLock::new(read_value(r)?)) },
            K_TYPE => ObjectKind::TypeName,
            K_FUNC => ObjectKind::Func,
            k if k & 0x0f == K_VAR && k & !(0x0f | K_FIELD_FLAG | K_EMBEDDED_FLAG) == 0 => {
                ObjectKind::Var { field: k & K_FIELD_FLAG != 0, embedded: k & K_EMBEDDED_FLAG != 0 }
            }
            _ => return Err(ExportError::Corrupt("bad object kind")),
        };
        let span = self.span()?;
        Ok(Object::new(name, span, pkg, kind, ty))
    }

    fn objs(&mut self, r: &mut Reader<'a>) -> Result<Vec<Obj>> {
        let n = r.count()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.obj(r)?);
        }
        Ok(v)
    }

    fn entry(&mut self, r: &mut Reader<'a>) -> Result<Type> {
        let kind = match r.u8()? {
            T_ARRAY => {
                let len = r.iv()?;
                TypeKind::Array { len, elem: self.type_ref(r.uv()?)? }
            }
            T_SLICE => TypeKind::Slice(self.type_ref(r.uv()?)?),
            T_POINTER => TypeKind::Pointer(self.type_ref(r.uv()?)?),
            T_MAP => {
                let key = self.type_ref(r.uv()?)?;
                TypeKind::Map { key, elem: self.type_ref(r.uv()?)? }
            }
            T_CHAN => {
                let dir = match r.u8()? {
                    0 => ChanDir::Both,
                    1 => ChanDir::Send,
                    2 => ChanDir::Recv,
                    _ => return Err(ExportError::Corrupt("bad channel direction")),
                };
                TypeKind::Chan { dir, elem: self.type_ref(r.uv()?)? }
            }
            T_TUPLE => {
                let n = r.count()?;
                let mut ts = Vec::with_capacity(n);
                for _ in 0..n {
                    ts.push(self.type_ref(r.uv()?)?);
                }
                TypeKind::Tuple(ts)
            }
            T_STRUCT => {
                let n = r.count()?;
                let (mut fields, mut tags) = (Vec::with_capacity(n), Vec::with_capacity(n));
                for _ in 0..n {
                    fields.push(self.obj(r)?);
                    tags.push(match r.uv()? {
                        0 => None,
                        i => Some(self.str(i - 1)?.to_string()),
                    });
                }
                TypeKind::Struct(Struct { fields, tags })
            }
            T_SIGNATURE => {
                let flags = r.u8()?;
                if flags > 3 {
                    return Err(ExportError::Corrupt("bad signature flags"));
                }
                let recv = if flags & 1 != 0 { Some(self.obj(r)?) } else { None };
                let params = self.objs(r)?;
                let results = self.objs(r)?;
                TypeKind::Signature(Signature { recv, params, results, variadic: flags & 2 != 0 })
            }
            T_INTERFACE => {
                let methods = self.objs(r)?;
                let n = r.count()?;
                let mut embeddeds = Vec::with_capacity(n);
                for _ in 0..n {
                    embeddeds.push(self.type_ref(r.uv()?)?);
                }
                // The full method set is computed when first needed, once
                // the embedded named interfaces are filled in.
                TypeKind::Interface(Interface::new(methods, embeddeds))
            }
            _ => return Err(ExportError::Corrupt("bad type tag")),
        };
        Ok(Type::new(kind))
    }
}

fn read_value(r: &mut Reader<'_>) -> Result<Value> {
    Ok(match r.u8()? {
        V_UNKNOWN => Value::Unknown,
        V_FALSE => Value::Bool(false),
        V_TRUE => Value::Bool(true),
        V_STRING => Value::String(ConstStr::new(r.bytes()?)),
        V_SMALL_INT => Value::Int(BigInt::from(r.iv()?)),
        V_BIG_INT => Value::Int(r.big()?),
        V_RAT => {
            let n = r.big()?;
            let d = r.big()?;
            if d.is_zero() {
                return Err(ExportError::Corrupt("zero denominator"));
            }
            Value::Float(Float::from_exact_rat(BigRational::new(n, d)))
        }
        V_BIN_FLOAT => {
            let mant = r.big()?;
            let exp = r.iv()?;
            Value::Float(Float::from_bin_parts(mant, exp).ok_or(ExportError::Corrupt("float out of range"))?)
        }
        _ => return Err(ExportError::Corrupt("bad constant kind")),
    })
}

/// Rebuilds an equivalent immutable [`Package`] from [`export_package`]'s
/// output. `lookup(path)` returns the other packages the data refers to
/// (already checked or imported, memoized by the caller so that a named
/// type reached two ways is the same type); it is asked once per package,
/// for the package's imports and the packages whose types appear in its API.
/// An import it cannot give is left out of [`Package::imports`]; a package
/// whose types are needed is an error. Corrupt or truncated data is an
/// error, never a panic.
pub fn import_package(
    data: &[u8],
    lookup: &mut dyn FnMut(&str) -> Option<Arc<Package>>,
) -> std::result::Result<Arc<Package>, ExportError> {
    import_package_remapped(data, lookup, &mut |id| id)
}

/// [`import_package`] in another process: `remap` turns each file id of
/// the exporting process into this process's id for the same file.
pub fn import_package_remapped(
    data: &[u8],
    lookup: &mut dyn FnMut(&str) -> Option<Arc<Package>>,
    remap: &mut dyn FnMut(FileId) -> FileId,
) -> std::result::Result<Arc<Package>, ExportError> {
    let mut outer = open(data)?;
    let api = outer.bytes()?;
    // Positions first: objects are created with theirs.
    let n = outer.count()?;
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        let file = outer.u32()?;
        let lo = outer.u32()?;
        let hi = lo.checked_add(outer.u32()?).ok_or(ExportError::Corrupt("offset out of range"))?;
        spans.push(Span::new(remap(FileId(file)), lo, hi));
    }
    if outer.remaining() != 0 {
        return Err(ExportError::Corrupt("trailing bytes"));
    }

    let mut r = Reader { data: api, pos: 0 };
    let n = r.count()?;
    let mut strings = Vec::with_capacity(n);
    for _ in 0..n {
        strings.push(std::str::from_utf8(r.bytes()?).map_err(|_| ExportError::Corrupt("invalid UTF-8 in a name"))?);
    }
    let mut d = Decoder {
        lookup,
        symbols: vec![None; strings.len()],
        strings,
        pkgs: Vec::new(),
        looked_up: Vec::new(),
        ids: Vec::new(),
        foreign: Vec::new(),
        local: Vec::new(),
        table: Vec::new(),
        spans,
        next_span: 0,
    };
    let n = r.count()?;
    if n == 0 {
        return Err(ExportError::Corrupt("no package"));
    }
    for _ in 0..n {
        let path = d.str(r.uv()?)?;
        let name = d.str(r.uv()?)?;
        d.pkgs.push((path, name));
    }
    d.looked_up = vec![None; n];
    d.ids = vec![None; n];
    let (path, name) = d.pkgs[0];
    let own = Arc::new(PackageId { path: path.to_string(), name: Symbol::intern(name) });
    d.ids[0] = Some(own.clone());

    // Imports (optional) and other packages' named types (required).
    let n = r.count()?;
    let mut imports: Vec<Arc<Package>> = Vec::with_capacity(n);
    for _ in 0..n {
        let i = r.uv()? as usize;
        if let Some(p) = d.package(i)? {
            if !imports.iter().any(|q| Arc::ptr_eq(q, &p)) {
                imports.push(p);
            }
        }
    }
    let n = r.count()?;
    for _ in 0..n {
        let i = r.uv()? as usize;
        let name = r.uv()?;
        let name = d.str(name)?;
        let p = d.package(i)?.ok_or_else(|| ExportError::MissingPackage(d.pkgs[i].0.to_string()))?;
        let t = p
            .lookup(name)
            .filter(|o| o.is_type_name())
            .map(|o| o.ty())
            .filter(|t| t.as_named().is_some_and(|n| n.obj.name() == name))
            .ok_or_else(|| ExportError::MissingType { path: d.pkgs[i].0.to_string(), name: name.to_string() })?;
        d.foreign.push(t);
    }

    // Named type shells.
    let n = r.count()?;
    d.local.reserve(n);
    for _ in 0..n {
        let name = r.uv()?;
        let name = d.sym(name)?;
        let pkg = r.uv()?;
        let pkg = d.obj_pkg(pkg)?;
        let span = d.span()?;
        let obj = Object::new(name, span, pkg, ObjectKind::TypeName, None);
        let t = Type::new(TypeKind::Named(Named { obj: obj.clone(), underlying: Default::default(), methods: RwLock::default() }));
        obj.set_type(t.clone());
        d.local.push(t);
    }

    // Structural types, each referring to earlier ones and named types.
    let n = r.count()?;
    d.table.reserve(n);
    for _ in 0..n {
        let t = d.entry(&mut r)?;
        d.table.push(t);
    }

    // Named types' underlying types and methods.
    let n = r.count()?;
    if n != d.local.len() {
        return Err(ExportError::Corrupt("named type count mismatch"));
    }
    for i in 0..n {
        let under = r.uv()?;
        let under = d.opt_type_ref(under)?;
        let methods = d.objs(&mut r)?;
        let t = d.local[i].clone();
        if let Some(named) = t.as_named() {
            if let Some(u) = under {
                named.set_underlying(u);
            }
            for m in methods {
                named.add_method(m);
            }
        }
    }

    // Package-level objects.
    let scope = Scope::new(Some(universe().scope.clone()), ScopeKind::Package, Span::default());
    let n = r.count()?;
    for _ in 0..n {
        let obj = match r.u8()? {
            O_NAMED => {
                let i = r.uv()? as usize;
                let t = d.local.get(i).ok_or(ExportError::Corrupt("named type index out of range"))?;
                t.as_named().map(|n| n.obj.clone()).ok_or(ExportError::Corrupt("not a named type"))?
            }
            O_OBJECT => d.obj(&mut r)?,
            _ => return Err(ExportError::Corrupt("bad object entry")),
        };
        if obj.is_blank() || scope.insert(obj).is_some() {
            return Err(ExportError::Corrupt("duplicate package-level object"));
        }
    }
    if r.remaining() != 0 {
        return Err(ExportError::Corrupt("trailing bytes"));
    }
    if d.next_span != d.spans.len() {
        return Err(ExportError::Corrupt("position count mismatch"));
    }
    scope.freeze();
    Ok(Arc::new(Package { id: own, scope, imports }))
}
