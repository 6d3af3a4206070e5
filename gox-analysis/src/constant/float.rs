//! Untyped floating-point constant values.
//!
//! A [`Float`] is, like go/constant's `ratVal`/`floatVal` pair, either
//!
//! * an exact fraction (`BigRational`) as long as numerator and denominator
//!   each have fewer than [`MAX_RAT_BITS`] bits, or
//! * a binary floating-point number `mant * 2^exp` whose mantissa is rounded
//!   to [`PREC`] (512) bits, round-half-to-even, once a value gets too large
//!   or too small for a reasonably sized fraction (`1e100000`, `0x1p-100000`).
//!
//! Once a value is binary floating-point it stays so (no illusion of exactness
//! is created by going back). Binary exponents are limited to the 32-bit range
//! of Go's `big.Float`: larger values overflow (the operation reports it) and
//! smaller ones underflow to zero.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Mantissa precision in bits of the binary floating-point representation.
pub const PREC: u64 = 512;
/// Fractions whose numerator or denominator need this many bits or more
/// switch to the binary floating-point representation (go/constant `maxExp`).
pub const MAX_RAT_BITS: u64 = 4 << 10;

const MIN_EXP: i64 = i32::MIN as i64;
const MAX_EXP: i64 = i32::MAX as i64;

/// An untyped floating-point constant value; see the module documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Float(pub(crate) Repr);

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Repr {
    Rat(BigRational),
    Bin(BinFloat),
}

/// `mant * 2^exp`; `mant` is zero or odd and has at most `PREC` bits.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BinFloat {
    mant: BigInt,
    exp: i64,
}

impl BinFloat {
    fn zero() -> BinFloat {
        BinFloat { mant: BigInt::zero(), exp: 0 }
    }

    /// Rounds `mant * 2^exp` to `PREC` bits. `sticky` says that nonzero bits
    /// below `mant` were dropped (the caller guarantees that `mant` then has
    /// more than `PREC + 1` bits). Returns `None` on exponent overflow.
    fn round(mant: BigInt, exp: i64, sticky: bool) -> Option<BinFloat> {
        BinFloat::round_to(mant, exp, sticky, PREC)
    }

    /// [`BinFloat::round`] to `prec` bits.
    fn round_to(mant: BigInt, mut exp: i64, sticky: bool, prec: u64) -> Option<BinFloat> {
        let (sign, mut mag) = mant.into_parts();
        if mag.is_zero() {
            return Some(BinFloat::zero());
        }
        let bits = mag.bits();
        if bits > prec {
            let shift = bits - prec;
            let half = mag.bit(shift - 1);
            let lower = sticky || mag.trailing_zeros().unwrap_or(0) < shift - 1;
            let mut q = mag >> shift;
            if half && (lower || q.bit(0)) {
                q += 1u32;
            }
            mag = q;
            exp += shift as i64;
        }
        let tz = mag.trailing_zeros().unwrap_or(0);
        if tz > 0 {
            mag >>= tz;
            exp += tz as i64;
        }
        let top = exp + mag.bits() as i64;
        if top > MAX_EXP {
            return None;
        }
        if top < MIN_EXP {
            return Some(BinFloat::zero());
        }
        Some(BinFloat { mant: BigInt::from_biguint(sign, mag), exp })
    }

    /// `n / d * 2^exp` rounded to `PREC` bits; `d` must be nonzero.
    fn from_quotient(n: &BigInt, d: &BigInt, exp: i64) -> Option<BinFloat> {
        BinFloat::quotient_to(n, d, exp, PREC)
    }

