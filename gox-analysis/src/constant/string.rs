//! String constant values: Go strings are byte strings.
//!
//! Concatenation is lazy (as in go/constant, golang.org/issue/23348): `a + b`
//! builds a node in O(1) and the bytes are joined once, on first access, so a
//! long chain of constant concatenations stays linear.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// The value of a string constant: an immutable, cheaply cloned byte string.
#[derive(Clone)]
pub struct ConstStr(Arc<Node>);

struct Node {
    len: usize,
    flat: OnceLock<Arc<[u8]>>,
    /// The operands of a not yet flattened concatenation.
    parts: Mutex<Option<(ConstStr, ConstStr)>>,
}

impl ConstStr {
    pub fn new(bytes: &[u8]) -> ConstStr {
        ConstStr::from_arc(Arc::from(bytes))
    }

    pub fn from_arc(bytes: Arc<[u8]>) -> ConstStr {
        let flat = OnceLock::new();
        let len = bytes.len();
        let _ = flat.set(bytes);
        ConstStr(Arc::new(Node { len, flat, parts: Mutex::new(None) }))
    }

    /// `self + other`, without copying any bytes yet.
    pub fn concat(&self, other: &ConstStr) -> ConstStr {
        if other.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return other.clone();
        }
        ConstStr(Arc::new(Node {
            len: self.0.len + other.0.len,
            flat: OnceLock::new(),
            parts: Mutex::new(Some((self.clone(), other.clone()))),
        }))
    }

    pub fn len(&self) -> usize {
        self.0.len
    }

    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    pub fn as_bytes(&self) -> &[u8] {
        if let Some(b) = self.0.flat.get() {
            return b;
        }
        let b = self.0.flat.get_or_init(|| self.flatten());
        // The operands are no longer needed: release them. (Only after the
        // bytes are set: no `parts` implies `flat` is set.)
        let parts = lock(&self.0.parts).take();
        drop(parts);
        b
    }

    /// The string with invalid UTF-8 replaced by U+FFFD.
    pub fn as_str_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    fn flatten(&self) -> Arc<[u8]> {
        let mut out = Vec::with_capacity(self.0.len);
        let mut stack: Vec<ConstStr> = vec![self.clone()];
        while let Some(s) = stack.pop() {
            if let Some(b) = s.0.flat.get() {
                out.extend_from_slice(b);
                continue;
            }
            let parts = lock(&s.0.parts).clone();
            match parts {
                Some((l, r)) => {
                    stack.push(r);
                    stack.push(l);
                }
                None => out.extend_from_slice(s.as_bytes()),
            }
        }
        Arc::from(out)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for Node {
    // Dismantle deep concatenation chains iteratively instead of recursively.
    fn drop(&mut self) {
        let mut pending: Vec<ConstStr> = Vec::new();
        if let Some((l, r)) = lock(&self.parts).take() {
            pending.push(l);
            pending.push(r);
        }
        while let Some(s) = pending.pop() {
            if let Ok(node) = Arc::try_unwrap(s.0) {
                if let Some((l, r)) = lock(&node.parts).take() {
                    pending.push(l);
                    pending.push(r);
                }
            }
        }
    }
}

impl PartialEq for ConstStr {
    fn eq(&self, other: &ConstStr) -> bool {
        self.len() == other.len() && (Arc::ptr_eq(&self.0, &other.0) || self.as_bytes() == other.as_bytes())
    }
}

impl fmt::Debug for ConstStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&quote(self.as_bytes()))
    }
}

/// Go's `strconv.Quote` of a byte string.
pub fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut i = 0;
    while i < s.len() {
        let (r, size) = decode_rune(&s[i..]);
        match r {
            None => push_hex(&mut out, "\\x", s[i] as u32, 2),
            Some(c) => push_quoted_char(&mut out, c),
        }
        i += size;
    }
    out.push('"');
    out
}

/// Go's `strconv.Quote`, shortened to 72 characters with `...` as
/// go/constant does in `String`.
pub fn quote_short(s: &[u8]) -> String {
    const MAX_LEN: usize = 72;
    let q = quote(s);
    if q.chars().count() > MAX_LEN {
        let mut short: String = q.chars().take(MAX_LEN - 3).collect();
        short.push_str("...");
        return short;
    }
    q
}

fn push_quoted_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        _ if is_print(c) => out.push(c),
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ if (c as u32) < 0x20 || c as u32 == 0x7f => push_hex(out, "\\x", c as u32, 2),
        _ if (c as u32) < 0x10000 => push_hex(out, "\\u", c as u32, 4),
        _ => push_hex(out, "\\U", c as u32, 8),
    }
}

fn push_hex(out: &mut String, prefix: &str, v: u32, width: usize) {
    out.push_str(prefix);
    out.push_str(&format!("{:0width$x}", v, width = width));
}

/// Decodes one UTF-8 sequence; `None` (with size 1) for an invalid byte.
pub(crate) fn decode_rune(s: &[u8]) -> (Option<char>, usize) {
    let n = match s.first() {
        None => return (None, 0),
        Some(&b) if b < 0x80 => return (Some(b as char), 1),
        Some(&b) if b & 0xe0 == 0xc0 => 2,
        Some(&b) if b & 0xf0 == 0xe0 => 3,
        Some(&b) if b & 0xf8 == 0xf0 => 4,
        Some(_) => return (None, 1),
    };
    match s.get(..n).and_then(|p| std::str::from_utf8(p).ok()) {
        Some(p) => (p.chars().next(), n),
        None => (None, 1),
    }
}

/// An approximation of Go's `unicode.IsPrint` without Unicode tables:
/// graphic characters and U+0020 are printable; controls, other spaces,
/// common format characters, private use and noncharacters are not.
fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x7f {
        return u >= 0x20;
    }
    if c.is_control() || (c.is_whitespace() && u != 0x20) {
        return false;
    }
    !matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f
        | 0xd800..=0xdfff | 0xe000..=0xf8ff | 0xfdd0..=0xfdef | 0xfeff | 0xfff0..=0xfffb
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0000..=0xe0fff | 0xf0000..=0x10ffff)
        && (u & 0xfffe) != 0xfffe
}
