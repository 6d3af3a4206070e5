//! The documentation stays true: `docs/commands.md` is what the command
//! definition renders to, every relative link in README.md and docs/
//! reaches a file of the repository (and a heading, for `#anchors`), and
//! `gox help <topic>` prints the docs page it names.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("gox-cli is one level below the repository root").to_path_buf()
}

#[test]
fn commands_md_is_generated_from_the_cli_definition() {
    let path = repo_root().join("docs/commands.md");
    let want = gox_cli::help_topics::commands_markdown(&gox_cli::cli::Cli::command());
    if std::env::var_os("GOX_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/commands.md is out of date with gox-cli/src/cli.rs; regenerate it with:\n  \
         GOX_UPDATE_DOCS=1 cargo test --profile fast-build -p gox-cli --test docs"
    );
}

/// The markdown files whose links are checked: README.md and docs/*.md.
fn pages() -> Vec<PathBuf> {
    let root = repo_root();
    let mut pages = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The targets of the inline links `[text](target)` of a markdown text,
/// outside code blocks and code spans.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans: what is between backticks is not a link.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("").to_string();
            out.push(target);
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchors of a markdown text's headings.
fn anchors(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim();
        let anchor: String = heading
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        out.insert(anchor);
    }
    out
}

#[test]
fn every_relative_link_in_readme_and_docs_reaches_a_file_and_heading_of_the_repository() {
    let root = repo_root().canonicalize().unwrap();
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(&root).unwrap_or(&page).display().to_string();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if target.starts_with('/') || target.starts_with('~') || target.contains('\\') {
                problems.push(format!("{shown}: {target}: an absolute path, not a link inside the repository"));
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let dest = if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            let Ok(dest) = dest.canonicalize() else {
                problems.push(format!("{shown}: {target}: no such file"));
                continue;
            };
            if !dest.starts_with(&root) {
                problems.push(format!("{shown}: {target}: points outside the repository"));
                continue;
            }
            if !anchor.is_empty() {
                let heads = std::fs::read_to_string(&dest).map(|t| anchors(&t)).unwrap_or_default();
                if !heads.contains(anchor) {
                    problems.push(format!("{shown}: {target}: no heading with anchor #{anchor}"));
                }
            }
        }
        if text.contains("../shared") {
            problems.push(format!("{shown}: mentions ../shared, which is outside the repository"));
        }
    }
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
}

#[test]
fn link_targets_skip_code_and_read_anchors() {
    let text = "See [a](a.md#x) and `[b](b.md)`.\n```\n[c](c.md)\n```\n[d](https://x.example/d)\n";
    assert_eq!(link_targets(text), ["a.md#x", "https://x.example/d"]);
    assert!(anchors("## The version rule\n").contains("the-version-rule"));
    assert!(anchors("## gox mod download\n").contains("gox-mod-download"));
}

fn gox(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gox")).args(args).env("NO_COLOR", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn gox_help_modules_prints_the_modules_page_and_exits_0() {
    let page = std::fs::read_to_string(repo_root().join("docs/modules.md")).unwrap();
    let (code, stdout, stderr) = gox(&["help", "modules"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, page.as_str(), ""));
}

#[test]
fn every_help_topic_prints_its_docs_page() {
    for topic in gox_cli::help_topics::TOPICS {
        let page = std::fs::read_to_string(repo_root().join(topic.page)).unwrap();
        let (code, stdout, _) = gox(&["help", topic.name]);
        assert_eq!(code, 0, "gox help {}", topic.name);
        assert_eq!(stdout, page, "gox help {} prints {}", topic.name, topic.page);
    }
}

#[test]
fn gox_help_lists_the_topics() {
    let (code, stdout, _) = gox(&["help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Help topics (gox help <topic>):\n"), "{stdout}");
    for topic in gox_cli::help_topics::TOPICS {
        assert!(stdout.contains(&format!("  {}", topic.name)), "topic {} missing from:\n{stdout}", topic.name);
    }
}

#[test]
fn gox_help_of_an_unknown_topic_is_a_usage_error() {
    let (code, stdout, stderr) = gox(&["help", "nosuchtopic"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "gox help nosuchtopic: unknown help topic. Run 'gox help'.\n");
}

/// The std packages users can import: the directories of gox-module/std
/// holding `.gox` files, outside `internal` and `tools`.
fn std_packages() -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        if !rel.is_empty() && entries.iter().any(|p| p.extension().is_some_and(|e| e == "gox")) {
            out.push(rel.to_string());
        }
        for p in entries.iter().filter(|p| p.is_dir()) {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name == "internal" || name == "tools" {
                continue;
            }
            let sub = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            walk(p, &sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&repo_root().join("gox-module/std"), "", &mut out);
    out.sort();
    out
}

#[test]
fn readme_lists_exactly_the_std_packages() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme.find("<!-- std-packages").expect("README.md has a <!-- std-packages ... --> marker");
    let body = &readme[start..];
    let body = &body[body.find("-->").unwrap() + 3..body.find("<!-- end std-packages -->").expect("end marker")];
    let listed: Vec<String> = body.split('`').skip(1).step_by(2).map(str::to_string).collect();
    assert_eq!(listed, std_packages(), "the std list in README.md differs from the directories of gox-module/std");
}
