//! [`ProjectImporter`]: the checker's view of the rest of the project.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use gox_analysis::{ImportError, ImportRequest, Importer, Package};

/// Serves the imports of one package. The driver checks the package graph
/// bottom-up, so by the time a package is checked every package it imports
/// has been resolved through the `ImportResolver`, read, parsed and checked (once per
/// run); the importer hands those out, or the reason an import failed
/// (unresolvable path, import cycle).
pub struct ProjectImporter {
    /// Plain imports, then `@` (external) ones, by path: looked up by
    /// `&str` without building a key.
    imports: [HashMap<String, Result<Arc<Package>, ImportError>>; 2],
}

impl ProjectImporter {
    pub fn new() -> ProjectImporter {
        ProjectImporter { imports: Default::default() }
    }

    pub fn insert(&mut self, path: &str, external: bool, result: Result<Arc<Package>, ImportError>) {
        self.imports[external as usize].insert(path.to_string(), result);
    }
}

impl Default for ProjectImporter {
    fn default() -> Self {
        ProjectImporter::new()
    }
}

impl Importer for ProjectImporter {
    fn import(&mut self, req: &ImportRequest) -> Result<Arc<Package>, ImportError> {
        match self.imports[req.external as usize].get(req.path) {
            Some(result) => result.clone(),
            None => Err(ImportError::new(format!("could not import {} (not resolved by the driver)", req.path))),
        }
    }

    /// The std packages named `name` (`rand`: "crypto/rand", "math/rand").
    fn packages_named(&self, name: &str) -> Vec<String> {
        gox_module::std::std_packages().into_iter().filter(|p| p.rsplit('/').next() == Some(name)).collect()
    }
}
