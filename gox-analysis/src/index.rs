//! Index and slice expressions, composite literals and type assertions.

use rustc_hash::{FxHashMap, FxHashSet};

use gox_common::Span;
use gox_syntax::ast::{self, ExprKind};

use crate::checker::Checker;
use crate::constant::Value;
use crate::objects::ObjectKind;
use crate::operand::{Mode, Operand};
use crate::predicates::identical;
use crate::types::{BasicKind, Type, TypeKind};
use crate::typestring::expr_string;

impl<'a> Checker<'a> {
    /// Checks an index `e` (with `max` the length when known, or -1);
    /// returns the index type and its constant value (or -1).
    pub(crate) fn index(&mut self, e: &'a ast::Expr, max: i64) -> (Type, i64) {
        let mut x = self.expr(e);
        if !self.is_valid_index(&mut x, "index", false) {
            return (Type::invalid(), -1);
        }
        let Mode::Constant(v) = &x.mode else {
            return (x.ty.clone(), -1);
        };
        if v.is_unknown() {
            return (Type::invalid(), -1);
        }
        let n = v.int64_val().unwrap_or(-1);
        if max >= 0 && n >= max {
            self.invalid_arg(x.span(), format!("index {} out of bounds [0:{}]", v, max));
            return (Type::invalid(), -1);
        }
        (x.ty.clone(), n)
    }

    pub(crate) fn is_valid_index(
        &mut self,
        x: &mut Operand<'a>,
        what: &str,
        allow_negative: bool,
    ) -> bool {
        if x.is_invalid() {
            return false;
        }
        self.convert_untyped(x, &Type::basic(BasicKind::Int));
        if x.is_invalid() {
            return false;
        }
        if !x.ty.is_integer() {
            self.invalid_arg(
                x.span(),
                format!("{} {} must be integer", what, self.op_str(x)),
            );
            return false;
        }
        if let Mode::Constant(v) = &x.mode {
            if !allow_negative && v.sign() < 0 {
                self.invalid_arg(
                    x.span(),
                    format!("{} {} must not be negative", what, self.op_str(x)),
                );
                return false;
            }
            if self.representable_value(v, BasicKind::Int).is_err() {
                self.invalid_arg(
                    x.span(),
                    format!("{} {} overflows int", what, self.op_str(x)),
                );
                return false;
            }
        }
        true
    }

