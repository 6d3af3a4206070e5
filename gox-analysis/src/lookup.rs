//! Field and method lookup through embedded fields (spec "Selectors"), and
//! interface satisfaction with go/types' explanations.

use std::sync::Arc;

use gox_syntax::Symbol;

use crate::checker::Checker;
use crate::objects::{Obj, PackageId};
use crate::predicates::identical;
use crate::types::{Type, TypeKind};

/// The result of [`lookup_field_or_method`].
pub enum Lookup {
    Found {
        obj: Obj,
        index: FieldPath,
        indirect: bool,
    },
    /// Several fields or methods at the shallowest depth.
    Ambiguous,
    /// A method with a pointer receiver on a non-addressable value.
    NeedsPointerReceiver,
    NotFound,
}

/// The path of field indices to a field or method found by
/// [`lookup_field_or_method`] (the last is the field's or method's own
/// index). One found on the type itself, nearly every selector, needs no
/// vector: only Info asks for the path.
pub enum FieldPath {
    Own(usize),
    Embedded(Vec<usize>),
}

impl FieldPath {
    pub fn into_vec(self) -> Vec<usize> {
        match self {
            FieldPath::Own(i) => vec![i],
            FieldPath::Embedded(path) => path,
        }
    }
}

/// Whether method `m` (a func object) has a pointer receiver.
pub fn has_ptr_recv(m: &Obj) -> bool {
    match m.ty_ref().kind() {
        TypeKind::Signature(s) => s
            .recv
            .as_ref()
            .is_some_and(|r| matches!(r.ty_ref().kind(), TypeKind::Pointer(_))),
        _ => false,
    }
}

fn deref(t: &Type) -> (&Type, bool) {
    match t.kind() {
        TypeKind::Pointer(b) => (b, true),
        _ => (t, false),
    }
}

struct Embedded {
    ty: Type,
    index: Vec<usize>,
    indirect: bool,
    multiples: bool,
}

fn concat(a: &[usize], i: usize) -> Vec<usize> {
    let mut v = a.to_vec();
    v.push(i);
    v
}

/// Looks up field or method `name` (as seen from package `pkg`) in `t`
/// following go/types' breadth-first search by embedding depth.
pub fn lookup_field_or_method(
    t: &Type,
    addressable: bool,
    pkg: Option<&PackageId>,
    name: Symbol,
) -> Lookup {
    if name.is_blank() {
        return Lookup::NotFound;
    }
    // A named pointer type has no methods of its own; its base's fields are
    // reachable, but methods found that way are not in its method set.
    if t.is_named() {
        if let TypeKind::Pointer(_) = t.under().kind() {
            return match lookup_field_or_method(&t.under(), false, pkg, name) {
                Lookup::Found { obj, .. } if obj.is_func() => Lookup::NotFound,
                r => r,
            };
        }
    }
    let (typ, is_ptr) = deref(t);
    if is_ptr && typ.is_interface() {
        return Lookup::NotFound;
    }
    // Depth 0, the type itself, then breadth-first through its embedded
    // fields, a depth at a time.
    let mut current = match lookup_own(typ, is_ptr, addressable, pkg, name) {
        Ok(result) => return result,
        Err(embedded) => consolidate(embedded),
    };
    let mut seen: Vec<usize> = typ.as_named().map(|n| Arc::as_ptr(&n.obj) as usize).into_iter().collect();
    while !current.is_empty() {
        let mut next: Vec<Embedded> = Vec::new();
        let mut found: Option<(Obj, Vec<usize>, bool)> = None;
        for e in &current {
            if let Some(n) = e.ty.as_named() {
                let key = Arc::as_ptr(&n.obj) as usize;
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                if let Some((i, m)) = n.method_by_id(pkg, name) {
                    if found.is_some() || e.multiples {
                        return Lookup::Ambiguous;
                    }
                    found = Some((m, concat(&e.index, i), e.indirect));
                    continue;
                }
            }
            match e.ty.under().kind() {
                TypeKind::Struct(s) => {
                    for (i, f) in s.fields.iter().enumerate() {
                        if f.same_id(pkg, name) {
                            if found.is_some() || e.multiples {
                                return Lookup::Ambiguous;
                            }
                            found = Some((f.clone(), concat(&e.index, i), e.indirect));
                            continue;
                        }
                        if found.is_none() && f.is_embedded() {
                            let fty = f.ty_ref();
                            let (ft, p) = deref(&fty);
                            next.push(Embedded {
                                ty: ft.clone(),
                                index: concat(&e.index, i),
                                indirect: e.indirect || p,
                                multiples: e.multiples,
                            });
                        }
                    }
                }
                TypeKind::Interface(it) => {
                    if let Some((i, m)) = it.method_by_id(pkg, name) {
                        if found.is_some() || e.multiples {
                            return Lookup::Ambiguous;
                        }
                        found = Some((m, concat(&e.index, i), e.indirect));
                    }
                }
                _ => {}
            }
        }
        if let Some((obj, index, indirect)) = found {
            if obj.is_func() && has_ptr_recv(&obj) && !indirect && !addressable {
                return Lookup::NeedsPointerReceiver;
            }
            return Lookup::Found {
                obj,
                index: FieldPath::Embedded(index),
                indirect,
            };
        }
        current = consolidate(next);
    }
    Lookup::NotFound
}

