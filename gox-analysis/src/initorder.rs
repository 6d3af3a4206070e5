//! Package initialisation order (go/types `initorder.go`): package-level
//! variables are initialised in dependency order, ties broken by source
//! order; dependencies through functions and methods count. A variable
//! that depends on itself is an initialisation cycle.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use gox_common::Label;

use crate::checker::{Checker, DeclKind, Initializer};
use crate::objects::{obj_key, Obj, ObjectKind};

/// A node of the dependency graph: a constant, variable or function.
struct Node {
    obj: Obj,
    /// Position in source order.
    order: usize,
    pred: HashSet<usize>,
    succ: HashSet<usize>,
    ndeps: usize,
    done: bool,
}

fn is_dependency(o: &Obj) -> bool {
    matches!(o.kind, ObjectKind::Const { .. } | ObjectKind::Var { .. } | ObjectKind::Func)
}

impl<'a> Checker<'a> {
    /// Computes [`crate::Info::init_order`] and reports initialisation cycles.
    /// Runs after every package-level declaration and function body was
    /// checked.
    pub(crate) fn init_order(&mut self) {
        self.info.init_order.clear();
        let objs: Vec<Obj> = self.objs_in_order.iter().filter(|o| is_dependency(o)).cloned().collect();
        let index: HashMap<usize, usize> = objs.iter().enumerate().map(|(i, o)| (obj_key(o), i)).collect();
        let mut nodes: Vec<Node> = objs
            .iter()
            .enumerate()
            .map(|(i, o)| Node { obj: o.clone(), order: i, pred: HashSet::default(), succ: HashSet::default(), ndeps: 0, done: false })
            .collect();
        for (i, o) in objs.iter().enumerate() {
            for d in &self.deps_of(o) {
                if let Some(&j) = index.get(&obj_key(d)) {
                    nodes[i].succ.insert(j);
                    nodes[j].pred.insert(i);
                }
            }
        }

        // Remove the functions, connecting their dependents directly to
        // their dependencies; cheapest first.
        let mut funcs: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].obj.is_func()).collect();
        funcs.sort_by_key(|&i| (nodes[i].pred.len() * nodes[i].succ.len(), nodes[i].order));
        for n in funcs {
            let preds: Vec<usize> = nodes[n].pred.iter().copied().filter(|&p| p != n).collect();
            let succs: Vec<usize> = nodes[n].succ.iter().copied().filter(|&s| s != n).collect();
            for &p in &preds {
                for &s in &succs {
                    nodes[p].succ.insert(s);
                    nodes[s].pred.insert(p);
                }
                nodes[p].succ.remove(&n);
            }
            for &s in &succs {
                nodes[s].pred.remove(&n);
            }
            nodes[n].done = true;
        }
        for n in nodes.iter_mut() {
            n.ndeps = n.succ.len();
        }

        let mut emitted: HashSet<usize> = HashSet::default();
        // Repeatedly take the pending node with the fewest outstanding
        // dependencies, earliest in source order: a priority queue (as
        // go/types' nodeQueue) whose stale entries, left behind when a
        // node's count drops, are skipped.
        let mut queue: BinaryHeap<Reverse<(usize, usize, usize)>> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.done)
            .map(|(i, n)| Reverse((n.ndeps, n.order, i)))
            .collect();
        while let Some(Reverse((ndeps, _, n))) = queue.pop() {
            if nodes[n].done || nodes[n].ndeps != ndeps {
                continue;
            }
            nodes[n].done = true;
            let obj = nodes[n].obj.clone();
            if nodes[n].ndeps > 0 {
                let mut seen = HashSet::default();
                if let Some(cycle) = self.find_path(&obj, &obj, &mut seen) {
                    self.report_init_cycle(&cycle);
                }
            }
            let preds: Vec<usize> = nodes[n].pred.iter().copied().collect();
            for p in preds {
                nodes[p].ndeps = nodes[p].ndeps.saturating_sub(1);
                if !nodes[p].done {
                    queue.push(Reverse((nodes[p].ndeps, nodes[p].order, p)));
                }
            }
            if !obj.is_var() {
                continue;
            }
            let Some(d) = self.decls.get(&obj_key(&obj)) else { continue };
            let DeclKind::Var { lhs, init: Some(init), .. } = &d.kind else { continue };
            let lhs: Vec<Obj> = match lhs {
                Some(l) if l.len() > 1 => l.clone(),
                _ => vec![obj.clone()],
            };
            // `var a, b = f()` is initialised once, for all its variables.
            if !emitted.insert(obj_key(&lhs[0])) {
                continue;
            }
            self.info.init_order.push(Initializer { lhs, rhs: init.span });
        }
    }

    /// The dependencies of package-level object `o`. The variables of
    /// `var a, b = f()` share one declaration and so their dependencies.
    fn deps_of(&self, o: &Obj) -> Vec<Obj> {
        let own = |o: &Obj| self.deps.get(&obj_key(o)).cloned().unwrap_or_default();
        match self.decls.get(&obj_key(o)).map(|d| &d.kind) {
            Some(DeclKind::Var { lhs: Some(l), .. }) if l.len() > 1 => {
                let mut out: Vec<Obj> = Vec::new();
                for v in l {
                    for d in own(v) {
                        if !out.iter().any(|x| std::sync::Arc::ptr_eq(x, &d)) {
                            out.push(d);
                        }
                    }
                }
                out
            }
            _ => own(o),
        }
    }

    /// A path of dependencies from `from` to `to`, as go/types' findPath:
    /// `[to, ..., d1]` for `from -> d1 -> ... -> to`.
    fn find_path(&self, from: &Obj, to: &Obj, seen: &mut HashSet<usize>) -> Option<Vec<Obj>> {
        stacker::maybe_grow(crate::RED_ZONE, crate::STACK_SEGMENT, || self.find_path_inner(from, to, seen))
    }

    fn find_path_inner(&self, from: &Obj, to: &Obj, seen: &mut HashSet<usize>) -> Option<Vec<Obj>> {
        if !seen.insert(obj_key(from)) {
            return None;
        }
        let deps = self.deps_of(from);
        for d in &deps {
            if std::sync::Arc::ptr_eq(d, to) {
                return Some(vec![d.clone()]);
            }
            if let Some(mut p) = self.find_path(d, to, seen) {
                p.push(d.clone());
                return Some(p);
            }
        }
        None
    }

    /// `initialization cycle for x` with notes `x refers to f`, ...
    fn report_init_cycle(&mut self, cycle: &[Obj]) {
        let Some(first) = cycle.first() else { return };
        let mut notes = Vec::new();
        let mut obj = first.clone();
        for i in (0..cycle.len()).rev() {
            let next = cycle[i].clone();
            notes.push(Label { span: obj.span, message: format!("{} refers to {}", obj.name(), next.name()) });
            obj = next;
        }
        self.error_with_notes(first.span, format!("initialization cycle for {}", first.name()), notes);
    }
}
