//! Exact output of both diagnostic renderers.

use std::path::Path;

use gox_common::{
    display_path, render_go_style, render_go_style_all, render_rich, summary, Diagnostic, FileId, SourceMap, Span,
};

const MAIN: &str = "package main\n\nvar x int\nvar x int\n\nfunc main() { _ = y }\n";

fn sample() -> (SourceMap, Vec<Diagnostic>) {
    let map = SourceMap::new();
    let main = map.add("/home/u/proj/main.gox", MAIN).id;
    let pkg = map.add("/home/u/proj/pkg/a.gox", "package pkg\n\nvar _ = z\n").id;
    let diags = vec![
        Diagnostic::error(Span::new(main, 28, 29), "x redeclared in this block")
            .with_note(Span::new(main, 18, 19), "other declaration of x"),
        Diagnostic::error(Span::new(main, 53, 54), "undefined: y"),
        Diagnostic::warning(Span::new(pkg, 21, 22), "undefined: z"),
    ];
    (map, diags)
}

#[test]
fn go_style_is_path_line_col_message_with_tab_indented_notes() {
    let (map, diags) = sample();
    let base = Path::new("/home/u/proj");
    assert_eq!(
        render_go_style(&diags[0], &map, Some(base)),
        "./main.gox:4:5: x redeclared in this block\n\t./main.gox:3:5: other declaration of x"
    );
    assert_eq!(render_go_style(&diags[2], &map, Some(base)), "pkg/a.gox:3:9: undefined: z");
    assert_eq!(render_go_style(&diags[1], &map, None), "/home/u/proj/main.gox:6:19: undefined: y");
    assert_eq!(
        render_go_style_all(&diags, &map, Some(Path::new("/home/u/proj/pkg"))),
        "../main.gox:4:5: x redeclared in this block\n\t../main.gox:3:5: other declaration of x\n\
         ../main.gox:6:19: undefined: y\n./a.gox:3:9: undefined: z\n"
    );
    let stray = Diagnostic::error(Span::new(FileId(7), 0, 1), "lost");
    assert_eq!(render_go_style(&stray, &map, Some(base)), "-: lost");
}

#[test]
fn paths_are_shortened_only_when_shorter_as_go_build_does() {
    let base = Some(Path::new("/home/u/proj"));
    assert_eq!(display_path(Path::new("/home/u/proj/a.gox"), base), "./a.gox");
    assert_eq!(display_path(Path::new("/home/u/proj/./x/../a.gox"), base), "./a.gox");
    assert_eq!(display_path(Path::new("/home/u/proj/pkg/sub/a.gox"), base), "pkg/sub/a.gox");
    assert_eq!(display_path(Path::new("/home/u/a.gox"), base), "../a.gox");
    assert_eq!(display_path(Path::new("/usr/lib/go/src/fmt/print.gox"), base), "/usr/lib/go/src/fmt/print.gox");
    assert_eq!(display_path(Path::new("/a.gox"), base), "/a.gox");
    assert_eq!(display_path(Path::new("pkg/a.gox"), base), "pkg/a.gox");
    assert_eq!(display_path(Path::new("/home/u/proj/a.gox"), None), "/home/u/proj/a.gox");
}

#[test]
fn summary_counts_errors_and_warnings() {
    let (_, diags) = sample();
    assert_eq!(summary(&diags), Some("2 errors and 1 warning".to_string()));
    assert_eq!(summary(&diags[..1]), Some("1 error".to_string()));
    assert_eq!(summary(&diags[2..]), Some("1 warning".to_string()));
    assert_eq!(summary(&[]), None);
}

#[test]
fn rich_shows_source_lines_carets_and_notes() {
    let (map, diags) = sample();
    let got = render_rich(&diags, &map, false, Some(Path::new("/home/u/proj")));
    let want = "\
error: x redeclared in this block
  ┌─ ./main.gox:4:5
  │
3 │ var x int
  │     - other declaration of x
4 │ var x int
  │     ^

error: undefined: y
  ┌─ ./main.gox:6:19
  │
6 │ func main() { _ = y }
  │                   ^

warning: undefined: z
  ┌─ pkg/a.gox:3:9
  │
3 │ var _ = z
  │         ^

";
    assert_eq!(got, want);
}

