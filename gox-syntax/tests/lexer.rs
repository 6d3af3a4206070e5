//! Lexer behaviour: tokens, literal forms and their errors, escapes,
//! semicolon insertion, the `@` token, and invalid input.

use gox_common::FileId;
use gox_syntax::lexer::tokenize;
use gox_syntax::{unquote_bytes, unquote_rune, unquote_string, Token};

/// (kind, text) of every token, comments included, EOF excluded. An
/// inserted semicolon shows as text "\n".
fn toks(src: &str) -> Vec<(Token, String)> {
    let (toks, _) = tokenize(FileId(0), src.as_bytes());
    toks.iter()
        .filter(|t| t.kind != Token::Eof)
        .map(|t| {
            let text = if t.is_implicit_semi() { "\n".to_string() } else { src[t.lo as usize..t.hi as usize].to_string() };
            (t.kind, text)
        })
        .collect()
}

fn kinds(src: &str) -> Vec<Token> {
    toks(src).into_iter().map(|(k, _)| k).collect()
}

/// (offset, message) of every lexical error.
fn errors(src: &[u8]) -> Vec<(u32, String)> {
    let (_, errs) = tokenize(FileId(0), src);
    errs.into_iter().map(|d| (d.span.lo, d.message)).collect()
}

fn one_error(src: &str) -> (u32, String) {
    let e = errors(src.as_bytes());
    assert_eq!(e.len(), 1, "{src:?}: {e:?}");
    e[0].clone()
}

#[test]
fn every_operator_and_delimiter_is_one_token() {
    use Token::*;
    let src = "+ - * / % & | ^ << >> &^ += -= *= /= %= &= |= ^= <<= >>= &^= && || <- ++ -- == < > = ! ~ != <= >= := ... ( [ { , . ) ] } ; : @";
    let want = vec![
        Add, Sub, Mul, Quo, Rem, And, Or, Xor, Shl, Shr, AndNot, AddAssign, SubAssign, MulAssign, QuoAssign,
        RemAssign, AndAssign, OrAssign, XorAssign, ShlAssign, ShrAssign, AndNotAssign, LAnd, LOr, Arrow, Inc, Dec,
        Eql, Lss, Gtr, Assign, Not, Tilde, Neq, Leq, Geq, Define, Ellipsis, LParen, LBrack, LBrace, Comma, Period,
        RParen, RBrack, RBrace, Semicolon, Colon, At,
    ];
    let got: Vec<Token> = kinds(src).into_iter().filter(|k| *k != Semicolon).collect();
    let want: Vec<Token> = want.into_iter().filter(|k| *k != Semicolon).collect();
    assert_eq!(got, want);
}

#[test]
fn keywords_and_unicode_identifiers() {
    use Token::*;
    assert_eq!(
        kinds("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var"),
        vec![Break, Case, Chan, Const, Continue, Default, Defer, Else, Fallthrough, For, Func, Go, Goto, If, Import, Interface, Map, Package, Range, Return, Select, Struct, Switch, Type, Var]
    );
    assert_eq!(
        toks("héllo 日本語 _x9 ǅ"),
        vec![
            (Ident, "héllo".into()),
            (Ident, "日本語".into()),
            (Ident, "_x9".into()),
            (Ident, "ǅ".into()),
            (Semicolon, "\n".into())
        ]
    );
}

#[test]
fn integer_float_and_imaginary_literal_forms() {
    use Token::*;
    let cases: &[(&str, Token)] = &[
        ("42", Int),
        ("0", Int),
        ("0x1F", Int),
        ("0XaBc", Int),
        ("0o17", Int),
        ("0O17", Int),
        ("017", Int),
        ("0b101", Int),
        ("0B1", Int),
        ("1_000_000", Int),
        ("0x_1F", Int),
        ("0b_1_0", Int),
        ("1.5", Float),
        (".5", Float),
        ("1.", Float),
        ("1e10", Float),
        ("1E+10", Float),
        ("1.e-3", Float),
        ("0x1p-2", Float),
        ("0X1.8P+1", Float),
        ("0x.8p0", Float),
        ("1_0.2_5e1_0", Float),
        ("089.5", Float),
        ("2i", Imag),
        ("1.5i", Imag),
        ("0x1p-2i", Imag),
        ("0b11i", Imag),
        ("0123i", Imag),
    ];
    for (src, kind) in cases {
        assert_eq!(toks(src)[0], (*kind, src.to_string()), "{src}");
        assert_eq!(errors(src.as_bytes()), vec![], "{src}");
    }
}

