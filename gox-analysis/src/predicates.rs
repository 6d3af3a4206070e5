//! Type predicates: identity, comparability and friends, as the Go
//! specification defines them.

use crate::types::{BasicKind, Type, TypeKind};

/// Type identity (the spec's "Type identity"). Struct tags count.
pub fn identical(x: &Type, y: &Type) -> bool {
    trivially_identical(x, y).unwrap_or_else(|| identical_in(x, y, &mut Pairs::default(), false))
}

/// Type identity ignoring struct tags (for conversions).
pub fn identical_ignore_tags(x: &Type, y: &Type) -> bool {
    trivially_identical(x, y).unwrap_or_else(|| identical_in(x, y, &mut Pairs::default(), true))
}

/// The answer for the same type twice or two basic types, which most
/// questions are: without the walk's stack check and set.
fn trivially_identical(x: &Type, y: &Type) -> Option<bool> {
    if x.ptr_eq(y) {
        return Some(true);
    }
    match (x.kind(), y.kind()) {
        (TypeKind::Basic(a), TypeKind::Basic(b)) => Some(a.kind == b.kind),
        _ => None,
    }
}

/// Pairs of composite types (by node address) that are identical or
/// assumed so while being compared. Identity is a conjunction all the way
/// up, so a pair that turned out different made the whole answer false:
/// every pair left in the set may be trusted. Each pair is compared once,
/// which keeps types that share subtrees (`type U2 = struct{ a, b U1 }`,
/// ...) linear, and ends the walk at recursive interfaces.
type Pairs = rustc_hash::FxHashSet<(usize, usize)>;

/// Whether pair `(x, y)` is already known (or assumed) identical; records
/// it otherwise.
fn known_pair(x: &Type, y: &Type, seen: &mut Pairs) -> bool {
    let key = (x.addr(), y.addr());
    !seen.insert(key)
}

fn identical_in(x: &Type, y: &Type, seen: &mut Pairs, it: bool) -> bool {
    stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || identical_in_inner(x, y, seen, it))
}

fn identical_in_inner(x: &Type, y: &Type, seen: &mut Pairs, it: bool) -> bool {
    if x.ptr_eq(y) {
        return true;
    }
    match (x.kind(), y.kind()) {
        (TypeKind::Basic(a), TypeKind::Basic(b)) => a.kind == b.kind,
        (TypeKind::Array { len: l1, elem: e1 }, TypeKind::Array { len: l2, elem: e2 }) => {
            l1 == l2 && identical_in(e1, e2, seen, it)
        }
        (TypeKind::Slice(a), TypeKind::Slice(b)) => identical_in(a, b, seen, it),
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            a.fields.len() == b.fields.len()
                && (known_pair(x, y, seen) || a.fields
                    .iter()
                    .zip(&b.fields)
                    .enumerate()
                    .all(|(i, (f, g))| {
                        f.is_embedded() == g.is_embedded()
                            && (it
                                || a.tags.get(i).cloned().flatten().unwrap_or_default()
                                    == b.tags.get(i).cloned().flatten().unwrap_or_default())
                            && f.same_id(g.pkg.as_deref(), g.name)
                            && identical_in(&f.ty_ref(), &g.ty_ref(), seen, it)
                    }))
        }
        (TypeKind::Pointer(a), TypeKind::Pointer(b)) => identical_in(a, b, seen, it),
        (TypeKind::Tuple(a), TypeKind::Tuple(b)) => {
            a.len() == b.len()
                && (known_pair(x, y, seen) || a.iter().zip(b).all(|(s, t)| identical_in(s, t, seen, it)))
        }
        (TypeKind::Signature(a), TypeKind::Signature(b)) => {
            a.variadic == b.variadic
                && a.params.len() == b.params.len()
                && a.results.len() == b.results.len()
                && (known_pair(x, y, seen)
                    || a.params
                    .iter()
                    .zip(&b.params)
                    .all(|(p, q)| identical_in(&p.ty_ref(), &q.ty_ref(), seen, it))
                && a.results
                    .iter()
                    .zip(&b.results)
                    .all(|(p, q)| identical_in(&p.ty_ref(), &q.ty_ref(), seen, it)))
        }
        (TypeKind::Interface(a), TypeKind::Interface(b)) => {
            let (am, bm) = (a.all_methods(), b.all_methods());
            if am.len() != bm.len() {
                return false;
            }
            if known_pair(x, y, seen) {
                return true;
            }
            am.iter().zip(bm.iter()).all(|(m, n)| {
                m.same_id(n.pkg.as_deref(), n.name) && identical_in(&m.ty_ref(), &n.ty_ref(), seen, it)
            })
        }
        (TypeKind::Map { key: k1, elem: e1 }, TypeKind::Map { key: k2, elem: e2 }) => {
            known_pair(x, y, seen) || identical_in(k1, k2, seen, it) && identical_in(e1, e2, seen, it)
        }
        (TypeKind::Chan { dir: d1, elem: e1 }, TypeKind::Chan { dir: d2, elem: e2 }) => {
            d1 == d2 && identical_in(e1, e2, seen, it)
        }
        (TypeKind::Named(a), TypeKind::Named(b)) => std::sync::Arc::ptr_eq(&a.obj, &b.obj),
        _ => false,
    }
}