    /// [`BinFloat::from_quotient`] rounded to `prec` bits.
    fn quotient_to(n: &BigInt, d: &BigInt, exp: i64, prec: u64) -> Option<BinFloat> {
        if n.is_zero() {
            return Some(BinFloat::zero());
        }
        let neg = n.is_negative() != d.is_negative();
        let (nm, dm) = (n.magnitude(), d.magnitude());
        let s = (prec + 2 + dm.bits()).saturating_sub(nm.bits());
        let (q, r) = (nm << s).div_rem(dm);
        let sign = if neg { Sign::Minus } else { Sign::Plus };
        BinFloat::round_to(BigInt::from_biguint(sign, q), exp - s as i64, !r.is_zero(), prec)
    }

    fn from_int(i: &BigInt) -> Option<BinFloat> {
        BinFloat::round(i.clone(), 0, false)
    }

    fn from_rat(r: &BigRational) -> Option<BinFloat> {
        BinFloat::from_quotient(r.numer(), r.denom(), 0)
    }

    fn sign(&self) -> i32 {
        match self.mant.sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        }
    }

    /// The exponent `e` with `self = m * 2^e`, `0.5 <= |m| < 1` (big.Float's MantExp).
    fn top(&self) -> i64 {
        self.exp + self.mant.bits() as i64
    }

    /// Whether a fraction representation would be "reasonably" sized
    /// (go/constant `smallFloat`).
    fn is_small(&self) -> bool {
        if self.mant.is_zero() {
            return true;
        }
        let e = self.top();
        -(MAX_RAT_BITS as i64) < e && e < MAX_RAT_BITS as i64
    }

    fn to_rat(&self) -> BigRational {
        if self.exp >= 0 {
            BigRational::from_integer(&self.mant << self.exp as u64)
        } else {
            BigRational::new(self.mant.clone(), BigInt::one() << (-self.exp) as u64)
        }
    }

    fn neg(&self) -> BinFloat {
        BinFloat { mant: -&self.mant, exp: self.exp }
    }

    fn add(&self, y: &BinFloat) -> Option<BinFloat> {
        if self.mant.is_zero() {
            return Some(y.clone());
        }
        if y.mant.is_zero() {
            return Some(self.clone());
        }
        // An operand entirely below half an ulp of the other cannot change
        // the rounded result: skip the (possibly enormous) alignment.
        let (tx, ty) = (self.top(), y.top());
        if ty + (PREC as i64) + 3 < tx {
            return Some(self.clone());
        }
        if tx + (PREC as i64) + 3 < ty {
            return Some(y.clone());
        }
        let e = self.exp.min(y.exp);
        let a = &self.mant << (self.exp - e) as u64;
        let b = &y.mant << (y.exp - e) as u64;
        BinFloat::round(a + b, e, false)
    }

    fn mul(&self, y: &BinFloat) -> Option<BinFloat> {
        self.mul_to(y, PREC)
    }

    fn mul_to(&self, y: &BinFloat, prec: u64) -> Option<BinFloat> {
        BinFloat::round_to(&self.mant * &y.mant, self.exp + y.exp, false, prec)
    }

    /// `self / y`; `y` must be nonzero.
    fn quo(&self, y: &BinFloat) -> Option<BinFloat> {
        BinFloat::from_quotient(&self.mant, &y.mant, self.exp - y.exp)
    }

    fn cmp(&self, y: &BinFloat) -> Ordering {
        let (sx, sy) = (self.sign(), y.sign());
        if sx != sy || sx == 0 {
            return sx.cmp(&sy);
        }
        let (tx, ty) = (self.top(), y.top());
        if tx != ty {
            let mag = tx.cmp(&ty);
            return if sx > 0 { mag } else { mag.reverse() };
        }
        let e = self.exp.min(y.exp);
        let a = &self.mant << (self.exp - e) as u64;
        let b = &y.mant << (y.exp - e) as u64;
        a.cmp(&b)
    }

    /// The nearest integer if the value is integral, or within a few bits of
    /// precision of one (go/constant ToInt).
    fn to_int(&self) -> Option<BigInt> {
        if !self.is_small() {
            return None;
        }
        if self.exp >= 0 {
            return Some(&self.mant << self.exp as u64);
        }
        // Rounded to PREC-4 bits towards zero, then away from zero, the value
        // may become integral ("close to an integer").
        const DELTA: u64 = 4;
        let (sign, mag) = (self.mant.sign(), self.mant.magnitude());
        let bits = mag.bits();
        if bits <= PREC - DELTA {
            return None;
        }
        let shift = bits - (PREC - DELTA);
        let truncated = mag >> shift;
        for q in [truncated.clone(), truncated + 1u32] {
            // Value candidate: q * 2^(exp+shift), with q possibly one bit longer.
            let e = self.exp + shift as i64;
            let integral = e >= 0 || q.trailing_zeros().is_none_or(|tz| tz as i64 >= -e);
            if integral {
                let m = if e >= 0 { q << e as u64 } else { q >> (-e) as u64 };
                return Some(BigInt::from_biguint(sign, m));
            }
        }
        None
    }
}

