//! Go's case-encoding of module paths and versions for proxies (the path
//! rules themselves are [`crate::modpath`]).

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
}
