//! The package graph's shape: import cycles and the levels in which
//! packages can be checked in parallel.

use super::load::{ImportFailure, PackageGraph};

/// Finds every import cycle (one per back edge of a depth-first walk from
/// the roots, in a deterministic order), cuts it by turning the closing
/// import into an error `import cycle not allowed: a imports b imports a`,
/// so that what remains is acyclic.
pub fn break_cycles(graph: &mut PackageGraph) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let n = graph.units.len();
    let mut mark = vec![Mark::New; n];
    let mut cuts: Vec<(usize, usize, ImportFailure)> = Vec::new();
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (unit, next import index).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::OnStack;
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            let imports = &graph.units[u].imports;
            if *next == imports.len() {
                mark[u] = Mark::Done;
                stack.pop();
                continue;
            }
            let i = *next;
            *next += 1;
            let Ok(v) = imports[i].target else { continue };
            match mark[v] {
                Mark::New => {
                    mark[v] = Mark::OnStack;
                    stack.push((v, 0));
                }
                Mark::OnStack => {
                    let from = stack.iter().position(|&(w, _)| w == v).unwrap_or(0);
                    let mut path: Vec<String> = stack[from..].iter().map(|&(w, _)| graph.units[w].import_path.clone()).collect();
                    path.push(graph.units[v].import_path.clone());
                    cuts.push((u, i, ImportFailure::Cycle { path }));
                }
                Mark::Done => {}
            }
        }
    }
    for (u, i, failure) in cuts {
        graph.units[u].imports[i].target = Err(failure);
    }
}

/// Groups the (acyclic) graph into levels: every package's imports are in
/// earlier levels, so each level can be checked in parallel.
pub fn levels(graph: &PackageGraph) -> Vec<Vec<usize>> {
    let n = graph.units.len();
    let mut level: Vec<Option<usize>> = vec![None; n];
    fn depth(graph: &PackageGraph, level: &mut Vec<Option<usize>>, start: usize) -> usize {
        // Iterative post-order to avoid deep recursion on long chains.
        let mut stack = vec![(start, false)];
        while let Some((u, expanded)) = stack.pop() {
            if level[u].is_some() {
                continue;
            }
            let deps: Vec<usize> = graph.units[u].imports.iter().filter_map(|i| i.target.as_ref().ok().copied()).collect();
            if expanded {
                let d = deps.iter().map(|&v| level[v].map_or(0, |l| l + 1)).max().unwrap_or(0);
                level[u] = Some(d);
            } else {
                stack.push((u, true));
                stack.extend(deps.into_iter().filter(|&v| level[v].is_none()).map(|v| (v, false)));
            }
        }
        level[start].unwrap_or(0)
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    for u in 0..n {
        let d = depth(graph, &mut level, u);
        if out.len() <= d {
            out.resize(d + 1, Vec::new());
        }
    }
    for (u, l) in level.iter().enumerate() {
        out[l.unwrap_or(0)].push(u);
    }
    out
}