/// The search of [`lookup_field_or_method`] at depth 0, without the
/// allocations of the deeper levels: `typ`'s own methods, fields and
/// interface methods. When nothing matched there, the struct's embedded
/// fields (if any) to search next, as the error.
fn lookup_own(
    typ: &Type,
    indirect: bool,
    addressable: bool,
    pkg: Option<&PackageId>,
    name: Symbol,
) -> Result<Lookup, Vec<Embedded>> {
    let found = |obj: Obj, i: usize| {
        if obj.is_func() && has_ptr_recv(&obj) && !indirect && !addressable {
            return Lookup::NeedsPointerReceiver;
        }
        Lookup::Found { obj, index: FieldPath::Own(i), indirect }
    };
    if let Some((i, m)) = typ.as_named().and_then(|n| n.method_by_id(pkg, name)) {
        return Ok(found(m, i));
    }
    match typ.under().kind() {
        TypeKind::Struct(s) => {
            let mut matched = s.fields.iter().enumerate().filter(|(_, f)| f.same_id(pkg, name));
            match (matched.next(), matched.next()) {
                (Some((i, f)), None) => Ok(found(f.clone(), i)),
                (Some(_), Some(_)) => Ok(Lookup::Ambiguous),
                (None, _) => {
                    let embedded: Vec<Embedded> = s
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.is_embedded())
                        .map(|(i, f)| {
                            let fty = f.ty_ref();
                            let (ft, p) = deref(&fty);
                            Embedded { ty: ft.clone(), index: vec![i], indirect: indirect || p, multiples: false }
                        })
                        .collect();
                    if embedded.is_empty() {
                        Ok(Lookup::NotFound)
                    } else {
                        Err(embedded)
                    }
                }
            }
        }
        TypeKind::Interface(it) => Ok(match it.method_by_id(pkg, name) {
            Some((i, m)) => found(m, i),
            None => Lookup::NotFound,
        }),
        _ => Ok(Lookup::NotFound),
    }
}

fn consolidate(list: Vec<Embedded>) -> Vec<Embedded> {
    let mut out: Vec<Embedded> = Vec::new();
    for e in list {
        if let Some(prev) = out.iter_mut().find(|p| identical(&p.ty, &e.ty)) {
            prev.multiples = true;
        } else {
            out.push(e);
        }
    }
    out
}

