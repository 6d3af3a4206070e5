//! Operands: the intermediate result of checking an expression, and
//! assignability (spec "Assignability").

use gox_common::Span;
use gox_syntax::ast;

use crate::checker::Checker;
use crate::constant::{representable, BasicTarget, RepresentError, Value};
use crate::objects::{Builtin, PackageId};
use crate::predicates::{has_name, identical};
use crate::types::{BasicKind, ChanDir, Type, TypeKind};

/// The addressing mode of an operand (go/types' `operandMode`).
#[derive(Clone, Debug)]
pub enum Mode {
    Invalid,
    /// A call of a function without results.
    NoValue,
    Builtin(Builtin),
    TypeExpr,
    Constant(Value),
    /// An addressable variable.
    Variable,
    /// `m[k]`: assignable, and comma-ok on the right of an assignment.
    MapIndex,
    Value,
    /// A value that may be used in a comma-ok assignment (`x.(T)`, `<-c`).
    CommaOk,
}

impl Mode {
    pub fn word(&self) -> &'static str {
        match self {
            Mode::Invalid => "invalid operand",
            Mode::NoValue => "no value",
            Mode::Builtin(_) => "built-in",
            Mode::TypeExpr => "type",
            Mode::Constant(_) => "constant",
            Mode::Variable => "variable",
            Mode::MapIndex => "map index expression",
            Mode::Value => "value",
            Mode::CommaOk => "comma, ok expression",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Operand<'a> {
    pub mode: Mode,
    /// The expression the operand was computed from.
    pub expr: Option<&'a ast::Expr>,
    pub ty: Type,
}

impl<'a> Operand<'a> {
    pub fn invalid(expr: Option<&'a ast::Expr>) -> Operand<'a> {
        Operand {
            mode: Mode::Invalid,
            expr,
            ty: Type::invalid(),
        }
    }
    pub fn new(mode: Mode, expr: Option<&'a ast::Expr>, ty: Type) -> Operand<'a> {
        Operand { mode, expr, ty }
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self.mode, Mode::Invalid)
    }
    pub fn invalidate(&mut self) {
        self.mode = Mode::Invalid;
    }
    pub fn is_constant(&self) -> bool {
        matches!(self.mode, Mode::Constant(_))
    }
    pub fn value(&self) -> Option<&Value> {
        match &self.mode {
            Mode::Constant(v) => Some(v),
            _ => None,
        }
    }
    /// `nil` (the untyped nil value).
    pub fn is_nil(&self) -> bool {
        matches!(self.mode, Mode::Value) && self.ty.is_untyped_nil()
    }
    /// Whether the operand denotes a value (not a type, builtin or nothing).
    pub fn is_value(&self) -> bool {
        matches!(
            self.mode,
            Mode::Constant(_) | Mode::Variable | Mode::MapIndex | Mode::Value | Mode::CommaOk
        )
    }

    /// The span errors about this operand are reported at.
    pub fn span(&self) -> Span {
        self.expr.map(|e| e.span).unwrap_or_default()
    }

    /// go/types' operand string: `x (variable of type int)`,
    /// `300 (untyped int constant)`, `nil`.
    pub fn describe(&self, rel: Option<&PackageId>) -> String {
        self.describe_with(rel, &[])
    }

    /// As [`Operand::describe`], types printed by
    /// [`crate::typestring::type_string_with`].
    pub fn describe_with(&self, rel: Option<&PackageId>, by_path: &[gox_syntax::Symbol]) -> String {
        if matches!(self.mode, Mode::Value) && self.ty.is_untyped_nil() {
            return "nil".into();
        }
        let expr = match self.expr {
            Some(e) => crate::typestring::expr_string(e),
            None => match &self.mode {
                Mode::Builtin(b) => b.name().to_string(),
                Mode::TypeExpr => crate::typestring::type_string_with(&self.ty, rel, by_path),
                Mode::Constant(v) => v.to_string(),
                _ => String::new(),
            },
        };
        let mut buf = String::new();
        if !expr.is_empty() {
            buf.push_str(&expr);
            buf.push_str(" (");
        }
        let mut has_type = false;
        match self.mode {
            Mode::Invalid | Mode::NoValue | Mode::Builtin(_) | Mode::TypeExpr => {}
            _ => {
                if let TypeKind::Basic(b) = self.ty.kind() {
                    if b.kind.is_untyped() {
                        buf.push_str(b.name);
                        buf.push(' ');
                    } else {
                        has_type = true;
                    }
                } else {
                    has_type = true;
                }
            }
        }
        buf.push_str(self.mode.word());
        if let Mode::Constant(v) = &self.mode {
            let s = v.to_string();
            if s != expr {
                buf.push(' ');
                buf.push_str(&s);
            }
        }
        if has_type {
            if self.ty.is_invalid() {
                buf.push_str(" with invalid type");
            } else {
                buf.push_str(" of type ");
                buf.push_str(&crate::typestring::type_string_with(&self.ty, rel, by_path));
            }
        }
        if !expr.is_empty() {
            buf.push(')');
        }
        buf
    }
}

impl<'a> Checker<'a> {
    /// Whether `x` is assignable to a variable of type `t`; on failure an
    /// optional explanation (`missing method M`, ...) for the error.
    pub fn assignable_to(&mut self, x: &Operand<'_>, t: &Type) -> (bool, Option<String>) {
        if x.is_invalid() || t.is_invalid() {
            return (true, None);
        }
        let v = &x.ty;
        if identical(v, t) {
            return (true, None);
        }
        let vu = v.under();
        let tu = t.under();
        if v.is_untyped() {
            if let TypeKind::Basic(tb) = tu.kind() {
                if let Mode::Constant(val) = &x.mode {
                    return (self.representable_value(val, tb.kind).is_ok(), None);
                }
                if let TypeKind::Basic(vb) = vu.kind() {
                    if vb.kind == BasicKind::UntypedBool {
                        return (tb.kind.is_boolean(), None);
                    }
                }
            }
            return (self.implicit_type_and_value(x, t).is_ok(), None);
        }
        if identical(&vu, &tu) && (!has_name(v) || !has_name(t)) {
            return (true, None);
        }
        if let TypeKind::Interface(_) = tu.kind() {
            if self.satisfies(v, t) {
                return (true, None);
            }
            return (false, self.implements(v, t));
        }
        if let TypeKind::Interface(_) = vu.kind() {
            if self.satisfies(t, v) {
                return (false, Some("need type assertion".into()));
            }
            return (false, None);
        }
        if let (
            TypeKind::Chan {
                dir: ChanDir::Both,
                elem: e1,
            },
            TypeKind::Chan { elem: e2, .. },
        ) = (vu.kind(), tu.kind())
        {
            if identical(e1, e2) {
                return (!has_name(v) || !has_name(t), None);
            }
        }
        (false, None)
    }
}

/// The constant representation target of a basic kind.
pub fn basic_target(kind: BasicKind) -> Option<BasicTarget> {
    use BasicKind::*;
    Some(match kind {
        Bool => BasicTarget::Bool,
        String => BasicTarget::String,
        Int | Int64 => BasicTarget::Int {
            bits: 64,
            signed: true,
        },
        Int8 => BasicTarget::Int {
            bits: 8,
            signed: true,
        },
        Int16 => BasicTarget::Int {
            bits: 16,
            signed: true,
        },
        Int32 => BasicTarget::Int {
            bits: 32,
            signed: true,
        },
        Uint | Uint64 => BasicTarget::Int {
            bits: 64,
            signed: false,
        },
        Uint8 => BasicTarget::Int {
            bits: 8,
            signed: false,
        },
        Uint16 => BasicTarget::Int {
            bits: 16,
            signed: false,
        },
        Uint32 => BasicTarget::Int {
            bits: 32,
            signed: false,
        },
        Float32 => BasicTarget::Float32,
        Float64 => BasicTarget::Float64,
        UntypedBool => BasicTarget::UntypedBool,
        UntypedInt => BasicTarget::UntypedInt,
        UntypedRune => BasicTarget::UntypedRune,
        UntypedFloat => BasicTarget::UntypedFloat,
        UntypedString => BasicTarget::UntypedString,
        Invalid | UntypedNil => return None,
    })
}

impl<'a> Checker<'a> {
    /// `v` as a constant of basic kind `kind` (go/types `representableConst`).
    pub fn representable_value(&self, v: &Value, kind: BasicKind) -> Result<Value, RepresentError> {
        if kind == BasicKind::Invalid {
            return Ok(Value::Unknown);
        }
        match basic_target(kind) {
            Some(t) => representable(v, t),
            None => Err(RepresentError::NotRepresentable),
        }
    }
}
