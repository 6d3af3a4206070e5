//! Deep trees on ordinary stacks.
//!
//! The parser bounds nesting ([`MAX_NESTING`](crate::MAX_NESTING)) but a
//! binary chain (`1 + 1 + ...`, up to `MAX_CHAIN` operators) is a tree that
//! deep, and nesting levels cost more stack than a 2 MiB thread has. So every
//! recursive walk of gox-syntax — the parser's recursive descent, the dump,
//! the visitors, `Clone`/`PartialEq`/`Debug` of [`Expr`] — enters each level
//! through [`ensure_sufficient_stack`], and the walks that meet long chains
//! (dump, visit, drop) follow an expression's first operand in a loop instead
//! of recursing (see [`ExprKind::first_operand`]).

use crate::ast::Expr;
#[cfg(doc)]
use crate::ast::ExprKind;

/// When less than this much stack is left, the next level continues on a
/// new segment. It must cover the deepest stretch between two checkpoints
/// (for the parser, which checks only every few levels, that many levels:
/// see `STACK_CHECK_INTERVAL` in `parser/mod.rs`).
const RED_ZONE: usize = 128 * 1024;

/// Size of each new stack segment (allocated on the heap, freed on return).
const STACK_SEGMENT: usize = 1024 * 1024;

/// Runs `f`, on a new stack segment if the current one is nearly used up,
/// as rustc's `ensure_sufficient_stack` does.
#[inline]
pub fn ensure_sufficient_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, f)
}

/// [`ensure_sufficient_stack`] when `check` is set, else just `f()`: for
/// recursions that check only some of their levels. `f` is inlined in two
/// places (not three, as `ensure_sufficient_stack` in a branch would).
#[inline(always)]
pub(crate) fn ensure_sufficient_stack_if<R>(check: bool, f: impl FnOnce() -> R) -> R {
    // As stacker::maybe_grow: an unknown stack limit means a new segment.
    if check && stacker::remaining_stack().is_none_or(|left| left < RED_ZONE) {
        return stacker::grow(STACK_SEGMENT, f);
    }
    f()
}

/// A childless expression to leave behind when moving one out of its box.
pub(crate) fn placeholder() -> Expr {
    Expr { id: Default::default(), span: Default::default(), kind: crate::ast::ExprKind::Bad }
}
