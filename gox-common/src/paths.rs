//! Lexical path arithmetic, one implementation for every crate: what a
//! path means without asking the file system (symbolic links are not
//! followed, as Go's `filepath.Clean` and `filepath.Rel` work).

use std::path::{Component, Path, PathBuf};

/// `path` as a hash map key: its bytes. `Path`'s own `Hash` walks the
/// path a byte at a time to hash it component by component (14% of an
/// edit re-check's instructions at 3,001 packages, in maps of paths that
/// gox joined itself). A path spelled two ways is two keys: a lookup that
/// misses asks again, it is never answered wrongly.
pub fn path_key(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// `path` with `.` dropped and `..` applied where it can be (`a/b/../c` is
/// `a/c`, `/..` is `/`; a leading `..` of a relative path stays).
pub fn normalize(path: &Path) -> PathBuf {
    components(path).iter().map(|c| c.as_os_str()).collect()
}

fn components(path: &Path) -> Vec<Component<'_>> {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::ParentDir if matches!(out.last(), Some(Component::RootDir | Component::Prefix(_))) => {}
            other => out.push(other),
        }
    }
    out
}

/// `target` relative to `base`, lexically, with `..` where needed; `None`
/// when they share no root or `base` climbs above what it names.
pub fn relative(base: &Path, target: &Path) -> Option<PathBuf> {
    let (b, t) = (components(base), components(target));
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if common == 0 || b[common..].iter().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// `path` below `base` as a slash-separated string (`""` for `base`
/// itself); `None` when `path` is not under `base`.
pub fn relative_slash(base: &Path, path: &Path) -> Option<String> {
    if let Some(rest) = base.to_str().zip(path.to_str()).and_then(|(b, p)| plain_relative(b, p)) {
        return Some(rest.to_string());
    }
    let (b, p) = (components(base), components(path));
    if p.len() < b.len() || p[..b.len()] != b[..] {
        return None;
    }
    let rest: Vec<String> = p[b.len()..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    Some(rest.join("/"))
}

/// [`relative_slash`] by string prefix, when neither path holds anything
/// [`components`] would drop or apply (an empty, `.` or `..` element): the common
/// case, answered without collecting components (the build cache asks
/// this for every file of every package).
fn plain_relative<'a>(base: &str, path: &'a str) -> Option<&'a str> {
    let plain = |s: &str| s.split('/').enumerate().all(|(i, e)| (i == 0 && e.is_empty()) || !matches!(e, "" | "." | ".."));
    if base.is_empty() || !plain(base) || !plain(path) {
        return None;
    }
    let rest = path.strip_prefix(base)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(normalize(Path::new("/../x")), Path::new("/x"));
        assert_eq!(normalize(Path::new("../x/./y/..")), Path::new("../x"));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/p/q"), Path::new("/p/r/s")), Some(PathBuf::from("../r/s")));
        assert_eq!(relative(Path::new("/p"), Path::new("/p")), Some(PathBuf::new()));
        assert_eq!(relative_slash(Path::new("/p"), Path::new("/p/./a/b")), Some("a/b".to_string()));
        assert_eq!(relative_slash(Path::new("/p"), Path::new("/q/a")), None);
    }

    #[test]
    fn the_plain_fast_path_agrees_with_components() {
        let cases = [
            ("/p", "/p/a/b"),
            ("/p", "/p"),
            ("/p", "/pq/a"),
            ("/p/", "/p/a"),
            ("/", "/a/b"),
            ("/p", "/p/./a"),
            ("/p", "/p//a"),
            ("/p", "/p/a/"),
            ("/p", "/p/../a"),
            ("/p/.", "/p/a"),
            ("p", "p/a"),
            ("./p", "p/a"),
            ("/$std", "/$std/fmt"),
        ];
        for (base, path) in cases {
            let (b, p) = (components(Path::new(base)), components(Path::new(path)));
            let slow = (p.len() >= b.len() && p[..b.len()] == b[..]).then(|| {
                p[b.len()..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
            });
            assert_eq!(relative_slash(Path::new(base), Path::new(path)), slow, "{base} {path}");
        }
    }
}