/// 5^n rounded to `prec` bits as big.Float's `pow5` computes it.
fn pow5(mut n: u64, prec: u64) -> Option<BinFloat> {
    const M: u64 = 27; // 5^27 is the largest power of 5 in a u64
    let small = |k: u64| BinFloat::round_to(num_traits::pow(BigInt::from(5), k as usize), 0, false, prec);
    if n <= M {
        return small(n);
    }
    let mut z = small(M)?;
    n -= M;
    let mut f = BinFloat::round_to(BigInt::from(5), 0, false, prec + 64)?;
    while n > 0 {
        if n & 1 != 0 {
            z = z.mul_to(&f, prec)?;
        }
        n >>= 1;
        if n > 0 {
            f = f.mul_to(&f, prec + 64)?;
        }
    }
    Some(z)
}

/// Rounds `n / d * 2^s` (n, d > 0) to the nearest binary floating-point
/// number with `mant_bits` bits of precision whose subnormal ulp is
/// `2^min_ulp_exp` and which overflows at `2^max_top`. Returns `+inf` on overflow.
fn round_to_binary(n: &BigUint, d: &BigUint, s: i64, mant_bits: i64, min_ulp_exp: i64, max_top: i64) -> f64 {
    // e0: 2^e0 <= n/d < 2^(e0+1)
    let k = n.bits() as i64 - d.bits() as i64;
    let ge = if k >= 0 { *n >= d << k as u64 } else { (n << (-k) as u64) >= *d };
    let e = if ge { k } else { k - 1 } + s;
    if e >= max_top {
        return f64::INFINITY;
    }
    if e < min_ulp_exp - 2 {
        return 0.0;
    }
    let ulp = (e - (mant_bits - 1)).max(min_ulp_exp);
    // q2 = floor(n/d * 2^(s - ulp + 1)): the mantissa plus one rounding bit.
    let t = s - ulp + 1;
    let (q2, r) = if t >= 0 { (n << t as u64).div_rem(d) } else { n.div_rem(&(d << (-t) as u64)) };
    let half = q2.bit(0);
    let mut q = q2 >> 1u32;
    if half && (!r.is_zero() || q.bit(0)) {
        q += 1u32;
    }
    let qf = q.to_u64().unwrap_or(u64::MAX) as f64; // q <= 2^53: exact
    qf * pow2(ulp)
}

/// 2^e for -1074 <= e <= 1023 exactly, and saturating outside.
fn pow2(e: i64) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

fn quotient_to_f64(n: &BigInt, d: &BigInt, s: i64, single: bool) -> f64 {
    if n.is_zero() {
        return 0.0;
    }
    let neg = n.is_negative() != d.is_negative();
    let v = if single {
        round_to_binary(n.magnitude(), d.magnitude(), s, 24, -149, 128)
    } else {
        round_to_binary(n.magnitude(), d.magnitude(), s, 53, -1074, 1024)
    };
    if neg {
        -v
    } else {
        v
    }
}

