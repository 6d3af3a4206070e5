//! Module proxies speaking Go's GOPROXY protocol, over HTTP(S) and on disk
//! (`file:///dir`): `<base>/<module>/@v/list`, `@v/<version>.info`,
//! `@v/<version>.mod` and `@v/<version>.zip`, module paths and versions
//! case-encoded (`!x` for `X`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use semver::Version;

use super::archive::Limits;
use super::error::{describe, SourceError};
use super::path::escape_for_proxy;
use super::version::parse_version_list;
use super::{Download, Progress};

/// `<base>/<escaped module>/@v/<file>`.
pub(crate) fn proxy_url(base: &str, module: &str, file: &str) -> String {
    format!("{}/{}/@v/{}", base.trim_end_matches('/'), escape_for_proxy(module), file)
}

fn version_file(version: &str, ext: &str) -> String {
    format!("{}.{ext}", escape_for_proxy(version))
}

fn versions_from_list(text: &str) -> Vec<Version> {
    parse_version_list(text.lines().filter_map(|l| l.split_whitespace().next()))
}

fn http_get(
    client: &reqwest::blocking::Client,
    url: &str,
) -> Result<reqwest::blocking::Response, SourceError> {
    let what = format!("reading {url}");
    let resp = client.get(url).send().map_err(|e| SourceError::failed(&what, describe(&e.without_url())))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let message = status.to_string();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
        Err(SourceError::not_found(what, message))
    } else {
        Err(SourceError::failed(what, message))
    }
}

fn http_text(client: &reqwest::blocking::Client, url: &str) -> Result<String, SourceError> {
    let resp = http_get(client, url)?;
    resp.text().map_err(|e| SourceError::failed(format!("reading {url}"), describe(&e.without_url())))
}

/// The versions an HTTP proxy lists for `module`.
pub(crate) fn http_list(
    client: &reqwest::blocking::Client,
    base: &str,
    module: &str,
) -> Result<Vec<Version>, SourceError> {
    Ok(versions_from_list(&http_text(client, &proxy_url(base, module, "list"))?))
}

/// Whether an HTTP proxy knows `module@version` (its `.info` exists).
pub(crate) fn http_has_version(
    client: &reqwest::blocking::Client,
    base: &str,
    module: &str,
    version: &str,
) -> Result<(), SourceError> {
    http_text(client, &proxy_url(base, module, &version_file(version, "info"))).map(|_| ())
}

/// The module's `.mod` file (its gox.mod) from an HTTP proxy.
pub(crate) fn http_mod_file(
    client: &reqwest::blocking::Client,
    base: &str,
    module: &str,
    version: &str,
) -> Result<Vec<u8>, SourceError> {
    let url = proxy_url(base, module, &version_file(version, "mod"));
    let resp = http_get(client, &url)?;
    resp.bytes()
        .map(|b| b.to_vec())
        .map_err(|e| SourceError::failed(format!("reading {url}"), describe(&e.without_url())))
}

/// Downloads the module zip into `dest` (a new file), reporting progress.
/// Fails if the body is cut short or larger than the limit.
#[allow(clippy::too_many_arguments)]
pub(crate) fn http_download_zip(
    client: &reqwest::blocking::Client,
    base: &str,
    module: &str,
    version: &str,
    dest: &Path,
    limits: &Limits,
    progress: &dyn Progress,
) -> Result<(), SourceError> {
    let url = proxy_url(base, module, &version_file(version, "zip"));
    let what = format!("reading {url}");
    let mut resp = http_get(client, &url)?;
    let total = resp.content_length();
    let too_large = || {
        SourceError::failed(&what, format!("module zip too large (max size is {} bytes)", limits.max_zip_bytes))
    };
    if total.is_some_and(|t| t > limits.max_zip_bytes) {
        return Err(too_large());
    }
    let download = Download { module, version, url: &url, total };
    progress.start(&download);
    let result = (|| {
        let mut out = std::fs::File::create(dest)
            .map_err(|e| SourceError::failed(&what, format!("{}: {e}", dest.display())))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut received = 0u64;
        loop {
            let n = resp.read(&mut buf).map_err(|e| match total {
                // A body cut short: say how far it got and why, briefly.
                Some(t) if received < t => {
                    SourceError::failed(&what, format!("connection lost after {received} of {t} bytes: {}", root_cause(&e)))
                }
                _ => SourceError::failed(&what, describe(&e)),
            })?;
            if n == 0 {
                break;
            }
            received += n as u64;
            if received > limits.max_zip_bytes {
                return Err(too_large());
            }
            out.write_all(&buf[..n])
                .map_err(|e| SourceError::failed(&what, format!("{}: {e}", dest.display())))?;
            progress.advance(&download, n as u64);
        }
        if let Some(t) = total {
            if received != t {
                return Err(SourceError::failed(
                    &what,
                    format!("connection closed after {received} of {t} bytes"),
                ));
            }
        }
        out.sync_all().map_err(|e| SourceError::failed(&what, format!("{}: {e}", dest.display())))
    })();
    progress.finish(&download, result.is_ok());
    result
}

/// The innermost cause of an error (hyper's "end of file before message
/// length reached" rather than reqwest's wrappers around it).
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A module proxy laid out on disk, reached by a `file:///dir` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileProxy<'a> {
    pub url: &'a str,
    pub dir: &'a Path,
}

impl FileProxy<'_> {
    fn path(&self, module: &str, file: &str) -> (PathBuf, String) {
        let rel = format!("{}/@v/{}", escape_for_proxy(module), file);
        (self.dir.join(&rel), proxy_url(self.url, module, file))
    }

    fn read(&self, module: &str, file: &str) -> Result<Vec<u8>, SourceError> {
        let (path, url) = self.path(module, file);
        std::fs::read(&path).map_err(|e| {
            let what = format!("reading {url}");
            if e.kind() == std::io::ErrorKind::NotFound {
                SourceError::not_found(what, "no such file or directory")
            } else {
                SourceError::failed(what, e.to_string())
            }
        })
    }

    pub fn list(&self, module: &str) -> Result<Vec<Version>, SourceError> {
        let bytes = self.read(module, "list")?;
        Ok(versions_from_list(&String::from_utf8_lossy(&bytes)))
    }

    pub fn has_version(&self, module: &str, version: &str) -> Result<(), SourceError> {
        self.read(module, &version_file(version, "info")).map(|_| ())
    }

    pub fn mod_file(&self, module: &str, version: &str) -> Result<Vec<u8>, SourceError> {
        self.read(module, &version_file(version, "mod"))
    }

    /// The zip's path and URL, when it exists.
    pub fn zip(&self, module: &str, version: &str) -> Result<(PathBuf, String), SourceError> {
        let (path, url) = self.path(module, &version_file(version, "zip"));
        if path.is_file() {
            Ok((path, url))
        } else {
            Err(SourceError::not_found(format!("reading {url}"), "no such file or directory"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_case_encode_module_and_version() {
        assert_eq!(
            proxy_url("https://proxy.example/", "github.com/Azure/x", &version_file("v1.0.0-RC", "zip")),
            "https://proxy.example/github.com/!azure/x/@v/v1.0.0-!r!c.zip"
        );
    }

    #[test]
    fn list_takes_first_field_and_skips_non_versions() {
        let v = versions_from_list("v1.1.0 2020-01-01T00:00:00Z\nv1.0.0\n\nbogus\nv1.0.0\n");
        let v: Vec<String> = v.iter().map(|v| format!("v{v}")).collect();
        assert_eq!(v, ["v1.0.0", "v1.1.0"]);
    }
}
