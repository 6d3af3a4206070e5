//! `direct`: modules straight from their git repositories with git2. The
//! repository of module `M` is `https://M`, rewritten by git's
//! `url.<base>.insteadOf` rules; versions are the tags that are semantic
//! versions; version `V` is the tree of the commit tag `V` points to.

use std::path::Path;

use semver::Version;

use super::archive::{Limits, TreeChecker};
use super::error::{DownloadError, SourceError};
use super::version::parse_version_list;
use super::{Download, Progress};

/// Git's `url.<base>.insteadOf` rules: a URL starting with an `insteadOf`
/// value has that prefix replaced by `<base>`; the longest match wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlRewrites {
    /// (insteadOf prefix, base), in the order they were found.
    rules: Vec<(String, String)>,
}

impl UrlRewrites {
    /// No rewriting.
    pub fn new() -> UrlRewrites {
        UrlRewrites::default()
    }

    /// Adds the rule `url.<base>.insteadOf = <instead_of>`.
    pub fn add(&mut self, base: impl Into<String>, instead_of: impl Into<String>) {
        self.rules.push((instead_of.into(), base.into()));
    }

    /// The rules in a git configuration.
    pub fn from_config(config: &git2::Config) -> Result<UrlRewrites, git2::Error> {
        let mut out = UrlRewrites::new();
        let mut entries = config.entries(Some(r"^url\..*\.insteadof$"))?;
        while let Some(entry) = entries.next() {
            let entry = entry?;
            let (Some(name), Some(value)) = (entry.name(), entry.value()) else { continue };
            let Some(rest) = name.strip_prefix("url.") else { continue };
            let lower = rest.to_ascii_lowercase();
            if !lower.ends_with(".insteadof") {
                continue;
            }
            let base = &rest[..rest.len() - ".insteadof".len()];
            out.add(base, value);
        }
        Ok(out)
    }

    /// The rules in the user's git configuration: the default
    /// system/global/XDG files (`git2::Config::open_default`), plus the file
    /// named by `GIT_CONFIG_GLOBAL` when set. An unreadable configuration
    /// means no rules.
    pub fn from_default_config() -> UrlRewrites {
        let mut out = git2::Config::open_default()
            .and_then(|c| UrlRewrites::from_config(&c))
            .unwrap_or_default();
        if let Some(path) = std::env::var_os("GIT_CONFIG_GLOBAL") {
            if let Ok(extra) = git2::Config::open(Path::new(&path)).and_then(|c| UrlRewrites::from_config(&c)) {
                for rule in extra.rules {
                    if !out.rules.contains(&rule) {
                        out.rules.push(rule);
                    }
                }
            }
        }
        out
    }

    /// `url` with the longest matching `insteadOf` prefix replaced.
    pub fn rewrite(&self, url: &str) -> String {
        let best = self
            .rules
            .iter()
            .filter(|(prefix, _)| url.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len());
        match best {
            Some((prefix, base)) => format!("{base}{}", &url[prefix.len()..]),
            None => url.to_string(),
        }
    }
}

/// The repository URL of `module`, after rewriting.
/// Makes libgit2 give up on a server that sends nothing for `timeout` (by
/// default it waits forever). The option is global to the process: it is
/// set once, before the first git operation.
pub(crate) fn set_server_timeout_once(timeout: std::time::Duration) {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| {
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: libgit2's global options must not change while another
        // thread uses libgit2. Every git operation of gox calls this first
        // and `Once` makes concurrent first callers wait for it, so none is
        // running yet; nothing else in gox sets libgit2 options.
        let _ = unsafe { git2::opts::set_server_timeout_in_milliseconds(ms) };
    });
}

pub(crate) fn repo_url(module: &str, rewrites: &UrlRewrites) -> String {
    rewrites.rewrite(&format!("https://{module}"))
}

fn git_error(what: &str, e: &git2::Error) -> SourceError {
    let message = e.message().to_string();
    if e.code() == git2::ErrorCode::NotFound {
        SourceError::not_found(what, message)
    } else {
        SourceError::failed(what, message)
    }
}

fn tag_names(remote: &git2::Remote<'_>, what: &str) -> Result<Vec<String>, SourceError> {
    let heads = remote.list().map_err(|e| git_error(what, &e))?;
    Ok(heads
        .iter()
        .filter_map(|h| h.name().strip_prefix("refs/tags/"))
        .map(|t| t.trim_end_matches("^{}").to_string())
        .collect())
}

/// The versions (semantic-version tags) of the repository at `url`.
pub(crate) fn list_versions(url: &str) -> Result<Vec<Version>, SourceError> {
    let what = format!("git ls-remote {url}");
    let mut remote = git2::Remote::create_detached(url).map_err(|e| git_error(&what, &e))?;
    remote.connect(git2::Direction::Fetch).map_err(|e| git_error(&what, &e))?;
    let tags = tag_names(&remote, &what)?;
    Ok(parse_version_list(tags.iter().map(String::as_str)))
}

