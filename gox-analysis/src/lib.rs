//! The GoX type checker. It reads no files: imports reach it through the
//! [`Importer`] trait.
