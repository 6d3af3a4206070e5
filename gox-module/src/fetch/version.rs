//! Version queries (`v1.2.3`, `latest`, `v1`, `v1.2`) over the versions a
//! source lists. A version is a [`semver::Version`], written with Go's `v`
//! prefix ([`crate::modfile::parse_version`] reads it); `v1.2.3` and
//! `v1.2.3+meta` are different versions (build metadata breaks ties).

use std::fmt;

use semver::Version;

use crate::modfile::parse_version;

/// What the user asked for after `@`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// `v1.2.3`: exactly that version.
    Exact(Version),
    /// `latest`: the highest release; the highest pre-release only when
    /// there is no release.
    Latest,
    /// `v1` or `v1.2`: the highest release with that major (and minor)
    /// number; as in Go, the highest matching pre-release only when no
    /// release matches.
    Prefix { major: u64, minor: Option<u64> },
}

/// A query that is neither a version, `latest` nor a `vN`/`vN.M` prefix.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("invalid version query {query:?}: want a version like v1.2.3, a prefix like v1 or v1.2, or latest")]
pub struct QueryError {
    pub query: String,
}

fn parse_number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let err = || QueryError { query: text.to_string() };
        if text == "latest" {
            return Ok(Query::Latest);
        }
        if let Ok(v) = parse_version(text) {
            return Ok(Query::Exact(v));
        }
        let rest = text.strip_prefix('v').ok_or_else(err)?;
        let mut parts = rest.split('.');
        let major = parts.next().and_then(parse_number).ok_or_else(err)?;
        let minor = match parts.next() {
            None => None,
            Some(m) => Some(parse_number(m).ok_or_else(err)?),
        };
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(Query::Prefix { major, minor })
    }

    fn matches(&self, v: &Version) -> bool {
        match self {
            Query::Exact(want) => want == v,
            Query::Latest => true,
            Query::Prefix { major, minor } => v.major == *major && minor.is_none_or(|m| v.minor == m),
        }
    }

    /// The version of `available` this query selects, if any.
    pub fn select(&self, available: &[Version]) -> Option<Version> {
        let matching = available.iter().filter(|v| self.matches(v));
        let (pre, rel): (Vec<&Version>, Vec<&Version>) = matching.partition(|v| !v.pre.is_empty());
        rel.into_iter().max().or_else(|| pre.into_iter().max()).cloned()
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Exact(v) => write!(f, "v{v}"),
            Query::Latest => f.write_str("latest"),
            Query::Prefix { major, minor: None } => write!(f, "v{major}"),
            Query::Prefix { major, minor: Some(m) } => write!(f, "v{major}.{m}"),
        }
    }
}

/// The valid versions among `texts`, sorted ascending and deduplicated;
/// anything that is not a `v`-prefixed semantic version is dropped.
pub fn parse_version_list<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Version> {
    let mut out: Vec<Version> = texts.into_iter().filter_map(|t| parse_version(t).ok()).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(list: &[&str]) -> Vec<Version> {
        parse_version_list(list.iter().copied())
    }

    fn select(q: &str, list: &[&str]) -> Option<String> {
        Query::parse(q).unwrap().select(&versions(list)).map(|v| format!("v{v}"))
    }

    const TAGS: &[&str] = &["v1.0.0", "v1.2.0", "v1.10.0", "v1.2.5", "v2.0.0-rc.1", "v1.11.0-beta", "junk", "1.5.0"];

    #[test]
    fn latest_is_highest_release_in_semver_order() {
        assert_eq!(select("latest", TAGS).as_deref(), Some("v1.10.0"));
    }

    #[test]
    fn latest_is_a_prerelease_only_without_releases() {
        assert_eq!(select("latest", &["v1.0.0-a", "v1.0.0-b", "v0.9.0-z"]).as_deref(), Some("v1.0.0-b"));
        assert_eq!(select("latest", &["main"]), None);
    }

    #[test]
    fn prefix_selects_highest_matching_release() {
        assert_eq!(select("v1", TAGS).as_deref(), Some("v1.10.0"));
        assert_eq!(select("v1.2", TAGS).as_deref(), Some("v1.2.5"));
        assert_eq!(select("v1.11", TAGS).as_deref(), Some("v1.11.0-beta"));
        assert_eq!(select("v2", TAGS).as_deref(), Some("v2.0.0-rc.1"));
        assert_eq!(select("v3", TAGS), None);
    }

    #[test]
    fn exact_selects_only_that_version() {
        assert_eq!(select("v1.2.0", TAGS).as_deref(), Some("v1.2.0"));
        assert_eq!(select("v1.2.1", TAGS), None);
    }

    #[test]
    fn bad_queries_are_rejected_with_a_message() {
        for q in ["1.2.3", "v1.2.3.4", "v01", "vx", "", "v1.", "master"] {
            let err = Query::parse(q).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid version query {q:?}: want a version like v1.2.3, a prefix like v1 or v1.2, or latest")
            );
        }
    }

    #[test]
    fn version_list_drops_non_versions_and_sorts() {
        let v: Vec<String> = versions(TAGS).iter().map(|v| format!("v{v}")).collect();
        assert_eq!(v, ["v1.0.0", "v1.2.0", "v1.2.5", "v1.10.0", "v1.11.0-beta", "v2.0.0-rc.1"]);
    }
}
