//! The [`Importer`] trait: how the checker obtains imported packages. The
//! checker never reads files; the caller resolves, parses and checks
//! imported packages (possibly in parallel) and hands them back.

use std::sync::Arc;

use gox_common::{Label, Span};

use crate::objects::Package;

/// One import spec asking for a package.
#[derive(Clone, Copy, Debug)]
pub struct ImportRequest<'a> {
    /// The unquoted import path (`"gin/render"` for `@"gin/render"`).
    pub path: &'a str,
    /// Set for the `@"..."` form (an external dependency).
    pub external: bool,
    /// Span of the import path literal.
    pub span: Span,
}

/// Why an import failed; reported at the import spec's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub message: String,
    pub notes: Vec<Label>,
    /// The failure is reported where its cause is (the imported package's
    /// own files): the import says nothing more, and uses of the package
    /// name stay silent. One root cause, one error.
    pub reported_elsewhere: bool,
    /// A suggestion ("did you mean \"strings\"?"), shown as `help:`.
    pub help: Option<String>,
}

impl ImportError {
    pub fn new(message: impl Into<String>) -> ImportError {
        ImportError {
            message: message.into(),
            notes: Vec::new(),
            reported_elsewhere: false,
            help: None,
        }
    }

    /// An import of a package whose own errors explain why it cannot be
    /// used (no file of it has a package clause that parses).
    pub fn reported_elsewhere(message: impl Into<String>) -> ImportError {
        ImportError { reported_elsewhere: true, ..ImportError::new(message) }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

pub trait Importer {
    /// The checked package for `req.path`, or why it cannot be imported.
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError>;

    /// The import paths of the packages this importer could provide whose
    /// name is `name`, for `undefined: strings` -> `add import "strings"`
    /// (none by default).
    fn packages_named(&self, _name: &str) -> Vec<String> {
        Vec::new()
    }
}

/// An importer serving a fixed set of already-checked packages by path
/// (useful for tests and for callers that check the graph bottom-up).
#[derive(Default)]
pub struct MapImporter {
    pub packages: std::collections::HashMap<String, Arc<Package>>,
}

impl Importer for MapImporter {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        self.packages
            .get(req.path)
            .cloned()
            .ok_or_else(|| ImportError::new(format!("package {} is not in std", req.path)))
    }
}
