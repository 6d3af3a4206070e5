//! Assignments: assignability in context, variable initialisation,
//! multi-value assignment and short variable declarations.

use gox_common::Span;
use gox_syntax::ast::{self, ExprKind};

use crate::checker::Checker;
use crate::expr::ConvFail;
use crate::objects::{Obj, Object, ObjectKind};
use crate::operand::{Mode, Operand};
use crate::predicates::default_type;
use crate::types::{BasicKind, Type, TypeKind};
use crate::universe::universe;

impl<'a> Checker<'a> {
    /// Checks that `x` can be assigned to a variable of type `t` (`None`:
    /// the blank identifier) in `context` ("assignment", "argument",
    /// "return statement", ...). Untyped operands get their final type.
    pub fn assignment(&mut self, x: &mut Operand<'a>, t: Option<&Type>, context: &str) {
        self.assignment_in(x, t, &context)
    }

    /// [`Checker::assignment`] with a context that is written out only
    /// when there is an error to report (`argument to f`).
    pub(crate) fn assignment_in(&mut self, x: &mut Operand<'a>, t: Option<&Type>, context: &dyn std::fmt::Display) {
        match x.mode {
            Mode::Invalid => return,
            Mode::Constant(_) | Mode::Variable | Mode::MapIndex | Mode::Value | Mode::CommaOk => {}
            _ => {
                let ts = t.map(|t| self.type_str(t)).unwrap_or_else(|| "_".into());
                self.error(
                    x.span(),
                    format!("cannot assign {} to {} in {}", self.op_str(x), ts, context),
                );
                x.invalidate();
                return;
            }
        }
        if x.ty.is_untyped() {
            let target = match t {
                None => {
                    if x.ty.is_untyped_nil() {
                        self.error(x.span(), format!("use of untyped nil in {}", context));
                        x.invalidate();
                        return;
                    }
                    default_type(&x.ty)
                }
                Some(t) if t.is_interface() => default_type(&x.ty),
                Some(t) => t.clone(),
            };
            let target = if t.is_some_and(|t| t.is_interface()) && x.is_nil() {
                t.cloned().unwrap_or(target)
            } else {
                target
            };
            match self.implicit_type_and_value(x, &target) {
                Err(code) => {
                    let mut msg = format!(
                        "cannot use {} as {} value in {}",
                        self.op_str(x),
                        self.type_str(&target),
                        context
                    );
                    match code {
                        ConvFail::Truncated => msg.push_str(" (truncated)"),
                        ConvFail::Overflow => msg.push_str(" (overflows)"),
                        ConvFail::Invalid => {}
                    }
                    self.error(x.span(), msg);
                    x.invalidate();
                    return;
                }
                Ok((nt, v)) => {
                    if let Some(v) = v {
                        x.mode = Mode::Constant(v);
                    }
                    if !nt.ptr_eq(&x.ty) {
                        x.ty = nt.clone();
                        if let Some(e) = x.expr {
                            self.update_expr_type(e, &nt, true);
                        }
                    }
                }
            }
        }
        let Some(t) = t else { return };
        let (ok, reason) = self.assignable_to(x, t);
        if !ok {
            let base = format!(
                "cannot use {} as {} value in {}",
                self.op_str(x),
                self.type_str(t),
                context
            );
            match reason {
                Some(r) => self.error(x.span(), format!("{}: {}", base, r)),
                None => self.error(x.span(), base),
            }
            x.invalidate();
        }
    }

    /// Initialises variable `lhs` with `x`; an untyped `lhs` takes x's
    /// (default) type. Returns the type assigned, if valid.
    pub fn init_var(&mut self, lhs: &Obj, x: &mut Operand<'a>, context: &str) -> Option<Type> {
        if x.is_invalid() || x.ty.is_invalid() || (lhs.has_type() && lhs.ty_ref().is_invalid()) {
            if !lhs.has_type() {
                lhs.set_type(Type::invalid());
            }
            return None;
        }
        if !lhs.has_type() {
            let mut t = x.ty.clone();
            if t.is_untyped() {
                if t.is_untyped_nil() {
                    self.error(x.span(), format!("use of untyped nil in {}", context));
                    lhs.set_type(Type::invalid());
                    return None;
                }
                t = default_type(&t);
            }
            lhs.set_type(t);
        }
        let t = lhs.ty();
        self.assignment(x, Some(&t), context);
        if x.is_invalid() {
            return None;
        }
        Some(x.ty.clone())
    }