    pub(crate) fn index_expr(
        &mut self,
        e: &'a ast::Expr,
        base: &'a ast::Expr,
        index: &'a ast::Expr,
    ) -> Operand<'a> {
        let mut x = self.expr_or_type(base);
        match x.mode {
            Mode::Invalid => {
                let _ = self.raw_expr(index, None, true);
                return x;
            }
            Mode::TypeExpr => {
                if let ExprKind::Index { lbrack, .. } = &e.kind {
                    self.error(*lbrack, "type parameters are not supported in GoX");
                }
                x.invalidate();
                return x;
            }
            _ => {}
        }
        let mut length = -1i64;
        let mut u = x.ty.underlying();
        // A pointer to an array (not in GoX, reported at its type) indexes
        // as in Go, to avoid follow-on errors.
        if let Some(b) = u.pointer_elem() {
            if matches!(b.under().kind(), TypeKind::Array { .. }) {
                u = b.underlying();
                x.mode = Mode::Variable;
            }
        }
        if let TypeKind::Signature(_) = u.kind() {
            // Function instantiation `f[T]`.
            if let ExprKind::Index { lbrack, .. } = &e.kind {
                self.error(*lbrack, "type parameters are not supported in GoX");
            }
            let _ = self.raw_expr(index, None, true);
            x.invalidate();
            return x;
        }
        let valid = match u.kind() {
            TypeKind::Basic(b) if b.kind.is_string() => {
                if let Mode::Constant(v) = &x.mode {
                    length = v.string_bytes().map_or(-1, |b| b.len() as i64);
                }
                x.mode = Mode::Value;
                x.ty = Type::byte();
                true
            }
            TypeKind::Array { len, elem } => {
                length = *len;
                if !matches!(x.mode, Mode::Variable) {
                    x.mode = Mode::Value;
                }
                x.ty = elem.clone();
                true
            }
            TypeKind::Slice(elem) => {
                x.mode = Mode::Variable;
                x.ty = elem.clone();
                true
            }
            TypeKind::Map { key, elem } => {
                let mut k = self.expr_with_hint(index, Some(key));
                let key = key.clone();
                self.assignment(&mut k, Some(&key), "map index");
                x.mode = Mode::MapIndex;
                x.ty = elem.clone();
                return x;
            }
            _ => false,
        };
        if !valid {
            self.invalid_op(x.span(), format!("cannot index {}", self.op_str(&x)));
            let _ = self.raw_expr(index, None, false);
            x.invalidate();
            return x;
        }
        self.index(index, length);
        x
    }

    pub(crate) fn slice_expr(
        &mut self,
        e: &'a ast::Expr,
        base: &'a ast::Expr,
        lo: Option<&'a ast::Expr>,
        hi: Option<&'a ast::Expr>,
        max: Option<&'a ast::Expr>,
        slice3: bool,
    ) -> Operand<'a> {
        let mut x = self.expr(base);
        let idx = [lo, hi, max];
        if x.is_invalid() {
            for i in idx.iter().flatten() {
                let _ = self.raw_expr(i, None, false);
            }
            return x;
        }
        let mut length = -1i64;
        let mut u = x.ty.underlying();
        if let Some(b) = u.pointer_elem() {
            if matches!(b.under().kind(), TypeKind::Array { .. }) {
                u = b.underlying();
                x.mode = Mode::Variable;
            }
        }
        let valid = match u.kind() {
            TypeKind::Basic(b) if b.kind.is_string() => {
                if slice3 {
                    let at = max.map_or(e.span, |m| m.span);
                    self.invalid_op(at, "3-index slice of string");
                    x.invalidate();
                    return x;
                }
                if let Mode::Constant(v) = &x.mode {
                    length = v.string_bytes().map_or(-1, |b| b.len() as i64);
                }
                if x.ty.is_untyped() {
                    x.ty = Type::basic(BasicKind::String);
                }
                true
            }
            TypeKind::Array { len, elem } => {
                length = *len;
                if !matches!(x.mode, Mode::Variable) {
                    self.invalid_op(
                        x.span(),
                        format!("cannot slice {} (value not addressable)", self.op_str(&x)),
                    );
                    x.invalidate();
                    return x;
                }
                x.ty = Type::new_slice(elem.clone());
                true
            }
            TypeKind::Slice(_) => true,
            _ => false,
        };
        if !valid {
            self.invalid_op(x.span(), format!("cannot slice {}", self.op_str(&x)));
            x.invalidate();
            return x;
        }
        x.mode = Mode::Value;
        if slice3 && (hi.is_none() || max.is_none()) {
            x.invalidate();
            return x;
        }
        let mut ind = [-1i64; 3];
        for (i, ex) in idx.iter().enumerate() {
            ind[i] = match ex {
                Some(ex) => {
                    let m = if length >= 0 { length + 1 } else { -1 };
                    let (_, v) = self.index(ex, m);
                    v
                }
                None if i == 0 => 0,
                None if length >= 0 => length,
                None => -1,
            };
        }
        'outer: for i in 0..2 {
            let a = ind[i];
            if a > 0 {
                for j in i + 1..3 {
                    let b = ind[j];
                    if b >= 0 && b < a {
                        let at = idx[j].map_or(e.span, |x| x.span);
                        self.error(at, format!("invalid slice indices: {} < {}", b, a));
                        break 'outer;
                    }
                }
            }
        }
        x
    }

    pub(crate) fn type_assert(
        &mut self,
        e: &'a ast::Expr,
        base: &'a ast::Expr,
        ty: Option<&'a ast::Expr>,
    ) -> Operand<'a> {
        let mut x = self.expr(base);
        if x.is_invalid() {
            return x;
        }
        if !x.ty.is_interface() {
            self.invalid_op(x.span(), format!("{} is not an interface", self.op_str(&x)));
            x.invalidate();
            return x;
        }
        let Some(te) = ty else {
            self.error(e.span, "use of .(type) outside type switch");
            x.invalidate();
            return x;
        };
        let t = self.var_type(te);
        if t.is_invalid() {
            x.invalidate();
            return x;
        }
        self.type_assertion(e, &x, &t, false);
        x.mode = Mode::CommaOk;
        x.ty = t;
        x
    }

    /// Reports an impossible assertion of interface `x` to `t`.
    pub fn type_assertion(
        &mut self,
        e: &'a ast::Expr,
        x: &Operand<'a>,
        t: &Type,
        type_switch: bool,
    ) {
        if t.is_interface()
            || t.pointer_elem()
                .is_some_and(|b| b.under().is_invalid())
        {
            return;
        }
        let Some((m, alt)) = self.missing_method(t, &x.ty, false) else {
            return;
        };
        let cause = self.missing_method_reason(t, &x.ty, &m, alt.as_ref());
        if type_switch {
            self.error(
                e.span,
                format!(
                    "impossible type switch case: {}\n\t{} cannot have dynamic type {} {}",
                    expr_string(e),
                    self.op_str(x),
                    self.type_str(t),
                    cause
                ),
            );
        } else {
            self.error(
                e.span,
                format!(
                    "impossible type assertion: {}\n\t{} does not implement {} {}",
                    expr_string(e),
                    self.type_str(t),
                    self.type_str(&x.ty),
                    cause
                ),
            );
        }
    }

    pub(crate) fn composite_lit(
        &mut self,
        e: &'a ast::Expr,
        ty: Option<&'a ast::Expr>,
        elts: &'a [ast::Expr],
        rbrace: Span,
        hint: Option<&Type>,
    ) -> Operand<'a> {
        let mut open_array: Option<Type> = None;
        let (typ, base) = match (ty, hint) {
            (Some(te), _) => {
                if let ExprKind::ArrayType { len: Some(l), elem } = &te.kind {
                    if let ExprKind::Ellipsis(None) = l.kind {
                        let el = self.var_type(elem);
                        open_array = Some(el.clone());
                        (Type::invalid(), Type::invalid())
                    } else {
                        let t = self.type_expr(te);
                        (t.clone(), t)
                    }
                } else {
                    let t = self.type_expr(te);
                    (t.clone(), t)
                }
            }
            (None, Some(h)) => {
                let b = h.pointer_elem().unwrap_or_else(|| h.clone());
                (h.clone(), b)
            }
            (None, None) => {
                self.error(e.span, "missing type in composite literal");
                self.use_elts(elts);
                return Operand::invalid(Some(e));
            }
        };
        if let Some(el) = open_array {
            let n = self.indexed_elts(elts, &el, -1);
            let t = Type::new(TypeKind::Array { len: n, elem: el });
            if let Some(te) = ty {
                self.record_type_expr(te, &t);
            }
            return Operand::new(Mode::Value, Some(e), t);
        }
        // A literal of a type whose declaration is in progress.
        if let Some(n) = base.as_named() {
            if !n.underlying_is_set()
                && self
                    .obj_path
                    .iter()
                    .any(|o| std::sync::Arc::ptr_eq(o, &n.obj))
            {
                let at = ty.map_or(e.span, |t| t.span);
                self.error(at, format!("invalid recursive type {}", n.obj.name()));
                self.use_elts(elts);
                return Operand::invalid(Some(e));
            }
        }
        let u = base.under();
        match u.kind() {
            TypeKind::Struct(s) => {
                if elts.is_empty() {
                } else if matches!(elts[0].kind, ExprKind::KeyValue { .. }) {
                    let mut visited = vec![false; s.fields.len()];
                    for el in elts {
                        let ExprKind::KeyValue { key, value, .. } = &el.kind else {
                            self.error(
                                el.span,
                                "mixture of field:value and value elements in struct literal",
                            );
                            continue;
                        };
                        let ExprKind::Ident(kid) = &key.kind else {
                            let _ = self.expr(value);
                            self.error(
                                el.span,
                                format!(
                                    "invalid field name {} in struct literal",
                                    expr_string(key)
                                ),
                            );
                            continue;
                        };
                        let Some(i) = s
                            .fields
                            .iter()
                            .position(|f| f.same_id(Some(&self.pkg), kid.name))
                        else {
                            let _ = self.expr(value);
                            self.error(
                                key.span,
                                format!(
                                    "unknown field {} in struct literal of type {}",
                                    kid.name,
                                    self.type_str(&base)
                                ),
                            );
                            continue;
                        };
                        let fld = s.fields[i].clone();
                        self.record_use(kid, &fld);
                        let ft = fld.ty();
                        let mut x = self.expr(value);
                        self.assignment(&mut x, Some(&ft), "struct literal");
                        if visited[i] {
                            self.error(
                                el.span,
                                format!("duplicate field name {} in struct literal", kid.name),
                            );
                            continue;
                        }
                        visited[i] = true;
                    }
                } else {
                    for (i, el) in elts.iter().enumerate() {
                        if matches!(el.kind, ExprKind::KeyValue { .. }) {
                            self.error(
                                el.span,
                                "mixture of field:value and value elements in struct literal",
                            );
                            continue;
                        }
                        let mut x = self.expr(el);
                        if i >= s.fields.len() {
                            self.error(
                                x.span(),
                                format!("too many values in {}{{…}}", self.type_str(&base)),
                            );
                            break;
                        }
                        let fld = s.fields[i].clone();
                        if !fld.is_exported()
                            && fld.pkg.as_ref().map(|p| &p.path) != Some(&self.pkg.path)
                        {
                            self.error(x.span(), format!("implicit assignment to unexported field {} in struct literal of type {}", fld.name(), self.type_str(&base)));
                            continue;
                        }
                        let ft = fld.ty();
                        self.assignment(&mut x, Some(&ft), "struct literal");
                    }
                    if elts.len() < s.fields.len() {
                        self.error(
                            rbrace,
                            format!("too few values in {}{{…}}", self.type_str(&base)),
                        );
                    }
                }
            }
            TypeKind::Array { len, elem } => {
                self.indexed_elts(elts, elem, *len);
            }
            TypeKind::Slice(elem) => {
                self.indexed_elts(elts, elem, -1);
            }
            TypeKind::Map { key, elem } => {
                // Constant keys seen so far, by exact value, with the types they had
                // (for an interface key type, 1 and int8(1) are different keys).
                let mut seen: FxHashMap<String, Vec<Type>> = FxHashMap::default();
                for el in elts {
                    let ExprKind::KeyValue { key: k, value, .. } = &el.kind else {
                        self.error(el.span, "missing key in map literal");
                        continue;
                    };
                    let mut kx = self.expr_with_hint(k, Some(key));
                    self.assignment(&mut kx, Some(key), "map literal");
                    if let Mode::Constant(v) = &kx.mode {
                        let kv = format!("{:?}", v.exact_string());
                        let dup = match seen.get(&kv) {
                            Some(types) if key.is_interface() => {
                                types.iter().any(|t| identical(t, &kx.ty))
                            }
                            Some(_) => true,
                            None => false,
                        };
                        if dup {
                            self.error(kx.span(), format!("duplicate key {} in map literal", v));
                            continue;
                        }
                        seen.entry(kv).or_default().push(kx.ty.clone());
                    }
                    let mut vx = self.expr_with_hint(value, Some(elem));
                    self.assignment(&mut vx, Some(elem), "map literal");
                }
            }
            _ => {
                self.use_elts(elts);
                if !u.is_invalid() {
                    self.error(
                        e.span,
                        format!("invalid composite literal type {}", self.type_str(&typ)),
                    );
                }
                return Operand::invalid(Some(e));
            }
        }
        Operand::new(Mode::Value, Some(e), typ)
    }

    fn use_elts(&mut self, elts: &'a [ast::Expr]) {
        for el in elts {
            let v = match &el.kind {
                ExprKind::KeyValue { value, .. } => value,
                _ => el,
            };
            let _ = self.raw_expr(v, None, false);
        }
    }

    fn indexed_elts(&mut self, elts: &'a [ast::Expr], typ: &Type, length: i64) -> i64 {
        let mut visited: FxHashSet<i64> = FxHashSet::default();
        let mut index: i64 = 0;
        let mut max: i64 = 0;
        for el in elts {
            let mut valid = false;
            let mut eval = el;
            if let ExprKind::KeyValue { key, value, .. } = &el.kind {
                let (t, i) = self.index(key, length);
                if !t.is_invalid() {
                    if i >= 0 {
                        index = i;
                        valid = true;
                    } else {
                        self.error(
                            el.span,
                            format!("index {} must be integer constant", expr_string(key)),
                        );
                    }
                }
                eval = value;
            } else if length >= 0 && index >= length {
                self.error(
                    el.span,
                    format!("index {} is out of bounds (>= {})", index, length),
                );
            } else {
                valid = true;
            }
            if valid {
                if !visited.insert(index) {
                    self.error(
                        el.span,
                        format!("duplicate index {} in array or slice literal", index),
                    );
                }
            }
            index += 1;
            if index > max {
                max = index;
            }
            let mut x = self.expr_with_hint(eval, Some(typ));
            self.assignment(&mut x, Some(typ), "array or slice literal");
        }
        max
    }

    /// Whether `e` denotes the predeclared `nil`.
    pub fn is_nil_expr(&self, e: &ast::Expr) -> bool {
        match &e.unparen().kind {
            ExprKind::Ident(id) => self
                .lookup(id.name)
                .is_some_and(|o| matches!(o.kind, ObjectKind::Nil)),
            _ => false,
        }
    }

    #[allow(dead_code)]
    fn const_string_len(v: &Value) -> i64 {
        v.string_bytes().map_or(-1, |b| b.len() as i64)
    }
}
