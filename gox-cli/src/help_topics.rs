//! `gox help <topic>`: the guides under `docs/`, compiled into the binary so
//! that the terminal and the repository show one text; and the renderer of
//! the command reference (`docs/commands.md`) from clap's command tree.

use std::fmt::Write as _;

/// A guide that `gox help <name>` prints.
#[derive(Clone, Copy, Debug)]
pub struct Topic {
    pub name: &'static str,
    /// One line for the list `gox help` prints.
    pub summary: &'static str,
    /// The page under `docs/`, relative to the repository root.
    pub page: &'static str,
    /// The page's markdown.
    pub text: &'static str,
}

/// Every topic, in the order `gox help` lists them.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "modules",
        summary: "gox.mod, gox.lock, .goxdeps and the version rule",
        page: "docs/modules.md",
        text: include_str!("../../docs/modules.md"),
    },
    Topic {
        name: "proxies",
        summary: "where modules come from: GOXPROXY, proxies, private repositories",
        page: "docs/fetching.md",
        text: include_str!("../../docs/fetching.md"),
    },
    Topic {
        name: "environment",
        summary: "environment variables gox reads",
        page: "docs/environment.md",
        text: include_str!("../../docs/environment.md"),
    },
    Topic {
        name: "caching",
        summary: "the build cache: what it holds, where, and how it is trimmed",
        page: "docs/caching.md",
        text: include_str!("../../docs/caching.md"),
    },
];

/// The topic called `name`.
pub fn topic(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.name == name)
}

/// The list appended to `gox help`.
pub fn topic_list() -> String {
    let width = TOPICS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let mut out = String::from("Help topics (gox help <topic>):\n");
    for t in TOPICS {
        let _ = writeln!(out, "  {:width$}  {}", t.name, t.summary);
    }
    out
}

/// The command reference as markdown: every command and subcommand of
/// `cmd` (hidden ones left out) with its usage, arguments and options, as
/// clap knows them. `docs/commands.md` is this text; a test keeps it so.
pub fn commands_markdown(cmd: &clap::Command) -> String {
    let mut cmd = cmd.clone();
    cmd.build();
    let mut out = String::new();
    out.push_str("# Command reference\n\n");
    out.push_str(
        "<!-- Generated from gox's command-line definition (gox-cli/src/cli.rs) by\n     \
         gox_cli::help_topics::commands_markdown. Do not edit by hand; regenerate with:\n     \
         GOX_UPDATE_DOCS=1 cargo test --profile fast-build -p gox-cli --test docs -->\n\n",
    );
    if let Some(about) = cmd.get_about() {
        let _ = writeln!(out, "{about}\n");
    }
    let name = cmd.get_name().to_string();
    out.push_str("```text\n");
    out.push_str(&usage(&mut cmd));
    out.push_str("\n```\n\n");
    options(&mut out, &cmd, true);
    out.push_str("Exit status: 0 when the command succeeded, 1 when it reported errors (in the\ncode, gox.mod, gox.lock or .goxdeps, or a failed download), 2 for usage errors.\n\n");
    out.push_str("Commands:\n\n");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let _ = writeln!(out, "- [`{name} {}`](#{}): {}", sub.get_name(), anchor(&format!("{name} {}", sub.get_name())), about(sub));
    }
    out.push('\n');
    let subs: Vec<clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
    for sub in subs {
        command(&mut out, &name, sub);
    }
    out.push_str("## Help topics\n\n`gox help <topic>` prints one of these guides:\n\n");
    for t in TOPICS {
        let page = t.page.strip_prefix("docs/").unwrap_or(t.page);
        let _ = writeln!(out, "- `{}`: {} ([{page}]({page}))", t.name, t.summary);
    }
    out.push_str(
        "\nOptions the go command also has may be written with one dash, as go spells them\n\
         (`gox list -json -deps`, `gox clean -cache`).\n",
    );
    out
}

fn about(cmd: &clap::Command) -> String {
    cmd.get_about().map(|a| a.to_string()).unwrap_or_default()
}

/// GitHub's heading anchor: lower case, spaces to `-`, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn usage(cmd: &mut clap::Command) -> String {
    let text = cmd.render_usage().to_string();
    text.strip_prefix("Usage: ").unwrap_or(&text).to_string()
}

fn command(out: &mut String, parent: &str, mut cmd: clap::Command) {
    let full = format!("{parent} {}", cmd.get_name());
    let _ = writeln!(out, "## {full}\n");
    if let Some(long) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(out, "{long}\n");
    }
    out.push_str("```text\n");
    out.push_str(&usage(&mut cmd));
    out.push_str("\n```\n\n");
    options(out, &cmd, false);
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let _ = writeln!(out, "```text\n{}\n```\n", after.to_string().trim_end());
    }
    let subs: Vec<clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
    if !subs.is_empty() {
        for sub in &subs {
            let _ = writeln!(out, "- [`{full} {}`](#{}): {}", sub.get_name(), anchor(&format!("{full} {}", sub.get_name())), about(sub));
        }
        out.push('\n');
    }
    for sub in subs {
        command(out, &full, sub);
    }
}

/// The arguments and options of `cmd`: global ones only at the top.
fn options(out: &mut String, cmd: &clap::Command, top: bool) {
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter(|a| top || !a.is_global_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .collect();
    if args.is_empty() {
        return;
    }
    let (positional, flags): (Vec<&clap::Arg>, Vec<&clap::Arg>) = args.into_iter().partition(|a| a.is_positional());
    if !positional.is_empty() {
        out.push_str("Arguments:\n\n");
        for a in positional {
            let name = a.get_value_names().and_then(|v| v.first()).map(|v| v.to_string()).unwrap_or_else(|| a.get_id().to_string().to_uppercase());
            let many = matches!(a.get_num_args(), Some(r) if r.max_values() > 1);
            let shown = if many { format!("{name}...") } else { name };
            let shown = if a.is_required_set() { format!("<{shown}>") } else { format!("[{shown}]") };
            let _ = writeln!(out, "- `{shown}`{}", describe(a));
        }
        out.push('\n');
    }
    if !flags.is_empty() {
        out.push_str("Options:\n\n");
        for a in flags {
            let mut spell = Vec::new();
            if let Some(s) = a.get_short() {
                spell.push(format!("-{s}"));
            }
            if let Some(l) = a.get_long() {
                spell.push(format!("--{l}"));
            }
            let takes_value = a.get_num_args().is_some_and(|r| r.takes_values()) && !matches!(a.get_action(), clap::ArgAction::SetTrue | clap::ArgAction::SetFalse | clap::ArgAction::Count);
            let value = if takes_value {
                let v = a.get_value_names().and_then(|v| v.first()).map(|v| v.to_string()).unwrap_or_else(|| a.get_id().to_string().to_uppercase());
                format!(" <{v}>")
            } else {
                String::new()
            };
            let _ = writeln!(out, "- `{}{value}`{}", spell.join(", "), describe(a));
        }
        out.push('\n');
    }
}

/// `: help [possible values: ...] [default: ...]` for one argument.
fn describe(a: &clap::Arg) -> String {
    let mut text = a.get_long_help().or(a.get_help()).map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<String> = a.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect();
    if !values.is_empty() {
        let _ = write!(text, " (one of: {})", values.join(", "));
    }
    let flag = matches!(a.get_action(), clap::ArgAction::SetTrue | clap::ArgAction::SetFalse | clap::ArgAction::Count);
    let defaults: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !flag {
        let _ = write!(text, " (default: {})", defaults.join(","));
    }
    let text = text.trim().replace('\n', " ");
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}