    /// Evaluates the left-hand side expressions of a failed assignment so
    /// that their variables count as used and errors in them are reported.
    pub fn use_lhs(&mut self, lhs: &'a [ast::Expr]) {
        for e in lhs {
            if let ExprKind::Ident(id) = &e.unparen().kind {
                if id.is_blank() {
                    continue;
                }
                if let Some(o) = self.lookup(id.name) {
                    if o.is_var() && o.pkg.as_ref().is_some_and(|p| p.same(&self.pkg)) {
                        let used = o.is_used();
                        let _ = self.raw_expr(e, None, false);
                        if !used {
                            o.set_used(false);
                        }
                        continue;
                    }
                }
            }
            let _ = self.raw_expr(e, None, false);
        }
    }

    /// Evaluates expressions for their errors only (e.g. the arguments of a
    /// call of an invalid function).
    pub fn use_exprs(&mut self, es: &'a [ast::Expr]) {
        for e in es {
            let _ = self.raw_expr(e, None, false);
        }
    }

    /// Assigns `x` to the left-hand side expression `lhs`.
    pub fn assign_var(&mut self, lhs: &'a ast::Expr, x: &mut Operand<'a>) -> Option<Type> {
        if x.is_invalid() || x.ty.is_invalid() {
            self.use_lhs(std::slice::from_ref(lhs));
            return None;
        }
        let ident = match &lhs.unparen().kind {
            ExprKind::Ident(id) => Some(id),
            _ => None,
        };
        if let Some(id) = ident {
            if id.is_blank() {
                self.record_def(id, None);
                self.assignment(x, None, "assignment to _ identifier");
                return if x.is_invalid() {
                    None
                } else {
                    Some(x.ty.clone())
                };
            }
        }
        // Assigning to a variable is not a use of it.
        let mut restore: Option<(Obj, bool)> = None;
        if let Some(id) = ident {
            if let Some(o) = self.lookup(id.name) {
                if o.is_var() && o.pkg.as_ref().is_some_and(|p| p.same(&self.pkg)) {
                    restore = Some((o.clone(), o.is_used()));
                }
            }
        }
        let z = self.expr(lhs);
        if let Some((o, used)) = restore {
            o.set_used(used);
        }
        if z.is_invalid() || z.ty.is_invalid() {
            return None;
        }
        match z.mode {
            Mode::Variable | Mode::MapIndex => {}
            _ => {
                if let ExprKind::Selector { x: base, .. } = &lhs.unparen().kind {
                    let key = (base.span.file, base.id);
                    if let Some(tv) = self.info.types.get(&key) {
                        if matches!(tv.mode, Mode::MapIndex) {
                            self.error(
                                z.span(),
                                format!(
                                    "cannot assign to struct field {} in map",
                                    crate::typestring::expr_string(lhs)
                                ),
                            );
                            return None;
                        }
                    }
                }
                self.error(z.span(), format!("cannot assign to {}", self.op_str(&z)));
                return None;
            }
        }
        let zt = z.ty.clone();
        self.assignment(x, Some(&zt), "assignment");
        if x.is_invalid() {
            None
        } else {
            Some(x.ty.clone())
        }
    }

    /// Evaluates a list of right-hand side expressions: one call may yield
    /// several values; with `allow_comma_ok` a single comma-ok expression
    /// yields a second (untyped bool) value. Returns the operands and
    /// whether the comma-ok form was used.
    pub fn expr_list(
        &mut self,
        es: &'a [ast::Expr],
        allow_comma_ok: bool,
    ) -> (Vec<Operand<'a>>, bool) {
        match es.len() {
            0 => (Vec::new(), false),
            1 => {
                let e = &es[0];
                let mut xs = self.multi_expr(e);
                if xs.len() == 1 && allow_comma_ok && matches!(xs[0].mode, Mode::MapIndex | Mode::CommaOk) {
                    xs.push(Operand::new(Mode::Value, Some(e), Type::basic(BasicKind::UntypedBool)));
                    return (xs, true);
                }
                (xs, false)
            }
            _ => (es.iter().map(|e| self.expr(e)).collect(), false),
        }
    }

