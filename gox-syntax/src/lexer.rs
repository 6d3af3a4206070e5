//! The lexer: source bytes to [`Tok`]s, following Go's `go/scanner`.
//!
//! It works on bytes so that invalid UTF-8 can be reported ("invalid UTF-8
//! encoding") instead of being impossible to represent. Tokens carry only
//! their kind and byte range: the text of a literal is the source slice, so
//! lexing allocates nothing per token. Comments are returned as
//! [`Token::Comment`] tokens; semicolons are inserted after a line's final
//! token exactly as the Go specification says (an inserted semicolon has an
//! empty span, see [`Tok::is_implicit_semi`]).

use gox_common::{Diagnostic, FileId, Span};

use crate::token::Token;

/// One token: its kind, byte range and the 1-based line where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: Token,
    pub lo: u32,
    pub hi: u32,
    pub line: u32,
}

impl Tok {
    /// A semicolon inserted at a newline or at the end of the file.
    pub fn is_implicit_semi(&self) -> bool {
        self.kind == Token::Semicolon && self.lo == self.hi
    }
}

const EOF: i32 = -1;
const BOM: char = '\u{FEFF}';

pub struct Lexer<'a> {
    src: &'a [u8],
    file: FileId,
    pos: usize,
    line: u32,
    insert_semi: bool,
    /// Byte offsets of line starts seen so far (always increasing).
    line_starts: Vec<u32>,
    errors: Vec<Diagnostic>,
    /// When set, errors are not recorded (used while peeking ahead).
    quiet: bool,
}

/// Saved position of a [`Lexer`], to peek ahead and come back.
#[derive(Clone, Copy, Debug)]
pub struct LexerState {
    pos: usize,
    line: u32,
    insert_semi: bool,
}

/// Decodes one UTF-8 character at the start of `b`: `(Some(c), width)`, or
/// `(None, 1)` for an invalid encoding.
pub(crate) fn decode_char(b: &[u8]) -> (Option<char>, usize) {
    let first = match b.first() {
        Some(&f) => f,
        None => return (None, 0),
    };
    if first < 0x80 {
        return (Some(first as char), 1);
    }
    let w = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (None, 1),
    };
    match b.get(..w).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next(), w),
        None => (None, 1),
    }
}

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && c.is_alphabetic())
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || (!c.is_ascii() && c.is_alphanumeric())
}

fn is_decimal(c: i32) -> bool {
    (b'0' as i32..=b'9' as i32).contains(&c)
}

fn is_hex(c: i32) -> bool {
    is_decimal(c) || (b'a' as i32..=b'f' as i32).contains(&(c | 0x20))
}

fn lower(c: i32) -> i32 {
    c | 0x20
}

/// Byte classes for the lexer's hot loops: one table load and test per
/// byte instead of a chain of range comparisons.
const LETTER: u8 = 1; // ASCII letter or `_`: starts an identifier
const IDENT: u8 = 2; // ASCII letter, digit or `_`: continues one
const DIGIT: u8 = 4; // ASCII digit: starts a number
const SPACE: u8 = 8; // space, tab, carriage return (not newline)

static CLASS: [u8; 256] = byte_classes();

const fn byte_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            t[b] = LETTER | IDENT;
        } else if c.is_ascii_digit() {
            t[b] = DIGIT | IDENT;
        } else if c == b' ' || c == b'\t' || c == b'\r' {
            t[b] = SPACE;
        }
        b += 1;
    }
    t
}

fn litname(prefix: u8) -> &'static str {
    match prefix {
        b'x' => "hexadecimal literal",
        b'o' | b'0' => "octal literal",
        b'b' => "binary literal",
        _ => "decimal literal",
    }
}

/// `U+0023 '#'`, as Go's `%#U` prints a character.
pub(crate) fn format_char_u(c: char) -> String {
    if c.is_control() || c == BOM {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{}'", c as u32, c)
    }
}

