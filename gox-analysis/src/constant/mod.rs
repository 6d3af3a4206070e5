//! Values of constant expressions and their operations: GoX's counterpart of
//! Go's `go/constant`, plus the representability rules of go/types.
//!
//! * Integers are unbounded [`BigInt`]s; the checker limits untyped integer
//!   results with [`is_too_large`] (more than 512 bits, as go/types does).
//! * Floats are exact fractions while reasonably sized and 512-bit binary
//!   floating-point numbers beyond that; see [`Float`].
//! * Strings are byte strings ([`ConstStr`]); concatenation is lazy.
//! * There are no complex values: GoX has no complex numbers.
//!
//! Operations on [`Value::Unknown`] yield `Unknown` (and comparisons `false`),
//! so that one error does not cascade.

mod float;
mod literal;
mod represent;
mod string;
#[cfg(test)]
mod tests;

pub use float::Float;
pub use literal::MAX_LITERAL_LEN;
pub use represent::{representable, BasicTarget, RepresentError};
pub use string::{quote, ConstStr};

use gox_syntax::ast::{BinaryOp, LitKind, UnaryOp};
use num_bigint::{BigInt, Sign};
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;

/// Untyped integer constants may use at most this many bits (go/types).
pub const MAX_INT_BITS: u64 = 512;

/// The longest string constant an operation may build (concatenation is
/// lazy, so `s1 = s0 + s0; s2 = s1 + s1; ...` would otherwise double the
/// memory with each line). Go's compiler has no limit; 16 MiB is far
/// beyond any constant written by hand and the bytes of one such string
/// stay cheap to flatten, compare and export. A longer result is reported
/// `constant string too long` at the operator and becomes unknown.
pub const MAX_STRING_LEN: usize = 16 << 20;

/// Constant shift counts above this are invalid (go/types `shiftBound`:
/// large enough to express the smallest float64, 1023 - 1 + 52).
pub const MAX_SHIFT: u64 = 1023 - 1 + 52;

/// The value of a constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The value of an erroneous constant expression.
    Unknown,
    Bool(bool),
    /// A byte string (not necessarily valid UTF-8).
    String(ConstStr),
    Int(BigInt),
    Float(Float),
}

/// The kind of a [`Value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Unknown,
    Bool,
    String,
    Int,
    Float,
}

/// Why a constant operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstError {
    /// The divisor of `/` or `%` is zero.
    DivByZero,
    /// The result is too large for a constant (float exponent overflow).
    Overflow,
    /// A shift count above [`MAX_SHIFT`].
    InvalidShiftCount,
    /// The shifted operand is not an integer value.
    NotInteger,
    /// The operator is not defined on the operands' kinds (the checker
    /// rules these out before calling; reported rather than panicking).
    InvalidOperation,
}

impl fmt::Display for ConstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConstError::DivByZero => "division by zero",
            ConstError::Overflow => "constant result is not representable",
            ConstError::InvalidShiftCount => "invalid shift count",
            ConstError::NotInteger => "shifted operand must be integer",
            ConstError::InvalidOperation => "invalid constant operation",
        })
    }
}

impl std::error::Error for ConstError {}

fn sign_of(i: &BigInt) -> i32 {
    match i.sign() {
        Sign::Minus => -1,
        Sign::NoSign => 0,
        Sign::Plus => 1,
    }
}

fn float_value(f: Option<Float>) -> Result<Value, ConstError> {
    f.map(Value::Float).ok_or(ConstError::Overflow)
}