    /// `assignment mismatch: 2 variables but f() returns 1 value`.
    pub fn assign_error(&mut self, rhs: &'a [ast::Expr], nvars: usize, nvals: usize) {
        let measure = |n: usize, unit: &str| {
            if n == 1 {
                format!("{} {}", n, unit)
            } else {
                format!("{} {}s", n, unit)
            }
        };
        let vars = measure(nvars, "variable");
        let vals = measure(nvals, "value");
        let Some(rhs0) = rhs.first() else { return };
        if rhs.len() == 1 {
            if let ExprKind::Call { func, .. } = &rhs0.unparen().kind {
                self.error(
                    rhs0.span,
                    format!(
                        "assignment mismatch: {} but {} returns {}",
                        vars,
                        crate::typestring::expr_string(func),
                        vals
                    ),
                );
                return;
            }
        }
        self.error(
            rhs0.span,
            format!("assignment mismatch: {} but {}", vars, vals),
        );
    }

    /// `(int, string)` as go/types' typesSummary prints operand types.
    pub fn types_summary(&self, ts: &[Type]) -> String {
        let parts: Vec<String> = ts
            .iter()
            .map(|t| {
                if t.is_invalid() {
                    "unknown type".to_string()
                } else if t.is_untyped() {
                    // "number" implies no particular type; other untyped
                    // kinds drop the "untyped" qualifier (`string`, `nil`).
                    if t.is_numeric() {
                        "number".to_string()
                    } else {
                        self.type_str(t).replace("untyped ", "")
                    }
                } else {
                    self.type_str(t)
                }
            })
            .collect();
        format!("({})", parts.join(", "))
    }

    /// Initialises `lhs` variables from `rhs` (a var declaration, `:=`, or
    /// with `return_span` set, a return statement's results).
    pub fn init_vars(&mut self, lhs: &[Obj], rhs: &'a [ast::Expr], return_span: Option<Span>) {
        let context = if return_span.is_some() {
            "return statement"
        } else {
            "assignment"
        };
        self.init_vars_in(lhs, rhs, return_span, context)
    }

    /// [`Checker::init_vars`] with an explicit context for assignability errors.
    pub(crate) fn init_vars_in(
        &mut self,
        lhs: &[Obj],
        rhs: &'a [ast::Expr],
        return_span: Option<Span>,
        context: &str,
    ) {
        let (mut xs, comma_ok) = self.expr_list(rhs, lhs.len() == 2 && return_span.is_none());
        if lhs.len() != xs.len() {
            for o in lhs {
                o.set_used(true);
                if !o.has_type() {
                    o.set_type(Type::invalid());
                }
            }
            if xs.iter().any(|x| x.is_invalid()) {
                return;
            }
            if let Some(rs) = return_span {
                let (at, q) = if xs.len() > lhs.len() {
                    (xs[lhs.len()].span(), "too many")
                } else if let Some(x) = xs.last() {
                    (x.span(), "not enough")
                } else {
                    (rs, "not enough")
                };
                let have: Vec<Type> = xs.iter().map(|x| x.ty.clone()).collect();
                let want: Vec<Type> = lhs.iter().map(|o| o.ty()).collect();
                let msg = format!(
                    "{} return values\n\thave {}\n\twant {}",
                    q,
                    self.types_summary(&have),
                    self.types_summary(&want)
                );
                self.error(at, msg);
                return;
            }
            self.assign_error(rhs, lhs.len(), xs.len());
            return;
        }
        for (o, x) in lhs.iter().zip(xs.iter_mut()) {
            self.init_var(o, x, context);
        }
        if comma_ok {
            if let Some(e) = rhs.first() {
                self.record_comma_ok(e);
            }
        }
    }

