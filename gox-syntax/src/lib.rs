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
pub mod symbol;
pub mod token;
pub mod visit;

use gox_common::{Diagnostic, FileId, SourceFile};

pub use dump::dump_ast;
pub use literal::{unquote_bytes, unquote_rune, unquote_string, UnquoteError};
pub use parser::MAX_NESTING;
pub use symbol::Symbol;
pub use token::Token;

/// Parses one source file: the best-effort AST and every syntax error,
/// sorted by position (at most one per line).
pub fn parse_file(file: &SourceFile) -> (ast::File, Vec<Diagnostic>) {
    parse_source(file.id, &file.text)
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

/// Parses only the package clause and the import declarations (the
/// returned file has no other declarations): cheap dependency discovery.
pub fn parse_package_clause_and_imports(file_id: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    parser::Parser::new(file_id, text.as_bytes()).parse_file(parser::Mode::ImportsOnly)
}