impl Value {
    pub fn kind(&self) -> Kind {
        match self {
            Value::Unknown => Kind::Unknown,
            Value::Bool(_) => Kind::Bool,
            Value::String(_) => Kind::String,
            Value::Int(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
        }
    }

    /// The value of a literal exactly as written in the source. Rune
    /// literals yield `Int` values. Errors are complete messages in Go's
    /// wording: `malformed constant: 1e1000000000`, `excessively long
    /// constant: 1234567890... (10001 chars)`; imaginary literals give
    /// `complex numbers are not supported in GoX`.
    pub fn from_literal(kind: LitKind, raw: &str) -> Result<Value, String> {
        literal::literal_value(kind, raw)
    }

    pub fn make_int(i: i64) -> Value {
        Value::Int(BigInt::from(i))
    }

    pub fn make_uint64(u: u64) -> Value {
        Value::Int(BigInt::from(u))
    }

    /// The exact value of `f` (-0 becomes 0); `Unknown` for infinities and NaN.
    pub fn make_float64(f: f64) -> Value {
        Float::from_f64(f).map_or(Value::Unknown, Value::Float)
    }

    pub fn make_bool(b: bool) -> Value {
        Value::Bool(b)
    }

    pub fn make_string(s: &str) -> Value {
        Value::String(ConstStr::new(s.as_bytes()))
    }

    pub fn make_string_bytes(b: &[u8]) -> Value {
        Value::String(ConstStr::new(b))
    }

    /// `Int` for an integer value or a float that is (very close to) an
    /// integer, else `Unknown` (go/constant `ToInt`).
    pub fn to_int(&self) -> Value {
        match self {
            Value::Int(_) => self.clone(),
            Value::Float(f) => f.to_int().map_or(Value::Unknown, Value::Int),
            _ => Value::Unknown,
        }
    }

    /// `Float` for a numeric value, else `Unknown` (go/constant `ToFloat`).
    pub fn to_float(&self) -> Value {
        match self {
            Value::Int(i) => Float::from_int(i).map_or(Value::Unknown, Value::Float),
            Value::Float(_) => self.clone(),
            _ => Value::Unknown,
        }
    }

    /// The value of an `Int` that fits in an `i64`.
    pub fn int64_val(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i.to_i64(),
            _ => None,
        }
    }

    /// The value of an `Int` that fits in a `u64`.
    pub fn uint64_val(&self) -> Option<u64> {
        match self {
            Value::Int(i) => i.to_u64(),
            _ => None,
        }
    }

    /// The nearest `f64` of a numeric value; `None` if it is not numeric or
    /// its magnitude is too large for an `f64`.
    pub fn float64_val(&self) -> Option<f64> {
        let f = self.float64_val_exact()?.0;
        f.is_finite().then_some(f)
    }

    /// The nearest `f64` (possibly infinite) of a numeric value and whether
    /// it is exact (go/constant `Float64Val`).
    pub fn float64_val_exact(&self) -> Option<(f64, bool)> {
        let f = match self.to_float() {
            Value::Float(f) => f,
            _ => return None,
        };
        let r = f.to_f64();
        let exact = r.is_finite() && Float::from_f64(r).is_some_and(|g| g.cmp(&f) == Ordering::Equal);
        Some((r, exact))
    }

    /// The nearest `f32` of a numeric value; `None` if it is not numeric or
    /// its magnitude is too large for an `f32`.
    pub fn float32_val(&self) -> Option<f32> {
        match self.to_float() {
            Value::Float(f) => Some(f.to_f32()).filter(|v| v.is_finite()),
            _ => None,
        }
    }

    pub fn bool_val(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The bytes of a `String` value.
    pub fn string_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The text of a `String` value with invalid UTF-8 replaced by U+FFFD.
    pub fn as_str_lossy(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Value::String(s) => Some(s.as_str_lossy()),
            _ => None,
        }
    }

    /// -1, 0 or 1 for numeric values; 1 for `Unknown` (so that an unknown
    /// divisor causes no "division by zero"); 0 for booleans and strings.
    pub fn sign(&self) -> i32 {
        match self {
            Value::Int(i) => sign_of(i),
            Value::Float(f) => f.sign(),
            Value::Unknown => 1,
            _ => 0,
        }
    }

    /// The number of bits of the magnitude of an `Int`; 0 otherwise.
    pub fn bit_len(&self) -> usize {
        match self {
            Value::Int(i) => i.bits() as usize,
            _ => 0,
        }
    }

    /// Whether the value is an integer: an `Int`, or a `Float` that
    /// [`Value::to_int`] turns into one.
    pub fn is_int(&self) -> bool {
        match self {
            Value::Int(_) => true,
            Value::Float(f) => f.to_int().is_some(),
            _ => false,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Float(_))
    }

    /// The exact form of the value: strings fully quoted, fractions as
    /// `a/b`, binary floats in `%p` form (`0x.8p+1`) (go/constant `ExactString`).
    pub fn exact_string(&self) -> String {
        match self {
            Value::String(s) => quote(s.as_bytes()),
            Value::Float(f) => f.exact_string(),
            _ => self.to_string(),
        }
    }
}