/// Whether values of type `t` can be compared with `==` (spec "Comparison operators").
pub fn comparable(t: &Type) -> bool {
    comparable_in(t, &mut rustc_hash::FxHashSet::default())
}

fn comparable_in(t: &Type, seen: &mut rustc_hash::FxHashSet<usize>) -> bool {
    stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || comparable_in_inner(t, seen))
}

fn comparable_in_inner(t: &Type, seen: &mut rustc_hash::FxHashSet<usize>) -> bool {
    // Comparability is a conjunction too: a type seen before either was
    // comparable or is being decided (a cycle through an invalid type), so
    // each type is examined once.
    let key = t.addr();
    if !seen.insert(key) {
        return true;
    }
    let u = t.under();
    let r = match u.kind() {
        TypeKind::Basic(b) => b.kind != BasicKind::UntypedNil,
        TypeKind::Pointer(_) | TypeKind::Chan { .. } | TypeKind::Interface(_) => true,
        TypeKind::Struct(s) => s.fields.iter().all(|f| comparable_in(&f.ty_ref(), seen)),
        TypeKind::Array { elem, .. } => comparable_in(elem, seen),
        _ => false,
    };
    r
}

/// Whether `t` has `nil` as a value.
pub fn has_nil(t: &Type) -> bool {
    match t.under().kind() {
        TypeKind::Basic(_) => false,
        TypeKind::Slice(_)
        | TypeKind::Pointer(_)
        | TypeKind::Signature(_)
        | TypeKind::Interface(_)
        | TypeKind::Map { .. }
        | TypeKind::Chan { .. } => true,
        _ => false,
    }
}

/// The default type of an untyped type (spec "Constants"); other types are
/// returned unchanged.
pub fn default_type(t: &Type) -> Type {
    if let TypeKind::Basic(b) = t.kind() {
        return match b.kind {
            BasicKind::UntypedBool => Type::basic(BasicKind::Bool),
            BasicKind::UntypedInt => Type::basic(BasicKind::Int),
            BasicKind::UntypedRune => Type::rune(),
            BasicKind::UntypedFloat => Type::basic(BasicKind::Float64),
            BasicKind::UntypedString => Type::basic(BasicKind::String),
            _ => t.clone(),
        };
    }
    t.clone()
}

/// Whether a value of type `t` has a type of its own name ("defined" type in
/// the assignability rules): named types and predeclared basic types.
pub fn has_name(t: &Type) -> bool {
    matches!(t.kind(), TypeKind::Basic(_) | TypeKind::Named(_))
}
