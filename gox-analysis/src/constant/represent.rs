//! Whether a constant value fits a basic type (go/types `representableConst`).

use super::{Float, Value};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive};
use std::fmt;

/// The basic type a constant is converted or assigned to. `int`/`uint` are
/// `Int { bits: 64, .. }` (GoX targets 64-bit), `byte` is 8-bit unsigned,
/// `rune` 32-bit signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BasicTarget {
    Bool,
    String,
    /// A sized integer type; `bits` is 8, 16, 32 or 64.
    Int { bits: u32, signed: bool },
    Float32,
    Float64,
    UntypedInt,
    UntypedRune,
    UntypedFloat,
    UntypedBool,
    UntypedString,
}

impl BasicTarget {
    pub fn is_integer(self) -> bool {
        matches!(self, BasicTarget::Int { .. } | BasicTarget::UntypedInt | BasicTarget::UntypedRune)
    }

    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, BasicTarget::Float32 | BasicTarget::Float64 | BasicTarget::UntypedFloat)
    }
}

/// Why a constant is not representable (go/types error codes
/// `TruncatedFloat`, `NumericOverflow`, `InvalidConstVal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepresentError {
    /// A float value does not fit an integer type: `1.5 (untyped float
    /// constant) truncated to int`. Also reported for integral floats that
    /// overflow the integer type, as go/types does for float-typed operands.
    Truncated,
    /// A numeric value is out of range: `constant 300 overflows byte`.
    Overflow,
    /// The value's kind does not fit the type at all (e.g. a string as int).
    NotRepresentable,
}

impl RepresentError {
    /// The diagnostic in go/types' words, given the operand as go/types
    /// prints it (`300 (untyped int constant)`) and the type's name.
    pub fn message(self, operand: &str, target: &str) -> String {
        match self {
            RepresentError::Truncated => format!("{} truncated to {}", operand, target),
            RepresentError::Overflow => format!("{} overflows {}", operand, target),
            RepresentError::NotRepresentable => format!("cannot convert {} to {}", operand, target),
        }
    }
}

impl fmt::Display for RepresentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RepresentError::Truncated => "truncated",
            RepresentError::Overflow => "overflows",
            RepresentError::NotRepresentable => "cannot convert",
        })
    }
}

impl std::error::Error for RepresentError {}

fn int_fits(i: &BigInt, bits: u32, signed: bool) -> bool {
    if let Some(v) = i.to_i64() {
        return match (signed, bits) {
            (true, b) if b >= 64 => true,
            (true, b) => {
                let lim = 1i64 << (b - 1);
                -lim <= v && v < lim
            }
            (false, b) if b >= 64 => v >= 0,
            (false, b) => v >= 0 && v < (1i64 << b),
        };
    }
    // Does not fit an i64.
    if signed {
        // Only wider-than-64-bit signed types could hold it (none in GoX).
        let lim = BigInt::one() << (bits.max(1) - 1);
        -&lim <= *i && *i < lim
    } else {
        !i.is_negative() && i.bits() <= bits as u64
    }
}

/// The value of `x` as a constant of type `target`: integers for integer
/// types, float32/float64 rounding for sized floats, `x` itself otherwise.
/// `Unknown` is representable by every type (no follow-up errors).
pub fn representable(x: &Value, target: BasicTarget) -> Result<Value, RepresentError> {
    if x.is_unknown() {
        return Ok(Value::Unknown);
    }
    let numeric_error = || {
        if !x.is_numeric() || !target.is_numeric() {
            RepresentError::NotRepresentable
        } else if matches!(x, Value::Float(_)) && target.is_integer() {
            RepresentError::Truncated
        } else {
            RepresentError::Overflow
        }
    };
    match target {
        BasicTarget::Bool | BasicTarget::UntypedBool => match x {
            Value::Bool(_) => Ok(x.clone()),
            _ => Err(RepresentError::NotRepresentable),
        },
        BasicTarget::String | BasicTarget::UntypedString => match x {
            Value::String(_) => Ok(x.clone()),
            _ => Err(RepresentError::NotRepresentable),
        },
        BasicTarget::Int { bits, signed } => match x.to_int() {
            Value::Int(i) if int_fits(&i, bits, signed) => Ok(Value::Int(i)),
            _ => Err(numeric_error()),
        },
        BasicTarget::UntypedInt | BasicTarget::UntypedRune => match x.to_int() {
            v @ Value::Int(_) => Ok(v),
            _ => Err(numeric_error()),
        },
        BasicTarget::Float32 | BasicTarget::Float64 => {
            let f = match x.to_float() {
                Value::Float(f) => f,
                _ => return Err(numeric_error()),
            };
            let r = if target == BasicTarget::Float32 { f.to_f32() as f64 } else { f.to_f64() };
            Float::from_f64(r).map(Value::Float).ok_or(RepresentError::Overflow)
        }
        BasicTarget::UntypedFloat => match x {
            Value::Int(_) | Value::Float(_) => Ok(x.clone()),
            _ => Err(numeric_error()),
        },
    }
}

