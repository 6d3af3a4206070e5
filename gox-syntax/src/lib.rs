//! Lexer, parser and AST for GoX.

pub mod ast;
pub mod symbol;
pub mod token;

pub use symbol::Symbol;
pub use token::Token;