impl Float {
    pub(crate) fn from_rat(r: BigRational) -> Option<Float> {
        if r.numer().bits() < MAX_RAT_BITS && r.denom().bits() < MAX_RAT_BITS {
            Some(Float(Repr::Rat(r)))
        } else {
            BinFloat::from_rat(&r).map(|b| Float(Repr::Bin(b)))
        }
    }

    pub(crate) fn from_int(i: &BigInt) -> Option<Float> {
        if i.bits() < MAX_RAT_BITS {
            Some(Float(Repr::Rat(BigRational::from_integer(i.clone()))))
        } else {
            BinFloat::from_int(i).map(|b| Float(Repr::Bin(b)))
        }
    }

    /// `mant * 2^exp` exactly if it makes a small fraction, else rounded to
    /// 512 bits; `None` on overflow.
    pub(crate) fn from_mant_exp(mant: BigInt, exp: i64) -> Option<Float> {
        let top = exp + mant.bits() as i64;
        if mant.is_zero() {
            return Some(Float::zero());
        }
        if -(MAX_RAT_BITS as i64) < top && top < MAX_RAT_BITS as i64 {
            let r = if exp >= 0 {
                BigRational::from_integer(mant << exp as u64)
            } else {
                BigRational::new(mant, BigInt::one() << (-exp) as u64)
            };
            return Some(Float(Repr::Rat(r)));
        }
        BinFloat::round(mant, exp, false).map(|b| Float(Repr::Bin(b)))
    }

    /// A literal's exact value: kept as a fraction (whatever the size of its
    /// components) if its binary exponent is small, as go/constant does.
    pub(crate) fn from_literal_rat(r: BigRational) -> Option<Float> {
        let (n, d) = (r.numer().magnitude(), r.denom().magnitude());
        if n.is_zero() {
            return Some(Float::zero());
        }
        let k = n.bits() as i64 - d.bits() as i64;
        let ge = if k >= 0 { *n >= d << k as u64 } else { (n << (-k) as u64) >= *d };
        let top = if ge { k + 1 } else { k };
        if -(MAX_RAT_BITS as i64) < top && top < MAX_RAT_BITS as i64 {
            return Some(Float(Repr::Rat(r)));
        }
        BinFloat::from_rat(&r).map(|b| Float(Repr::Bin(b)))
    }

    /// `m * 10^e` (m > 0) rounded to 512 bits the way big.Float parses a
    /// decimal literal: `m * 2^e` times (or divided by) 5^|e| computed with
    /// 576 bits (squares with 640), then rounded once. `None` on overflow.
    pub(crate) fn bin_from_decimal(m: &BigInt, e: i64) -> Option<Float> {
        let p = match pow5(e.unsigned_abs(), PREC + 64) {
            Some(p) => p,
            None if e < 0 => return Some(Float::zero()), // m / inf
            None => return None,
        };
        let r = if e >= 0 {
            BinFloat::round_to(m * &p.mant, p.exp + e, false, PREC)
        } else {
            BinFloat::quotient_to(m, &p.mant, e - p.exp, PREC)
        }?;
        Some(Float(Repr::Bin(r)))
    }

