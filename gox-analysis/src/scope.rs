//! Scopes: the universe, package, file, function and block scopes, each with
//! the source range it covers (empty for the universe and package scopes).

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use gox_common::Span;
use gox_syntax::Symbol;

use crate::objects::Obj;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Universe,
    Package,
    File,
    /// A function's parameters and results (and its body's top-level names).
    Func,
    Block,
}

pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<Arc<Scope>>,
    /// The source range the scope covers.
    pub span: Span,
    elems: RwLock<HashMap<Symbol, Obj>>,
    /// The elements of a scope that no longer changes (the universe), read
    /// without the lock: every check of every thread looks up `int`,
    /// `len` or `nil` there, and a read lock is a write to a counter the
    /// threads share.
    frozen: OnceLock<HashMap<Symbol, Obj>>,
    /// One bit per declared name (its symbol's number modulo 64): a lookup
    /// whose bit is clear misses without taking the lock. Most lookups miss
    /// in most of the scopes they pass on the way out (`x` of the package,
    /// `int` of the universe), and a read lock is two atomic operations.
    names: AtomicU64,
    children: Mutex<Vec<Arc<Scope>>>,
}

/// The bit of `name` in [`Scope::names`].
fn name_bit(name: Symbol) -> u64 {
    1 << (name.as_u32() % 64)
}

impl Scope {
    /// A new scope; it is registered as a child of `parent` unless the parent
    /// is the universe (which is shared by every package).
    pub fn new(parent: Option<Arc<Scope>>, kind: ScopeKind, span: Span) -> Arc<Scope> {
        let s = Arc::new(Scope {
            kind,
            parent: parent.clone(),
            span,
            elems: RwLock::new(HashMap::default()),
            frozen: OnceLock::new(),
            names: AtomicU64::new(0),
            children: Mutex::new(Vec::new()),
        });
        if let Some(p) = parent {
            if p.kind != ScopeKind::Universe {
                p.children
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(s.clone());
            }
        }
        s
    }

    /// The object `name` declared in this scope.
    pub fn lookup(&self, name: Symbol) -> Option<Obj> {
        if let Some(frozen) = self.frozen.get() {
            return frozen.get(&name).cloned();
        }
        // The bit is set before the name is inserted (under the lock), so a
        // clear bit means the name was never declared here.
        if self.names.load(Ordering::Acquire) & name_bit(name) == 0 {
            return None;
        }
        self.with_elems(|elems| elems.get(&name).cloned())
    }

    /// Calls `f` with the declared objects: the frozen map, or the map
    /// under the read lock.
    fn with_elems<R>(&self, f: impl FnOnce(&HashMap<Symbol, Obj>) -> R) -> R {
        if let Some(frozen) = self.frozen.get() {
            return f(frozen);
        }
        let elems = self.elems.read().unwrap_or_else(|e| e.into_inner());
        // `freeze` moves the map out while it holds the write lock, and
        // publishes it before letting go: a reader that got the lock after
        // that finds it here.
        match self.frozen.get() {
            Some(frozen) => f(frozen),
            None => f(&elems),
        }
    }

    /// Declares that the scope will not change again: lookups stop taking
    /// its lock. The universe is frozen once made; a package scope when
    /// its package is checked or imported, before any importer sees it
    /// (importers on every thread look names up in it).
    pub(crate) fn freeze(&self) {
        let mut elems = self.elems.write().unwrap_or_else(|e| e.into_inner());
        if self.frozen.get().is_none() {
            let _ = self.frozen.set(std::mem::take(&mut *elems));
        }
    }