    fn record_comma_ok(&mut self, e: &'a ast::Expr) {
        let key = (e.span.file, e.id);
        if let Some(tv) = self.info.types.get(&key).cloned() {
            let t = Type::new(TypeKind::Tuple(vec![
                tv.ty.clone(),
                Type::basic(BasicKind::Bool),
            ]));
            self.info.types.insert(
                key,
                crate::checker::TypeAndValue {
                    mode: tv.mode,
                    ty: t,
                },
            );
        }
    }

    /// `lhs = rhs` with several expressions on either side.
    pub fn assign_vars(&mut self, lhs: &'a [ast::Expr], rhs: &'a [ast::Expr]) {
        let (mut xs, comma_ok) = self.expr_list(rhs, lhs.len() == 2);
        if lhs.len() != xs.len() {
            self.use_lhs(lhs);
            if xs.iter().any(|x| x.is_invalid()) {
                return;
            }
            self.assign_error(rhs, lhs.len(), xs.len());
            return;
        }
        for (l, x) in lhs.iter().zip(xs.iter_mut()) {
            self.assign_var(l, x);
        }
        if comma_ok {
            if let Some(e) = rhs.first() {
                self.record_comma_ok(e);
            }
        }
    }

    /// `lhs := rhs`; `op_span` is the position of `:=`.
    pub fn short_var_decl(&mut self, op_span: Span, lhs: &'a [ast::Expr], rhs: &'a [ast::Expr]) {
        let scope = self.scope.clone();
        let mut seen: Vec<gox_syntax::Symbol> = Vec::with_capacity(lhs.len());
        let mut lhs_vars: Vec<Obj> = Vec::with_capacity(lhs.len());
        let mut new_vars: Vec<(Obj, &'a ast::Ident)> = Vec::with_capacity(lhs.len());
        let mut has_err = false;
        for e in lhs {
            let ExprKind::Ident(id) = &e.kind else {
                self.use_lhs(std::slice::from_ref(e));
                self.error(
                    e.span,
                    format!(
                        "non-name {} on left side of :=",
                        crate::typestring::expr_string(e)
                    ),
                );
                has_err = true;
                lhs_vars.push(self.dummy_var(e.span));
                continue;
            };
            if !id.is_blank() {
                if seen.contains(&id.name) {
                    self.error(e.span, format!("{} repeated on left side of :=", id.name));
                    has_err = true;
                    lhs_vars.push(self.dummy_var(e.span));
                    continue;
                }
                seen.push(id.name);
            }
            if let Some(alt) = scope.lookup(id.name) {
                self.record_use(id, &alt);
                if alt.is_var() {
                    lhs_vars.push(alt);
                } else {
                    self.error(e.span, format!("cannot assign to {}", id.name));
                    has_err = true;
                    lhs_vars.push(self.dummy_var(e.span));
                }
                continue;
            }
            let obj = Object::new(
                id.name,
                id.span,
                Some(self.pkg.clone()),
                ObjectKind::Var {
                    field: false,
                    embedded: false,
                },
                None,
            );
            self.record_def(id, Some(obj.clone()));
            if !id.is_blank() {
                new_vars.push((obj.clone(), id));
            }
            lhs_vars.push(obj);
        }
        self.init_vars(&lhs_vars, rhs, None);
        if new_vars.is_empty() && !has_err {
            self.error(op_span, "no new variables on left side of :=");
            return;
        }
        for (o, _) in new_vars {
            if let Some(alt) = scope.insert(o.clone()) {
                self.report_redeclared(&o, &alt);
            }
        }
    }

    fn dummy_var(&self, span: Span) -> Obj {
        Object::new(
            gox_syntax::Symbol::intern("_"),
            span,
            Some(self.pkg.clone()),
            ObjectKind::Var {
                field: false,
                embedded: false,
            },
            None,
        )
    }

    /// The `error` type.
    pub fn error_type(&self) -> Type {
        universe().error_type.clone()
    }
}