    /// The exact value of an `f64` (`None` for infinities and NaN); -0 becomes 0.
    pub fn from_f64(f: f64) -> Option<Float> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Float::zero());
        }
        let bits = f.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
        let mant = if f < 0.0 { -BigInt::from(m) } else { BigInt::from(m) };
        Float::from_mant_exp(mant, e)
    }

    pub fn zero() -> Float {
        Float(Repr::Rat(BigRational::zero()))
    }

    pub fn sign(&self) -> i32 {
        match &self.0 {
            Repr::Rat(r) => match r.numer().sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
            Repr::Bin(b) => b.sign(),
        }
    }

    /// Whether the value is held as an exact fraction (rather than a
    /// 512-bit binary approximation).
    pub fn is_exact(&self) -> bool {
        matches!(self.0, Repr::Rat(_))
    }

    /// The exact fraction, when the value is held as one or its binary form
    /// has a reasonably sized fractional representation.
    pub fn to_rational(&self) -> Option<BigRational> {
        match &self.0 {
            Repr::Rat(r) => Some(r.clone()),
            Repr::Bin(b) if b.is_small() => Some(b.to_rat()),
            Repr::Bin(_) => None,
        }
    }

    /// The nearest `f64` (round half to even); infinite when out of range.
    pub fn to_f64(&self) -> f64 {
        self.to_binary(false)
    }

    /// The nearest `f32` (round half to even); infinite when out of range.
    pub fn to_f32(&self) -> f32 {
        self.to_binary(true) as f32
    }

    fn to_binary(&self, single: bool) -> f64 {
        match &self.0 {
            Repr::Rat(r) => quotient_to_f64(r.numer(), r.denom(), 0, single),
            Repr::Bin(b) => quotient_to_f64(&b.mant, &BigInt::one(), b.exp, single),
        }
    }

    pub(crate) fn to_bin(&self) -> Option<BinFloat> {
        match &self.0 {
            Repr::Rat(r) => BinFloat::from_rat(r),
            Repr::Bin(b) => Some(b.clone()),
        }
    }

    pub(crate) fn to_int(&self) -> Option<BigInt> {
        match &self.0 {
            Repr::Rat(r) => r.is_integer().then(|| r.numer().clone()),
            Repr::Bin(b) => b.to_int(),
        }
    }

    pub(crate) fn neg(&self) -> Float {
        match &self.0 {
            Repr::Rat(r) => Float(Repr::Rat(-r)),
            Repr::Bin(b) => Float(Repr::Bin(b.neg())),
        }
    }

    /// Applies `+ - * /` (`op` as its character); `None` on overflow.
    /// Division by zero must have been excluded by the caller.
    pub(crate) fn arith(&self, op: char, y: &Float) -> Option<Float> {
        if let (Repr::Rat(a), Repr::Rat(b)) = (&self.0, &y.0) {
            let r = match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => a / b,
            };
            return Float::from_rat(r);
        }
        let (a, b) = (self.to_bin()?, y.to_bin()?);
        let r = match op {
            '+' => a.add(&b),
            '-' => a.add(&b.neg()),
            '*' => a.mul(&b),
            _ => a.quo(&b),
        }?;
        Some(Float(Repr::Bin(r)))
    }

    pub(crate) fn cmp(&self, y: &Float) -> Ordering {
        if let (Repr::Rat(a), Repr::Rat(b)) = (&self.0, &y.0) {
            return a.cmp(b);
        }
        match (self.to_bin(), y.to_bin()) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Unreachable in practice: fractions are small enough to convert.
            _ => self.sign().cmp(&y.sign()),
        }
    }

    /// go/constant's `String` for floats: `%.6g` of the float64 value when in
    /// range, otherwise an approximate decimal `%.6ge%+d`.
    pub(crate) fn short_string(&self) -> String {
        let f = self.to_f64();
        if (self.sign() == 0) == (f == 0.0) && f.is_finite() {
            return format_g6(f);
        }
        let b = match self.to_bin() {
            Some(b) => b,
            None => return "unknown".to_string(),
        };
        // b = m * 2^exp with 0.5 <= |m| < 1
        let bits = b.mant.bits() as i64;
        let exp = b.exp + bits;
        let mut m = quotient_to_f64(&b.mant, &BigInt::one(), -bits, false);
        let d = exp as f64 * (std::f64::consts::LN_2 / std::f64::consts::LN_10);
        let mut e = d as i64;
        m *= 10f64.powf(d - e as f64);
        let am = m.abs();
        if am < 1.0 - 0.5e-6 {
            m *= 10.0;
            e -= 1;
        } else if am >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        format!("{}e{}{}", format_g6(m), if e >= 0 { "+" } else { "" }, e)
    }

    /// go/constant's `ExactString`: `a/b` or an integer for fractions, and
    /// big.Float's `%p` form (`0x.8p+1`) for binary values.
    pub(crate) fn exact_string(&self) -> String {
        match &self.0 {
            Repr::Rat(r) if r.is_integer() => r.numer().to_string(),
            Repr::Rat(r) => format!("{}/{}", r.numer(), r.denom()),
            Repr::Bin(b) => {
                if b.mant.is_zero() {
                    return "0".to_string();
                }
                let bits = b.mant.bits();
                let pad = (4 - bits % 4) % 4;
                let hex = (b.mant.magnitude() << pad).to_str_radix(16);
                let exp = b.top();
                format!(
                    "{}0x.{}p{}{}",
                    if b.sign() < 0 { "-" } else { "" },
                    hex.trim_end_matches('0'),
                    if exp >= 0 { "+" } else { "" },
                    exp
                )
            }
        }
    }
}