/// Whether the repository at `url` has the tag `v<version>`.
pub(crate) fn has_version(url: &str, version: &Version) -> Result<(), SourceError> {
    let what = format!("git ls-remote {url}");
    let versions = list_versions(url)?;
    if versions.contains(version) {
        Ok(())
    } else {
        Err(SourceError::not_found(what, format!("no tag \"v{version}\"")))
    }
}

/// Fetches tag `version` from `url` into a bare repository made in `work`,
/// and writes the tagged commit's tree to `dest` (created). Returns the
/// commit id. Symbolic links in the tree are rejected; submodules are
/// skipped (as Go does).
#[allow(clippy::too_many_arguments)]
pub(crate) fn export_tag(
    url: &str,
    module: &str,
    version: &str,
    work: &Path,
    dest: &Path,
    limits: &Limits,
    progress: &dyn Progress,
) -> Result<String, DownloadError> {
    let what = format!("git fetch {url}");
    let gerr = |e: git2::Error| DownloadError::Source(git_error(&what, &e));
    let repo = git2::Repository::init_bare(work).map_err(gerr)?;
    let mut remote = repo.remote_anonymous(url).map_err(gerr)?;
    remote.connect(git2::Direction::Fetch).map_err(gerr)?;
    let tags = tag_names(&remote, &what)?;
    if !tags.iter().any(|t| t == version) {
        return Err(SourceError::not_found(what, format!("no tag {version:?}")).into());
    }
    remote.disconnect().map_err(gerr)?;

    let download = Download { module, version, url, total: None };
    progress.start(&download);
    let mut reported = 0usize;
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.transfer_progress(|stats| {
        let now = stats.received_bytes();
        if now > reported {
            progress.advance(&download, (now - reported) as u64);
            reported = now;
        }
        true
    });
    let mut opts = git2::FetchOptions::new();
    opts.remote_callbacks(callbacks).download_tags(git2::AutotagOption::None);
    let refspec = format!("+refs/tags/{version}:refs/tags/{version}");
    let fetched = remote.fetch(&[refspec.as_str()], Some(&mut opts), None);
    drop(opts);
    progress.finish(&download, fetched.is_ok());
    fetched.map_err(gerr)?;

    let reference = repo.find_reference(&format!("refs/tags/{version}")).map_err(gerr)?;
    let commit = reference.peel_to_commit().map_err(gerr)?;
    let tree = commit.tree().map_err(gerr)?;
    let io = |p: &Path, e: std::io::Error| SourceError::failed(format!("{}", p.display()), e.to_string());
    std::fs::create_dir(dest).map_err(|e| io(dest, e))?;
    let mut checker = TreeChecker::new(*limits);
    write_tree(&repo, &tree, "", dest, &mut checker)?;
    Ok(commit.id().to_string())
}

fn write_tree(
    repo: &git2::Repository,
    tree: &git2::Tree<'_>,
    rel: &str,
    dest: &Path,
    checker: &mut TreeChecker,
) -> Result<(), DownloadError> {
    let gerr = |e: git2::Error| DownloadError::Source(SourceError::failed("reading git tree", e.message()));
    for entry in tree.iter() {
        let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
            return Err(super::archive::ArchiveError {
                message: format!("file name in {rel:?} is not valid UTF-8"),
            }
            .into());
        };
        let path = if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
        let target = dest.join(&path);
        let io = |e: std::io::Error| {
            DownloadError::Source(SourceError::failed(target.display().to_string(), e.to_string()))
        };
        match entry.filemode() {
            0o040000 => {
                checker.add_path(&path, true)?;
                std::fs::create_dir(&target).map_err(io)?;
                let sub = repo.find_tree(entry.id()).map_err(gerr)?;
                write_tree(repo, &sub, &path, dest, checker)?;
            }
            0o100644 | 0o100755 | 0o100664 => {
                checker.add_path(&path, false)?;
                let blob = repo.find_blob(entry.id()).map_err(gerr)?;
                let mut content = blob.content();
                checker.write_file(&path, &mut content, &target)?;
            }
            0o120000 => {
                return Err(super::archive::ArchiveError {
                    message: format!("{path:?}: symbolic links are not allowed"),
                }
                .into());
            }
            // 0o160000: a submodule, not part of the module's content.
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_insteadof_prefix_wins() {
        let mut r = UrlRewrites::new();
        r.add("file:///srv/all/", "https://example.com/");
        r.add("file:///srv/special/", "https://example.com/special/");
        assert_eq!(r.rewrite("https://example.com/a"), "file:///srv/all/a");
        assert_eq!(r.rewrite("https://example.com/special/b"), "file:///srv/special/b");
        assert_eq!(r.rewrite("https://other.org/c"), "https://other.org/c");
    }

    #[test]
    fn rules_are_read_from_a_git_config_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("config");
        std::fs::write(
            &path,
            "[url \"file:///srv/repos/\"]\n\tinsteadOf = https://example.com/\n\tinsteadOf = https://example.org/\n",
        )
        .unwrap();
        let config = git2::Config::open(&path).unwrap();
        let r = UrlRewrites::from_config(&config).unwrap();
        assert_eq!(r.rewrite("https://example.com/x"), "file:///srv/repos/x");
        assert_eq!(r.rewrite("https://example.org/y"), "file:///srv/repos/y");
    }
}