#[test]
fn rich_notes_in_other_files_get_their_own_snippet() {
    let map = SourceMap::new();
    let a = map.add("/p/a.gox", "package p\n\nfunc f() {}\n").id;
    let b = map.add("/p/b.gox", "package p\n\nfunc f() {}\n").id;
    let diag = Diagnostic::error(Span::new(b, 16, 17), "f redeclared in this block")
        .with_note(Span::new(a, 16, 17), "other declaration of f");
    let want = "\
error: f redeclared in this block
  ┌─ /p/b.gox:3:6
  │
3 │ func f() {}
  │      ^
  │
  ┌─ /p/a.gox:3:6
  │
3 │ func f() {}
  │      - other declaration of f

";
    assert_eq!(render_rich(std::slice::from_ref(&diag), &map, false, None), want);
    assert_eq!(
        render_go_style(&diag, &map, None),
        "/p/b.gox:3:6: f redeclared in this block\n\t/p/a.gox:3:6: other declaration of f"
    );
}

#[test]
fn rich_columns_count_bytes_and_newline_spans_stay_on_their_line() {
    let map = SourceMap::new();
    let f = map.add("/p/c.gox", "package p\n\nvar é = 1 +\n").id;
    // `1` comes after the two-byte `é`: byte column 10, as Go counts.
    let at_one = Diagnostic::error(Span::new(f, 20, 21), "bad");
    // A span covering the line break, as for "unexpected newline".
    let at_newline = Diagnostic::error(Span::new(f, 23, 24), "syntax error: unexpected newline");
    let want = "\
error: bad
  ┌─ c.gox:3:10
  │
3 │ var é = 1 +
  │         ^

error: syntax error: unexpected newline
  ┌─ c.gox:3:13
  │
3 │ var é = 1 +
  │            ^

";
    assert_eq!(
        render_rich(&[at_one.clone(), at_newline.clone()], &map, false, Some(Path::new("/p"))),
        want.replace("c.gox", "./c.gox")
    );
    assert_eq!(render_go_style(&at_one, &map, Some(Path::new("/p"))), "./c.gox:3:10: bad");
    assert_eq!(
        render_go_style(&at_newline, &map, Some(Path::new("/p"))),
        "./c.gox:3:13: syntax error: unexpected newline"
    );
}

#[test]
fn rich_survives_bad_spans_and_unknown_files() {
    let map = SourceMap::new();
    let f = map.add("/p/d.gox", "var é\n").id;
    // Inside `é` and past the end: widened and clamped, never a panic.
    let odd = Diagnostic::error(Span::new(f, 5, 99), "odd");
    let stray = Diagnostic::error(Span::new(FileId(3), 0, 1), "lost");
    let want = "\
error: odd
  ┌─ /p/d.gox:1:5
  │
1 │ var é
  │     ^

-: lost

";
    assert_eq!(render_rich(&[odd, stray], &map, false, None), want);
}

#[test]
fn rich_with_color_uses_ansi_escapes() {
    let map = SourceMap::new();
    let f = map.add("/p/e.gox", "package p\n").id;
    let got = render_rich(&[Diagnostic::error(Span::new(f, 8, 9), "expected 'IDENT'")], &map, true, None);
    let want = "\u{1b}[0m\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m\u{1b}[1m: expected 'IDENT'\u{1b}[0m\n  \
                \u{1b}[0m\u{1b}[34m┌─\u{1b}[0m /p/e.gox:1:9\n  \u{1b}[0m\u{1b}[34m│\u{1b}[0m\n\
                \u{1b}[0m\u{1b}[34m1\u{1b}[0m \u{1b}[0m\u{1b}[34m│\u{1b}[0m package \u{1b}[0m\u{1b}[31mp\u{1b}[0m\n  \
                \u{1b}[0m\u{1b}[34m│\u{1b}[0m         \u{1b}[0m\u{1b}[31m^\u{1b}[0m\n\n";
    assert_eq!(got, want);
}