impl<'a> Lexer<'a> {
    pub fn new(file: FileId, src: &'a [u8]) -> Lexer<'a> {
        let mut lx = Lexer {
            src,
            file,
            pos: 0,
            line: 1,
            insert_semi: false,
            line_starts: vec![0],
            errors: Vec::new(),
            quiet: false,
        };
        if src.starts_with("\u{FEFF}".as_bytes()) {
            lx.pos = 3;
        }
        lx
    }

    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    pub fn file(&self) -> FileId {
        self.file
    }

    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    pub fn take_errors(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.errors)
    }

    pub(crate) fn errors_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.errors
    }

    pub fn state(&self) -> LexerState {
        LexerState { pos: self.pos, line: self.line, insert_semi: self.insert_semi }
    }

    pub fn restore(&mut self, st: LexerState) {
        self.pos = st.pos;
        self.line = st.line;
        self.insert_semi = st.insert_semi;
    }

    pub fn set_quiet(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    /// The 1-based line of a byte offset already scanned.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    fn error(&mut self, at: usize, msg: impl Into<String>) {
        if !self.quiet {
            let at = at as u32;
            self.errors.push(Diagnostic::error(Span::new(self.file, at, at), msg));
        }
    }

    #[inline]
    fn cur(&self) -> i32 {
        match self.src.get(self.pos) {
            Some(&b) => b as i32,
            None => EOF,
        }
    }

    #[inline]
    fn peek_byte(&self, k: usize) -> i32 {
        match self.src.get(self.pos + k) {
            Some(&b) => b as i32,
            None => EOF,
        }
    }

    fn newline_at(&mut self, offset: usize) {
        self.line += 1;
        let start = offset as u32 + 1;
        if self.line_starts.last().is_some_and(|&l| l < start) {
            self.line_starts.push(start);
        }
    }

    /// Advances over one character inside a literal or comment, reporting
    /// NUL, invalid UTF-8 and misplaced byte order marks. Returns the
    /// character (`None` for an invalid encoding).
    fn bump_char(&mut self) -> Option<char> {
        let b = self.src[self.pos];
        if b < 0x80 {
            if b == b'\n' {
                self.newline_at(self.pos);
            } else if b == 0 {
                self.error(self.pos, "illegal character NUL");
            }
            self.pos += 1;
            return Some(b as char);
        }
        let (c, w) = decode_char(&self.src[self.pos..]);
        match c {
            None => self.error(self.pos, "invalid UTF-8 encoding"),
            Some(BOM) => self.error(self.pos, "illegal byte order mark"),
            Some(_) => {}
        }
        self.pos += w;
        c
    }

    fn skip_whitespace(&mut self) {
        // `pos` lives in a register for the loop; `self.pos` is written once.
        let src = self.src;
        let mut pos = self.pos;
        while let Some(&b) = src.get(pos) {
            if CLASS[b as usize] & SPACE != 0 {
                pos += 1;
            } else if b == b'\n' && !self.insert_semi {
                self.newline_at(pos);
                pos += 1;
            } else {
                break;
            }
        }
        self.pos = pos;
    }

    fn tok(&self, kind: Token, lo: usize, line: u32) -> Tok {
        Tok { kind, lo: lo as u32, hi: self.pos as u32, line }
    }

    /// Scans the next token.
    ///
    /// Only identifiers, keywords and operators are scanned here; the rarer
    /// tokens (literals, comments, non-ASCII and illegal characters, the end
    /// of the file) are scanned by functions kept out of line, so that this
    /// one stays small and cheap to enter.
    pub fn next_token(&mut self) -> Tok {
        self.skip_whitespace();
        let lo = self.pos;
        let line = self.line;
        let Some(&b) = self.src.get(lo) else {
            return self.eof_token(lo, line);
        };
        let class = CLASS[b as usize];
        if class & LETTER != 0 {
            self.pos = lo + 1;
            self.scan_identifier();
            let text = &self.src[lo..self.pos];
            let kind = if text.len() > 1 && text[0].is_ascii_lowercase() { keyword(text) } else { Token::Ident };
            self.insert_semi = matches!(
                kind,
                Token::Ident | Token::Break | Token::Continue | Token::Fallthrough | Token::Return
            );
            return self.tok(kind, lo, line);
        }
        if class & DIGIT != 0 || b == b'.' && is_decimal(self.peek_byte(1)) {
            let kind = self.scan_number();
            self.insert_semi = true;
            return self.tok(kind, lo, line);
        }
        if b >= 0x80 {
            return self.non_ascii_token(lo, line);
        }
        let mut insert_semi = false;
        self.pos += 1;
        let next = self.cur();
        let kind = match b {
            b'\n' => {
                // Only reached when a semicolon must be inserted.
                self.insert_semi = false;
                self.newline_at(lo);
                return Tok { kind: Token::Semicolon, lo: lo as u32, hi: lo as u32, line };
            }
            b'"' => {
                insert_semi = true;
                self.scan_string(lo);
                Token::String
            }
            b'\'' => {
                insert_semi = true;
                self.scan_rune(lo);
                Token::Char
            }
            b'`' => {
                insert_semi = true;
                self.scan_raw_string(lo);
                Token::String
            }
            b':' => self.switch2(Token::Colon, Token::Define),
            b'.' => {
                if next == b'.' as i32 && self.peek_byte(1) == b'.' as i32 {
                    self.pos += 2;
                    Token::Ellipsis
                } else {
                    Token::Period
                }
            }
            b',' => Token::Comma,
            b';' => Token::Semicolon,
            b'(' => Token::LParen,
            b')' => {
                insert_semi = true;
                Token::RParen
            }
            b'[' => Token::LBrack,
            b']' => {
                insert_semi = true;
                Token::RBrack
            }
            b'{' => Token::LBrace,
            b'}' => {
                insert_semi = true;
                Token::RBrace
            }
            b'+' => {
                let t = self.switch3(Token::Add, Token::AddAssign, b'+', Token::Inc);
                insert_semi = t == Token::Inc;
                t
            }
            b'-' => {
                let t = self.switch3(Token::Sub, Token::SubAssign, b'-', Token::Dec);
                insert_semi = t == Token::Dec;
                t
            }
            b'*' => self.switch2(Token::Mul, Token::MulAssign),
            b'/' => {
                if next == b'/' as i32 || next == b'*' as i32 {
                    return self.comment_token(lo, line);
                }
                self.switch2(Token::Quo, Token::QuoAssign)
            }
            b'%' => self.switch2(Token::Rem, Token::RemAssign),
            b'^' => self.switch2(Token::Xor, Token::XorAssign),
            b'<' => {
                if next == b'-' as i32 {
                    self.pos += 1;
                    Token::Arrow
                } else {
                    self.switch4(Token::Lss, Token::Leq, b'<', Token::Shl, Token::ShlAssign)
                }
            }
            b'>' => self.switch4(Token::Gtr, Token::Geq, b'>', Token::Shr, Token::ShrAssign),
            b'=' => self.switch2(Token::Assign, Token::Eql),
            b'!' => self.switch2(Token::Not, Token::Neq),
            b'&' => {
                if next == b'^' as i32 {
                    self.pos += 1;
                    self.switch2(Token::AndNot, Token::AndNotAssign)
                } else {
                    self.switch3(Token::And, Token::AndAssign, b'&', Token::LAnd)
                }
            }
            b'|' => self.switch3(Token::Or, Token::OrAssign, b'|', Token::LOr),
            b'~' => Token::Tilde,
            b'@' => Token::At,
            _ => return self.illegal_token(lo, line),
        };
        self.insert_semi = insert_semi;
        self.tok(kind, lo, line)
    }

    /// At the end of the source: the semicolon still due, then EOF.
    #[cold]
    #[inline(never)]
    fn eof_token(&mut self, lo: usize, line: u32) -> Tok {
        if self.insert_semi {
            self.insert_semi = false;
            return Tok { kind: Token::Semicolon, lo: lo as u32, hi: lo as u32, line };
        }
        self.tok(Token::Eof, lo, line)
    }

    /// With `/` consumed and the current byte `/` or `*`: a comment, or the
    /// semicolon due before it when the comments run to the end of the line.
    #[inline(never)]
    fn comment_token(&mut self, lo: usize, line: u32) -> Tok {
        if self.insert_semi && self.find_line_end() {
            self.pos = lo;
            self.insert_semi = false;
            return Tok { kind: Token::Semicolon, lo: lo as u32, hi: lo as u32, line };
        }
        self.scan_comment(lo);
        // A comment does not change whether a semicolon is due: if one was,
        // the comment is on the same line and does not end it
        // (find_line_end said so).
        Tok { kind: Token::Comment, lo: lo as u32, hi: self.pos as u32, line }
    }

    /// A token starting with a non-ASCII byte: an identifier if it starts
    /// with a Unicode letter, else an illegal character.
    #[cold]
    #[inline(never)]
    fn non_ascii_token(&mut self, lo: usize, line: u32) -> Tok {
        if !self.starts_with_letter() {
            return self.illegal_token(lo, line);
        }
        self.scan_identifier();
        // Not a keyword: those start with an ASCII letter.
        self.insert_semi = true;
        self.tok(Token::Ident, lo, line)
    }

    /// A character that starts no token, reported; whether a semicolon is
    /// due does not change.
    #[cold]
    #[inline(never)]
    fn illegal_token(&mut self, lo: usize, line: u32) -> Tok {
        self.pos = lo;
        match self.bump_char() {
            // bump_char reported NUL, invalid UTF-8 and BOMs.
            Some('\0') | Some(BOM) | None => {}
            Some(c) => self.error(lo, format!("illegal character {}", format_char_u(c))),
        }
        self.tok(Token::Illegal, lo, line)
    }

    fn starts_with_letter(&self) -> bool {
        matches!(decode_char(&self.src[self.pos..]), (Some(c), _) if is_letter(c))
    }

    /// Advances over the rest of an identifier.
    #[inline]
    fn scan_identifier(&mut self) {
        let src = self.src;
        let mut pos = self.pos;
        while let Some(&b) = src.get(pos) {
            if CLASS[b as usize] & IDENT == 0 {
                break;
            }
            pos += 1;
        }
        self.pos = pos;
        if src.get(pos).is_some_and(|&b| b >= 0x80) {
            self.scan_identifier_unicode();
        }
    }

    /// Continues [`scan_identifier`](Self::scan_identifier) at a non-ASCII
    /// byte.
    #[cold]
    #[inline(never)]
    fn scan_identifier_unicode(&mut self) {
        while let Some(&b) = self.src.get(self.pos) {
            if CLASS[b as usize] & IDENT != 0 {
                self.pos += 1;
            } else if b >= 0x80 {
                match decode_char(&self.src[self.pos..]) {
                    (Some(c), w) if is_ident_char(c) => self.pos += w,
                    _ => break,
                }
            } else {
                break;
            }
        }
    }

    fn switch2(&mut self, t0: Token, t1: Token) -> Token {
        if self.cur() == b'=' as i32 {
            self.pos += 1;
            return t1;
        }
        t0
    }

    fn switch3(&mut self, t0: Token, t1: Token, ch2: u8, t2: Token) -> Token {
        if self.cur() == b'=' as i32 {
            self.pos += 1;
            return t1;
        }
        if self.cur() == ch2 as i32 {
            self.pos += 1;
            return t2;
        }
        t0
    }

    fn switch4(&mut self, t0: Token, t1: Token, ch2: u8, t2: Token, t3: Token) -> Token {
        if self.cur() == b'=' as i32 {
            self.pos += 1;
            return t1;
        }
        if self.cur() == ch2 as i32 {
            self.pos += 1;
            if self.cur() == b'=' as i32 {
                self.pos += 1;
                return t3;
            }
            return t2;
        }
        t0
    }

    /// With the first `/` consumed: whether the comments starting here reach
    /// the end of the line (or of the file) before any other token.
    fn find_line_end(&mut self) -> bool {
        let save = self.pos;
        let quiet = self.quiet;
        self.quiet = true;
        let found = self.find_line_end_inner();
        self.quiet = quiet;
        self.pos = save;
        found
    }

    fn find_line_end_inner(&mut self) -> bool {
        loop {
            match self.cur() {
                c if c == b'/' as i32 => return true,
                c if c == b'*' as i32 => {
                    self.pos += 1;
                    loop {
                        match self.cur() {
                            EOF => return true,
                            c if c == b'\n' as i32 => return true,
                            c if c == b'*' as i32 && self.peek_byte(1) == b'/' as i32 => {
                                self.pos += 2;
                                break;
                            }
                            _ => self.pos += 1,
                        }
                    }
                    while matches!(self.cur(), 0x20 | 0x09 | 0x0d) {
                        self.pos += 1;
                    }
                    match self.cur() {
                        EOF => return true,
                        c if c == b'\n' as i32 => return true,
                        c if c == b'/' as i32 => {
                            self.pos += 1;
                            if !matches!(self.cur(), 0x2f | 0x2a) {
                                return false;
                            }
                        }
                        _ => return false,
                    }
                }
                _ => return false,
            }
        }
    }

    /// With `/` consumed and the current byte `/` or `*`.
    fn scan_comment(&mut self, lo: usize) {
        if self.cur() == b'/' as i32 {
            self.pos += 1;
            while let Some(&b) = self.src.get(self.pos) {
                if b == b'\n' {
                    break;
                }
                if b < 0x80 && b != 0 {
                    self.pos += 1;
                } else {
                    self.bump_char();
                }
            }
            return;
        }
        self.pos += 1;
        loop {
            match self.src.get(self.pos) {
                None => {
                    self.error(lo, "comment not terminated");
                    return;
                }
                Some(b'*') if self.peek_byte(1) == b'/' as i32 => {
                    self.pos += 2;
                    return;
                }
                Some(&b) if b < 0x80 && b != 0 && b != b'\n' => self.pos += 1,
                Some(_) => {
                    self.bump_char();
                }
            }
        }
    }

    fn digits(&mut self, base: u32, invalid: &mut Option<usize>) -> u8 {
        let mut digsep = 0;
        loop {
            let c = self.cur();
            if base <= 10 {
                if !(is_decimal(c) || c == b'_' as i32) {
                    break;
                }
                if c == b'_' as i32 {
                    digsep |= 2;
                } else {
                    digsep |= 1;
                    if c >= b'0' as i32 + base as i32 && invalid.is_none() {
                        *invalid = Some(self.pos);
                    }
                }
            } else {
                if !(is_hex(c) || c == b'_' as i32) {
                    break;
                }
                digsep |= if c == b'_' as i32 { 2 } else { 1 };
            }
            self.pos += 1;
        }
        digsep
    }

    #[inline(never)]
    fn scan_number(&mut self) -> Token {
        let lo = self.pos;
        let mut kind = Token::Illegal;
        let mut base = 10;
        let mut prefix = 0u8;
        let mut digsep = 0u8;
        let mut invalid = None;

        if self.cur() != b'.' as i32 {
            kind = Token::Int;
            if self.cur() == b'0' as i32 {
                self.pos += 1;
                match lower(self.cur()) {
                    0x78 => {
                        self.pos += 1;
                        base = 16;
                        prefix = b'x';
                    }
                    0x6f => {
                        self.pos += 1;
                        base = 8;
                        prefix = b'o';
                    }
                    0x62 => {
                        self.pos += 1;
                        base = 2;
                        prefix = b'b';
                    }
                    _ => {
                        base = 8;
                        prefix = b'0';
                        digsep = 1;
                    }
                }
            }
            digsep |= self.digits(base, &mut invalid);
        }

        if self.cur() == b'.' as i32 {
            kind = Token::Float;
            if prefix == b'o' || prefix == b'b' {
                self.error(self.pos, format!("invalid radix point in {}", litname(prefix)));
            }
            self.pos += 1;
            digsep |= self.digits(base, &mut invalid);
        }

        if digsep & 1 == 0 {
            self.error(self.pos, format!("{} has no digits", litname(prefix)));
        }

        let e = lower(self.cur());
        if e == b'e' as i32 || e == b'p' as i32 {
            let ch = self.cur() as u8 as char;
            if e == b'e' as i32 && prefix != 0 && prefix != b'0' {
                self.error(self.pos, format!("'{ch}' exponent requires decimal mantissa"));
            } else if e == b'p' as i32 && prefix != b'x' {
                self.error(self.pos, format!("'{ch}' exponent requires hexadecimal mantissa"));
            }
            self.pos += 1;
            kind = Token::Float;
            if self.cur() == b'+' as i32 || self.cur() == b'-' as i32 {
                self.pos += 1;
            }
            let mut none = None;
            let ds = self.digits(10, &mut none);
            digsep |= ds;
            if ds & 1 == 0 {
                self.error(self.pos, "exponent has no digits");
            }
        } else if prefix == b'x' && kind == Token::Float {
            self.error(self.pos, "hexadecimal mantissa requires a 'p' exponent");
        }

        if self.cur() == b'i' as i32 {
            kind = Token::Imag;
            self.pos += 1;
        }

        if kind == Token::Int {
            if let Some(at) = invalid {
                let d = self.src[at] as char;
                self.error(at, format!("invalid digit '{d}' in {}", litname(prefix)));
            }
        }
        if digsep & 2 != 0 {
            if let Some(i) = invalid_sep(&self.src[lo..self.pos]) {
                self.error(lo + i, "'_' must separate successive digits");
            }
        }
        kind
    }

    /// With the backslash consumed. Returns false (without consuming the
    /// offending character) on error.
    fn scan_escape(&mut self, quote: u8) -> bool {
        let offs = self.pos - 1;
        let c = self.cur();
        let (mut n, base, max): (u32, u32, u32) = match c {
            EOF => {
                self.error(offs, "escape sequence not terminated");
                return false;
            }
            _ if matches!(c as u8, b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\') || c == quote as i32 => {
                self.pos += 1;
                return true;
            }
            _ if (b'0' as i32..=b'7' as i32).contains(&c) => (3, 8, 255),
            _ if c == b'x' as i32 => {
                self.pos += 1;
                (2, 16, 255)
            }
            _ if c == b'u' as i32 => {
                self.pos += 1;
                (4, 16, 0x10FFFF)
            }
            _ if c == b'U' as i32 => {
                self.pos += 1;
                (8, 16, 0x10FFFF)
            }
            _ => {
                self.error(offs, "unknown escape sequence");
                return false;
            }
        };
        let mut x: u32 = 0;
        while n > 0 {
            let c = self.cur();
            let d = match c {
                EOF => 16,
                _ => (c as u8 as char).to_digit(16).unwrap_or(16),
            };
            if d >= base {
                if c == EOF {
                    self.error(self.pos, "escape sequence not terminated");
                } else {
                    let ch = decode_char(&self.src[self.pos..]).0.unwrap_or('\u{FFFD}');
                    self.error(self.pos, format!("illegal character {} in escape sequence", format_char_u(ch)));
                }
                return false;
            }
            x = x.wrapping_mul(base).wrapping_add(d);
            self.pos += 1;
            n -= 1;
        }
        if x > max || (0xD800..0xE000).contains(&x) {
            self.error(offs, "escape sequence is invalid Unicode code point");
            return false;
        }
        true
    }

    #[inline(never)]
    fn scan_rune(&mut self, lo: usize) {
        let mut valid = true;
        let mut n = 0;
        loop {
            let c = self.cur();
            if c == b'\n' as i32 || c == EOF {
                if valid {
                    self.error(lo, "rune literal not terminated");
                    valid = false;
                }
                break;
            }
            self.bump_char();
            if c == b'\'' as i32 {
                break;
            }
            n += 1;
            if c == b'\\' as i32 && !self.scan_escape(b'\'') {
                valid = false;
            }
        }
        if valid && n != 1 {
            self.error(lo, "illegal rune literal");
        }
    }

    #[inline(never)]
    fn scan_string(&mut self, lo: usize) {
        loop {
            let c = self.cur();
            if c == b'\n' as i32 || c == EOF {
                self.error(lo, "string literal not terminated");
                break;
            }
            if (0x20..0x80).contains(&c) && c != b'\\' as i32 {
                self.pos += 1;
                if c == b'"' as i32 {
                    break;
                }
                continue;
            }
            self.bump_char();
            if c == b'\\' as i32 {
                self.scan_escape(b'"');
            }
        }
    }

    #[inline(never)]
    fn scan_raw_string(&mut self, lo: usize) {
        loop {
            match self.src.get(self.pos) {
                None => {
                    self.error(lo, "raw string literal not terminated");
                    break;
                }
                Some(b'`') => {
                    self.pos += 1;
                    break;
                }
                Some(&b) if (0x20..0x80).contains(&b) => self.pos += 1,
                Some(_) => {
                    self.bump_char();
                }
            }
        }
    }
}

