//! Expressions: the dispatcher ([`Checker::raw_expr`]), literals, unary and
//! binary operators, shifts, comparisons and untyped conversion.

use gox_common::Span;
use gox_syntax::ast::{self, BinaryOp, ExprKind, LitKind, UnaryOp};

use crate::checker::Checker;
use crate::constant::{self, RepresentError, Value};
use crate::operand::{Mode, Operand};
use crate::predicates::{default_type, has_nil};
use crate::types::{BasicKind, ChanDir, Type, TypeKind};

/// Why an untyped operand cannot take a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvFail {
    Truncated,
    Overflow,
    Invalid,
}

impl From<RepresentError> for ConvFail {
    fn from(e: RepresentError) -> ConvFail {
        match e {
            RepresentError::Truncated => ConvFail::Truncated,
            RepresentError::Overflow => ConvFail::Overflow,
            RepresentError::NotRepresentable => ConvFail::Invalid,
        }
    }
}

fn op_name(e: &ast::Expr) -> &'static str {
    match &e.kind {
        ExprKind::Binary { op, .. } => match op {
            BinaryOp::Add => "addition",
            BinaryOp::Sub => "subtraction",
            BinaryOp::Xor => "bitwise XOR",
            BinaryOp::Mul => "multiplication",
            BinaryOp::Shl => "shift",
            _ => "",
        },
        ExprKind::Unary {
            op: UnaryOp::Xor, ..
        } => "bitwise complement",
        _ => "",
    }
}