/// go/constant's `String`: integers in decimal, floats in `%.6g` style
/// (`1e+100`, `0.1`, `3.14159`), strings quoted and cut to 72 characters.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unknown => f.write_str("unknown"),
            Value::Bool(b) => write!(f, "{}", b),
            Value::String(s) => f.write_str(&string::quote_short(s.as_bytes())),
            Value::Int(i) => write!(f, "{}", i),
            Value::Float(x) => f.write_str(&x.short_string()),
        }
    }
}

/// Whether an untyped integer value exceeds the constant precision
/// (go/types reports "constant <op> overflow" and continues with Unknown).
pub fn is_too_large(x: &Value) -> bool {
    matches!(x, Value::Int(i) if i.bits() > MAX_INT_BITS)
}

/// `op x`. For `^` on a value of an unsigned type, `prec` is the type's
/// size in bits (the result is masked to it); 0 means unbounded (signed or
/// untyped: `^x == -x-1`). Operators not defined on `x` yield `Unknown`.
pub fn unary_op(op: UnaryOp, x: &Value, prec: u32) -> Value {
    match (op, x) {
        (_, Value::Unknown) => Value::Unknown,
        (UnaryOp::Pos, Value::Int(_) | Value::Float(_)) => x.clone(),
        (UnaryOp::Neg, Value::Int(i)) => Value::Int(-i),
        (UnaryOp::Neg, Value::Float(f)) => Value::Float(f.neg()),
        (UnaryOp::Xor, Value::Int(i)) => {
            let z = !i;
            if prec == 0 {
                Value::Int(z)
            } else {
                let mask = (BigInt::from(1) << prec) - 1;
                Value::Int(z & mask)
            }
        }
        (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
        _ => Value::Unknown,
    }
}

/// Numeric operands brought to a common kind (go/constant `match`).
enum Pair<'a> {
    Ints(&'a BigInt, &'a BigInt),
    Floats(std::borrow::Cow<'a, Float>, std::borrow::Cow<'a, Float>),
}

fn numeric_pair<'a>(x: &'a Value, y: &'a Value) -> Option<Pair<'a>> {
    use std::borrow::Cow;
    let as_float = |v: &'a Value| -> Option<Cow<'a, Float>> {
        match v {
            Value::Float(f) => Some(Cow::Borrowed(f)),
            Value::Int(i) => Float::from_int(i).map(Cow::Owned),
            _ => None,
        }
    };
    match (x, y) {
        (Value::Int(a), Value::Int(b)) => Some(Pair::Ints(a, b)),
        _ => Some(Pair::Floats(as_float(x)?, as_float(y)?)),
    }
}

fn int_op(a: &BigInt, op: BinaryOp, b: &BigInt) -> Result<Value, ConstError> {
    use BinaryOp::*;
    if let (Some(p), Some(q)) = (a.to_i64(), b.to_i64()) {
        let r = match op {
            Add => p.checked_add(q),
            Sub => p.checked_sub(q),
            Mul => p.checked_mul(q),
            Rem => p.checked_rem(q),
            And => Some(p & q),
            Or => Some(p | q),
            Xor => Some(p ^ q),
            AndNot => Some(p & !q),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(Value::make_int(r));
        }
    }
    let r = match op {
        Add => a + b,
        Sub => a - b,
        Mul => a * b,
        Quo => {
            let r = num_rational::BigRational::new(a.clone(), b.clone());
            return float_value(Float::from_rat(r));
        }
        Rem => a % b,
        And => a & b,
        Or => a | b,
        Xor => a ^ b,
        AndNot => a & !b,
        _ => return Err(ConstError::InvalidOperation),
    };
    Ok(Value::Int(r))
}

/// `x op y` for `+ - * / % & | ^ &^ && ||`. `/` on two integers is exact
/// (a `Float` result, as go/constant's QUO); use [`binary_op_int_div`]
/// for the truncated division of integer-typed operands. Integers and
/// floats mix by promotion to `Float`. `Unknown` operands give `Unknown`.
pub fn binary_op(x: &Value, op: BinaryOp, y: &Value) -> Result<Value, ConstError> {
    use BinaryOp::*;
    if matches!(op, Quo | Rem) && y.is_numeric() && y.sign() == 0 {
        return Err(ConstError::DivByZero);
    }
    if x.is_unknown() || y.is_unknown() {
        return Ok(Value::Unknown);
    }
    match (x, y) {
        (Value::Bool(a), Value::Bool(b)) => match op {
            LAnd => Ok(Value::Bool(*a && *b)),
            LOr => Ok(Value::Bool(*a || *b)),
            _ => Err(ConstError::InvalidOperation),
        },
        (Value::String(a), Value::String(b)) if op == Add => Ok(Value::String(a.concat(b))),
        _ => match numeric_pair(x, y) {
            Some(Pair::Ints(a, b)) => int_op(a, op, b),
            Some(Pair::Floats(a, b)) => {
                let c = match op {
                    Add => '+',
                    Sub => '-',
                    Mul => '*',
                    Quo => '/',
                    _ => return Err(ConstError::InvalidOperation),
                };
                float_value(a.arith(c, &b))
            }
            None => Err(ConstError::InvalidOperation),
        },
    }
}

