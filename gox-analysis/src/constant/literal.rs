//! Values of Go literals: integers, floats, runes and strings.

use super::float::Float;
use super::string::ConstStr;
use super::Value;
use num_bigint::BigInt;
use num_traits::Zero;

/// Numeric literals longer than this are rejected (go/types: "excessively long constant").
pub const MAX_LITERAL_LEN: usize = 10_000;

/// Removes `_` separators; each must sit between two digits or directly
/// after a base prefix (the spec's `[ "_" ]` rules).
fn strip_underscores(s: &str, after_prefix: bool) -> Option<String> {
    let b = s.as_bytes();
    if !b.contains(&b'_') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let prev_ok = if i == 0 { after_prefix } else { b[i - 1].is_ascii_hexdigit() };
            let next_ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit);
            if !prev_ok || !next_ok {
                return None;
            }
        } else {
            out.push(c as char);
        }
    }
    Some(out)
}

/// The value of an integer literal (`42`, `0x_FF`, `0o17`, `017`, `0b1010`, `1_000`).
pub(crate) fn parse_int(raw: &str) -> Option<BigInt> {
    let lower = raw.get(..2).map(|p| p.to_ascii_lowercase());
    let (radix, digits, after_prefix) = match lower.as_deref() {
        Some("0x") => (16, &raw[2..], true),
        Some("0o") => (8, &raw[2..], true),
        Some("0b") => (2, &raw[2..], true),
        _ if raw.len() > 1 && raw.starts_with('0') => (8, &raw[1..], true),
        _ => (10, raw, false),
    };
    let digits = strip_underscores(digits, after_prefix)?;
    if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    if digits.len() <= 15 {
        return u64::from_str_radix(&digits, radix).ok().map(BigInt::from);
    }
    BigInt::parse_bytes(digits.as_bytes(), radix)
}

/// The value of a floating-point literal (`1.5`, `.5e-3`, `1_0.0`, `0x1.8p3`);
/// `Err` when it overflows the constant range.
pub(crate) fn parse_float(raw: &str) -> Result<Float, ()> {
    let lower = raw.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return parse_hex_float(hex);
    }
    let (mant, exp) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    let int_digits = strip_underscores(int_part, false).ok_or(())?;
    let frac_digits = strip_underscores(frac_part, false).ok_or(())?;
    let all: String = int_digits + &frac_digits;
    if all.is_empty() || !all.bytes().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    let exp10 = match exp {
        Some(e) => parse_exponent(e)?,
        None => 0,
    };
    let m = BigInt::parse_bytes(all.as_bytes(), 10).ok_or(())?;
    if m.is_zero() {
        return Ok(Float::zero());
    }
    let exp10 = exp10.saturating_sub(frac_digits.len() as i64);
    decimal_to_float(m, exp10)
}

/// `m * 10^e` for m > 0.
fn decimal_to_float(m: BigInt, e: i64) -> Result<Float, ()> {
    // log2 of the value, roughly: bits(m) + e*log2(10).
    let approx = m.bits() as f64 + e as f64 * std::f64::consts::LOG2_10;
    if approx > i32::MAX as f64 + 64.0 {
        return Err(()); // overflows to infinity: not a constant
    }
    if approx < i32::MIN as f64 - 64.0 {
        return Ok(Float::zero()); // underflows to zero
    }
    if approx.abs() < super::float::MAX_RAT_BITS as f64 + 64.0 {
        // Small enough to compute exactly; go/constant keeps a literal as an
        // exact fraction when its binary exponent is small.
        let p = num_traits::pow(BigInt::from(10), e.unsigned_abs() as usize);
        let r = if e >= 0 {
            num_rational::BigRational::from_integer(m * p)
        } else {
            num_rational::BigRational::new(m, p)
        };
        return Float::from_literal_rat(r).ok_or(());
    }
    // Huge magnitude: binary floating-point, computed as big.Float does.
    Float::bin_from_decimal(&m, e).ok_or(())
}

fn parse_exponent(e: &str) -> Result<i64, ()> {
    let (neg, digits) = match e.as_bytes().first() {
        Some(b'-') => (true, &e[1..]),
        Some(b'+') => (false, &e[1..]),
        _ => (false, e),
    };
    let digits = strip_underscores(digits, false).ok_or(())?;
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(());
    }
    // Saturate: anything this large over- or underflows anyway.
    let mut v: i64 = 0;
    for c in digits.bytes() {
        v = v.saturating_mul(10).saturating_add((c - b'0') as i64).min(1 << 60);
    }
    Ok(if neg { -v } else { v })
}

fn parse_hex_float(hex: &str) -> Result<Float, ()> {
    let (mant, exp) = hex.split_once('p').ok_or(())?;
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    let int_digits = strip_underscores(int_part, true).ok_or(())?;
    let frac_digits = strip_underscores(frac_part, false).ok_or(())?;
    let all = int_digits + &frac_digits;
    if all.is_empty() || !all.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(());
    }
    let exp2 = parse_exponent(exp)?.saturating_sub(4 * frac_digits.len() as i64);
    let m = BigInt::parse_bytes(all.as_bytes(), 16).ok_or(())?;
    if m.is_zero() {
        return Ok(Float::zero());
    }
    let top = exp2.saturating_add(m.bits() as i64);
    if top > i32::MAX as i64 {
        return Err(());
    }
    if top < i32::MIN as i64 {
        return Ok(Float::zero());
    }
    Float::from_mant_exp(m, exp2).ok_or(())
}

