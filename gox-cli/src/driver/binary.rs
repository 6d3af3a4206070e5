//! The little-endian encoding the cache's own files use (the file index,
//! run records): integers, length-prefixed strings and byte strings, and a
//! [`Reader`] that takes them back and gives `None` at the first thing out
//! of place. A damaged file costs a rebuild, never a panic or a huge
//! allocation: callers bound every count by the bytes left.

use sha2::{Digest, Sha256};

/// The start of a file of this encoding: what it is (`magic`) and the key
/// it was written for.
pub fn start(magic: &[u8; 8], key: &[u8; 32], capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(magic);
    out.extend_from_slice(key);
    out
}

/// Ends a file begun with [`start`]: the SHA-256 of everything before.
pub fn seal(out: &mut Vec<u8>) {
    let sum = Sha256::digest(&out[..]);
    out.extend_from_slice(&sum);
}

/// What a file written by [`start`] and [`seal`] holds after its magic and
/// key, if its checksum holds and it is a `magic` file for `key`.
pub fn open<'a>(bytes: &'a [u8], magic: &[u8; 8], key: &[u8; 32]) -> Option<Reader<'a>> {
    let (body, sum) = bytes.split_at(bytes.len().checked_sub(32)?);
    if Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let mut r = Reader::new(body);
    (r.take(magic.len())? == magic && r.array::<32>()? == *key).then_some(r)
}

pub fn put_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

pub fn put_i128(out: &mut Vec<u8>, n: i128) {
    out.extend_from_slice(&n.to_le_bytes());
}

/// A byte string, after its length.
pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len() as u32);
    out.extend_from_slice(bytes);
}

pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

/// Reads what the `put_` functions wrote.
pub struct Reader<'a> {
    pub bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.array()?))
    }

    pub fn i128(&mut self) -> Option<i128> {
        Some(i128::from_le_bytes(self.array()?))
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// A count of items each at least `min_size` bytes long, if the bytes
    /// left can hold that many.
    pub fn count(&mut self, min_size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len() / min_size.max(1)).then_some(n)
    }
}
