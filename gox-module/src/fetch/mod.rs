//! Fetching modules into `.goxdeps`: version queries, the sources named by
//! `GOXPROXY` (HTTP(S) and `file://` module proxies speaking Go's GOPROXY
//! protocol, `direct` git, `off`), safe extraction, verification, and the
//! lock that serialises concurrent fetches.
//!
//! A fetch goes to a temporary directory inside `.goxdeps` (same file
//! system), is checked (archive safety, the `module` line of its gox.mod,
//! the expected hash) and only then renamed to
//! `.goxdeps/<module-path>@<version>/`. Everything happens while holding the
//! exclusive lock on `.goxdeps/.lock`; temporary directories left by an
//! interrupted process are removed the next time the lock is taken.
//!
//! The hash of a module is [`crate::hash::hash_dir`] of its directory with
//! the prefix `<module-path>@<version>` ([`module_hash`]), Go's "h1:" hash.

pub mod archive;
mod error;
pub mod git;
pub mod lock;
pub mod path;
mod proxy;
mod sources;
pub mod version;

use std::path::{Path, PathBuf};

use semver::Version;

use crate::modfile::ModFile;

pub use archive::{ArchiveError, Limits};
pub use error::{FetchError, Tried};
pub use git::UrlRewrites;
pub use lock::GoxdepsLock;
pub use sources::{parse_goxproxy, Fallback, Source, SourceEntry, DEFAULT_GOXPROXY};
pub use version::{Query, QueryError};

use error::{io_error, DownloadError, SourceError};

/// One download, as reported to a [`Progress`].
#[derive(Clone, Copy, Debug)]
pub struct Download<'a> {
    pub module: &'a str,
    pub version: &'a str,
    /// Where the bytes come from (a zip URL or a git repository URL).
    pub url: &'a str,
    /// Size in bytes, when known in advance.
    pub total: Option<u64>,
}

