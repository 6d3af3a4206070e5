//! Module path checks and Go's case-encoding of paths for proxies.

/// Why `path` is not an acceptable module path, or `None` when it is.
/// A module path names a directory under `.goxdeps` and a URL, so it is
/// strict: slash-separated non-empty elements of ASCII letters, digits and
/// `-._~+`, none of them `.`/`..`, beginning with a dot or ending with one.
pub fn module_path_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("empty module path".into());
    }
    if path.starts_with('/') {
        return Some("leading slash".into());
    }
    for elem in path.split('/') {
        if elem.is_empty() {
            return Some("empty path element".into());
        }
        if elem == "." || elem == ".." {
            return Some(format!("invalid path element {elem:?}"));
        }
        if elem.starts_with('.') {
            return Some(format!("leading dot in path element {elem:?}"));
        }
        if elem.ends_with('.') {
            return Some(format!("trailing dot in path element {elem:?}"));
        }
        if let Some(c) = elem.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~+".contains(*c))) {
            return Some(format!("invalid char {c:?}"));
        }
    }
    None
}

/// Go's case-encoding for module proxies: every upper-case letter becomes
/// `!` followed by its lower-case form (`github.com/Azure` ->
/// `github.com/!azure`), so that paths survive case-insensitive file systems.
/// Applies to module paths and to versions alike.
pub fn escape_for_proxy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_marks_upper_case_letters() {
        assert_eq!(escape_for_proxy("github.com/Azure/azure-SDK"), "github.com/!azure/azure-!s!d!k");
        assert_eq!(escape_for_proxy("v1.0.0-RC"), "v1.0.0-!r!c");
    }

    #[test]
    fn module_paths_that_could_escape_goxdeps_are_rejected() {
        assert_eq!(module_path_problem("example.com/a/b"), None);
        assert_eq!(module_path_problem("example.com/../x").as_deref(), Some("invalid path element \"..\""));
        assert_eq!(module_path_problem("/etc").as_deref(), Some("leading slash"));
        assert_eq!(module_path_problem("a//b").as_deref(), Some("empty path element"));
        assert_eq!(module_path_problem("a/.git").as_deref(), Some("leading dot in path element \".git\""));
        assert_eq!(module_path_problem("a\\b").as_deref(), Some("invalid char '\\\\'"));
        assert_eq!(module_path_problem("a/b@v1").as_deref(), Some("invalid char '@'"));
    }
}
