//! "Did you mean": the name closest to a misspelt one, offered as a
//! `help:` on the error. Beyond go/types; the rule is rustc's
//! (`find_best_match_for_name`): a candidate that differs only in case, or
//! one within a third of the name's length in edit distance (a transposition is one edit), and only when
//! a single candidate is closest.

use std::sync::Arc;

use gox_syntax::Symbol;

use crate::checker::Checker;
use crate::lookup::{lookup_field_or_method, Lookup};
use crate::objects::{ObjectKind, Package};
use crate::scope::Scope;
use crate::types::{Type, TypeKind};

/// The candidate clearly closest to `name`, if any.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = name.chars().count().max(3) / 3;
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for c in candidates {
        if c == name || c == "_" {
            continue;
        }
        // A difference in case only beats any edit.
        let d = if c.eq_ignore_ascii_case(name) { 0 } else { strsim::osa_distance(name, c) };
        if d > limit || d >= name.chars().count().max(c.chars().count()) {
            continue;
        }
        match best {
            Some((bd, b)) if d == bd && b != c => tied = true,
            Some((bd, _)) if d >= bd => {}
            _ => {
                best = Some((d, c));
                tied = false;
            }
        }
    }
    if tied {
        return None;
    }
    best.map(|(_, c)| c)
}

/// `did you mean x?`, when one name is clearly closest.
fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean {c}?"))
}

impl<'a> Checker<'a> {
    /// For `undefined: name`: the closest name visible from the current
    /// scope (locals, the file's imports, the package, the universe).
    pub(crate) fn suggest_in_scope(&self, name: Symbol) -> Option<String> {
        let mut names: Vec<Symbol> = Vec::new();
        let mut scope: Option<&Arc<Scope>> = Some(&self.scope);
        while let Some(s) = scope {
            // A name whose import failed stands for nothing: suggesting it
            // would point at the broken import, which has its own error.
            names.extend(s.names().into_iter().filter(|&n| !self.is_fake_import(s, n)));
            scope = s.parent.as_ref();
        }
        did_you_mean(name.as_str(), names.iter().map(|n| n.as_str()))
    }

    /// Whether `name` in `scope` is the stand-in of an import that failed.
    fn is_fake_import(&self, scope: &Scope, name: Symbol) -> bool {
        scope.lookup(name).is_some_and(|obj| match &obj.kind {
            ObjectKind::PkgName { imported } => self.fake_imports.contains(&(Arc::as_ptr(imported) as usize)),
            _ => false,
        })
    }

    /// For `undefined: pkg.Name`: the closest exported name of `pkg`.
    pub(crate) fn suggest_member(&self, pkg: &Package, name: Symbol) -> Option<String> {
        let names = pkg.scope.names();
        let exported = names.iter().map(|n| n.as_str()).filter(|n| n.starts_with(|c: char| c.is_uppercase()));
        closest(name.as_str(), exported).map(|c| format!("did you mean {}.{c}?", pkg.name()))
    }

    /// For `x.f undefined`: the closest field or method of `t` that `x.f`
    /// could select, promoted ones included.
    pub(crate) fn suggest_selector(&self, t: &Type, addressable: bool, name: Symbol) -> Option<String> {
        let mut names: Vec<Symbol> = Vec::new();
        collect_members(t, &mut names, &mut Vec::new(), 0);
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        names.dedup();
        let selectable: Vec<Symbol> = names
            .into_iter()
            .filter(|n| matches!(lookup_field_or_method(t, addressable, Some(&self.pkg), *n), Lookup::Found { .. }))
            .collect();
        did_you_mean(name.as_str(), selectable.iter().map(|n| n.as_str()))
    }

    /// For an undefined package-like name: the import that would define it
    /// (`add import "strings"`), as the importer knows packages.
    pub(crate) fn suggest_import(&self, name: Symbol) -> Option<String> {
        let paths = self.importer.packages_named(name.as_str());
        if paths.is_empty() {
            return None;
        }
        let quoted: Vec<String> = paths.iter().map(|p| format!("\"{p}\"")).collect();
        Some(format!("add import {}", quoted.join(" or ")))
    }
}

/// The names of the fields and methods of `t` and of its embedded fields,
/// to a bounded depth (the lookup decides which are selectable).
fn collect_members(t: &Type, out: &mut Vec<Symbol>, seen: &mut Vec<usize>, depth: usize) {
    if depth > 8 {
        return;
    }
    let t = match t.kind() {
        TypeKind::Pointer(b) => b.clone(),
        _ => t.clone(),
    };
    if let Some(n) = t.as_named() {
        let key = Arc::as_ptr(&n.obj) as usize;
        if seen.contains(&key) {
            return;
        }
        seen.push(key);
        out.extend(n.methods().iter().map(|m| m.name));
    }
    match t.under().kind() {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                out.push(f.name);
                if f.is_embedded() {
                    collect_members(&f.ty_ref(), out, seen, depth + 1);
                }
            }
        }
        TypeKind::Interface(i) => out.extend(i.all_methods().iter().map(|m| m.name)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn one_clearly_closest_name_is_suggested() {
        assert_eq!(closest("Contain", ["Contains", "Count", "Join"]), Some("Contains"));
        assert_eq!(closest("cout", ["cnt", "count", "x"]), Some("count"));
        assert_eq!(closest("println", ["Println", "Printf"]), Some("Println"));
    }

    #[test]
    fn nothing_is_suggested_for_far_or_tied_names() {
        assert_eq!(closest("x", ["y", "z"]), None);
        assert_eq!(closest("ab", ["ac", "ad"]), None);
        assert_eq!(closest("completely", ["different"]), None);
        assert_eq!(closest("same", ["same"]), None);
    }
}
