//! Binary operators: arithmetic, comparisons and shifts, and the
//! implicit conversion of untyped operands between them.

use gox_common::Span;
use gox_syntax::ast::{self, BinaryOp};

use crate::checker::Checker;
use crate::constant::{self, Value};
use crate::operand::{Mode, Operand};
use crate::predicates::{comparable, default_type, has_nil, identical};
use crate::types::{BasicKind, Type, TypeKind};

impl<'a> Checker<'a> {
    /// `x op y` for the binary operators (also used for `x op= y` with `e` None).
    pub fn binary(
        &mut self,
        e: Option<&'a ast::Expr>,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        op: BinaryOp,
        op_span: Span,
    ) -> Operand<'a> {
        // A left-nested chain (`a + b + c + ...`: the parser's shape for a
        // long sum) is evaluated bottom-up in a loop rather than by
        // recursion, in the same order.
        let mut spine: Vec<&'a ast::Expr> = Vec::new();
        let mut first = lhs;
        while let ast::ExprKind::Binary { x, .. } = &first.kind {
            spine.push(first);
            first = x;
        }
        let mut x = self.expr(first);
        for node in spine.into_iter().rev() {
            let ast::ExprKind::Binary { x: l, y: r, op, op_span } = &node.kind else {
                continue;
            };
            let y = self.expr(r);
            let v = self.binary_operands(Some(node), l, r, x, y, *op, *op_span);
            x = self.finish_expr(node, v);
        }
        let y = self.expr(rhs);
        self.binary_operands(e, lhs, rhs, x, y, op, op_span)
    }

    /// `x op y` with both operands evaluated.
    #[allow(clippy::too_many_arguments)]
    fn binary_operands(
        &mut self,
        e: Option<&'a ast::Expr>,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        mut x: Operand<'a>,
        mut y: Operand<'a>,
        op: BinaryOp,
        op_span: Span,
    ) -> Operand<'a> {
        if x.is_invalid() {
            return x;
        }
        if y.is_invalid() {
            x.invalidate();
            x.expr = y.expr;
            return x;
        }
        if op.is_shift() {
            self.shift(&mut x, &mut y, e, op, op_span);
            return x;
        }
        self.match_types(&mut x, &mut y);
        if x.is_invalid() {
            return x;
        }
        if op.is_comparison() {
            self.comparison(&mut x, &mut y, op, false, e);
            return x;
        }
        if !identical(&x.ty, &y.ty) {
            if !x.ty.is_invalid() && !y.ty.is_invalid() {
                match e {
                    Some(e) => self.invalid_op(
                        e.span,
                        format!(
                            "{} (mismatched types {} and {})",
                            crate::typestring::expr_string(e),
                            self.type_str(&x.ty),
                            self.type_str(&y.ty)
                        ),
                    ),
                    None => self.invalid_op(
                        lhs.span,
                        format!(
                            "{} {}= {} (mismatched types {} and {})",
                            crate::typestring::expr_string(lhs),
                            op.text(),
                            crate::typestring::expr_string(rhs),
                            self.type_str(&x.ty),
                            self.type_str(&y.ty)
                        ),
                    ),
                }
            }
            x.invalidate();
            return x;
        }
        let ok = match op {
            BinaryOp::Add => x.ty.is_numeric() || x.ty.is_string(),
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Quo => x.ty.is_numeric(),
            BinaryOp::Rem | BinaryOp::And | BinaryOp::Or | BinaryOp::Xor | BinaryOp::AndNot => {
                x.ty.is_integer()
            }
            BinaryOp::LAnd | BinaryOp::LOr => x.ty.is_boolean(),
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
        if matches!(op, BinaryOp::Quo | BinaryOp::Rem) {
            if let Mode::Constant(yv) = &y.mode {
                if (x.is_constant() || x.ty.is_integer()) && yv.is_numeric() && yv.sign() == 0 {
                    self.invalid_op(y.span(), "division by zero");
                    x.invalidate();
                    return x;
                }
            }
        }
        if let (Mode::Constant(xv), Mode::Constant(yv)) = (&x.mode, &y.mode) {
            if xv.is_unknown() || yv.is_unknown() {
                x.mode = Mode::Constant(Value::Unknown);
                return x;
            }
            let r = if op == BinaryOp::Quo && x.ty.is_integer() {
                constant::binary_op_int_div(xv, yv)
            } else {
                constant::binary_op(xv, op, yv)
            };
            match r {
                Ok(v) => {
                    x.mode = Mode::Constant(v);
                    x.expr = e;
                    self.overflow(&mut x, op_span);
                }
                Err(constant::ConstError::DivByZero) => {
                    self.invalid_op(y.span(), "division by zero");
                    x.invalidate();
                }
                Err(_) => {
                    self.error(op_span, "constant result is not representable");
                    x.mode = Mode::Constant(Value::Unknown);
                }
            }
            return x;
        }
        x.mode = Mode::Value;
        x
    }

    fn match_types(&mut self, x: &mut Operand<'a>, y: &mut Operand<'a>) {
        let may_convert = |x: &Operand<'_>, y: &Operand<'_>| -> bool {
            if !x.ty.is_untyped() && !y.ty.is_untyped() {
                return false;
            }
            if x.ty.is_numeric() != y.ty.is_numeric() {
                return false;
            }
            if x.ty.is_boolean() != y.ty.is_boolean() {
                return false;
            }
            if x.ty.is_string() != y.ty.is_string() {
                return false;
            }
            if x.is_nil() {
                return has_nil(&y.ty);
            }
            if y.is_nil() {
                return has_nil(&x.ty);
            }
            if x.ty.pointer_elem().is_some() || y.ty.pointer_elem().is_some() {
                return false;
            }
            true
        };
        if may_convert(x, y) {
            let yt = y.ty.clone();
            self.convert_untyped(x, &yt);
            if x.is_invalid() {
                return;
            }
            let xt = x.ty.clone();
            self.convert_untyped(y, &xt);
            if y.is_invalid() {
                x.invalidate();
            }
        }
    }

    fn kind_string(&self, t: &Type) -> String {
        match t.under().kind() {
            TypeKind::Array { .. } => "array".into(),
            TypeKind::Slice(_) => "slice".into(),
            TypeKind::Struct(_) => "struct".into(),
            TypeKind::Pointer(_) => "pointer".into(),
            TypeKind::Signature(_) => "func".into(),
            TypeKind::Interface(_) => "interface".into(),
            TypeKind::Map { .. } => "map".into(),
            TypeKind::Chan { .. } => "chan".into(),
            _ => self.type_str(t),
        }
    }

    fn incomparable_cause(&self, t: &Type) -> String {
        match t.under().kind() {
            TypeKind::Slice(_) | TypeKind::Signature(_) | TypeKind::Map { .. } => {
                format!("{} can only be compared to nil", self.kind_string(t))
            }
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    if !comparable(&f.ty_ref()) {
                        return format!(
                            "struct containing {} cannot be compared",
                            self.type_str(&f.ty_ref())
                        );
                    }
                }
                String::new()
            }
            TypeKind::Array { elem, .. } => format!("{} cannot be compared", self.type_str(elem)),
            _ => String::new(),
        }
    }

    /// `x op y` for comparisons; with `switch_case`, `x` is a case value
    /// and `y` the switch tag (error wording `invalid case`).
    pub fn comparison(
        &mut self,
        x: &mut Operand<'a>,
        y: &mut Operand<'a>,
        op: BinaryOp,
        switch_case: bool,
        e: Option<&'a ast::Expr>,
    ) {
        if x.ty.is_invalid() || y.ty.is_invalid() {
            x.invalidate();
            return;
        }
        let op = if switch_case { BinaryOp::Eql } else { op };
        let mut err_on_y = false;
        let mut cause = String::new();
        let mut failed = false;
        let ok = self.assignable_to(x, &y.ty.clone()).0 || self.assignable_to(y, &x.ty.clone()).0;
        if !ok {
            // go/types reports a mismatch at the first operand.
            cause = format!(
                "mismatched types {} and {}",
                self.type_str(&x.ty),
                self.type_str(&y.ty)
            );
            failed = true;
        } else if matches!(op, BinaryOp::Eql | BinaryOp::Neq) {
            if x.is_nil() || y.is_nil() {
                let t = if x.is_nil() { &y.ty } else { &x.ty };
                if !has_nil(t) {
                    err_on_y = true;
                    failed = true;
                }
            } else if !comparable(&x.ty) {
                cause = self.incomparable_cause(&x.ty);
                failed = true;
            } else if !comparable(&y.ty) {
                err_on_y = true;
                cause = self.incomparable_cause(&y.ty);
                failed = true;
            }
        } else if !x.ty.is_ordered() {
            failed = true;
        } else if !y.ty.is_ordered() {
            err_on_y = true;
            failed = true;
        }
        if failed {
            if cause.is_empty() {
                let t = if err_on_y { &y.ty } else { &x.ty };
                cause = format!(
                    "operator {} not defined on {}",
                    op.text(),
                    self.kind_string(t)
                );
            }
            let xs = x
                .expr
                .map(crate::typestring::expr_string)
                .unwrap_or_default();
            let ys = y
                .expr
                .map(crate::typestring::expr_string)
                .unwrap_or_default();
            if switch_case {
                self.error(
                    x.span(),
                    format!("invalid case {} in switch on {} ({})", xs, ys, cause),
                );
            } else {
                let span = if err_on_y { y.span() } else { x.span() };
                self.invalid_op(
                    span,
                    format!("cannot compare {} {} {} ({})", xs, op.text(), ys, cause),
                );
            }
            x.invalidate();
            return;
        }
        if let (Mode::Constant(a), Mode::Constant(b)) = (&x.mode, &y.mode) {
            x.mode = Mode::Constant(Value::make_bool(constant::compare(a, op, b)));
        } else {
            x.mode = Mode::Value;
            if let Some(xe) = x.expr {
                self.update_expr_type(xe, &default_type(&x.ty), true);
            }
            if let Some(ye) = y.expr {
                self.update_expr_type(ye, &default_type(&y.ty), true);
            }
        }
        x.ty = Type::basic(BasicKind::UntypedBool);
        if let Some(e) = e {
            x.expr = Some(e);
        }
    }

    fn shift(
        &mut self,
        x: &mut Operand<'a>,
        y: &mut Operand<'a>,
        e: Option<&'a ast::Expr>,
        op: BinaryOp,
        op_span: Span,
    ) {
        let xval = x.value().map(|v| v.to_int());
        let lhs_ok =
            x.ty.is_integer() || (x.ty.is_untyped() && xval.as_ref().is_some_and(|v| v.is_int()));
        if !lhs_ok {
            self.invalid_op(
                x.span(),
                format!("shifted operand {} must be integer", self.op_str(x)),
            );
            x.invalidate();
            return;
        }
        if let Mode::Constant(yv) = &y.mode {
            let yi = yv.to_int();
            if yi.is_int() && yi.sign() < 0 {
                self.invalid_op(y.span(), format!("negative shift count {}", self.op_str(y)));
                x.invalidate();
                return;
            }
            if y.ty.is_untyped() {
                self.representable(y, BasicKind::Uint, &Type::basic(BasicKind::Uint));
                if y.is_invalid() {
                    x.invalidate();
                    return;
                }
            }
        } else if y.ty.is_integer() {
        } else if y.ty.is_untyped() {
            self.convert_untyped(y, &Type::basic(BasicKind::Uint));
            if y.is_invalid() {
                x.invalidate();
                return;
            }
        } else {
            self.invalid_op(
                y.span(),
                format!("shift count {} must be integer", self.op_str(y)),
            );
            x.invalidate();
            return;
        }
        if let Mode::Constant(_) = &x.mode {
            if let Mode::Constant(yv) = &y.mode {
                let xv = xval.unwrap_or(Value::Unknown);
                if xv.is_unknown() || yv.is_unknown() {
                    x.mode = Mode::Constant(Value::Unknown);
                    if !x.ty.is_integer() {
                        x.ty = Type::basic(BasicKind::UntypedInt);
                    }
                    return;
                }
                let s = match yv.to_int().uint64_val() {
                    Some(s) if s <= constant::MAX_SHIFT => s,
                    _ => {
                        self.invalid_op(
                            y.span(),
                            format!("invalid shift count {}", self.op_str(y)),
                        );
                        x.invalidate();
                        return;
                    }
                };
                if !x.ty.is_integer() {
                    x.ty = Type::basic(BasicKind::UntypedInt);
                }
                match constant::shift(&xv, op, s) {
                    Ok(v) => {
                        x.mode = Mode::Constant(v);
                        x.expr = e;
                        self.overflow(x, op_span);
                    }
                    Err(_) => {
                        self.invalid_op(
                            y.span(),
                            format!("invalid shift count {}", self.op_str(y)),
                        );
                        x.invalidate();
                    }
                }
                return;
            }
            if x.ty.is_untyped() {
                // Non-constant shift of an untyped constant: its type is
                // decided by the context (checked in update_expr_type).
                if let Some(xe) = x.expr {
                    self.shift_lhs.insert((xe.span.file, xe.id));
                }
                x.mode = Mode::Value;
                if let Some(e) = e {
                    x.expr = Some(e);
                }
                return;
            }
        }
        if !x.ty.is_integer() {
            self.invalid_op(
                x.span(),
                format!("shifted operand {} must be integer", self.op_str(x)),
            );
            x.invalidate();
            return;
        }
        x.mode = Mode::Value;
    }
}