    /// [`Scope::lookup`], borrowed when the scope is frozen (the universe,
    /// an imported package): without the atomic increment and decrement of
    /// a clone, on an object both checking threads read.
    pub fn lookup_ref(&self, name: Symbol) -> Option<Cow<'_, Obj>> {
        match self.frozen.get() {
            Some(frozen) => frozen.get(&name).map(Cow::Borrowed),
            None => self.lookup(name).map(Cow::Owned),
        }
    }

    /// [`Scope::lookup_in_chain`], with a universe object (`int`, `nil`,
    /// `len`: most names a check looks up) borrowed rather than cloned.
    pub fn lookup_in_chain_ref(&self, name: Symbol) -> Option<Cow<'static, Obj>> {
        let universe = &crate::universe::universe().scope;
        let mut scope = self;
        loop {
            if std::ptr::eq(scope, &**universe) {
                return universe.lookup_ref(name);
            }
            if let Some(o) = scope.lookup(name) {
                return Some(Cow::Owned(o));
            }
            scope = scope.parent.as_deref()?;
        }
    }

    /// The innermost object `name` in this scope or an enclosing one.
    pub fn lookup_in_chain(&self, name: Symbol) -> Option<Obj> {
        self.lookup_in_chain_ref(name).map(Cow::into_owned)
    }

    /// The innermost object `name` in this scope or an enclosing one, with
    /// the scope that declares it.
    pub fn lookup_parent(self: &Arc<Scope>, name: Symbol) -> Option<(Arc<Scope>, Obj)> {
        let mut scope = self;
        loop {
            if let Some(o) = scope.lookup(name) {
                return Some((scope.clone(), o));
            }
            scope = scope.parent.as_ref()?;
        }
    }

    /// Inserts `obj` unless the name is taken; returns the existing object
    /// otherwise. Blank names are never inserted.
    pub fn insert(&self, obj: Obj) -> Option<Obj> {
        let mut elems = self.elems.write().unwrap_or_else(|e| e.into_inner());
        assert!(self.frozen.get().is_none(), "insert into a frozen scope");
        if let Some(o) = elems.get(&obj.name) {
            return Some(o.clone());
        }
        if elems.capacity() == 0 {
            // Room for the few names most function and block scopes hold:
            // growing from 3 to 7 to 14 was the most rehashing of a check.
            elems.reserve(8);
        }
        self.names.fetch_or(name_bit(obj.name), Ordering::Release);
        elems.insert(obj.name, obj);
        None
    }

    /// The declared names, sorted.
    pub fn names(&self) -> Vec<Symbol> {
        let mut v: Vec<Symbol> = self.with_elems(|elems| elems.keys().copied().collect());
        v.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        v
    }

    /// The declared objects, sorted by name.
    pub fn objects(&self) -> Vec<Obj> {
        let mut v: Vec<Obj> = self.with_elems(|elems| elems.values().cloned().collect());
        v.sort_by(|a, b| a.name().cmp(b.name()));
        v
    }

    /// The declared objects that `keep` selects, in no particular order:
    /// for callers that order them otherwise (unused variables, by
    /// position), without cloning and sorting every object.
    pub fn objects_where(&self, keep: impl Fn(&Obj) -> bool) -> Vec<Obj> {
        self.with_elems(|elems| elems.values().filter(|o| keep(o)).cloned().collect())
    }

    pub fn len(&self) -> usize {
        self.with_elems(HashMap::len)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets the scopes nested in this one, at every depth. A scope and
    /// its children hold each other (parent pointer, children list): only
    /// cutting every list lets them be freed.
    pub(crate) fn clear_children(&self) {
        let mut pending = std::mem::take(&mut *self.children.lock().unwrap_or_else(|e| e.into_inner()));
        while let Some(child) = pending.pop() {
            pending.append(&mut child.children.lock().unwrap_or_else(|e| e.into_inner()));
        }
    }

    /// Calls `f` with each nested scope, without copying the list.
    pub(crate) fn for_each_child(&self, mut f: impl FnMut(&Arc<Scope>)) {
        for child in self.children.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            f(child);
        }
    }

    pub fn children(&self) -> Vec<Arc<Scope>> {
        self.children
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The innermost scope (this one or a descendant) whose range contains `span`.
    pub fn innermost(self: &Arc<Scope>, span: Span) -> Arc<Scope> {
        for c in self.children() {
            if c.span.contains(span) || (c.kind == ScopeKind::File && c.span.file == span.file) {
                return c.innermost(span);
            }
        }
        self.clone()
    }
}

impl std::fmt::Debug for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} scope {:?}", self.kind, self.names())
    }
}
