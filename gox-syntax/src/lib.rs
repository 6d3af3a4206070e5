//! Lexer, parser and AST for GoX.
//!
//! Entry points: [`parse_file`] / [`parse_source`] give an [`ast::File`]
//! and every syntax error of one file; [`parse_package_clause_and_imports`]
//! stops after the imports (for dependency discovery). [`visit`] walks the
//! tree; [`dump_ast`] prints it.

pub mod ast;
mod dump;
pub mod lexer;
pub mod literal;
mod parser;
mod stack;
pub mod symbol;
pub mod token;
pub mod visit;

use gox_common::{Diagnostic, FileId, SourceFile};

pub use dump::dump_ast;
pub use literal::{unquote_bytes, unquote_rune, unquote_string, UnquoteError};
pub use parser::MAX_NESTING;
pub use stack::ensure_sufficient_stack;
pub use symbol::Symbol;
pub use token::Token;

/// Parses one source file: the best-effort AST and every syntax error,
/// sorted by position (at most one per line).
pub fn parse_file(file: &SourceFile) -> (ast::File, Vec<Diagnostic>) {
    parse_source(file.id, &file.text())
}

/// [`parse_file`] for a type check, which reads no comments: they are
/// skipped, not collected, so the AST has no comment groups and no doc
/// comments. The syntax errors are the same.
pub fn parse_file_for_check(file: &SourceFile) -> (ast::File, Vec<Diagnostic>) {
    parser::Parser::with_comments(file.id, file.text().as_bytes(), false).parse_file(parser::Mode::Full)
}

/// Parses `text` as the file `file_id`.
pub fn parse_source(file_id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    parse_bytes(file_id, text.as_bytes())
}

/// Parses raw bytes, which need not be valid UTF-8: invalid encodings are
/// reported ("invalid UTF-8 encoding") where they occur.
pub fn parse_bytes(file_id: FileId, src: &[u8]) -> (ast::File, Vec<Diagnostic>) {
    parser::Parser::new(file_id, src).parse_file(parser::Mode::Full)
}

/// The message for a byte that is no UTF-8 encoding, wherever it is found.
pub const INVALID_UTF8: &str = "invalid UTF-8 encoding";

/// A file's bytes as text for the [`gox_common::SourceMap`]: every byte the
/// lexer would report as [`INVALID_UTF8`] (it decodes as [`lexer`] does,
/// one bad byte at a time) is replaced by a space, so that every other
/// offset stays as in the file, and its offset is returned. NUL and byte
/// order marks are valid UTF-8: they stay, and the lexer reports them
/// where it meets them. `gox parse` and `gox check` both read files
/// through here, so they report the same bytes at the same positions.
pub fn decode_source(bytes: &[u8]) -> (String, Vec<u32>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), Vec::new());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut bad = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let (c, width) = lexer::decode_char(&bytes[at..]);
        match c {
            Some(_) => out.extend_from_slice(&bytes[at..at + width]),
            None => {
                bad.push(at as u32);
                out.push(b' ');
            }
        }
        at += width.max(1);
    }
    // Every kept sequence decoded as a char: the result is UTF-8.
    let text = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (text, bad)
}

/// The build constraint of a parsed file (`//go:build`, `// +build`),
/// from the comments the lexer found before its package clause.
pub fn build_constraint(
    file: &ast::File,
    source: &SourceFile,
) -> Result<gox_common::constraint::HeaderConstraint, gox_common::constraint::HeaderError> {
    use gox_common::constraint::{header_constraint, HeaderComment};
    let end = file.package_span.lo;
    // Lines are counted in the header only, in one pass (the offsets asked
    // for only grow): the file's whole line table is not needed to load it.
    let text = source.text().as_bytes();
    let (mut line, mut counted) = (1u32, 0usize);
    let mut line_at = |offset: u32| {
        let offset = (offset as usize).clamp(counted, text.len());
        line += text[counted..offset].iter().filter(|&&b| b == b'\n').count() as u32;
        counted = offset;
        line
    };
    let comments: Vec<HeaderComment<'_>> = file
        .comments
        .iter()
        .flat_map(|group| group.list.iter())
        .take_while(|c| c.span.hi <= end)
        .map(|c| HeaderComment {
            line: line_at(c.span.lo),
            end_line: line_at(c.span.hi.saturating_sub(1).max(c.span.lo)),
            text: &c.text,
        })
        .collect();
    let package_line = line_at(end);
    header_constraint(&comments, package_line)
}

/// Parses only the package clause and the import declarations (the
/// returned file has no other declarations): cheap dependency discovery.
pub fn parse_package_clause_and_imports(file_id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    parser::Parser::new(file_id, text.as_bytes()).parse_file(parser::Mode::ImportsOnly)
}
