//! Any input must parse to a best-effort AST without panicking or
//! overflowing the stack. Run with `cargo fuzz run parse` from the
//! repository root.
#![no_main]

use gox_common::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As text (what editors hand us) ...
    let text = String::from_utf8_lossy(data);
    let (file, _errors) = gox_syntax::parse_source(FileId(0), &text);
    let _ = gox_syntax::dump_ast(&file);
    // ... and as raw bytes, where invalid UTF-8 must be reported.
    let (_file, _errors) = gox_syntax::parse_bytes(FileId(0), data);
    let _ = gox_syntax::parse_package_clause_and_imports(FileId(0), &text);
});