/// The keyword spelled by `text`, or [`Token::Ident`].
fn keyword(text: &[u8]) -> Token {
    use Token::*;
    match text {
        b"break" => Break,
        b"case" => Case,
        b"chan" => Chan,
        b"const" => Const,
        b"continue" => Continue,
        b"default" => Default,
        b"defer" => Defer,
        b"else" => Else,
        b"fallthrough" => Fallthrough,
        b"for" => For,
        b"func" => Func,
        b"go" => Go,
        b"goto" => Goto,
        b"if" => If,
        b"import" => Import,
        b"interface" => Interface,
        b"map" => Map,
        b"package" => Package,
        b"range" => Range,
        b"return" => Return,
        b"select" => Select,
        b"struct" => Struct,
        b"switch" => Switch,
        b"type" => Type,
        b"var" => Var,
        _ => Ident,
    }
}

/// Offset of the first misplaced `_` in a number literal, as Go's scanner
/// defines it (a prefix counts as a digit).
fn invalid_sep(x: &[u8]) -> Option<usize> {
    let mut x1 = b' ';
    let mut d = b'.';
    let mut i = 0;
    if x.len() >= 2 && x[0] == b'0' {
        x1 = x[1] | 0x20;
        if x1 == b'x' || x1 == b'o' || x1 == b'b' {
            d = b'0';
            i = 2;
        }
    }
    while i < x.len() {
        let p = d;
        d = x[i];
        if d == b'_' {
            if p != b'0' {
                return Some(i);
            }
        } else if d.is_ascii_digit() || x1 == b'x' && d.is_ascii_hexdigit() {
            d = b'0';
        } else {
            if p == b'_' {
                return Some(i - 1);
            }
            d = b'.';
        }
        i += 1;
    }
    if d == b'_' {
        return Some(x.len() - 1);
    }
    None
}

/// Comment text with carriage returns removed as Go does (a `//` comment
/// loses a final `\r`; any other `\r` is dropped except in `*\r/` of a
/// block comment).
pub fn comment_text(raw: &[u8]) -> String {
    let s = match std::str::from_utf8(raw) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(raw),
    };
    if !raw.contains(&b'\r') {
        return s.into_owned();
    }
    let b = s.as_bytes();
    let block = b.get(1) == Some(&b'*');
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    for (j, &ch) in b.iter().enumerate() {
        let keep_in_block = block && out.len() > 2 && out.last() == Some(&b'*') && b.get(j + 1) == Some(&b'/');
        if ch != b'\r' || keep_in_block {
            out.push(ch);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Lexes a whole source, returning every token (comments included, EOF
/// last) and the lexical errors.
pub fn tokenize(file: FileId, src: &[u8]) -> (Vec<Tok>, Vec<Diagnostic>) {
    let mut lx = Lexer::new(file, src);
    let mut toks = Vec::new();
    loop {
        let t = lx.next_token();
        toks.push(t);
        if t.kind == Token::Eof {
            break;
        }
    }
    (toks, lx.take_errors())
}
