//! Modules: `gox.mod`, `gox.lock`, the module closure, the mapping of
//! imports to package directories, and the fetchers.
