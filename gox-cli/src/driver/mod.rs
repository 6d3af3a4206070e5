//! From command-line patterns to checked packages.

pub mod analyze;
mod binary;
pub mod fileindex;
pub mod cache;
pub mod deps;
pub mod graph;
pub mod importer;
pub mod imports;
pub mod load;
mod pack;
pub mod source;
pub mod verify;
pub mod patterns;
pub mod remote;
pub mod replay;
pub mod workspace;