/// Go's `fmt.Sprintf("%.6g", f)` for a finite `f`.
pub(crate) fn format_g6(f: f64) -> String {
    const PREC: i64 = 6;
    let neg = f.is_sign_negative() && f != 0.0;
    // Decimal digits rounded to 6 significant places, trailing zeros trimmed.
    let (digits, dp): (Vec<u8>, i64) = if f == 0.0 {
        (Vec::new(), 0)
    } else {
        let s = format!("{:.5e}", f.abs());
        let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        (d, exp + 1)
    };
    let nd = digits.len() as i64;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let mut eprec = PREC;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        // %e with min(PREC, nd) - 1 fractional digits
        let p = PREC.min(nd);
        out.push(digits.first().map_or('0', |&c| c as char));
        if p > 1 {
            out.push('.');
            for i in 1..p {
                out.push(digits.get(i as usize).map_or('0', |&c| c as char));
            }
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let ae = exp.abs();
        if ae < 10 {
            out.push('0');
        }
        out.push_str(&ae.to_string());
        return out;
    }
    // %f with max(p - dp, 0) fractional digits
    let p = if PREC > dp { nd } else { PREC };
    let frac = (p - dp).max(0);
    if dp > 0 {
        for i in 0..dp {
            out.push(digits.get(i as usize).map_or('0', |&c| c as char));
        }
    } else {
        out.push('0');
    }
    if frac > 0 {
        out.push('.');
        for i in 0..frac {
            let j = dp + i;
            let c = if j < 0 { b'0' } else { digits.get(j as usize).copied().unwrap_or(b'0') };
            out.push(c as char);
        }
    }
    out
}

/// The exact representation of a value, for export data (`crate::export`).
impl Float {
    /// The fraction, when the value is held as one.
    pub(crate) fn exact_rat(&self) -> Option<&BigRational> {
        match &self.0 {
            Repr::Rat(r) => Some(r),
            Repr::Bin(_) => None,
        }
    }
    /// `(mant, exp)` of `mant * 2^exp`, when the value is held in binary form.
    pub(crate) fn bin_parts(&self) -> Option<(&BigInt, i64)> {
        match &self.0 {
            Repr::Bin(b) => Some((&b.mant, b.exp)),
            Repr::Rat(_) => None,
        }
    }
    /// A value held as the fraction `r`, whatever its size (as
    /// [`Float::exact_rat`] returned it).
    pub(crate) fn from_exact_rat(r: BigRational) -> Float {
        Float(Repr::Rat(r))
    }
    /// A value held in binary form (as [`Float::bin_parts`] returned it;
    /// other inputs are normalized); `None` on exponent overflow.
    pub(crate) fn from_bin_parts(mant: BigInt, exp: i64) -> Option<Float> {
        if exp.unsigned_abs() > 1 << 40 || mant.bits() > PREC {
            return None;
        }
        BinFloat::round(mant, exp, false).map(|b| Float(Repr::Bin(b)))
    }
}
