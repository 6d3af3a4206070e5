//! Conversions `T(x)` (spec "Conversions").

use crate::checker::Checker;
use crate::constant::Value;
use crate::operand::{Mode, Operand};
use crate::predicates::{default_type, identical, identical_ignore_tags};
use crate::types::{BasicKind, Type, TypeKind};

fn is_bytes_or_runes(t: &Type) -> bool {
    match t.under().kind() {
        TypeKind::Slice(e) => matches!(
            e.under().basic_kind(),
            Some(BasicKind::Uint8 | BasicKind::Int32)
        ),
        _ => false,
    }
}

impl<'a> Checker<'a> {
    /// Converts `x` to type `t` in place, reporting
    /// `cannot convert x to type T` or `constant 300 overflows byte`.
    pub fn conversion(&mut self, x: &mut Operand<'a>, t: &Type) {
        let const_arg = x.is_constant();
        let mut ok = false;
        let mut cause = None;
        if const_arg && t.is_const_type() {
            let tk = t.basic_kind().unwrap_or(BasicKind::Invalid);
            let v = x.value().cloned().unwrap_or(Value::Unknown);
            match self.representable_value(&v, tk) {
                Ok(nv) => {
                    x.mode = Mode::Constant(nv);
                    ok = true;
                }
                Err(_) => {
                    if x.ty.is_integer() && tk.is_string() {
                        let s = match v.uint64_val() {
                            Some(i) if i <= 0x10FFFF => {
                                char::from_u32(i as u32).unwrap_or('\u{FFFD}')
                            }
                            _ => '\u{FFFD}',
                        };
                        x.mode = Mode::Constant(Value::make_string(&s.to_string()));
                        ok = true;
                    } else if x.ty.is_integer() && tk.is_integer() {
                        self.error(
                            x.span(),
                            format!("constant {} overflows {}", v, self.type_str(t)),
                        );
                        x.invalidate();
                        return;
                    }
                }
            }
        } else {
            let (c, why) = self.convertible_to(x, t);
            if c {
                ok = true;
                x.mode = Mode::Value;
            }
            cause = why;
        }
        if !ok {
            match cause {
                Some(c) => self.error(
                    x.span(),
                    format!(
                        "cannot convert {} to type {}: {}",
                        self.op_str(x),
                        self.type_str(t),
                        c
                    ),
                ),
                None => self.error(
                    x.span(),
                    format!(
                        "cannot convert {} to type {}",
                        self.op_str(x),
                        self.type_str(t)
                    ),
                ),
            }
            x.invalidate();
            return;
        }
        if x.ty.is_untyped() {
            let final_ = if t.is_interface() || (const_arg && !t.is_const_type()) || x.is_nil() {
                default_type(&x.ty)
            } else if const_arg && x.ty.is_integer() && t.is_string() {
                x.ty.clone()
            } else {
                t.clone()
            };
            if let Some(e) = x.expr {
                self.update_expr_type(e, &final_, true);
            }
        }
        x.ty = t.clone();
    }

    /// Whether a non-constant `x` can be converted to `t`.
    fn convertible_to(&mut self, x: &Operand<'a>, t: &Type) -> (bool, Option<String>) {
        let (ok, cause) = self.assignable_to(x, t);
        if ok {
            return (true, None);
        }
        let v = &x.ty;
        let vu = v.under();
        let tu = t.under();
        if identical_ignore_tags(&vu, &tu) {
            return (true, None);
        }
        if let (TypeKind::Pointer(vb), TypeKind::Pointer(tb)) = (v.kind(), t.kind()) {
            if identical_ignore_tags(&vb.under(), &tb.under()) {
                return (true, None);
            }
        }
        let num = |u: &Type| u.is_integer() || u.is_float();
        if num(&vu) && num(&tu) {
            return (true, None);
        }
        if (vu.is_integer() || is_bytes_or_runes(&vu)) && tu.is_string() {
            return (true, None);
        }
        if vu.is_string() && is_bytes_or_runes(&tu) {
            return (true, None);
        }
        let _ = identical;
        (false, cause)
    }
}
