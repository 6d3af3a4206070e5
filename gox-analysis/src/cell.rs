//! [`Settable`]: a value set once by the thread that checks its package
//! (sometimes again, after an error) and read by every thread after that.

use std::sync::{OnceLock, RwLock};

/// A value whose first setting is read without a lock: an object's type,
/// a named type's underlying type. They are read at every use, by both
/// checking threads for the packages they import, and a read lock is two
/// atomic operations on a line the threads share. Most are set once; one
/// set again (a declaration found invalid later, say) keeps its latest
/// value in a second cell, behind a lock, and reads go there.
///
/// Only the thread checking the package sets values, before other threads
/// can reach them (they see a package once it is finished).
pub(crate) struct Settable<T> {
    first: OnceLock<T>,
    /// The value set after the first, once there is one (boxed: most
    /// values never have one, and every object carries this).
    latest: OnceLock<Box<RwLock<Option<T>>>>,
}

impl<T: Clone> Settable<T> {
    pub(crate) fn new(value: Option<T>) -> Settable<T> {
        Settable { first: value.map_or_else(OnceLock::new, OnceLock::from), latest: OnceLock::new() }
    }

    /// The value last set, if any.
    pub(crate) fn get(&self) -> Option<T> {
        match self.latest.get() {
            Some(latest) => latest.read().unwrap_or_else(|e| e.into_inner()).clone(),
            None => self.first.get().cloned(),
        }
    }

    /// The value without cloning it, while the first value set is the
    /// only one (`None` when unset or set again: then [`Settable::get`]).
    /// A clone of a counted type is an atomic increment, and its drop a
    /// decrement, on a line both checking threads share.
    pub(crate) fn first_only(&self) -> Option<&T> {
        match self.latest.get() {
            Some(_) => None,
            None => self.first.get(),
        }
    }

    pub(crate) fn is_set(&self) -> bool {
        self.first.get().is_some()
    }

    pub(crate) fn set(&self, value: T) {
        let Err(value) = self.first.set(value) else { return };
        let mut pending = Some(value);
        let latest = self.latest.get_or_init(|| Box::new(RwLock::new(pending.take())));
        if let Some(value) = pending {
            *latest.write().unwrap_or_else(|e| e.into_inner()) = Some(value);
        }
    }
}

impl<T: Clone> Default for Settable<T> {
    fn default() -> Self {
        Settable::new(None)
    }
}

#[cfg(test)]
mod tests {
    use super::Settable;

    #[test]
    fn the_latest_value_wins() {
        let cell = Settable::new(None);
        assert_eq!(cell.get(), None);
        assert!(!cell.is_set());
        cell.set(1);
        assert_eq!(cell.get(), Some(1));
        cell.set(2);
        cell.set(3);
        assert_eq!(cell.get(), Some(3));
        assert!(cell.is_set());
        assert_eq!(Settable::new(Some(7)).get(), Some(7));
        assert_eq!(Settable::new(Some(7)).first_only(), Some(&7));
        assert_eq!(cell.first_only(), None, "a value set again is read through get");
        assert_eq!(Settable::<i32>::new(None).first_only(), None);
    }
}
