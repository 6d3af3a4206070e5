//! Expectations marked "go/constant" were produced by Go 1.19's go/constant.

use super::*;
use gox_syntax::ast::{BinaryOp as B, LitKind, UnaryOp as U};

fn lit(kind: LitKind, raw: &str) -> Value {
    match Value::from_literal(kind, raw) {
        Ok(v) => v,
        Err(e) => panic!("literal {raw}: {e}"),
    }
}

fn int(raw: &str) -> Value {
    lit(LitKind::Int, raw)
}

fn flt(raw: &str) -> Value {
    lit(LitKind::Float, raw)
}

fn s(raw: &str) -> Value {
    lit(LitKind::String, raw)
}

fn big(text: &str) -> Value {
    Value::Int(text.parse().expect("test integer"))
}

fn op(x: &Value, o: B, y: &Value) -> Value {
    binary_op(x, o, y).expect("constant operation")
}

// ---------------------------------------------------------------- literals

#[test]
fn int_literals_of_every_base() {
    for (raw, want) in [
        ("0", "0"),
        ("42", "42"),
        ("0x_FF", "255"),
        ("0XfF", "255"),
        ("0o17", "15"),
        ("0O17", "15"),
        ("017", "15"),
        ("0777", "511"),
        ("0_777", "511"),
        ("0b1010", "10"),
        ("0B_1_0", "2"),
        ("1_000_000", "1000000"),
        ("170141183460469231731687303715884105727", "170141183460469231731687303715884105727"),
        ("0xFFFFFFFFFFFFFFFF", "18446744073709551615"),
        ("0x1_0000_0000_0000_0000", "18446744073709551616"),
    ] {
        assert_eq!(int(raw).to_string(), want, "{raw}");
        assert_eq!(int(raw).kind(), Kind::Int);
    }
}

#[test]
fn malformed_int_literals_are_rejected_with_go_message() {
    for raw in ["08", "0x", "1__0", "_1", "1_", "0b102", "0o8", "12a"] {
        assert_eq!(Value::from_literal(LitKind::Int, raw), Err(format!("malformed constant: {raw}")));
    }
}

#[test]
fn excessively_long_literal_is_rejected() {
    let raw = "1".repeat(10_001);
    assert_eq!(
        Value::from_literal(LitKind::Int, &raw),
        Err("excessively long constant: 1111111111... (10001 chars)".to_string())
    );
    assert!(Value::from_literal(LitKind::Int, &"1".repeat(10_000)).is_ok());
}

#[test]
fn imaginary_literals_are_rejected() {
    assert_eq!(
        Value::from_literal(LitKind::Imag, "2i"),
        Err("complex numbers are not supported in GoX".to_string())
    );
}

