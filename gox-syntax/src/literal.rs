//! Values of string and rune literals: [`unquote_bytes`], [`unquote_string`]
//! and [`unquote_rune`] turn a literal exactly as written (quotes included)
//! into its value, as Go's `strconv.Unquote` does.

use std::fmt;

/// Why a literal could not be unquoted; `offset` is a byte offset into the
/// literal as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnquoteError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for UnquoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnquoteError {}

fn err(offset: usize, message: &str) -> UnquoteError {
    UnquoteError { offset, message: message.to_string() }
}

/// One decoded element of a quoted literal.
enum Unit {
    Char(char),
    /// A `\x` or octal escape: one raw byte.
    Byte(u8),
}

/// Decodes the escape starting at `s[i] == '\\'`; returns the unit and the
/// index after the escape.
fn escape(s: &[u8], i: usize, quote: u8) -> Result<(Unit, usize), UnquoteError> {
    let c = *s.get(i + 1).ok_or_else(|| err(i, "escape sequence not terminated"))?;
    let simple = match c {
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'f' => Some('\x0c'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'v' => Some('\x0b'),
        b'\\' => Some('\\'),
        _ if c == quote => Some(c as char),
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((Unit::Char(ch), i + 2));
    }
    let (n, base, start) = match c {
        b'0'..=b'7' => (3, 8, i + 1),
        b'x' => (2, 16, i + 2),
        b'u' => (4, 16, i + 2),
        b'U' => (8, 16, i + 2),
        _ => return Err(err(i, "unknown escape sequence")),
    };
    let mut x: u32 = 0;
    for k in 0..n {
        let d = s
            .get(start + k)
            .and_then(|&b| (b as char).to_digit(base))
            .ok_or_else(|| err(start + k, "invalid escape sequence"))?;
        x = x * base + d;
    }
    let end = start + n;
    match c {
        b'0'..=b'7' | b'x' => {
            if x > 255 {
                return Err(err(i, "escape sequence is invalid Unicode code point"));
            }
            Ok((Unit::Byte(x as u8), end))
        }
        _ => match char::from_u32(x) {
            Some(ch) => Ok((Unit::Char(ch), end)),
            None => Err(err(i, "escape sequence is invalid Unicode code point")),
        },
    }
}

/// The bytes of a string literal (`"..."` or `` `...` ``). A `\x` or octal
/// escape gives one byte, so the result need not be valid UTF-8. Carriage
/// returns are removed from raw strings, as Go does.
pub fn unquote_bytes(raw: &str) -> Result<Vec<u8>, UnquoteError> {
    let s = raw.as_bytes();
    if s.len() >= 2 && s[0] == b'`' && s[s.len() - 1] == b'`' {
        let body = &s[1..s.len() - 1];
        if let Some(p) = body.iter().position(|&b| b == b'`') {
            return Err(err(p + 1, "unexpected '`' in raw string literal"));
        }
        return Ok(body.iter().copied().filter(|&b| b != b'\r').collect());
    }
    if s.len() < 2 || s[0] != b'"' || s[s.len() - 1] != b'"' {
        return Err(err(0, "string literal not terminated"));
    }
    let body_end = s.len() - 1;
    let mut out = Vec::with_capacity(body_end);
    let mut i = 1;
    while i < body_end {
        match s[i] {
            b'\\' => {
                let (unit, next) = escape(&s[..body_end], i, b'"')?;
                match unit {
                    Unit::Byte(b) => out.push(b),
                    Unit::Char(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
                i = next;
            }
            b'"' => return Err(err(i, "unexpected '\"' in string literal")),
            b'\n' => return Err(err(i, "newline in string literal")),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The value of a string literal as a Rust string; an error if the value
/// is not valid UTF-8 (use [`unquote_bytes`] for such values).
pub fn unquote_string(raw: &str) -> Result<String, UnquoteError> {
    // Most literals have no escape: their value is their text.
    if let Some(body) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        if !body.bytes().any(|b| matches!(b, b'\\' | b'"' | b'\n')) {
            return Ok(body.to_string());
        }
    }
    let bytes = unquote_bytes(raw)?;
    String::from_utf8(bytes).map_err(|e| err(e.utf8_error().valid_up_to(), "string value is not valid UTF-8"))
}

/// The value of a rune literal such as `'a'`, `'\n'`, `'\xff'` (255) or
/// `'\u00e9'`.
pub fn unquote_rune(raw: &str) -> Result<u32, UnquoteError> {
    let s = raw.as_bytes();
    if s.len() < 3 || s[0] != b'\'' || s[s.len() - 1] != b'\'' {
        return Err(err(0, "illegal rune literal"));
    }
    let body = &s[..s.len() - 1];
    let (value, next) = if s[1] == b'\\' {
        match escape(body, 1, b'\'')? {
            (Unit::Byte(b), n) => (b as u32, n),
            (Unit::Char(c), n) => (c as u32, n),
        }
    } else {
        let (c, w) = crate::lexer::decode_char(&body[1..]);
        match c {
            Some(c) if c != '\'' && c != '\n' => (c as u32, 1 + w),
            _ => return Err(err(1, "illegal rune literal")),
        }
    };
    if next != body.len() {
        return Err(err(next, "more than one character in rune literal"));
    }
    Ok(value)
}

/// Whether `path` is a valid import path as `go/parser` checks it: non-empty,
/// only graphic characters, no spaces and none of ``!"#$%&'()*,:;<=>?[\]^{|}` ``.
pub fn is_valid_import_path(path: &str) -> bool {
    // Nearly every path is ASCII: its bytes are looked up in a bit set.
    !path.is_empty()
        && path.chars().all(|c| match u8::try_from(c) {
            Ok(b) if b.is_ascii() => IMPORT_PATH_ASCII & (1 << b) != 0,
            _ => import_path_char(c),
        })
}

/// The characters no import path may hold, besides spaces and controls.
const IMPORT_PATH_ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{FFFD}";

/// The characters an import path may hold, by the rule of
/// [`is_valid_import_path`].
fn import_path_char(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !IMPORT_PATH_ILLEGAL.contains(c)
}

/// Bit b is set when the ASCII character b may appear in an import path.
const IMPORT_PATH_ASCII: u128 = {
    let illegal = IMPORT_PATH_ILLEGAL.as_bytes();
    let mut set = 0u128;
    // Space, the control characters (below it and DEL) and the illegal
    // punctuation are left out.
    let mut b = b'!';
    while b < 0x7f {
        let mut allowed = true;
        let mut i = 0;
        while i < illegal.len() {
            if illegal[i] == b {
                allowed = false;
            }
            i += 1;
        }
        if allowed {
            set |= 1 << b;
        }
        b += 1;
    }
    set
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII bit set says what the character rule says, for every
    /// character of the first planes and a few beyond.
    #[test]
    fn the_ascii_fast_path_agrees_with_the_character_rule() {
        let chars = (0u32..0x3000).chain([0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF]).filter_map(char::from_u32);
        for c in chars {
            let path = format!("a{c}b");
            assert_eq!(is_valid_import_path(&path), import_path_char(c), "{c:?} (U+{:04X})", c as u32);
        }
        assert!(!is_valid_import_path(""));
        assert!(is_valid_import_path("github.com/x/y-z_w.v2~3+4@5"));
        assert!(!is_valid_import_path("a b") && !is_valid_import_path("a\tb") && !is_valid_import_path("a:b"));
    }

    /// A literal without escapes is its text; the others go the long way,
    /// errors included.
    #[test]
    fn unquote_string_without_escapes() {
        assert_eq!(unquote_string("\"fmt\"").unwrap(), "fmt");
        assert_eq!(unquote_string("\"\"").unwrap(), "");
        assert_eq!(unquote_string("\"héllo\"").unwrap(), "héllo");
        assert_eq!(unquote_string("\"a\\tb\"").unwrap(), "a\tb");
        assert_eq!(unquote_string("`raw`").unwrap(), "raw");
        assert!(unquote_string("\"a\"b\"").is_err());
        assert!(unquote_string("\"a\nb\"").is_err());
        assert!(unquote_string("\"").is_err());
    }
}
