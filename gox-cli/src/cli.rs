//! The command line, declared with clap's derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "gox", version, about = "The GoX toolchain: package manager and type checker", disable_help_subcommand = true)]
pub struct Cli {
    /// Change to DIR before doing anything else
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start a new module in the current directory (writes gox.mod)
    Init {
        /// The module path; defaults to the directory name
        module_path: Option<String>,
        /// Also add /.goxdeps/ to .gitignore (created if missing): gox.lock
        /// pins every dependency, and `gox mod download` restores them
        #[arg(long)]
        gitignore: bool,
    },
    /// Type-check packages and everything they import
    Check(CheckArgs),
    /// Verify dependencies offline, then check (default: the module's main packages)
    Build(CheckArgs),
    /// Add, change, upgrade or remove dependencies: fetch into .goxdeps, record in gox.mod and gox.lock
    #[command(after_help = "module@none removes a require (refused while code of the module imports its alias), its \
        gox.lock entry and every module no longer needed, from gox.lock and .goxdeps.\n\n\
        Pins below what a dependency needs are refused: when gox.mod requires a module at a lower version than a \
        module of the build requires, that module was written against the newer version and usually fails to \
        compile (GoX's rule: the root's require decides). --force pins anyway; gox get then warns, naming the \
        requiring module. A pin above what a dependency requires is allowed, with the same warning.\n\n\
        Environment:\n  \
        GOXPROXY        where modules come from, as Go's GOPROXY: proxy URLs (https://, file://), direct (git), off; \
        separated by ',' (next on not found) or '|' (next on any error); default direct\n  \
        GOXHTTPTIMEOUT  seconds an HTTP request may wait for a response or for more of a download; default 60")]
    Get(GetArgs),
    /// List packages
    List(ListArgs),
    /// Module maintenance
    #[command(subcommand)]
    Mod(ModCommand),
    /// Workspaces: develop several modules together (gox.work)
    #[command(subcommand)]
    Work(WorkCommand),
    /// Parse files and report syntax errors
    Parse {
        /// Print the syntax tree
        #[arg(long)]
        ast: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Remove cached data
    Clean {
        /// Empty the build cache
        #[arg(long = "cache", short = 'c')]
        cache: bool,
    },
    /// Serve the Language Server Protocol over stdin and stdout (for editors)
    Lsp,
    /// Print gox's version
    Version,
    /// Print a shell completion script
    Completion {
        shell: clap_complete::Shell,
    },
    /// Help about a command or a topic (modules, proxies, environment, caching)
    Help {
        /// A command (`gox help mod download`) or a topic (`gox help modules`)
        command: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How diagnostics are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatChoice {
    /// `path:line:col: message`, one line each, as `go build` prints them
    Go,
    /// The source line with the span underlined (the default on a terminal)
    Rich,
    /// One JSON object per line
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// Package patterns: ., ./..., ./dir, ./dir/..., import paths, or .gox files
    pub packages: Vec<String>,
    /// When to use colours (auto: on a terminal, unless NO_COLOR is set or TERM=dumb; CLICOLOR_FORCE forces them)
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Layout of diagnostics (default: rich on a terminal, go otherwise)
    #[arg(long, value_enum)]
    pub format: Option<FormatChoice>,
    /// Same as --format json: one JSON object per line per diagnostic
    #[arg(long)]
    pub json: bool,
    /// Name each package as it is checked or taken from the cache
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only the diagnostics: no summary, no warnings
    #[arg(short, long)]
    pub quiet: bool,
    /// A shared cache server in Bazel's HTTP cache layout (also GOXREMOTECACHE; see `gox help caching`)
    #[arg(long, value_name = "URL")]
    pub remote_cache: Option<String>,
    /// Print every error (default: at most 10 per package, then "too many errors", as go build; JSON has all)
    #[arg(short = 'e', long)]
    pub all_errors: bool,
    /// Include _test.gox files
    #[arg(long)]
    pub tests: bool,
    /// Print where the time went
    #[arg(long)]
    pub timings: bool,
    /// Check again whenever a .gox file, gox.mod or gox.lock changes, printing what changed (Ctrl-C stops)
    #[arg(long)]
    pub watch: bool,
    /// Extra build tags, comma-separated
    #[arg(long, value_delimiter = ',')]
    pub tags: Vec<String>,
}

#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// module-path@version (version: v1.2.3, v1, v1.2, latest, or none to remove), or alias@version
    #[arg(required_unless_present = "update")]
    pub targets: Vec<String>,
    /// Upgrade to the newest release (-u) or the newest patch release (-u=patch): the named modules,
    /// or without any, every direct dependency. Never downgrades
    #[arg(short = 'u', num_args = 0..=1, require_equals = true, default_missing_value = "latest",
          value_parser = ["latest", "patch"], value_name = "patch")]
    pub update: Option<String>,
    /// Pin a version below what a dependency requires (refused otherwise)
    #[arg(long)]
    pub force: bool,
    /// The alias to import the module by (default: its last path element)
    #[arg(long)]
    pub alias: Option<String>,
    /// Fail instead of reaching the network
    #[arg(long)]
    pub offline: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// Packages; with -m: modules (`all` for every module of the build; none: the main module)
    pub packages: Vec<String>,
    /// List modules instead of packages
    #[arg(short = 'm')]
    pub modules: bool,
    /// With -m: add the newest release of each module when it is newer, as [vX.Y.Z] (asks GOXPROXY)
    #[arg(short = 'u', requires = "modules")]
    pub updates: bool,
    /// Print JSON objects
    #[arg(long = "json", alias = "j")]
    pub json: bool,
    /// Include every package the listed ones depend on
    #[arg(long = "deps")]
    pub deps: bool,
}

#[derive(Subcommand, Debug)]
pub enum ModCommand {
    /// Print the module requirement graph
    Graph {
        /// Graphviz output
        #[arg(long)]
        dot: bool,
    },
    /// Fetch every module of the closure that .goxdeps lacks
    Download {
        /// Use only what .goxdeps already holds: fail instead of reaching the network
        #[arg(long)]
        offline: bool,
    },
    /// Check every module in .goxdeps against gox.lock
    Verify,
    /// Drop requires no code imports, gox.lock entries and .goxdeps modules outside the build
    #[command(long_about = "Drop each require whose alias no .gox file of the module imports (every package, \
        test files and files of every build configuration included), then every gox.lock entry and every \
        .goxdeps module version the build no longer contains. gox.mod keeps its comments and layout. An import \
        of an alias no require declares is reported at its file and line (a require cannot be guessed from \
        an alias), and then nothing is written.")]
    Tidy {
        /// Use only what .goxdeps already holds: fail instead of reaching the network
        #[arg(long)]
        offline: bool,
    },
    /// Show the shortest import chain from the main module to a package or module
    Why {
        /// Import paths of packages, or module paths
        #[arg(required = true)]
        targets: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum WorkCommand {
    /// Write gox.work in the current directory, using each given module directory
    Init {
        /// Module directories (default: none)
        dirs: Vec<String>,
    },
    /// Add module directories to the gox.work above the current directory
    Use {
        #[arg(required = true)]
        dirs: Vec<String>,
    },
}