/// Interprets one escape sequence or character at the start of `s` (inside
/// a literal quoted with `quote`). Returns the value, whether it is a single
/// byte (`\x`, octal) rather than a code point, and the length consumed.
fn unquote_char(s: &[u8], quote: u8) -> Option<(u32, bool, usize)> {
    let c = *s.first()?;
    if c == quote && quote == b'\'' || c == b'\n' && quote == b'"' {
        return None;
    }
    if c != b'\\' {
        if c < 0x80 {
            return Some((c as u32, false, 1));
        }
        let (r, n) = super::string::decode_rune(s);
        return match r {
            Some(ch) => Some((ch as u32, false, n)),
            // A stray byte in the source: kept as is.
            None => Some((c as u32, true, 1)),
        };
    }
    let e = *s.get(1)?;
    let simple = match e {
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(10),
        b'r' => Some(13),
        b't' => Some(9),
        b'v' => Some(11),
        b'\\' => Some(b'\\' as u32),
        b'\'' | b'"' if e == quote => Some(e as u32),
        _ => None,
    };
    if let Some(v) = simple {
        return Some((v, false, 2));
    }
    let hex = |n: usize| -> Option<u32> {
        let digits = s.get(2..2 + n)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    };
    match e {
        b'0'..=b'7' => {
            let digits = s.get(1..4)?;
            if !digits.iter().all(|c| (b'0'..=b'7').contains(c)) {
                return None;
            }
            let v = digits.iter().fold(0u32, |v, &c| v * 8 + (c - b'0') as u32);
            (v <= 255).then_some((v, true, 4))
        }
        b'x' => hex(2).map(|v| (v, true, 4)),
        b'u' => hex(4).filter(|&v| char::from_u32(v).is_some()).map(|v| (v, false, 6)),
        b'U' => hex(8).filter(|&v| char::from_u32(v).is_some()).map(|v| (v, false, 10)),
        _ => None,
    }
}

/// The value of a rune literal such as `'a'`, `'\n'`, `'\x41'`, `'\u00e9'`.
pub(crate) fn parse_rune(raw: &str) -> Option<i64> {
    let b = raw.as_bytes();
    if b.len() < 3 || b[0] != b'\'' || b[b.len() - 1] != b'\'' {
        return None;
    }
    let body = &b[1..b.len() - 1];
    let (v, _, n) = unquote_char(body, b'\'')?;
    (n == body.len()).then_some(v as i64)
}

/// The bytes of a string literal: interpreted (`"..."`) or raw (`` `...` ``,
/// carriage returns removed).
pub(crate) fn parse_string(raw: &str) -> Option<ConstStr> {
    let b = raw.as_bytes();
    if b.len() < 2 || b[0] != b[b.len() - 1] {
        return None;
    }
    let body = &b[1..b.len() - 1];
    match b[0] {
        b'`' => {
            if body.contains(&b'`') {
                return None;
            }
            let bytes: Vec<u8> = body.iter().copied().filter(|&c| c != b'\r').collect();
            Some(ConstStr::new(&bytes))
        }
        b'"' => {
            if !body.contains(&b'\\') {
                if body.contains(&b'"') || body.contains(&b'\n') {
                    return None;
                }
                return Some(ConstStr::new(body));
            }
            let mut out = Vec::with_capacity(body.len());
            let mut i = 0;
            while i < body.len() {
                if body[i] == b'"' {
                    return None;
                }
                let (v, byte, n) = unquote_char(&body[i..], b'"')?;
                if byte {
                    out.push(v as u8);
                } else {
                    let ch = char::from_u32(v)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                i += n;
            }
            Some(ConstStr::new(&out))
        }
        _ => None,
    }
}

/// The value of a literal as [`Value::from_literal`] documents it.
pub(crate) fn literal_value(kind: gox_syntax::ast::LitKind, raw: &str) -> Result<Value, String> {
    use gox_syntax::ast::LitKind;
    let malformed = || format!("malformed constant: {}", raw);
    if matches!(kind, LitKind::Int | LitKind::Float | LitKind::Imag) && raw.len() > MAX_LITERAL_LEN {
        let head: String = raw.chars().take(10).collect();
        return Err(format!("excessively long constant: {}... ({} chars)", head, raw.len()));
    }
    match kind {
        LitKind::Int => parse_int(raw).map(Value::Int).ok_or_else(malformed),
        LitKind::Float => parse_float(raw).map(Value::Float).map_err(|_| malformed()),
        LitKind::Imag => Err("complex numbers are not supported in GoX".to_string()),
        LitKind::Char => parse_rune(raw).map(|v| Value::Int(BigInt::from(v))).ok_or_else(malformed),
        LitKind::String => parse_string(raw).map(Value::String).ok_or_else(malformed),
    }
}
