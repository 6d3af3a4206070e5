//! [`Settable`]: a value set once by the thread that checks its package
//! (sometimes again, after an error) and read by every thread after that.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{OnceLock, RwLock};

/// A value whose first setting is read without a lock: an object's type,
/// a named type's underlying type. They are read at every use, by both
/// checking threads for the packages they import, and a read lock is two
/// atomic operations on a line the threads share. Most are set once; one
/// set again (a declaration found invalid later, say) keeps its latest
/// value in a second cell, behind a lock, and reads go there. A value that
/// only stands in until the real one is known (a function's empty
/// signature while its signature is checked) is set with
/// [`Settable::set_provisional`]: the real value is then still the first.
///
/// Only the thread checking the package sets values, before other threads
/// can reach them (they see a package once it is finished).
pub(crate) struct Settable<T> {
    first: OnceLock<T>,
    /// The value set after the first, or a provisional value before it
    /// (boxed: most values never have one, and every object carries this).
    latest: OnceLock<Box<RwLock<Option<T>>>>,
    /// Whether reads go to `latest`.
    in_latest: AtomicBool,
}

impl<T: Clone> Settable<T> {
    pub(crate) fn new(value: Option<T>) -> Settable<T> {
        Settable {
            first: value.map_or_else(OnceLock::new, OnceLock::from),
            latest: OnceLock::new(),
            in_latest: AtomicBool::new(false),
        }
    }

    /// The cell of values other than the first, made on first use.
    fn latest(&self) -> &RwLock<Option<T>> {
        self.latest.get_or_init(|| Box::new(RwLock::new(None)))
    }

    /// The value last set, if any.
    pub(crate) fn get(&self) -> Option<T> {
        match self.latest.get() {
            Some(latest) if self.in_latest.load(Ordering::Acquire) => {
                latest.read().unwrap_or_else(|e| e.into_inner()).clone()
            }
            _ => self.first.get().cloned(),
        }
    }

    /// The value without cloning it, while the first value set is the
    /// only one (`None` when unset, provisional or set again: then
    /// [`Settable::get`]). A clone of a counted type is an atomic
    /// increment, and its drop a decrement, on a line both checking
    /// threads share.
    pub(crate) fn first_only(&self) -> Option<&T> {
        if self.in_latest.load(Ordering::Acquire) {
            return None;
        }
        self.first.get()
    }

    /// Whether a value (perhaps provisional) was set.
    pub(crate) fn is_set(&self) -> bool {
        self.first.get().is_some() || self.in_latest.load(Ordering::Acquire)
    }

    pub(crate) fn set(&self, value: T) {
        match self.first.set(value) {
            // The first real value replaces a provisional one.
            Ok(()) => self.in_latest.store(false, Ordering::Release),
            Err(value) => {
                *self.latest().write().unwrap_or_else(|e| e.into_inner()) = Some(value);
                self.in_latest.store(true, Ordering::Release);
            }
        }
    }

    /// Sets a value that stands in until the next [`Settable::set`], which
    /// is then read without a lock as if it were the first. Once a value
    /// was set, the same as `set`.
    pub(crate) fn set_provisional(&self, value: T) {
        if self.first.get().is_some() {
            return self.set(value);
        }
        *self.latest().write().unwrap_or_else(|e| e.into_inner()) = Some(value);
        self.in_latest.store(true, Ordering::Release);
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

    #[test]
    fn a_provisional_value_is_read_until_the_first_real_one() {
        let cell = Settable::new(None);
        cell.set_provisional(1);
        assert!(cell.is_set());
        assert_eq!(cell.get(), Some(1));
        assert_eq!(cell.first_only(), None, "a provisional value is read through get");
        cell.set(2);
        assert_eq!(cell.get(), Some(2));
        assert_eq!(cell.first_only(), Some(&2), "the real value is the first");
        cell.set(3);
        assert_eq!(cell.get(), Some(3));
        assert_eq!(cell.first_only(), None);
        cell.set_provisional(4);
        assert_eq!(cell.get(), Some(4), "once set, a provisional value is set like any other");
    }
}