#[test]
fn malformed_number_literals_report_go_messages_at_go_positions() {
    assert_eq!(one_error("0x"), (2, "hexadecimal literal has no digits".into()));
    assert_eq!(one_error("0b"), (2, "binary literal has no digits".into()));
    assert_eq!(one_error("0o"), (2, "octal literal has no digits".into()));
    assert_eq!(one_error("0b102"), (4, "invalid digit '2' in binary literal".into()));
    assert_eq!(one_error("0o78"), (3, "invalid digit '8' in octal literal".into()));
    assert_eq!(one_error("09"), (1, "invalid digit '9' in octal literal".into()));
    assert_eq!(one_error("1__0"), (2, "'_' must separate successive digits".into()));
    assert_eq!(one_error("1_"), (1, "'_' must separate successive digits".into()));
    assert_eq!(one_error("0_x1"), (1, "'_' must separate successive digits".into()));
    assert_eq!(one_error("0x1.0"), (5, "hexadecimal mantissa requires a 'p' exponent".into()));
    assert_eq!(one_error("1e"), (2, "exponent has no digits".into()));
    assert_eq!(one_error("1e+"), (3, "exponent has no digits".into()));
    assert_eq!(one_error("0o1.2"), (3, "invalid radix point in octal literal".into()));
    assert_eq!(one_error("0b1.0"), (3, "invalid radix point in binary literal".into()));
    assert_eq!(one_error("1p3"), (1, "'p' exponent requires hexadecimal mantissa".into()));
    assert_eq!(errors(b"0x1e3p1"), vec![]);
    assert_eq!(one_error("0b1e3"), (3, "'e' exponent requires decimal mantissa".into()));
}

#[test]
fn string_and_rune_escapes() {
    let s = r#""\a\b\f\n\r\t\v\\\"\x41\101\u00e9\U0001F600""#;
    assert_eq!(errors(s.as_bytes()), vec![]);
    assert_eq!(unquote_string(s).unwrap(), "\x07\x08\x0c\n\r\t\x0b\\\"AAé😀");
    for (lit, value) in [
        ("'a'", 'a' as u32),
        ("'é'", 0xe9),
        (r"'\a'", 7),
        (r"'\b'", 8),
        (r"'\f'", 12),
        (r"'\n'", 10),
        (r"'\r'", 13),
        (r"'\t'", 9),
        (r"'\v'", 11),
        (r"'\\'", '\\' as u32),
        (r"'\''", '\'' as u32),
        (r"'\x7f'", 0x7f),
        (r"'\xff'", 0xff),
        (r"'\377'", 0xff),
        (r"'\u12e4'", 0x12e4),
        (r"'\U00101234'", 0x101234),
    ] {
        assert_eq!(errors(lit.as_bytes()), vec![], "{lit}");
        assert_eq!(unquote_rune(lit), Ok(value), "{lit}");
    }
}