#[test]
fn float_literals_print_and_exact_string_as_go_constant() {
    // (literal, String, ExactString) from go/constant
    for (raw, short, exact) in [
        ("1e100", "1e+100", "10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("0.1", "0.1", "1/10"),
        ("3.14159265", "3.14159", "62831853/20000000"),
        ("1.0", "1", "1"),
        ("2.5", "2.5", "5/2"),
        ("12.0", "12", "12"),
        ("100000.0", "100000", "100000"),
        ("1000000.0", "1e+06", "1000000"),
        ("0.0001234", "0.0001234", "617/5000000"),
        ("0.00001234", "1.234e-05", "617/50000000"),
        ("1234565.0", "1.23456e+06", "1234565"),
        ("1e-5", "1e-05", "1/100000"),
        ("123456789.0", "1.23457e+08", "123456789"),
        ("0x1.8p3", "12", "12"),
        ("0X_1P4", "16", "16"),
        ("1_000.5", "1000.5", "2001/2"),
        ("0.0", "0", "0"),
        (".5", "0.5", "1/2"),
        ("1.", "1", "1"),
        ("6.02214076e23", "6.02214e+23", "602214076000000000000000"),
        ("1e-1000000000", "0", "0"),
        ("0x1p-2", "0.25", "1/4"),
        ("0x.8p1", "1", "1"),
    ] {
        let v = flt(raw);
        assert_eq!(v.kind(), Kind::Float, "{raw}");
        assert_eq!(v.to_string(), short, "{raw}");
        assert_eq!(v.exact_string(), exact, "{raw}");
    }
}

#[test]
fn huge_and_tiny_float_literals_use_512_bit_binary_form() {
    // go/constant ExactString of the 512-bit big.Float
    let v = flt("1e100000");
    assert_eq!(v.to_string(), "1e+100000");
    assert_eq!(
        v.exact_string(),
        "0x.e054e092d5b1ee728370b891e6f4fc66f51ee7b1aa7d1c2901d22f4f7566e8b4b0fdefc5de2930b1b25a5662cb7644ec688750f996792b6818e7ba4ed5f2307ap+332193"
    );
    let v = flt("1e-100000");
    assert_eq!(v.to_string(), "1e-100000");
    assert_eq!(
        v.exact_string(),
        "0x.9211cb7471ee21497c16a5703efd3c100d82eb0afb748565e38072c17ec799568f6925a098418b9b9c18f7c98da5b36a90fbc139ce67fbe8a66634da85123167p-332192"
    );
    let v = flt("0x1p-100000");
    assert_eq!(v.to_string(), "1.001e-30103");
    assert_eq!(v.exact_string(), "0x.8p-99999");
    let v = flt("1e4000");
    assert_eq!(v.to_string(), "1e+4000");
    assert_eq!(
        v.exact_string(),
        "0x.d1ba8323fe558c610d5c82a286614f3ec25558230c550f78093088d8cc8f6622ef1868022598032266e9d7634a67f99423027a9815e6f4adead564cfac38aa44p+13288"
    );
    let v = flt("0.5e-1240");
    assert_eq!(v.to_string(), "5e-1241");
    assert_eq!(
        v.exact_string(),
        "0x.e047e2cdbacf996393df94450179e6625ecc432c3eb435da8aca2c4f65a3069ee881c228627e8dd1eaa9f8a2b0539eeb94b1d59c0dd9408412f14e58566fdf9ap-4120"
    );
}

#[test]
fn overflowing_float_literal_is_malformed() {
    assert_eq!(
        Value::from_literal(LitKind::Float, "1e1000000000"),
        Err("malformed constant: 1e1000000000".to_string())
    );
    assert_eq!(
        Value::from_literal(LitKind::Float, "0x1p3000000000"),
        Err("malformed constant: 0x1p3000000000".to_string())
    );
    assert_eq!(flt("0x1p-3000000000").to_string(), "0");
}

#[test]
fn malformed_float_literals_are_rejected() {
    for raw in ["1e", "1e+", "0x1.8", "1._5", "1__0.0", "e5", ".", "0x.p1", "1.5f"] {
        assert_eq!(Value::from_literal(LitKind::Float, raw), Err(format!("malformed constant: {raw}")), "{raw}");
    }
}

#[test]
fn small_floats_print_like_go_near_the_denormal_range() {
    // go/constant String
    assert_eq!(flt("1e-320").to_string(), "9.99989e-321");
    assert_eq!(flt("5e-324").to_string(), "4.94066e-324");
    assert_eq!(flt("1e-330").to_string(), "1e-330");
    assert_eq!(flt("1.401298464324817e-45").to_string(), "1.4013e-45");
    assert_eq!(flt("1.7976931348623157e308").to_string(), "1.79769e+308");
    assert_eq!(unary_op(U::Neg, &flt("1e400"), 0).to_string(), "-1e+400");
    assert_eq!(flt("1e309").to_string(), "1e+309");
}

#[test]
fn rune_literals_are_ints() {
    for (raw, want) in [
        ("'a'", 97),
        ("'\\n'", 10),
        ("'\\a'", 7),
        ("'\\b'", 8),
        ("'\\f'", 12),
        ("'\\r'", 13),
        ("'\\t'", 9),
        ("'\\v'", 11),
        ("'\\\\'", 92),
        ("'\\''", 39),
        ("'\\x41'", 65),
        ("'\\377'", 255),
        ("'\\000'", 0),
        ("'\\u00e9'", 0xe9),
        ("'\\U0001F600'", 0x1f600),
        ("'é'", 0xe9),
        ("'日'", 0x65e5),
    ] {
        let v = lit(LitKind::Char, raw);
        assert_eq!(v, Value::make_int(want), "{raw}");
    }
}

#[test]
fn malformed_rune_literals_are_rejected() {
    for raw in ["''", "'ab'", "'\\\"'", "'\\400'", "'\\xZZ'", "'\\uD800'", "'\\U00110000'", "'\\q'", "'"] {
        assert_eq!(Value::from_literal(LitKind::Char, raw), Err(format!("malformed constant: {raw}")), "{raw}");
    }
}

#[test]
fn string_literals_unquote_to_bytes() {
    assert_eq!(s("\"hello\"").string_bytes(), Some(&b"hello"[..]));
    assert_eq!(s("`raw\r\nx`").string_bytes(), Some(&b"raw\nx"[..]));
    assert_eq!(s("`a\\nb\"`").string_bytes(), Some(&b"a\\nb\""[..]));
    assert_eq!(s(r#""\a\b\f\n\r\t\v\\\"""#).string_bytes(), Some(&b"\x07\x08\x0c\n\r\t\x0b\\\""[..]));
    assert_eq!(
        s(r#""\xff\377\u00e9\U0001F600""#).string_bytes(),
        Some(&b"\xff\xff\xc3\xa9\xf0\x9f\x98\x80"[..])
    );
    assert_eq!(s("\"日本語\"").as_str_lossy().as_deref(), Some("日本語"));
    assert_eq!(s(r#""\xff""#).as_str_lossy().as_deref(), Some("\u{fffd}"));
    assert_eq!(s("\"\"").string_bytes(), Some(&b""[..]));
}

#[test]
fn malformed_string_literals_are_rejected() {
    for raw in [r#""\'""#, r#""\q""#, r#""\x4""#, r#""\uD800""#, "\"a\nb\"", r#""a"b""#, "\"", "`a`b`"] {
        assert_eq!(Value::from_literal(LitKind::String, raw), Err(format!("malformed constant: {raw}")), "{raw}");
    }
}

#[test]
fn strings_display_quoted_like_go_constant() {
    // go/constant String / ExactString
    assert_eq!(s(r#""\a\b\f\n\r\t\v\\\"""#).to_string(), r#""\a\b\f\n\r\t\v\\\"""#);
    assert_eq!(s(r#""\xff\377\u00e9\U0001F600""#).to_string(), "\"\\xff\\xffé😀\"");
    assert_eq!(s("\"\x7f\\u200b\\ufeff\\u00a0x\"").to_string(), r#""\x7f\u200b\ufeff\u00a0x""#);
    let long = format!("\"{}\"", "a".repeat(88));
    assert_eq!(s(&long).to_string(), format!("\"{}...", "a".repeat(68)));
    assert_eq!(s(&long).exact_string(), long);
    let accents = format!("\"{}\"", "é".repeat(81));
    assert_eq!(s(&accents).to_string(), format!("\"{}...", "é".repeat(68)));
}

// ---------------------------------------------------------------- conversions

#[test]
fn to_int_accepts_integral_floats_only() {
    assert_eq!(flt("12.0").to_int(), Value::make_int(12));
    assert_eq!(flt("1e100").to_int().to_string(), format!("1{}", "0".repeat(100)));
    assert_eq!(flt("0.1").to_int(), Value::Unknown);
    assert_eq!(flt("1e100000").to_int(), Value::Unknown); // go/constant: not a small float
    assert_eq!(s("\"x\"").to_int(), Value::Unknown);
    assert_eq!(Value::make_int(3).to_int(), Value::make_int(3));
}

#[test]
fn to_int_rounds_binary_floats_close_to_an_integer() {
    // go/constant: 1e100000/1e99999 == 10, (1e5000/3e4990)*3 -> 1e+10, ToInt 10000000000
    let ten = op(&flt("1e100000"), B::Quo, &flt("1e99999"));
    assert_eq!(ten.to_string(), "10");
    assert_eq!(ten.exact_string(), "0x.ap+4");
    assert_eq!(ten.to_int(), Value::make_int(10));
    let close = op(&op(&flt("1e5000"), B::Quo, &flt("3e4990")), B::Mul, &Value::make_int(3));
    assert_eq!(close.to_string(), "1e+10");
    assert_eq!(close.to_int(), Value::make_int(10_000_000_000));
    assert!(close.is_int());
}

#[test]
fn to_float_of_large_int_becomes_binary() {
    let one = Value::make_int(1);
    let x = shift(&one, B::Shl, 1000).expect("shift");
    assert_eq!(x.to_float().to_string(), "1.07151e+301");
    let mut y = one.clone();
    for _ in 0..5 {
        y = shift(&y, B::Shl, 1000).expect("shift");
    }
    // go/constant: ToFloat(1<<5000)
    assert_eq!(y.to_float().to_string(), "1.41247e+1505");
    assert_eq!(y.to_float().exact_string(), "0x.8p+5001");
    assert_eq!(s("\"x\"").to_float(), Value::Unknown);
}

#[test]
fn scalar_accessors() {
    assert_eq!(Value::make_int(-5).int64_val(), Some(-5));
    assert_eq!(Value::make_uint64(u64::MAX).int64_val(), None);
    assert_eq!(Value::make_uint64(u64::MAX).uint64_val(), Some(u64::MAX));
    assert_eq!(Value::make_int(-1).uint64_val(), None);
    assert_eq!(flt("2.0").int64_val(), None);
    assert_eq!(flt("0.1").float64_val(), Some(0.1));
    assert_eq!(flt("1e309").float64_val(), None);
    assert_eq!(flt("1e-330").float64_val(), Some(0.0));
    assert_eq!(flt("5e-324").float64_val(), Some(5e-324));
    assert_eq!(flt("0.1").float64_val_exact(), Some((0.1, false)));
    assert_eq!(flt("0.5").float64_val_exact(), Some((0.5, true)));
    assert_eq!(Value::make_int(7).float64_val(), Some(7.0));
    assert_eq!(flt("0.1").float32_val(), Some(0.1f32));
    assert_eq!(s("\"x\"").float64_val(), None);
    assert_eq!(Value::make_bool(true).bool_val(), Some(true));
    assert_eq!(Value::make_float64(f64::INFINITY), Value::Unknown);
    assert_eq!(Value::make_float64(-0.0).to_string(), "0");
}

#[test]
fn make_float64_prints_like_go_constant() {
    // go/constant MakeFloat64(f).String(), ExactString()
    let v = Value::make_float64(1.0 / 3.0);
    assert_eq!(v.to_string(), "0.333333");
    assert_eq!(v.exact_string(), "6004799503160661/18014398509481984");
    assert_eq!(Value::make_float64(f64::MAX).to_string(), "1.79769e+308");
    assert_eq!(Value::make_float64(5e-324).to_string(), "4.94066e-324");
    assert_eq!(Value::make_float64(-2.5e-7).to_string(), "-2.5e-07");
    assert_eq!(Value::make_float64(-2.5e-7).exact_string(), "-4722366482869645/18889465931478580854784");
    assert_eq!(Value::make_float64(1e21).to_string(), "1e+21");
}

#[test]
fn sign_and_bit_len() {
    assert_eq!(Value::make_int(-3).sign(), -1);
    assert_eq!(Value::make_int(0).sign(), 0);
    assert_eq!(flt("0.5").sign(), 1);
    assert_eq!(unary_op(U::Neg, &flt("1e100000"), 0).sign(), -1);
    assert_eq!(flt("1e-1000000000").sign(), 0);
    assert_eq!(Value::Unknown.sign(), 1);
    assert_eq!(Value::make_int(255).bit_len(), 8);
    assert_eq!(Value::make_int(-256).bit_len(), 9);
    assert_eq!(Value::make_int(0).bit_len(), 0);
}

// ---------------------------------------------------------------- operations

#[test]
fn integer_arithmetic() {
    let (a, b) = (Value::make_int(-7), Value::make_int(3));
    assert_eq!(op(&a, B::Add, &b), Value::make_int(-4));
    assert_eq!(op(&a, B::Sub, &b), Value::make_int(-10));
    assert_eq!(op(&a, B::Mul, &b), Value::make_int(-21));
    assert_eq!(op(&a, B::Rem, &b), Value::make_int(-1));
    assert_eq!(op(&a, B::And, &b), Value::make_int(1));
    assert_eq!(op(&a, B::Or, &b), Value::make_int(-5));
    assert_eq!(op(&a, B::Xor, &b), Value::make_int(-6));
    assert_eq!(op(&Value::make_int(-6), B::AndNot, &b), Value::make_int(-8));
    let max = Value::make_int(i64::MAX);
    assert_eq!(op(&max, B::Add, &Value::make_int(1)).to_string(), "9223372036854775808");
    assert_eq!(op(&max, B::Mul, &max).to_string(), "85070591730234615847396907784232501249");
    assert_eq!(op(&Value::make_int(i64::MIN), B::Rem, &Value::make_int(-1)), Value::make_int(0));
}

#[test]
fn integer_vs_exact_division() {
    let (a, b) = (Value::make_int(-7), Value::make_int(2));
    let q = op(&a, B::Quo, &b);
    assert_eq!(q.kind(), Kind::Float);
    assert_eq!(q.exact_string(), "-7/2");
    assert_eq!(binary_op_int_div(&a, &b), Ok(Value::make_int(-3)));
    assert_eq!(binary_op_int_div(&Value::make_int(i64::MIN), &Value::make_int(-1)), Ok(big("9223372036854775808")));
    let third = op(&Value::make_int(1), B::Quo, &Value::make_int(3));
    assert_eq!(third.to_string(), "0.333333");
    assert_eq!(third.exact_string(), "1/3");
    assert_eq!(op(&Value::make_int(6), B::Quo, &Value::make_int(3)).exact_string(), "2");
}

#[test]
fn division_by_zero_is_an_error() {
    let zero = Value::make_int(0);
    assert_eq!(binary_op(&Value::make_int(1), B::Quo, &zero), Err(ConstError::DivByZero));
    assert_eq!(binary_op(&Value::make_int(1), B::Rem, &zero), Err(ConstError::DivByZero));
    assert_eq!(binary_op(&flt("1.5"), B::Quo, &flt("0.0")), Err(ConstError::DivByZero));
    assert_eq!(binary_op(&Value::Unknown, B::Quo, &zero), Err(ConstError::DivByZero));
    assert_eq!(binary_op_int_div(&Value::make_int(1), &zero), Err(ConstError::DivByZero));
    assert_eq!(binary_op(&Value::make_int(1), B::Quo, &Value::Unknown), Ok(Value::Unknown));
    assert_eq!(ConstError::DivByZero.to_string(), "division by zero");
}

#[test]
fn float_arithmetic_is_exact_for_fractions() {
    let x = op(&flt("0.1"), B::Add, &flt("0.2"));
    assert_eq!(x.exact_string(), "3/10");
    assert!(compare(&x, B::Eql, &flt("0.3")));
    assert_eq!(op(&flt("2.5"), B::Mul, &Value::make_int(2)).exact_string(), "5");
    assert_eq!(op(&Value::make_int(1), B::Sub, &flt("0.25")).to_string(), "0.75");
    assert_eq!(op(&flt("1.5"), B::Quo, &flt("0.5")), flt("3.0"));
    assert_eq!(binary_op(&flt("1.5"), B::Rem, &flt("0.5")), Err(ConstError::InvalidOperation));
}

#[test]
fn binary_float_arithmetic_stays_fast_and_rounded() {
    // go/constant: (1e100000 + 1).ExactString() equals 1e100000's
    let x = flt("1e100000");
    assert_eq!(op(&x, B::Add, &Value::make_int(1)).exact_string(), x.exact_string());
    assert_eq!(op(&x, B::Sub, &x).to_string(), "0");
    let sq = op(&x, B::Mul, &x);
    assert_eq!(sq.to_string(), "1e+200000");
    let tiny = flt("1e-100000");
    assert_eq!(op(&x, B::Mul, &tiny).to_int(), Value::make_int(1));
    assert!(compare(&tiny, B::Lss, &flt("1e-99999")));
    assert!(compare(&x, B::Gtr, &tiny));
}

#[test]
fn float_overflow_is_reported() {
    let mut x = flt("1e100000000");
    let mut err = None;
    for _ in 0..10 {
        match binary_op(&x, B::Mul, &x) {
            Ok(v) => x = v,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert_eq!(err, Some(ConstError::Overflow));
    assert_eq!(ConstError::Overflow.to_string(), "constant result is not representable");
}

#[test]
fn string_and_bool_operations() {
    let ab = op(&s("\"a\""), B::Add, &s("\"b\""));
    assert_eq!(ab.string_bytes(), Some(&b"ab"[..]));
    assert_eq!(ab, s("\"ab\""));
    assert_eq!(op(&Value::make_bool(true), B::LAnd, &Value::make_bool(false)), Value::make_bool(false));
    assert_eq!(op(&Value::make_bool(true), B::LOr, &Value::make_bool(false)), Value::make_bool(true));
    assert_eq!(binary_op(&s("\"a\""), B::Sub, &s("\"b\"")), Err(ConstError::InvalidOperation));
    assert_eq!(binary_op(&s("\"a\""), B::Add, &Value::make_int(1)), Err(ConstError::InvalidOperation));
}

#[test]
fn long_concatenation_chains_are_linear_and_drop_safely() {
    let piece = s("\"0123456789\"");
    let mut acc = s("\"\"");
    for _ in 0..200_000 {
        acc = op(&acc, B::Add, &piece);
    }
    let bytes = acc.string_bytes().map(<[u8]>::len);
    assert_eq!(bytes, Some(2_000_000));
    // An unflattened deep chain is dropped without recursion.
    let mut chain = piece.clone();
    for _ in 0..200_000 {
        chain = op(&chain, B::Add, &piece);
    }
    drop(chain);
}

#[test]
fn unknown_operands_propagate() {
    assert_eq!(op(&Value::Unknown, B::Add, &Value::make_int(1)), Value::Unknown);
    assert_eq!(op(&Value::make_int(1), B::Mul, &Value::Unknown), Value::Unknown);
    assert_eq!(unary_op(U::Neg, &Value::Unknown, 0), Value::Unknown);
    assert_eq!(shift(&Value::Unknown, B::Shl, 3), Ok(Value::Unknown));
    assert!(!compare(&Value::Unknown, B::Eql, &Value::Unknown));
}

#[test]
fn unary_operations() {
    assert_eq!(unary_op(U::Neg, &Value::make_int(i64::MIN), 0).to_string(), "9223372036854775808");
    assert_eq!(unary_op(U::Neg, &flt("0.5"), 0).exact_string(), "-1/2");
    assert_eq!(unary_op(U::Pos, &flt("0.5"), 0), flt("0.5"));
    // go/constant: ^5 with prec 8 == 250, unbounded == -6
    assert_eq!(unary_op(U::Xor, &Value::make_int(5), 8), Value::make_int(250));
    assert_eq!(unary_op(U::Xor, &Value::make_int(5), 0), Value::make_int(-6));
    assert_eq!(unary_op(U::Xor, &Value::make_int(0), 64), Value::make_uint64(u64::MAX));
    assert_eq!(unary_op(U::Not, &Value::make_bool(true), 0), Value::make_bool(false));
    assert_eq!(unary_op(U::Xor, &flt("1.5"), 0), Value::Unknown);
    assert_eq!(unary_op(U::Not, &Value::make_int(1), 0), Value::Unknown);
}

#[test]
fn shifts() {
    let one = Value::make_int(1);
    assert_eq!(shift(&one, B::Shl, 62), Ok(Value::make_int(1 << 62)));
    assert_eq!(shift(&one, B::Shl, 63), Ok(big("9223372036854775808")));
    assert_eq!(shift(&Value::make_int(-1), B::Shl, 63), Ok(Value::make_int(i64::MIN)));
    assert_eq!(shift(&Value::make_int(-5), B::Shr, 1), Ok(Value::make_int(-3)));
    assert_eq!(shift(&Value::make_int(-5), B::Shr, 100), Ok(Value::make_int(-1)));
    assert_eq!(shift(&Value::make_int(5), B::Shr, 100), Ok(Value::make_int(0)));
    let b = shift(&one, B::Shl, 100).expect("shift");
    assert_eq!(b.to_string(), "1267650600228229401496703205376");
    assert_eq!(shift(&b, B::Shr, 99), Ok(Value::make_int(2)));
    assert_eq!(shift(&big("-1267650600228229401496703205377"), B::Shr, 100), Ok(Value::make_int(-2)));
    assert_eq!(shift(&flt("2.0"), B::Shl, 3), Ok(Value::make_int(16)));
    assert_eq!(shift(&flt("2.5"), B::Shl, 3), Err(ConstError::NotInteger));
    assert_eq!(shift(&one, B::Shl, MAX_SHIFT).map(|v| v.bit_len()), Ok(1075));
    assert_eq!(shift(&one, B::Shl, MAX_SHIFT + 1), Err(ConstError::InvalidShiftCount));
    assert_eq!(shift(&one, B::Shl, u64::MAX), Err(ConstError::InvalidShiftCount));
    assert_eq!(ConstError::InvalidShiftCount.to_string(), "invalid shift count");
}

#[test]
fn too_large_integers_follow_the_512_bit_rule() {
    let one = Value::make_int(1);
    let max = op(&shift(&one, B::Shl, 512).expect("shift"), B::Sub, &one);
    assert!(!is_too_large(&max));
    assert!(is_too_large(&shift(&one, B::Shl, 512).expect("shift")));
    assert!(!is_too_large(&unary_op(U::Neg, &max, 0)));
    assert!(!is_too_large(&flt("1e1000")));
}

#[test]
fn comparisons() {
    let (a, b) = (Value::make_int(1), Value::make_int(2));
    for (o, want) in [(B::Eql, false), (B::Neq, true), (B::Lss, true), (B::Leq, true), (B::Gtr, false), (B::Geq, false)] {
        assert_eq!(compare(&a, o, &b), want, "{o:?}");
    }
    assert!(compare(&Value::make_int(2), B::Eql, &flt("2.0")));
    assert!(compare(&flt("0.5"), B::Lss, &Value::make_int(1)));
    assert!(compare(&s("\"abc\""), B::Lss, &s("\"abd\"")));
    assert!(compare(&s("\"\\xff\""), B::Gtr, &s("\"é\"")));
    assert!(compare(&s("\"a\""), B::Leq, &s("\"a\"")));
    assert!(compare(&Value::make_bool(true), B::Neq, &Value::make_bool(false)));
    assert!(!compare(&Value::make_bool(true), B::Lss, &Value::make_bool(false)));
    assert!(!compare(&s("\"1\""), B::Eql, &Value::make_int(1)));
    assert!(compare(&flt("1e100000"), B::Eql, &flt("1e100000")));
    assert!(!compare(&flt("1e100000"), B::Eql, &flt("1.0000001e100000")));
    let neg = unary_op(U::Neg, &flt("1e100000"), 0);
    assert!(compare(&neg, B::Lss, &flt("1e-100000")));
    assert!(compare(&neg, B::Lss, &unary_op(U::Neg, &flt("1e99999"), 0)));
}

// ---------------------------------------------------------------- representability

fn ints(bits: u32, signed: bool) -> BasicTarget {
    BasicTarget::Int { bits, signed }
}

#[test]
fn integer_boundaries_of_every_size() {
    for bits in [8u32, 16, 32, 64] {
        let max = op(&shift(&Value::make_int(1), B::Shl, bits as u64 - 1).expect("shift"), B::Sub, &Value::make_int(1));
        let min = unary_op(U::Neg, &shift(&Value::make_int(1), B::Shl, bits as u64 - 1).expect("shift"), 0);
        let one = Value::make_int(1);
        assert_eq!(representable(&max, ints(bits, true)), Ok(max.clone()), "int{bits} max");
        assert_eq!(representable(&min, ints(bits, true)), Ok(min.clone()), "int{bits} min");
        assert_eq!(representable(&op(&max, B::Add, &one), ints(bits, true)), Err(RepresentError::Overflow));
        assert_eq!(representable(&op(&min, B::Sub, &one), ints(bits, true)), Err(RepresentError::Overflow));
        let umax = op(&shift(&one, B::Shl, bits as u64).expect("shift"), B::Sub, &one);
        assert_eq!(representable(&umax, ints(bits, false)), Ok(umax.clone()), "uint{bits} max");
        assert_eq!(representable(&Value::make_int(0), ints(bits, false)), Ok(Value::make_int(0)));
        assert_eq!(representable(&op(&umax, B::Add, &one), ints(bits, false)), Err(RepresentError::Overflow));
        assert_eq!(representable(&Value::make_int(-1), ints(bits, false)), Err(RepresentError::Overflow));
    }
}

#[test]
fn floats_as_integers() {
    assert_eq!(representable(&flt("300.0"), ints(16, true)), Ok(Value::make_int(300)));
    assert_eq!(representable(&flt("1.5"), ints(64, true)), Err(RepresentError::Truncated));
    assert_eq!(representable(&flt("300.0"), ints(8, false)), Err(RepresentError::Truncated));
    assert_eq!(representable(&flt("1e100"), BasicTarget::UntypedInt).map(|v| v.bit_len()), Ok(333));
    assert_eq!(representable(&flt("1.5"), BasicTarget::UntypedRune), Err(RepresentError::Truncated));
    assert_eq!(
        RepresentError::Overflow.message("300 (untyped int constant)", "byte"),
        "300 (untyped int constant) overflows byte"
    );
    assert_eq!(
        RepresentError::Truncated.message("1.5 (untyped float constant)", "int"),
        "1.5 (untyped float constant) truncated to int"
    );
    assert_eq!(
        RepresentError::NotRepresentable.message("\"a\" (untyped string constant)", "int"),
        "cannot convert \"a\" (untyped string constant) to int"
    );
}

#[test]
fn float32_and_float64_rounding() {
    // go/constant Float32Val / Float64Val
    let r = representable(&flt("0.1"), BasicTarget::Float32).expect("float32");
    assert_eq!(r.float64_val(), Some(0.10000000149011612));
    assert_eq!(r.exact_string(), "13421773/134217728");
    let r = representable(&flt("0.1"), BasicTarget::Float64).expect("float64");
    assert_eq!(r.exact_string(), "3602879701896397/36028797018963968");
    let r = representable(&Value::make_int(123456789), BasicTarget::Float32).expect("float32");
    assert_eq!(r.to_string(), "1.23457e+08");
    assert_eq!(r.exact_string(), "123456792");
    assert_eq!(representable(&flt("0x1.fffffep127"), BasicTarget::Float32).map(|v| v.float64_val()), Ok(Some(3.4028234663852886e38)));
    assert_eq!(representable(&flt("0x1.ffffffp127"), BasicTarget::Float32), Err(RepresentError::Overflow));
    assert_eq!(representable(&flt("4e38"), BasicTarget::Float32), Err(RepresentError::Overflow));
    assert_eq!(representable(&flt("4e38"), BasicTarget::Float64).map(|v| v.float64_val()), Ok(Some(4e38)));
    assert_eq!(representable(&flt("1e309"), BasicTarget::Float64), Err(RepresentError::Overflow));
    assert_eq!(representable(&flt("1e100000"), BasicTarget::Float64), Err(RepresentError::Overflow));
    assert_eq!(representable(&flt("1.401298464324817e-45"), BasicTarget::Float32).map(|v| v.float64_val()), Ok(Some(1.401298464324817e-45)));
    assert_eq!(representable(&flt("7e-46"), BasicTarget::Float32), Ok(Value::make_float64(0.0)));
    assert_eq!(representable(&flt("1e-330"), BasicTarget::Float64), Ok(Value::make_float64(0.0)));
    assert_eq!(representable(&flt("1e-100000"), BasicTarget::Float64), Ok(Value::make_float64(0.0)));
    assert_eq!(representable(&flt("1.7976931348623157e308"), BasicTarget::Float64).map(|v| v.float64_val()), Ok(Some(f64::MAX)));
    // ties round to even: 2^24 + 1 in float32
    assert_eq!(representable(&Value::make_int(16_777_217), BasicTarget::Float32), Ok(Value::make_int(16_777_216).to_float()));
    assert_eq!(representable(&Value::make_int(16_777_219), BasicTarget::Float32), Ok(Value::make_int(16_777_220).to_float()));
}

#[test]
fn untyped_and_non_numeric_targets() {
    assert_eq!(representable(&Value::make_int(3), BasicTarget::UntypedFloat), Ok(Value::make_int(3)));
    assert_eq!(representable(&flt("0.5"), BasicTarget::UntypedFloat), Ok(flt("0.5")));
    assert_eq!(representable(&Value::make_bool(true), BasicTarget::Bool), Ok(Value::make_bool(true)));
    assert_eq!(representable(&Value::make_bool(true), BasicTarget::UntypedBool), Ok(Value::make_bool(true)));
    assert_eq!(representable(&s("\"x\""), BasicTarget::String), Ok(s("\"x\"")));
    assert_eq!(representable(&s("\"x\""), BasicTarget::UntypedString), Ok(s("\"x\"")));
    assert_eq!(representable(&s("\"x\""), ints(64, true)), Err(RepresentError::NotRepresentable));
    assert_eq!(representable(&Value::make_int(1), BasicTarget::String), Err(RepresentError::NotRepresentable));
    assert_eq!(representable(&Value::make_int(1), BasicTarget::Bool), Err(RepresentError::NotRepresentable));
    assert_eq!(representable(&Value::make_bool(true), BasicTarget::Float64), Err(RepresentError::NotRepresentable));
    assert_eq!(representable(&Value::Unknown, ints(8, false)), Ok(Value::Unknown));
}

#[test]
fn format_g6_matches_go_percent_g() {
    // fmt.Sprintf("%.6g", f) from Go
    for (f, want) in [
        (0.0, "0"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (123456.0, "123456"),
        (1234567.0, "1.23457e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1e100, "1e+100"),
        (2.5e-7, "2.5e-07"),
        (999999.5, "1e+06"),
        (0.1 + 0.2, "0.3"),
    ] {
        assert_eq!(float::format_g6(f), want, "{f}");
    }
}
