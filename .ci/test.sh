#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need beyond
# Rust from Debian's packages, then runs every test. Each tool's tests skip,
# loudly, only where the tool cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

updated=no
# need <present?> <what it is for> <packages...>
need() {
    local present=$1 purpose=$2
    shift 2
    if eval "$present" >/dev/null 2>&1; then
        return
    fi
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "test.sh: installing $* for $purpose" >&2
        if [ $updated = no ]; then
            apt-get update -qq || true
            updated=yes
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
            || echo "test.sh: could not install $*; $purpose will be skipped" >&2
    else
        echo "test.sh: $* missing and apt-get unavailable (or not root); $purpose will be skipped" >&2
    fi
}

# Neovim: the real editor of gox-cli/tests/lsp_neovim.rs.
need "command -v nvim" "the editor test" neovim
# Go 1.19: regenerates the std for gox-module/tests/std_generated.rs.
need "test -x /usr/lib/go-1.19/bin/go" "the std generator test" golang-1.19-go golang-1.19-src
# nginx with its WebDAV module: the shared cache server of gox-cli/tests/remote_cache.rs.
need "test -x /usr/sbin/nginx" "the shared cache test" nginx-core

exec cargo test --workspace --profile fast-build --locked "$@"
