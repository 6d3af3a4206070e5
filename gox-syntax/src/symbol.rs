//! Interned identifiers: a [`Symbol`] is a `u32` that compares in O(1).
//! The interner is global and thread-safe so that files can be parsed and
//! packages checked on any thread; interned strings live for the process.
//! Each thread remembers the symbols it has seen, so the global table (and
//! its lock, which both cores would fight over) is consulted once per
//! thread and name.

use std::cell::RefCell;
use std::fmt;
use std::sync::{OnceLock, RwLock};

use rustc_hash::FxHashMap;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

#[derive(Default)]
struct Interner {
    map: FxHashMap<&'static str, Symbol>,
    len: u32,
}

thread_local! {
    static SEEN: RefCell<FxHashMap<&'static str, Symbol>> = RefCell::new(FxHashMap::default());
}

fn interner() -> &'static RwLock<Interner> {
    static INTERNER: OnceLock<RwLock<Interner>> = OnceLock::new();
    INTERNER.get_or_init(Default::default)
}

/// The strings by symbol, readable without a lock: `as_str` runs on every
/// name lookup of every checker thread. Append-only chunks of slots, each
/// slot written once (under the interner's write lock) before its symbol is
/// handed out.
const CHUNK_BITS: u32 = 12;
const CHUNK: usize = 1 << CHUNK_BITS;
const CHUNKS: usize = 1 << 12;

type Chunk = [OnceLock<&'static str>; CHUNK];

static STRINGS: [OnceLock<Box<Chunk>>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];

fn slot(index: u32) -> &'static OnceLock<&'static str> {
    let chunk = STRINGS[(index >> CHUNK_BITS) as usize].get_or_init(|| Box::new([const { OnceLock::new() }; CHUNK]));
    &chunk[(index as usize) & (CHUNK - 1)]
}

impl Symbol {
    pub fn intern(s: &str) -> Symbol {
        if let Some(sym) = SEEN.with(|seen| seen.borrow().get(s).copied()) {
            return sym;
        }
        let sym = Symbol::intern_global(s);
        SEEN.with(|seen| seen.borrow_mut().insert(sym.as_str(), sym));
        sym
    }

    fn intern_global(s: &str) -> Symbol {
        if let Some(&sym) = interner().read().unwrap_or_else(|e| e.into_inner()).map.get(s) {
            return sym;
        }
        let mut w = interner().write().unwrap_or_else(|e| e.into_inner());
        if let Some(&sym) = w.map.get(s) {
            return sym;
        }
        let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let sym = Symbol(w.len);
        assert!((w.len as usize) < CHUNK * CHUNKS, "too many distinct identifiers");
        let _ = slot(w.len).set(leaked);
        w.len += 1;
        w.map.insert(leaked, sym);
        sym
    }

    pub fn as_str(self) -> &'static str {
        slot(self.0).get().copied().unwrap_or("")
    }

    /// A number that only this symbol has in this process (for tables
    /// and filters keyed by symbol).
    pub fn as_u32(self) -> u32 {
        self.0
    }

    /// The empty name (of unnamed parameters and results), interned once.
    pub fn empty() -> Symbol {
        static EMPTY: OnceLock<Symbol> = OnceLock::new();
        *EMPTY.get_or_init(|| Symbol::intern(""))
    }

    /// `_`, the blank identifier.
    pub fn is_blank(self) -> bool {
        self.as_str() == "_"
    }

    /// Exported names begin with an upper-case letter.
    pub fn is_exported(self) -> bool {
        self.as_str().chars().next().is_some_and(char::is_uppercase)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Symbol {
    fn from(s: &str) -> Symbol {
        Symbol::intern(s)
    }
}