/// Looks `name` up among an interface's methods.
fn interface_method(t: &Type, pkg: Option<&PackageId>, name: Symbol) -> Option<Obj> {
    match t.under().kind() {
        TypeKind::Interface(i) => i.method_by_id(pkg, name).map(|(_, m)| m),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// The first method of interface `t` that `v` lacks (with a method of
    /// the wrong type or receiver, if any), as go/types' `missingMethod`.
    pub fn missing_method(
        &self,
        v: &Type,
        t: &Type,
        is_static: bool,
    ) -> Option<(Obj, Option<Obj>)> {
        let tu = t.under();
        let TypeKind::Interface(ti) = tu.kind() else {
            return None;
        };
        let ti_methods = ti.all_methods();
        if ti_methods.is_empty() {
            return None;
        }
        if let TypeKind::Interface(_) = v.under().kind() {
            for m in ti_methods.iter() {
                match interface_method(v, m.pkg.as_deref(), m.name) {
                    None => {
                        if !is_static {
                            continue;
                        }
                        return Some((m.clone(), None));
                    }
                    Some(f) => {
                        if !identical(&f.ty_ref(), &m.ty_ref()) {
                            return Some((m.clone(), Some(f)));
                        }
                    }
                }
            }
            return None;
        }
        for m in ti_methods.iter() {
            let mut found = true;
            let mut obj = match lookup_field_or_method(v, false, m.pkg.as_deref(), m.name) {
                Lookup::Found { obj, .. } => Some(obj),
                _ => None,
            };
            if obj.is_none() {
                found = false;
                obj = match lookup_field_or_method(
                    &Type::new_pointer(v.clone()),
                    false,
                    m.pkg.as_deref(),
                    m.name,
                ) {
                    Lookup::Found { obj, .. } => Some(obj),
                    _ => None,
                };
                if obj.is_none() {
                    obj = fold_case_method(v, m.name.as_str());
                }
            }
            let f = match obj {
                Some(o) if o.is_func() => o,
                _ => return Some((m.clone(), None)),
            };
            if !found || !identical(&f.ty_ref(), &m.ty_ref()) {
                return Some((m.clone(), Some(f)));
            }
        }
        None
    }

    fn func_string(&self, f: &Obj) -> String {
        format!(
            "{}{}",
            f.name(),
            crate::typestring::signature_string(&f.ty_ref(), Some(&self.pkg))
        )
    }

    /// go/types' `missingMethodReason`: `(missing method M)`, ...
    pub fn missing_method_reason(&self, v: &Type, t: &Type, m: &Obj, alt: Option<&Obj>) -> String {
        let mname = format!("method {}", m.name());
        if let Some(alt) = alt {
            if m.name != alt.name {
                return format!(
                    "(missing {})\n\t\thave {}\n\t\twant {}",
                    mname,
                    self.func_string(alt),
                    self.func_string(m)
                );
            }
            if identical(&m.ty_ref(), &alt.ty_ref()) {
                return format!("({} has pointer receiver)", mname);
            }
            return format!(
                "(wrong type for {})\n\t\thave {}\n\t\twant {}",
                mname,
                self.func_string(alt),
                self.func_string(m)
            );
        }
        if is_interface_ptr(v) {
            return format!(
                "(type {} is pointer to interface, not interface)",
                self.type_str(v)
            );
        }
        if is_interface_ptr(t) {
            return format!(
                "(type {} is pointer to interface, not interface)",
                self.type_str(t)
            );
        }
        if let Lookup::Found { obj, .. } = lookup_field_or_method(v, true, m.pkg.as_deref(), m.name)
        {
            if obj.is_var() {
                return format!(
                    "({}.{} is a field, not a method)",
                    self.type_str(v),
                    obj.name()
                );
            }
        }
        format!("(missing {})", mname)
    }

    /// Whether `v` implements `t`, as [`Checker::implements`] decides, without
    /// the explanation: assignability and comparisons ask this in both
    /// directions, and the explanation prints types (which first walks the
    /// whole import graph for package names printed twice).
    pub fn satisfies(&self, v: &Type, t: &Type) -> bool {
        let vu = v.under();
        let tu = t.under();
        if vu.is_invalid() || tu.is_invalid() {
            return true;
        }
        if let TypeKind::Pointer(b) = vu.kind() {
            if b.under().is_invalid() {
                return true;
            }
        }
        match tu.kind() {
            TypeKind::Interface(ti) => ti.is_empty() || self.missing_method(v, t, true).is_none(),
            _ => false,
        }
    }

    /// None if `v` implements interface `t`, else go/types' explanation
    /// `V does not implement T (missing method M)`.
    pub fn implements(&self, v: &Type, t: &Type) -> Option<String> {
        if self.satisfies(v, t) {
            return None;
        }
        let tu = t.under();
        if !matches!(tu.kind(), TypeKind::Interface(_)) {
            let cause = if is_interface_ptr(&tu) {
                format!(
                    "type {} is pointer to interface, not interface",
                    self.type_str(t)
                )
            } else {
                format!("{} is not an interface", self.type_str(t))
            };
            return Some(format!(
                "{} does not implement {} ({})",
                self.type_str(v),
                self.type_str(t),
                cause
            ));
        }
        let (m, alt) = self.missing_method(v, t, true)?;
        Some(format!(
            "{} does not implement {} {}",
            self.type_str(v),
            self.type_str(t),
            self.missing_method_reason(v, t, &m, alt.as_ref())
        ))
    }
}

fn fold_case_method(v: &Type, name: &str) -> Option<Obj> {
    let (base, _) = deref(v);
    let n = base.as_named()?;
    n.methods()
        .into_iter()
        .find(|m| m.name().eq_ignore_ascii_case(name))
}

/// A pointer to an interface type.
pub fn is_interface_ptr(t: &Type) -> bool {
    match t.under().kind() {
        TypeKind::Pointer(b) => b.is_interface(),
        _ => false,
    }
}