/// `x / y` truncated towards zero, for operands of integer type
/// (go/constant's QUO_ASSIGN). Integral floats are accepted as integers.
pub fn binary_op_int_div(x: &Value, y: &Value) -> Result<Value, ConstError> {
    if y.is_numeric() && y.sign() == 0 {
        return Err(ConstError::DivByZero);
    }
    if x.is_unknown() || y.is_unknown() {
        return Ok(Value::Unknown);
    }
    match (x.to_int(), y.to_int()) {
        (Value::Int(a), Value::Int(b)) => {
            if let (Some(p), Some(q)) = (a.to_i64(), b.to_i64()) {
                if let Some(r) = p.checked_div(q) {
                    return Ok(Value::make_int(r));
                }
            }
            Ok(Value::Int(a / b))
        }
        _ => Err(ConstError::InvalidOperation),
    }
}

/// `x << s` or `x >> s` (arithmetic). `x` must be an integer value (an
/// integral float is converted, as go/types does for untyped constants);
/// counts above [`MAX_SHIFT`] are rejected before any work is done.
pub fn shift(x: &Value, op: BinaryOp, s: u64) -> Result<Value, ConstError> {
    if s > MAX_SHIFT {
        return Err(ConstError::InvalidShiftCount);
    }
    if x.is_unknown() {
        return Ok(Value::Unknown);
    }
    let i = match x.to_int() {
        Value::Int(i) => i,
        _ => return Err(ConstError::NotInteger),
    };
    match op {
        BinaryOp::Shl => {
            if let Some(v) = i.to_i64() {
                if s < 63 && v.unsigned_abs() < (1u64 << (63 - s)) {
                    return Ok(Value::make_int(v << s));
                }
            }
            Ok(Value::Int(i << s))
        }
        BinaryOp::Shr => {
            if let Some(v) = i.to_i64() {
                return Ok(Value::make_int(v >> s.min(63)));
            }
            Ok(Value::Int(i >> s))
        }
        _ => Err(ConstError::InvalidOperation),
    }
}

fn ordering_satisfies(o: Ordering, op: BinaryOp) -> bool {
    use BinaryOp::*;
    match op {
        Eql => o == Ordering::Equal,
        Neq => o != Ordering::Equal,
        Lss => o == Ordering::Less,
        Leq => o != Ordering::Greater,
        Gtr => o == Ordering::Greater,
        Geq => o != Ordering::Less,
        _ => false,
    }
}

/// `x op y` for `== != < <= > >=`. Unknown operands, and comparisons not
/// defined on the operands (ordering booleans, mixed kinds), give `false`.
pub fn compare(x: &Value, op: BinaryOp, y: &Value) -> bool {
    match (x, y) {
        (Value::Unknown, _) | (_, Value::Unknown) => false,
        (Value::Bool(a), Value::Bool(b)) => match op {
            BinaryOp::Eql => a == b,
            BinaryOp::Neq => a != b,
            _ => false,
        },
        (Value::String(a), Value::String(b)) => ordering_satisfies(a.as_bytes().cmp(b.as_bytes()), op),
        _ => match numeric_pair(x, y) {
            Some(Pair::Ints(a, b)) => ordering_satisfies(a.cmp(b), op),
            Some(Pair::Floats(a, b)) => ordering_satisfies(a.cmp(&b), op),
            None => false,
        },
    }
}

impl Value {
    /// Whether a numeric value is zero (convenience for the checker).
    pub fn is_zero(&self) -> bool {
        match self {
            Value::Int(i) => i.is_zero(),
            Value::Float(f) => f.sign() == 0,
            _ => false,
        }
    }
}
