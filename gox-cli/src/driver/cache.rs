//! The build cache's location: `$GOXCACHE`, else `gox` under the user's
//! cache directory (`$XDG_CACHE_HOME` or `~/.cache`).

use std::path::PathBuf;

pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOXCACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("gox");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache").join("gox"),
        None => std::env::temp_dir().join("gox-cache"),
    }
}
