#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need beyond
# Rust, then runs every test. Neovim (Debian package neovim) is the real
# editor of gox-cli/tests/lsp_neovim.rs; that test skips, loudly, only
# where it cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "test.sh: installing neovim for the editor test" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null) \
            || echo "test.sh: could not install neovim; the editor test will be skipped" >&2
    else
        echo "test.sh: nvim missing and apt-get unavailable (or not root); the editor test will be skipped" >&2
    fi
fi
exec cargo test --workspace --release --locked "$@"