/// Receives download progress: `start`, any number of `advance` (bytes
/// received since the previous call), then `finish`. Downloads of one
/// fetcher happen one at a time, but a CLI may share one `Progress`
/// between threads.
pub trait Progress: Send + Sync {
    fn start(&self, download: &Download<'_>);
    fn advance(&self, download: &Download<'_>, bytes: u64);
    fn finish(&self, download: &Download<'_>, ok: bool);
}

impl<P: Progress + ?Sized> Progress for std::sync::Arc<P> {
    fn start(&self, download: &Download<'_>) {
        (**self).start(download)
    }
    fn advance(&self, download: &Download<'_>, bytes: u64) {
        (**self).advance(download, bytes)
    }
    fn finish(&self, download: &Download<'_>, ok: bool) {
        (**self).finish(download, ok)
    }
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &Download<'_>) {}
    fn advance(&self, _: &Download<'_>, _: u64) {}
    fn finish(&self, _: &Download<'_>, _: bool) {}
}

/// One plain line per download on stderr: `gox: downloading <module> <version>`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LineProgress;

impl Progress for LineProgress {
    fn start(&self, d: &Download<'_>) {
        eprintln!("gox: downloading {} {}", d.module, d.version);
    }
    fn advance(&self, _: &Download<'_>, _: u64) {}
    fn finish(&self, _: &Download<'_>, _: bool) {}
}

/// Where a fetched module came from (for gox.lock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A module proxy; `url` is its base URL (`https://...` or `file:///...`).
    Proxy { url: String },
    /// A git repository (after `insteadOf` rewriting) and the tagged commit.
    Git { url: String, commit: String },
    /// The module was already in `.goxdeps`; nothing was downloaded.
    AlreadyPresent,
}

impl Origin {
    /// The git commit the module was exported from, for gox.lock.
    pub fn commit(&self) -> Option<&str> {
        match self {
            Origin::Git { commit, .. } => Some(commit),
            Origin::Proxy { .. } | Origin::AlreadyPresent => None,
        }
    }
}

/// A module in `.goxdeps`, verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub module: String,
    pub version: Version,
    /// `.goxdeps/<module-path>@<version>`.
    pub dir: PathBuf,
    pub origin: Origin,
    /// Its [`module_hash`] ("h1:...").
    pub hash: String,
}

/// The hash recorded in gox.lock for the module tree at `dir`: Go's "h1:"
/// hash of its files named `<module>@v<version>/<relpath>`.
pub fn module_hash(dir: &Path, module: &str, version: &Version) -> Result<String, crate::hash::HashError> {
    crate::hash::hash_dir(&gox_common::RealFs, dir, &crate::goxdeps::module_version(module, version))
}

fn check_module(module: &str) -> Result<(), FetchError> {
    crate::modpath::check_module_path(module).map_err(FetchError::InvalidModulePath)
}

/// How a search over the sources ended without a result.
enum SearchFailure {
    NotFound(Tried),
    Failed { error: SourceError, tried: Tried },
    Disabled(Tried),
}

/// Fetches modules from the configured sources into `.goxdeps`.
pub struct Fetcher {
    sources: Vec<SourceEntry>,
    offline: bool,
    progress: Box<dyn Progress>,
    rewrites: UrlRewrites,
    limits: Limits,
    stall_timeout: std::time::Duration,
    http: std::sync::OnceLock<Result<reqwest::blocking::Client, String>>,
}

/// How long an HTTP request may wait for the response to start, and a
/// download for its next bytes, before it is abandoned.
pub const DEFAULT_STALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("sources", &self.sources)
            .field("offline", &self.offline)
            .field("rewrites", &self.rewrites)
            .field("limits", &self.limits)
            .field("stall_timeout", &self.stall_timeout)
            .finish()
    }
}

impl Fetcher {
    /// A fetcher over `sources`, online, without progress output, without
    /// URL rewriting, with the default [`Limits`].
    pub fn new(sources: Vec<SourceEntry>) -> Fetcher {
        Fetcher {
            sources,
            offline: false,
            progress: Box::new(NoProgress),
            rewrites: UrlRewrites::new(),
            limits: Limits::default(),
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            http: std::sync::OnceLock::new(),
        }
    }

    /// Sources from `GOXPROXY` (default `direct`), URL rewriting from the
    /// user's git configuration, the stall timeout from `GOXHTTPTIMEOUT`
    /// (seconds; default [`DEFAULT_STALL_TIMEOUT`]).
    pub fn from_env() -> Result<Fetcher, FetchError> {
        let value = std::env::var("GOXPROXY").unwrap_or_default();
        let value = if value.trim().is_empty() { DEFAULT_GOXPROXY.to_string() } else { value };
        let mut fetcher = Fetcher::new(parse_goxproxy(&value)?).with_url_rewrites(UrlRewrites::from_default_config());
        if let Some(value) = std::env::var_os("GOXHTTPTIMEOUT").filter(|v| !v.is_empty()) {
            let value = value.to_string_lossy().into_owned();
            match value.trim().parse::<u64>() {
                Ok(secs) if secs > 0 => fetcher = fetcher.with_stall_timeout(std::time::Duration::from_secs(secs)),
                _ => return Err(FetchError::InvalidTimeout { value }),
            }
        }
        Ok(fetcher)
    }

    /// How long an HTTP request may wait for its response to start and a
    /// download for more bytes: a server that stalls fails the request
    /// instead of hanging `gox get`. A slow but moving download is not cut.
    pub fn with_stall_timeout(mut self, timeout: std::time::Duration) -> Fetcher {
        self.stall_timeout = timeout;
        self
    }

    /// With `offline`, anything that would need a download fails at once.
    pub fn with_offline(mut self, offline: bool) -> Fetcher {
        self.offline = offline;
        self
    }

    pub fn with_progress(mut self, progress: Box<dyn Progress>) -> Fetcher {
        self.progress = progress;
        self
    }

    pub fn with_url_rewrites(mut self, rewrites: UrlRewrites) -> Fetcher {
        self.rewrites = rewrites;
        self
    }

    pub fn with_limits(mut self, limits: Limits) -> Fetcher {
        self.limits = limits;
        self
    }

    pub fn sources(&self) -> &[SourceEntry] {
        &self.sources
    }

    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// The git repository URL `direct` uses for `module`.
    pub fn repo_url(&self, module: &str) -> String {
        git::repo_url(module, &self.rewrites)
    }

    /// [`Fetcher::repo_url`], for a git operation about to start.
    fn git_url(&self, module: &str) -> String {
        git::set_server_timeout_once(self.stall_timeout);
        self.repo_url(module)
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, String> {
        self.http
            .get_or_init(|| {
                reqwest::blocking::Client::builder()
                    .user_agent(concat!("gox/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(std::time::Duration::from_secs(30))
                    // The blocking client applies this to the wait for the
                    // response and to each read of its body, not to the
                    // whole transfer.
                    .timeout(self.stall_timeout)
                    .build()
                    .map_err(|e| error::describe(&e))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn http(&self, url: &str) -> Result<&reqwest::blocking::Client, SourceError> {
        self.client().map_err(|m| SourceError::failed(format!("reading {url}"), m))
    }

    /// Runs `op` on each source in order until one succeeds, following the
    /// fallback rules.
    fn search<T>(
        &self,
        mut op: impl FnMut(&Source) -> Result<T, DownloadError>,
    ) -> Result<T, Result<SearchFailure, DownloadError>> {
        let mut tried = Vec::new();
        for entry in &self.sources {
            if entry.source == Source::Off {
                return Err(Ok(SearchFailure::Disabled(Tried(tried))));
            }
            match op(&entry.source) {
                Ok(t) => return Ok(t),
                Err(DownloadError::Source(e)) => {
                    if e.not_found || entry.fallback == Fallback::OnAnyError {
                        tried.push(e.line());
                        continue;
                    }
                    return Err(Ok(SearchFailure::Failed { error: e, tried: Tried(tried) }));
                }
                Err(other) => return Err(Err(other)),
            }
        }
        Err(Ok(SearchFailure::NotFound(Tried(tried))))
    }

    fn failure(
        &self,
        module: &str,
        version: &str,
        failure: SearchFailure,
        not_found: impl FnOnce(Tried) -> FetchError,
    ) -> FetchError {
        match failure {
            SearchFailure::NotFound(tried) => not_found(tried),
            SearchFailure::Failed { error, tried } => {
                FetchError::Source { what: error.what, message: error.message, tried }
            }
            SearchFailure::Disabled(tried) => {
                FetchError::Disabled { module: module.to_string(), version: version.to_string(), tried }
            }
        }
    }

    fn versions_from(&self, source: &Source, module: &str) -> Result<Vec<Version>, SourceError> {
        match source {
            Source::Proxy { url } => {
                let client = self.http(url)?;
                proxy::http_list(client, url, module)
            }
            Source::File { url, dir } => proxy::FileProxy { url, dir }.list(module),
            Source::Direct => git::list_versions(&self.git_url(module)),
            Source::Off => Err(SourceError::failed("GOXPROXY=off", "module lookup disabled")),
        }
    }

    /// The versions the first source that knows `module` lists, ascending.
    pub fn list_versions(&self, module: &str) -> Result<Vec<Version>, FetchError> {
        check_module(module)?;
        if self.offline {
            return Err(FetchError::Offline { module: module.to_string(), version: "latest".into() });
        }
        self.search(|source| self.versions_from(source, module).map_err(DownloadError::from))
            .map_err(|f| match f {
                Ok(f) => self.failure(module, "latest", f, |tried| FetchError::NoMatchingVersions {
                    module: module.to_string(),
                    query: "latest".into(),
                    tried,
                }),
                Err(_) => unreachable_download_error(module),
            })
    }

    /// The version `query` selects. An exact version is checked to exist
    /// (a proxy's `.info`, a git tag); `latest` and prefixes select from the
    /// list of the first source with a match.
    pub fn resolve(&self, module: &str, query: &Query) -> Result<Version, FetchError> {
        check_module(module)?;
        let query_text = query.to_string();
        if self.offline {
            return Err(FetchError::Offline { module: module.to_string(), version: query_text });
        }
        let found = self.search(|source| {
            if let Query::Exact(v) = query {
                let text = format!("v{v}");
                let exists = match source {
                    Source::Proxy { url } => proxy::http_has_version(self.http(url)?, url, module, &text),
                    Source::File { url, dir } => proxy::FileProxy { url, dir }.has_version(module, &text),
                    Source::Direct => git::has_version(&self.git_url(module), v),
                    Source::Off => Err(SourceError::failed("GOXPROXY=off", "module lookup disabled")),
                };
                return exists.map(|()| v.clone()).map_err(DownloadError::from);
            }
            let versions = self.versions_from(source, module)?;
            query.select(&versions).ok_or_else(|| {
                let what = match source {
                    Source::Proxy { url } | Source::File { url, .. } => {
                        format!("reading {}", proxy::proxy_url(url, module, "list"))
                    }
                    _ => format!("git ls-remote {}", self.repo_url(module)),
                };
                DownloadError::Source(SourceError::not_found(what, format!("no version matches {query_text:?}")))
            })
        });
        found.map_err(|f| match f {
            Ok(f) => self.failure(module, &query_text, f, |tried| match query {
                Query::Exact(v) => FetchError::UnknownRevision {
                    module: module.to_string(),
                    version: format!("v{v}"),
                    tried,
                },
                _ => FetchError::NoMatchingVersions { module: module.to_string(), query: query_text.clone(), tried },
            }),
            Err(_) => unreachable_download_error(module),
        })
    }

    /// The module's gox.mod text as its source serves it, without
    /// downloading the whole module where the source allows (proxies serve
    /// `.mod`). `direct` cannot serve it: fetch the module, then read
    /// `gox.mod` in its directory.
    pub fn mod_file(&self, module: &str, version: &Version) -> Result<Vec<u8>, FetchError> {
        check_module(module)?;
        let v = &format!("v{version}");
        if self.offline {
            return Err(FetchError::Offline { module: module.to_string(), version: v.clone() });
        }
        let found = self.search(|source| {
            match source {
                Source::Proxy { url } => proxy::http_mod_file(self.http(url)?, url, module, v),
                Source::File { url, dir } => proxy::FileProxy { url, dir }.mod_file(module, v),
                Source::Direct => Err(SourceError::failed(
                    format!("git {}", self.repo_url(module)),
                    "the gox.mod of a module fetched directly from git is available only after fetch",
                )),
                Source::Off => Err(SourceError::failed("GOXPROXY=off", "module lookup disabled")),
            }
            .map_err(DownloadError::from)
        });
        found.map_err(|f| match f {
            Ok(f) => self.failure(module, v, f, |tried| FetchError::UnknownRevision {
                module: module.to_string(),
                version: v.to_string(),
                tried,
            }),
            Err(_) => unreachable_download_error(module),
        })
    }

    /// Makes `module@version` present and verified in `goxdeps`
    /// (`.goxdeps/<module>@<version>/`), downloading it unless it is there
    /// already. `expected_hash` is gox.lock's hash, if any: a different hash
    /// is an error, and nothing is written. Concurrent calls (threads or
    /// processes) on the same `goxdeps` serialise on its lock.
    pub fn fetch(
        &self,
        goxdeps: &Path,
        module: &str,
        version: &Version,
        expected_hash: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        check_module(module)?;
        let v = &format!("v{version}");
        let target = crate::goxdeps::module_dir(goxdeps, module, version);
        if self.offline && !target.is_dir() {
            return Err(FetchError::Offline { module: module.to_string(), version: v.to_string() });
        }
        let _lock = GoxdepsLock::acquire(goxdeps).map_err(|e| io_error(&goxdeps.join(lock::LOCK_FILE), e))?;
        if target.is_dir() {
            let hash = self.verified_hash(&target, module, version, expected_hash, ".goxdeps")?;
            return Ok(Fetched {
                module: module.to_string(),
                version: version.clone(),
                dir: target,
                origin: Origin::AlreadyPresent,
                hash,
            });
        }
        if self.offline {
            return Err(FetchError::Offline { module: module.to_string(), version: v.to_string() });
        }
        let tmp = tempfile::Builder::new()
            .prefix(lock::TEMP_PREFIX)
            .tempdir_in(goxdeps)
            .map_err(|e| io_error(goxdeps, e))?;
        let mut attempt = 0;
        let found = self.search(|source| {
            attempt += 1;
            let work = tmp.path().join(format!("attempt-{attempt}"));
            std::fs::create_dir(&work)
                .map_err(|e| SourceError::failed(work.display().to_string(), e.to_string()))?;
            let tree = work.join("mod");
            let origin = self.download(source, module, v, &work, &tree)?;
            Ok((tree, origin))
        });
        let (tree, origin) = match found {
            Ok(t) => t,
            Err(Ok(f)) => {
                return Err(self.failure(module, v, f, |tried| FetchError::UnknownRevision {
                    module: module.to_string(),
                    version: v.to_string(),
                    tried,
                }))
            }
            Err(Err(DownloadError::Archive(source))) => {
                return Err(FetchError::Archive { module: module.to_string(), version: v.to_string(), source })
            }
            Err(Err(DownloadError::Source(e))) => {
                return Err(FetchError::Source { what: e.what, message: e.message, tried: Tried::default() })
            }
        };
        self.check_declared_path(&tree, module, version)?;
        let hash = self.verified_hash(&tree, module, version, expected_hash, "downloaded")?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::rename(&tree, &target).map_err(|e| io_error(&target, e))?;
        drop(tmp);
        Ok(Fetched { module: module.to_string(), version: version.clone(), dir: target, origin, hash })
    }

    /// Downloads `module@version` from one source into `tree` (created),
    /// using `work` for scratch files.
    fn download(
        &self,
        source: &Source,
        module: &str,
        version: &str,
        work: &Path,
        tree: &Path,
    ) -> Result<Origin, DownloadError> {
        match source {
            Source::Proxy { url } => {
                let zip = work.join("module.zip");
                let client = self.http(url)?;
                proxy::http_download_zip(client, url, module, version, &zip, &self.limits, &*self.progress)?;
                archive::extract_module_zip(&zip, tree, module, version, &self.limits)?;
                Ok(Origin::Proxy { url: url.clone() })
            }
            Source::File { url, dir } => {
                let (zip, zip_url) = proxy::FileProxy { url, dir }.zip(module, version)?;
                let total = std::fs::metadata(&zip).ok().map(|m| m.len());
                let download = Download { module, version, url: &zip_url, total };
                self.progress.start(&download);
                let result = archive::extract_module_zip(&zip, tree, module, version, &self.limits);
                if let Some(t) = total {
                    self.progress.advance(&download, t);
                }
                self.progress.finish(&download, result.is_ok());
                result?;
                Ok(Origin::Proxy { url: url.clone() })
            }
            Source::Direct => {
                let url = self.git_url(module);
                let commit = git::export_tag(
                    &url,
                    module,
                    version,
                    &work.join("git"),
                    tree,
                    &self.limits,
                    &*self.progress,
                )?;
                Ok(Origin::Git { url, commit })
            }
            Source::Off => Err(SourceError::failed("GOXPROXY=off", "module lookup disabled").into()),
        }
    }

    /// Checks that the module's gox.mod parses and declares `module`.
    fn check_declared_path(&self, tree: &Path, module: &str, version: &Version) -> Result<(), FetchError> {
        let gox_mod = tree.join(crate::closure::MOD_FILE_NAME);
        let text = match std::fs::read(&gox_mod) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FetchError::MissingModFile { module: module.to_string(), version: format!("v{version}") })
            }
            Err(e) => return Err(io_error(&gox_mod, e)),
        };
        // Errors name the file as it will be known: <module>@<version>/gox.mod.
        let shown = Path::new(&crate::goxdeps::module_version(module, version)).join(crate::closure::MOD_FILE_NAME);
        let parsed = ModFile::parse(&shown, &text).map_err(|source| FetchError::InvalidModFile {
            module: module.to_string(),
            version: format!("v{version}"),
            source,
        })?;
        if parsed.module_path() != module {
            return Err(FetchError::ModulePathMismatch {
                module: module.to_string(),
                version: format!("v{version}"),
                declared: parsed.module_path().to_string(),
            });
        }
        Ok(())
    }

    fn verified_hash(
        &self,
        dir: &Path,
        module: &str,
        version: &Version,
        expected: Option<&str>,
        found_in: &str,
    ) -> Result<String, FetchError> {
        let hash = module_hash(dir, module, version).map_err(|source| FetchError::Hash {
            module: module.to_string(),
            version: format!("v{version}"),
            source,
        })?;
        if let Some(expected) = expected {
            if expected != hash {
                return Err(FetchError::HashMismatch {
                    module: module.to_string(),
                    version: format!("v{version}"),
                    expected: expected.to_string(),
                    actual: hash,
                    found_in: found_in.to_string(),
                });
            }
        }
        Ok(hash)
    }
}

/// Listing and resolving never produce archive errors; should one appear,
/// report it as a failed lookup rather than panic.
fn unreachable_download_error(module: &str) -> FetchError {
    FetchError::Source {
        what: format!("looking up {module}"),
        message: "unexpected archive error".into(),
        tried: Tried::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetcher_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Fetcher>();
    }
}
