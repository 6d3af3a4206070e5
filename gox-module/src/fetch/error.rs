//! [`FetchError`]: everything that can go wrong finding or fetching a module.

use std::fmt;
use std::path::PathBuf;

use super::archive::ArchiveError;
use crate::hash::HashError;

/// The sources tried before an error, one line each (`reading <url>: 404
/// Not Found`). Displays as one `\n\ttried ...` line per attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tried(pub Vec<String>);

impl fmt::Display for Tried {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.0 {
            write!(f, "\n\ttried {t}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    InvalidModulePath(crate::modpath::PathError),

    #[error("{module}@{version}: invalid version: not a semantic version with a v prefix")]
    InvalidVersion { module: String, version: String },

    #[error("invalid GOXPROXY {value:?}: {reason}")]
    InvalidProxyList { value: String, reason: String },

    #[error("invalid GOXHTTPTIMEOUT {value:?}: want a whole number of seconds, at least 1")]
    InvalidTimeout { value: String },

    /// No source has a version matching the query.
    #[error("{module}: no matching versions for query {query:?}{tried}")]
    NoMatchingVersions { module: String, query: String, tried: Tried },

    /// No source has this exact version.
    #[error("{module}@{version}: invalid version: unknown revision {version}{tried}")]
    UnknownRevision { module: String, version: String, tried: Tried },

    /// A source failed in a way that stops the search (anything but "not
    /// found" after a `,`): `what` names the URL and the operation.
    #[error("{what}: {message}{tried}")]
    Source { what: String, message: String, tried: Tried },

    #[error("{module}@{version}: module lookup disabled by GOXPROXY=off{tried}")]
    Disabled { module: String, version: String, tried: Tried },

    #[error("cannot fetch {module}@{version}: network access disabled by --offline")]
    Offline { module: String, version: String },

    /// The downloaded zip or git tree is unsafe or malformed.
    #[error("{module}@{version}: {source}")]
    Archive { module: String, version: String, source: ArchiveError },

    /// The module's gox.mod does not parse; the message names it as `<module>@<version>/gox.mod`.
    #[error("{source}")]
    InvalidModFile { module: String, version: String, source: crate::modfile::ModError },

    #[error("{module}@{version}: missing gox.mod at the module root")]
    MissingModFile { module: String, version: String },

    #[error("{module}@{version}: parsing gox.mod:\n\tmodule declares its path as: {declared}\n\t        but was required as: {module}")]
    ModulePathMismatch { module: String, version: String, declared: String },

    /// The module's hash is not the one gox.lock expects. `found_in` is
    /// `downloaded` for a fresh download, `.goxdeps` for a module already there.
    #[error("verifying {module}@{version}: checksum mismatch\n\t{found_in}: {actual}\n\tgox.lock: {expected}")]
    HashMismatch { module: String, version: String, expected: String, actual: String, found_in: String },

    #[error("{module}@{version}: {source}")]
    Hash { module: String, version: String, source: HashError },

    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

pub(crate) fn io_error(path: &std::path::Path, err: impl fmt::Display) -> FetchError {
    FetchError::Io { path: path.to_path_buf(), message: err.to_string() }
}

/// The outcome of one source failing one operation.
#[derive(Debug)]
pub(crate) struct SourceError {
    /// The operation and URL: `reading https://proxy/m/@v/list`.
    pub what: String,
    pub message: String,
    /// "Not found" (HTTP 404/410, missing file, missing tag): a `,` after
    /// the source lets the next one be tried.
    pub not_found: bool,
}

impl SourceError {
    pub fn not_found(what: impl Into<String>, message: impl Into<String>) -> SourceError {
        SourceError { what: what.into(), message: message.into(), not_found: true }
    }

    pub fn failed(what: impl Into<String>, message: impl Into<String>) -> SourceError {
        SourceError { what: what.into(), message: message.into(), not_found: false }
    }

    pub fn line(&self) -> String {
        format!("{}: {}", self.what, self.message)
    }
}

/// An error and its causes, joined by `: ` (reqwest and git2 errors hide
/// the useful part in their sources).
pub(crate) fn describe(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

/// A failure while downloading: from the source, or in the tree it sent.
#[derive(Debug)]
pub(crate) enum DownloadError {
    Source(SourceError),
    Archive(ArchiveError),
}

impl From<SourceError> for DownloadError {
    fn from(e: SourceError) -> DownloadError {
        DownloadError::Source(e)
    }
}

impl From<ArchiveError> for DownloadError {
    fn from(e: ArchiveError) -> DownloadError {
        DownloadError::Archive(e)
    }
}
