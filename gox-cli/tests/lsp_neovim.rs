//! `gox lsp` with a real editor: headless Neovim opens a file of a
//! `testdata/` project, starts the built `gox lsp`, waits for its
//! diagnostics and writes what `vim.diagnostic.get()` holds. `.ci/test.sh`
//! installs Neovim; where it is missing the test says so loudly and skips.

mod support;

use std::path::Path;
use std::process::Command;

use support::copy_dir;

/// The Lua that drives Neovim (0.7 or later: `vim.lsp.start_client`).
const SCRIPT: &str = r#"
local root = vim.env.GOX_ROOT
vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/main.gox'))
local id = vim.lsp.start_client({
  name = 'gox',
  cmd = { vim.env.GOX_BIN, 'lsp' },
  root_dir = root,
})
vim.lsp.buf_attach_client(0, id)
vim.wait(20000, function() return #vim.diagnostic.get(0) >= 3 end, 20)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format('%d:%d: %s (%s)', d.lnum + 1, d.col + 1, d.message, d.source or ''))
end
table.sort(lines)
vim.fn.writefile(lines, vim.env.GOX_OUT)
vim.lsp.stop_client(id)
vim.cmd('qa!')
"#;


#[test]
fn neovim_shows_the_diagnostics_of_gox_lsp() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("\n*** SKIPPED neovim_shows_the_diagnostics_of_gox_lsp: nvim is not installed (run .ci/test.sh, which installs the Debian package neovim) ***\n");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("crosspkg");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/fail/crosspkg"), &root);
    let script = tmp.path().join("init.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = tmp.path().join("diagnostics.txt");
    let run = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(&script)
        .env("GOX_ROOT", &root)
        .env("GOX_BIN", env!("CARGO_BIN_EXE_gox"))
        .env("GOX_OUT", &out)
        .env("GOXCACHE", tmp.path().join("cache"))
        .env("XDG_CACHE_HOME", tmp.path().join("xdg-cache"))
        .env("XDG_STATE_HOME", tmp.path().join("xdg-state"))
        .env("XDG_DATA_HOME", tmp.path().join("xdg-data"))
        .env("XDG_CONFIG_HOME", tmp.path().join("xdg-config"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let got = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!("neovim wrote no diagnostics ({e}); exit {:?}\nstdout: {}\nstderr: {}", run.status, String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr))
    });
    assert_eq!(
        got,
        "11:8: assignment mismatch: 1 variable but store.Find returns 2 values (gox)\n\
         12:17: cannot use items[0].Count (variable of type int) as string value in variable declaration (gox)\n\
         13:27: undefined: store.Missing (gox)\n"
    );
}