impl<'a> Checker<'a> {
    /// A single-valued expression (a value or constant). Reports types,
    /// builtins, no-value calls and multi-value calls used as values.
    pub fn expr(&mut self, e: &'a ast::Expr) -> Operand<'a> {
        self.expr_with_hint(e, None)
    }

    /// Like [`Checker::expr`]; `hint` is the element type for a composite
    /// literal with an elided type.
    pub fn expr_with_hint(&mut self, e: &'a ast::Expr, hint: Option<&Type>) -> Operand<'a> {
        let mut x = self.raw_expr(e, hint, false);
        self.exclude(&mut x, true);
        self.single_value(&mut x);
        x
    }

    /// An expression that may be a value or a type.
    pub fn expr_or_type(&mut self, e: &'a ast::Expr) -> Operand<'a> {
        let mut x = self.raw_expr(e, None, true);
        self.exclude_novalue_builtin(&mut x);
        self.single_value(&mut x);
        x
    }

    /// An expression that may be multi-valued (a call), e.g. on the right of
    /// an assignment: one operand per value.
    pub fn multi_expr(&mut self, e: &'a ast::Expr) -> Vec<Operand<'a>> {
        let mut x = self.raw_expr(e, None, false);
        self.exclude(&mut x, true);
        if let TypeKind::Tuple(ts) = x.ty.kind() {
            if x.is_value() {
                return ts
                    .iter()
                    .map(|t| Operand::new(Mode::Value, Some(e), t.clone()))
                    .collect();
            }
        }
        vec![x]
    }

    fn exclude(&mut self, x: &mut Operand<'a>, types_too: bool) {
        let msg = match &x.mode {
            Mode::NoValue => Some(format!(
                "{} (no value) used as value",
                x.expr
                    .map(crate::typestring::expr_string)
                    .unwrap_or_default()
            )),
            Mode::Builtin(_) => Some(format!("{} must be called", self.op_str(x))),
            Mode::TypeExpr if types_too => Some(format!("{} is not an expression", self.op_str(x))),
            _ => None,
        };
        if let Some(m) = msg {
            self.error(x.span(), m);
            x.invalidate();
        }
    }

    fn exclude_novalue_builtin(&mut self, x: &mut Operand<'a>) {
        // Only "no value" is excluded: a builtin or type may be selected on
        // or called by the caller.
        if let Mode::NoValue = x.mode {
            self.exclude(x, false)
        }
    }

    fn single_value(&mut self, x: &mut Operand<'a>) {
        if x.is_value() {
            if let TypeKind::Tuple(ts) = x.ty.kind() {
                let n = ts.len();
                // go/types: `2-valued f() (value of type (int, string)) where ...`
                self.error(
                    x.span(),
                    format!(
                        "{}-valued {} where single value is expected",
                        n,
                        self.op_str(x)
                    ),
                );
                x.invalidate();
            }
        }
    }

    /// Checks `e` and records its type and value. `allow_generic` is unused
    /// in GoX; `type_ok` lets type expressions through.
    pub fn raw_expr(
        &mut self,
        e: &'a ast::Expr,
        hint: Option<&Type>,
        _type_ok: bool,
    ) -> Operand<'a> {
        let mut x = stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.expr_internal(e, hint));
        // A value of an invalid type has had its error: no follow-on ones.
        if x.ty.is_invalid() && !matches!(x.mode, Mode::Invalid | Mode::Builtin(_) | Mode::NoValue | Mode::TypeExpr) {
            x.invalidate();
        }
        self.record_operand(e, &mut x);
        x
    }

    /// Records `x` as the result of `e` (as [`Checker::raw_expr`] does).
    fn record_operand(&mut self, e: &'a ast::Expr, x: &mut Operand<'a>) {
        x.expr = Some(e);
        if !x.is_invalid() {
            self.record_type(e, &x.mode, &x.ty);
        } else if !x.ty.is_invalid() {
            self.record_type(e, &x.mode, &Type::invalid());
        }
    }

    /// Finishes `x`, computed for `e` outside [`Checker::raw_expr`], as
    /// [`Checker::expr`] does.
    pub(crate) fn finish_expr(&mut self, e: &'a ast::Expr, mut x: Operand<'a>) -> Operand<'a> {
        self.record_operand(e, &mut x);
        self.exclude(&mut x, true);
        self.single_value(&mut x);
        x
    }

    fn expr_internal(&mut self, e: &'a ast::Expr, hint: Option<&Type>) -> Operand<'a> {
        match &e.kind {
            ExprKind::Bad => Operand::invalid(Some(e)),
            ExprKind::Ident(id) => self.ident(e, id, false),
            ExprKind::BasicLit(lit) => self.basic_lit(e, lit),
            ExprKind::CompositeLit {
                ty, elts, rbrace, ..
            } => self.composite_lit(e, ty.as_deref(), elts, e.token_span(*rbrace, 1), hint),
            ExprKind::KeyValue { .. } => {
                self.error(e.span, "no key:value expected");
                Operand::invalid(Some(e))
            }
            ExprKind::FuncLit { ty, body } => self.func_lit(e, ty, body),
            ExprKind::Paren(inner) => {
                let mut x = self.raw_expr(inner, hint, true);
                x.expr = Some(e);
                x
            }
            ExprKind::Selector { .. } => self.selector(e, false),
            ExprKind::Index { x, index, .. } => self.index_expr(e, x, index),
            ExprKind::Slice(s) => self.slice_expr(e, &s.x, s.lo.as_ref(), s.hi.as_ref(), s.max.as_ref(), s.slice3),
            ExprKind::TypeAssert { x, ty } => self.type_assert(e, x, ty.as_deref()),
            ExprKind::Call { .. } => self.call_expr(e),
            ExprKind::Star(inner) => {
                let mut x = self.expr_or_type(inner);
                match x.mode {
                    Mode::Invalid => {}
                    Mode::TypeExpr => {
                        // A pointer type.
                        let t = Type::new_pointer(x.ty.clone());
                        let base = x.ty.clone();
                        let span = e.span;
                        self.later(move |c| {
                            let u = base.under();
                            if !u.is_invalid() && !matches!(u.kind(), TypeKind::Struct(_)) {
                                c.error(
                                    span,
                                    format!("pointer to non-struct type {}", c.type_str(&base)),
                                );
                            }
                        });
                        x.ty = t;
                    }
                    _ => {
                        if x.ty.is_untyped_nil() {
                            self.invalid_op(x.span(), "cannot indirect nil");
                            x.invalidate();
                        } else if let Some(b) = x.ty.pointer_elem() {
                            x.mode = Mode::Variable;
                            x.ty = b;
                        } else {
                            if !x.ty.is_invalid() || matches!(x.mode, Mode::Builtin(_)) {
                                self.invalid_op(
                                    x.span(),
                                    format!("cannot indirect {}", self.op_str(&x)),
                                );
                            }
                            x.invalidate();
                        }
                    }
                }
                x
            }
            ExprKind::Unary { op, op_span, x } => self.unary(e, *op, *op_span, x),
            ExprKind::Binary { op, op_span, x, y } => self.binary(Some(e), x, y, *op, *op_span),
            ExprKind::ArrayType { .. }
            | ExprKind::StructType(_)
            | ExprKind::FuncType(_)
            | ExprKind::InterfaceType(_)
            | ExprKind::MapType { .. }
            | ExprKind::ChanType { .. } => {
                let t = self.type_expr(e);
                let mut x = Operand::new(Mode::TypeExpr, Some(e), t.clone());
                if t.is_invalid() {
                    x.invalidate();
                }
                x
            }
            ExprKind::Ellipsis(_) => {
                self.error(e.span, "invalid use of '...'");
                Operand::invalid(Some(e))
            }
        }
    }

    fn basic_lit(&mut self, e: &'a ast::Expr, lit: &ast::BasicLit) -> Operand<'a> {
        if lit.kind == LitKind::Imag {
            self.error(e.span, "complex numbers are not supported in GoX");
            return Operand::invalid(Some(e));
        }
        let kind = match lit.kind {
            LitKind::Int => BasicKind::UntypedInt,
            LitKind::Float => BasicKind::UntypedFloat,
            LitKind::Char => BasicKind::UntypedRune,
            _ => BasicKind::UntypedString,
        };
        match Value::from_literal(lit.kind, &lit.raw) {
            Ok(v) => Operand::new(Mode::Constant(v), Some(e), Type::basic(kind)),
            Err(msg) => {
                self.error(e.span, msg);
                Operand::invalid(Some(e))
            }
        }
    }

    fn func_lit(
        &mut self,
        e: &'a ast::Expr,
        ty: &'a ast::FuncType,
        body: &'a ast::Block,
    ) -> Operand<'a> {
        let scope = crate::scope::Scope::new(
            Some(self.scope.clone()),
            crate::scope::ScopeKind::Func,
            e.span,
        );
        self.record_scope(ty.span, &scope);
        let saved = std::mem::replace(&mut self.scope, scope.clone());
        let sig = self.func_type(&scope, None, ty);
        self.scope = saved;
        let saved_env = self.env.clone();
        self.func_body("", &sig, body, scope);
        let decl = saved_env.decl.clone();
        self.env = saved_env;
        self.env.decl = decl;
        Operand::new(Mode::Value, Some(e), sig)
    }

    fn unary(
        &mut self,
        e: &'a ast::Expr,
        op: UnaryOp,
        op_span: Span,
        inner: &'a ast::Expr,
    ) -> Operand<'a> {
        let mut x = self.expr(inner);
        if x.is_invalid() {
            return x;
        }
        match op {
            UnaryOp::Addr => {
                let is_lit = matches!(inner.unparen().kind, ExprKind::CompositeLit { .. });
                if !is_lit && !matches!(x.mode, Mode::Variable) {
                    self.invalid_op(
                        x.span(),
                        format!("cannot take address of {}", self.op_str(&x)),
                    );
                    x.invalidate();
                    return x;
                }
                let u = x.ty.under();
                if !u.is_invalid() && !matches!(u.kind(), TypeKind::Struct(_)) {
                    self.error(
                        x.span(),
                        format!(
                            "cannot take address of {}: pointer to non-struct type {}",
                            self.op_str(&x),
                            self.type_str(&x.ty)
                        ),
                    );
                    x.invalidate();
                    return x;
                }
                x.mode = Mode::Value;
                x.ty = Type::new_pointer(x.ty);
                x
            }
            UnaryOp::Recv => {
                let u = x.ty.under();
                match u.kind() {
                    TypeKind::Chan { dir, elem } => {
                        if *dir == ChanDir::Send {
                            self.invalid_op(
                                x.span(),
                                format!(
                                    "cannot receive from send-only channel {}",
                                    self.op_str(&x)
                                ),
                            );
                            x.invalidate();
                            return x;
                        }
                        x.mode = Mode::CommaOk;
                        x.ty = elem.clone();
                        self.env.has_call_or_recv = true;
                        x
                    }
                    _ => {
                        self.invalid_op(
                            x.span(),
                            format!("cannot receive from non-channel {}", self.op_str(&x)),
                        );
                        x.invalidate();
                        x
                    }
                }
            }
            UnaryOp::Tilde => {
                self.error(op_span, "type parameters are not supported in GoX");
                x.invalidate();
                x
            }
            _ => {
                let ok = match op {
                    UnaryOp::Pos | UnaryOp::Neg => x.ty.is_numeric(),
                    UnaryOp::Xor => x.ty.is_integer(),
                    UnaryOp::Not => x.ty.is_boolean(),
                    _ => false,
                };
                if !ok {
                    self.invalid_op(
                        x.span(),
                        format!("operator {} not defined on {}", op.text(), self.op_str(&x)),
                    );
                    x.invalidate();
                    return x;
                }
                if let Mode::Constant(v) = &x.mode {
                    if v.is_unknown() {
                        return x;
                    }
                    let prec = if x.ty.is_unsigned() {
                        x.ty.basic_kind().map_or(64, |k| k.size() * 8)
                    } else {
                        0
                    };
                    let nv = constant::unary_op(op, v, prec);
                    x.mode = Mode::Constant(nv);
                    x.expr = Some(e);
                    self.overflow(&mut x, op_span);
                    return x;
                }
                x.mode = Mode::Value;
                x
            }
        }
    }

    /// Checks a constant result: typed constants must be representable,
    /// untyped integers limited to 512 bits.
    pub(crate) fn overflow(&mut self, x: &mut Operand<'a>, op_span: Span) {
        let Mode::Constant(v) = &x.mode else { return };
        if v.is_unknown() {
            self.error(op_span, "constant result is not representable");
            return;
        }
        if let Value::String(s) = v {
            if s.len() > constant::MAX_STRING_LEN {
                self.error(
                    op_span,
                    format!(
                        "constant string too long: {} bytes (limit {})",
                        s.len(),
                        constant::MAX_STRING_LEN
                    ),
                );
                x.mode = Mode::Constant(Value::Unknown);
                return;
            }
        }
        if !x.ty.is_untyped() {
            if let Some(k) = x.ty.basic_kind() {
                self.representable(x, k, &x.ty.underlying());
            }
            return;
        }
        if constant::is_too_large(v) {
            let name = x.expr.map(op_name).unwrap_or("");
            self.error(op_span, format!("constant {} overflow", name));
            x.mode = Mode::Constant(Value::Unknown);
        }
    }

    /// Converts constant `x` to basic kind `k` in place, reporting
    /// `x overflows T` / `x truncated to T` / `cannot convert x to type T`.
    pub(crate) fn representable(&mut self, x: &mut Operand<'a>, k: BasicKind, target: &Type) {
        let Mode::Constant(v) = &x.mode else { return };
        match self.representable_value(v, k) {
            Ok(nv) => x.mode = Mode::Constant(nv),
            Err(err) => {
                self.invalid_conversion(err.into(), x, target);
                x.invalidate();
            }
        }
    }

    pub(crate) fn invalid_conversion(&mut self, code: ConvFail, x: &Operand<'a>, target: &Type) {
        let (xs, ts) = (self.op_str(x), self.type_str(target));
        let msg = match code {
            ConvFail::Truncated => format!("{} truncated to {}", xs, ts),
            ConvFail::Overflow => format!("{} overflows {}", xs, ts),
            ConvFail::Invalid => format!("cannot convert {} to type {}", xs, ts),
        };
        self.error(x.span(), msg);
    }

    /// The type (and converted constant value) untyped `x` takes in a
    /// context of type `target` (go/types `implicitTypeAndValue`).
    pub(crate) fn implicit_type_and_value(
        &self,
        x: &Operand<'_>,
        target: &Type,
    ) -> Result<(Type, Option<Value>), ConvFail> {
        if x.is_invalid() || !x.ty.is_untyped() || target.is_invalid() {
            return Ok((x.ty.clone(), None));
        }
        if target.is_untyped() {
            let xk = x.ty.basic_kind().unwrap_or(BasicKind::Invalid);
            let tk = target.basic_kind().unwrap_or(BasicKind::Invalid);
            if xk.is_numeric() && tk.is_numeric() {
                if xk < tk {
                    return Ok((target.clone(), None));
                }
            } else if xk != tk {
                return Err(ConvFail::Invalid);
            }
            return Ok((x.ty.clone(), None));
        }
        let tu = target.under();
        match tu.kind() {
            TypeKind::Basic(tb) => {
                if let Mode::Constant(v) = &x.mode {
                    let nv = self
                        .representable_value(v, tb.kind)
                        .map_err(ConvFail::from)?;
                    return Ok((target.clone(), Some(nv)));
                }
                let ok = match x.ty.basic_kind() {
                    Some(BasicKind::UntypedBool) => tb.kind.is_boolean(),
                    Some(
                        BasicKind::UntypedInt | BasicKind::UntypedRune | BasicKind::UntypedFloat,
                    ) => tb.kind.is_numeric(),
                    Some(BasicKind::UntypedString) => tb.kind.is_string(),
                    Some(BasicKind::UntypedNil) => {
                        if !has_nil(target) {
                            return Err(ConvFail::Invalid);
                        }
                        return Ok((Type::basic(BasicKind::UntypedNil), None));
                    }
                    _ => false,
                };
                if !ok {
                    return Err(ConvFail::Invalid);
                }
                Ok((target.clone(), None))
            }
            TypeKind::Interface(i) => {
                if x.is_nil() {
                    return Ok((Type::basic(BasicKind::UntypedNil), None));
                }
                if !i.is_empty() {
                    return Err(ConvFail::Invalid);
                }
                Ok((default_type(&x.ty), None))
            }
            TypeKind::Pointer(_)
            | TypeKind::Signature(_)
            | TypeKind::Slice(_)
            | TypeKind::Map { .. }
            | TypeKind::Chan { .. } => {
                if !x.is_nil() {
                    return Err(ConvFail::Invalid);
                }
                Ok((Type::basic(BasicKind::UntypedNil), None))
            }
            _ => Err(ConvFail::Invalid),
        }
    }

    /// Converts untyped `x` to `target` (go/types `convertUntyped`).
    pub fn convert_untyped(&mut self, x: &mut Operand<'a>, target: &Type) {
        match self.implicit_type_and_value(x, target) {
            Err(code) => {
                let t = target.under();
                self.invalid_conversion(code, x, &t);
                x.invalidate();
            }
            Ok((t, v)) => {
                if let Some(v) = v {
                    x.mode = Mode::Constant(v);
                }
                if !t.ptr_eq(&x.ty) {
                    x.ty = t.clone();
                    if let Some(e) = x.expr {
                        self.update_expr_type(e, &t, false);
                    }
                }
            }
        }
    }

    /// Gives untyped expression `e` (and its untyped operands) their final
    /// type; non-constant shifts whose untyped left operand becomes a
    /// non-integer type are reported here.
    pub(crate) fn update_expr_type(&mut self, e: &'a ast::Expr, t: &Type, final_: bool) {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.update_expr_type_inner(e, t, final_))
    }

    fn update_expr_type_inner(&mut self, e: &'a ast::Expr, t: &Type, final_: bool) {
        let key = (e.span.file, e.id);
        let Some(old) = self.info.types.get(&key).cloned() else {
            return;
        };
        if !old.ty.is_untyped() {
            return;
        }
        match &e.kind {
            ExprKind::Paren(x) => self.update_expr_type(x, t, final_),
            ExprKind::Unary { x, .. } => {
                if !matches!(old.mode, Mode::Constant(_)) {
                    self.update_expr_type(x, t, final_);
                }
            }
            ExprKind::Binary { op, x, y, .. } => {
                if !matches!(old.mode, Mode::Constant(_)) {
                    if op.is_comparison() {
                        // The result is untyped bool; operands were typed already.
                    } else if op.is_shift() {
                        self.update_expr_type(x, t, final_);
                    } else {
                        self.update_expr_type(x, t, final_);
                        self.update_expr_type(y, t, final_);
                    }
                }
            }
            _ => {}
        }
        let newt = t.clone();
        // The untyped lhs of a non-constant shift must become an integer.
        if self.is_shift_lhs(e) && !t.is_untyped() && !t.is_integer() && !t.is_invalid() {
            self.invalid_op(
                e.span,
                format!(
                    "shifted operand {} (type {}) must be integer",
                    crate::typestring::expr_string(e),
                    self.type_str(t)
                ),
            );
            return;
        }
        // A constant must be representable in its final type.
        if let Mode::Constant(v) = &old.mode {
            if !t.is_untyped() && !t.is_invalid() && !t.is_interface() {
                if let Some(k) = t.basic_kind() {
                    if let Err(err) = self.representable_value(v, k) {
                        let c = Operand::new(old.mode.clone(), Some(e), old.ty.clone());
                        self.invalid_conversion(err.into(), &c, &t.under());
                        return;
                    }
                }
            }
        }
        let mode = match old.mode {
            Mode::Constant(v) => Mode::Constant(v),
            m => m,
        };
        self.record_type(e, &mode, &newt);
    }

    pub(crate) fn is_shift_lhs(&self, e: &ast::Expr) -> bool {
        self.shift_lhs.contains(&(e.span.file, e.id))
    }
}