#[test]
fn invalid_escapes_are_errors_at_their_position() {
    assert_eq!(one_error(r#""ab\q""#), (3, "unknown escape sequence".into()));
    assert_eq!(one_error(r#""\'""#), (1, "unknown escape sequence".into()));
    assert_eq!(one_error(r#"'\"'"#), (1, "unknown escape sequence".into()));
    assert_eq!(one_error(r#""\x4g""#), (4, "illegal character U+0067 'g' in escape sequence".into()));
    assert_eq!(one_error(r#""\400""#), (1, "escape sequence is invalid Unicode code point".into()));
    assert_eq!(one_error(r#""\uD800""#), (1, "escape sequence is invalid Unicode code point".into()));
    assert_eq!(one_error(r#""\U00110000""#), (1, "escape sequence is invalid Unicode code point".into()));
    assert_eq!(one_error("'ab'"), (0, "illegal rune literal".into()));
    assert_eq!(one_error("''"), (0, "illegal rune literal".into()));
    assert_eq!(one_error("'a"), (0, "rune literal not terminated".into()));
    assert_eq!(one_error("\"abc\nx"), (0, "string literal not terminated".into()));
    assert_eq!(one_error("`abc"), (0, "raw string literal not terminated".into()));
    assert_eq!(one_error("/* abc"), (0, "comment not terminated".into()));
}

#[test]
fn unquote_handles_raw_strings_and_byte_escapes() {
    assert_eq!(unquote_string("`a\r\nb\\n`").unwrap(), "a\nb\\n");
    assert_eq!(unquote_bytes(r#""\xff\x00a""#).unwrap(), vec![0xff, 0, b'a']);
    assert_eq!(unquote_string(r#""\xff""#).unwrap_err().message, "string value is not valid UTF-8");
    assert_eq!(unquote_string(r#""\q""#).unwrap_err().message, "unknown escape sequence");
    assert_eq!(unquote_rune("'ab'").unwrap_err().message, "more than one character in rune literal");
}

#[test]
fn semicolons_are_inserted_after_line_final_tokens() {
    use Token::*;
    for (src, last) in [
        ("x\n", Ident),
        ("1\n", Int),
        ("1.5\n", Float),
        ("2i\n", Imag),
        ("'a'\n", Char),
        ("\"s\"\n", String),
        ("`s`\n", String),
        ("break\n", Break),
        ("continue\n", Continue),
        ("fallthrough\n", Fallthrough),
        ("return\n", Return),
        ("x++\n", Inc),
        ("x--\n", Dec),
        ("f()\n", RParen),
        ("a[1]\n", RBrack),
        ("{}\n", RBrace),
    ] {
        let k = kinds(src);
        assert_eq!(k[k.len() - 2], last, "{src:?}");
        assert_eq!(toks(src).last().unwrap(), &(Semicolon, "\n".to_string()), "{src:?}");
    }
    for src in ["x +\n", "f(\n", "{\n", "a,\n", "x =\n", "go\n", "var\n"] {
        assert!(!toks(src).iter().any(|t| t.1 == "\n"), "{src:?}");
    }
}

#[test]
fn semicolon_insertion_around_comments_and_at_eof() {
    use Token::*;
    let s = |t: &str| (Semicolon, t.to_string());
    let i = |t: &str| (Ident, t.to_string());
    let c = |t: &str| (Comment, t.to_string());
    assert_eq!(toks("x // c\ny"), vec![i("x"), s("\n"), c("// c"), i("y"), s("\n")]);
    assert_eq!(toks("x /* c */\ny"), vec![i("x"), s("\n"), c("/* c */"), i("y"), s("\n")]);
    assert_eq!(toks("x /* a\nb */ y"), vec![i("x"), s("\n"), c("/* a\nb */"), i("y"), s("\n")]);
    assert_eq!(toks("x /* c */ y"), vec![i("x"), c("/* c */"), i("y"), s("\n")]);
    assert_eq!(toks("x /* c */ // d\ny"), vec![i("x"), s("\n"), c("/* c */"), c("// d"), i("y"), s("\n")]);
    assert_eq!(toks("x"), vec![i("x"), s("\n")]);
    assert_eq!(toks("x;y"), vec![i("x"), s(";"), i("y"), s("\n")]);
    // The inserted semicolon is at the newline (or the comment) and empty.
    let (t, _) = tokenize(FileId(0), b"ab // c\n");
    assert_eq!((t[1].kind, t[1].lo, t[1].hi), (Semicolon, 3, 3));
    let (t, _) = tokenize(FileId(0), b"ab\n");
    assert_eq!((t[1].kind, t[1].lo, t[1].hi, t[1].line), (Semicolon, 2, 2, 1));
}

#[test]
fn at_token_for_external_imports() {
    use Token::*;
    assert_eq!(
        toks("import web @\"gin/render\""),
        vec![(Import, "import".into()), (Ident, "web".into()), (At, "@".into()), (String, "\"gin/render\"".into()), (Semicolon, "\n".into())]
    );
}

#[test]
fn invalid_utf8_nul_bom_and_illegal_characters() {
    assert_eq!(errors(b"x \xff y"), vec![(2, "invalid UTF-8 encoding".into())]);
    assert_eq!(errors(b"\"a\xc3\""), vec![(2, "invalid UTF-8 encoding".into())]);
    assert_eq!(errors(b"// \xfe\n"), vec![(3, "invalid UTF-8 encoding".into())]);
    assert_eq!(errors(b"x \x00 y"), vec![(2, "illegal character NUL".into())]);
    assert_eq!(errors(b"\"a\x00\""), vec![(2, "illegal character NUL".into())]);
    assert_eq!(errors("\u{FEFF}x".as_bytes()), vec![]);
    assert_eq!(errors("x \u{FEFF}".as_bytes()), vec![(2, "illegal byte order mark".into())]);
    assert_eq!(errors(b"x # y"), vec![(2, "illegal character U+0023 '#'".into())]);
    assert_eq!(errors("x € y".as_bytes()), vec![(2, "illegal character U+20AC '€'".into())]);
}

#[test]
fn comments_drop_carriage_returns() {
    let (t, _) = tokenize(FileId(0), b"// a\r\n/* b\r\nc */");
    let texts: Vec<String> = t
        .iter()
        .filter(|t| t.kind == Token::Comment)
        .map(|t| gox_syntax::lexer::comment_text(&b"// a\r\n/* b\r\nc */"[t.lo as usize..t.hi as usize]))
        .collect();
    assert_eq!(texts, vec!["// a", "/* b\nc */"]);
}
