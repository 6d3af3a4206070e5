//! The sources named by `GOXPROXY`, parsed as Go parses GOPROXY.

use std::path::PathBuf;

use super::FetchError;

/// Where modules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An HTTP(S) module proxy; `url` without a trailing slash.
    Proxy { url: String },
    /// A module proxy on disk: `url` is the `file://` URL, `dir` its path.
    File { url: String, dir: PathBuf },
    /// The module's git repository, `https://<module-path>` after `insteadOf` rewriting.
    Direct,
    /// Nothing may be fetched.
    Off,
}

/// When to go on to the next source after this one fails (the separator
/// after it in `GOXPROXY`, as in GOPROXY).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// `,`: only when the module or version was not found (HTTP 404/410,
    /// no such file, no such tag).
    OnNotFound,
    /// `|`: after any error.
    OnAnyError,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceEntry {
    pub source: Source,
    pub fallback: Fallback,
}

/// The value used when `GOXPROXY` is unset or empty.
pub const DEFAULT_GOXPROXY: &str = "direct";

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parses a `GOXPROXY` value: entries separated by `,` or `|`, each
/// `https://...`, `http://...`, `file:///abs/dir`, `direct` or `off`.
pub fn parse_goxproxy(value: &str) -> Result<Vec<SourceEntry>, FetchError> {
    let bad = |reason: String| FetchError::InvalidProxyList { value: value.to_string(), reason };
    let mut out = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (item, fallback, next) = match rest.find([',', '|']) {
            Some(i) => {
                let fb = if rest.as_bytes()[i] == b'|' { Fallback::OnAnyError } else { Fallback::OnNotFound };
                (&rest[..i], fb, &rest[i + 1..])
            }
            None => (rest, Fallback::OnNotFound, ""),
        };
        rest = next;
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let source = if item == "direct" {
            Source::Direct
        } else if item == "off" {
            Source::Off
        } else if item.starts_with("https://") || item.starts_with("http://") {
            Source::Proxy { url: item.trim_end_matches('/').to_string() }
        } else if let Some(p) = item.strip_prefix("file://") {
            let dir = percent_decode(p).ok_or_else(|| bad(format!("malformed file URL {item:?}")))?;
            if !dir.starts_with('/') {
                return Err(bad(format!("file URL {item:?} must name an absolute path (file:///dir)")));
            }
            Source::File { url: item.trim_end_matches('/').to_string(), dir: PathBuf::from(dir) }
        } else {
            return Err(bad(format!("unsupported entry {item:?}: want https://, http://, file://, direct or off")));
        };
        out.push(SourceEntry { source, fallback });
    }
    if out.is_empty() {
        return Err(bad("no sources".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goxproxy_separators_set_the_fallback() {
        let got = parse_goxproxy("https://a.example/, file:///srv/p|direct,off").unwrap();
        assert_eq!(
            got,
            vec![
                SourceEntry { source: Source::Proxy { url: "https://a.example".into() }, fallback: Fallback::OnNotFound },
                SourceEntry {
                    source: Source::File { url: "file:///srv/p".into(), dir: PathBuf::from("/srv/p") },
                    fallback: Fallback::OnAnyError
                },
                SourceEntry { source: Source::Direct, fallback: Fallback::OnNotFound },
                SourceEntry { source: Source::Off, fallback: Fallback::OnNotFound },
            ]
        );
    }

    #[test]
    fn goxproxy_rejects_unknown_entries() {
        let err = parse_goxproxy("direct,ftp://x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid GOXPROXY \"direct,ftp://x\": unsupported entry \"ftp://x\": want https://, http://, file://, direct or off"
        );
        let err = parse_goxproxy("file://rel/dir").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid GOXPROXY \"file://rel/dir\": file URL \"file://rel/dir\" must name an absolute path (file:///dir)"
        );
    }
}
