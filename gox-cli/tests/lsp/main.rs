//! `gox lsp` driven in-process through an in-memory connection: every
//! feature on a small module (with std and a `.goxdeps` dependency), edits
//! that fix and introduce errors, a dependency's change reaching its
//! importer, broken syntax, and malformed requests.

mod client;
#[path = "../support/mod.rs"]
mod support;

use client::Client;
use serde_json::{json, Value};

const GOX_MOD: &str = "module example.com/app\n";

const SHAPES: &str = r#"// Package shapes has shapes.
package shapes

// Point is a position on the plane.
type Point struct {
	X, Y int
}

// Shape is anything with an area.
type Shape interface {
	Area() int
}

// Rect is a rectangle with its corner.
type Rect struct {
	Point
	// W is the width.
	W, H int
}

// Area returns the rectangle's area.
func (r *Rect) Area() int {
	return r.W * r.H
}

func (r *Rect) grow() {
	r.W++
}

// Origin is where the axes cross.
var Origin = Point{}

// Max is the largest size.
const Max = 100
"#;

const MAIN: &str = r#"package main

import (
	"fmt"
	"strings"

	"shapes"
)

func main() {
	r := &shapes.Rect{W: 2, H: 3}
	fmt.Println(r.Area(), r.X, strings.ToUpper("x"))
	total := r.Area() + shapes.Max
	fmt.Println(total)
}
"#;

fn project() -> Client {
    Client::start(&[("gox.mod", GOX_MOD), ("shapes/shapes.gox", SHAPES), ("main.gox", MAIN)])
}

/// Opens main.gox and waits for its first (clean) diagnostics.
fn opened() -> Client {
    let mut c = project();
    c.open("main.gox");
    assert_eq!(c.diagnostics_until("main.gox", |_| true), Vec::<String>::new());
    c
}

fn markdown(answer: &client::Answer) -> String {
    answer.as_ref().unwrap()["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[test]
fn hover_shows_the_signature_and_doc_comment_of_a_method_of_another_package() {
    let mut c = opened();
    let (line, col) = c.find("main.gox", "Area()", 1);
    let hover = c.at("hover", "main.gox", line, col, json!({}));
    assert_eq!(markdown(&hover), "```gox\nfunc (r *shapes.Rect) Area() int\n```\n\nArea returns the rectangle's area.");
    c.shutdown();
}

#[test]
fn hover_on_a_std_function_and_a_local_variable() {
    let mut c = opened();
    let (line, col) = c.find("main.gox", "ToUpper", 2);
    let hover = markdown(&c.at("hover", "main.gox", line, col, json!({})));
    // The embedded std declares its API without doc comments.
    assert_eq!(hover, "```gox\nfunc ToUpper(s string) string\n```");
    let (line, col) = c.find("main.gox", "total)", 0);
    assert_eq!(markdown(&c.at("hover", "main.gox", line, col, json!({}))), "```gox\nvar total int\n```");
    c.shutdown();
}

#[test]
fn hover_on_a_promoted_field_and_a_constant() {
    let mut c = opened();
    let (line, col) = c.find("main.gox", "r.X", 2);
    assert_eq!(markdown(&c.at("hover", "main.gox", line, col, json!({}))), "```gox\nfield X int\n```");
    let (line, col) = c.find("main.gox", "Max", 0);
    assert_eq!(markdown(&c.at("hover", "main.gox", line, col, json!({}))), "```gox\nconst Max untyped int = 100\n```\n\nMax is the largest size.");
    c.shutdown();
}

#[test]
fn definition_in_the_same_package_another_package_and_std() {
    let mut c = opened();
    let (line, col) = c.find("main.gox", "total)", 0);
    let local = c.at("definition", "main.gox", line, col, json!({})).unwrap();
    assert_eq!(local["uri"], c.uri("main.gox"));
    assert_eq!(local["range"]["start"], json!({ "line": 12, "character": 1 }));

    let (line, col) = c.find("main.gox", "Area()", 0);
    let method = c.at("definition", "main.gox", line, col, json!({})).unwrap();
    assert_eq!(method["uri"], c.uri("shapes/shapes.gox"));
    assert_eq!(method["range"], json!({ "start": { "line": 21, "character": 15 }, "end": { "line": 21, "character": 19 } }));

    let (line, col) = c.find("main.gox", "ToUpper", 0);
    let std = c.at("definition", "main.gox", line, col, json!({})).unwrap();
    let uri = std["uri"].as_str().unwrap();
    assert!(c.redact(&std).contains("file://$STD/strings/"), "{std}");
    // The std file is written where the editor can open it, read-only.
    let path = std::path::PathBuf::from(uri.strip_prefix("file://").unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().nth(std["range"]["start"]["line"].as_u64().unwrap() as usize).unwrap();
    assert!(line.starts_with("func ToUpper("), "{line}");
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    c.shutdown();
}

#[test]
fn definition_and_hover_in_a_goxdeps_dependency() {
    let mut c = Client::start_testdata("webapp");
    c.open("handlers/handlers.gox");
    assert_eq!(c.diagnostics_until("handlers/handlers.gox", |_| true), Vec::<String>::new());
    let (line, col) = c.find("handlers/handlers.gox", "web.Request", 4);
    let def = c.at("definition", "handlers/handlers.gox", line, col, json!({})).unwrap();
    assert_eq!(def["uri"], c.uri(".goxdeps/example.com/router@v1.2.0/router.gox"));
    let hover = markdown(&c.at("hover", "handlers/handlers.gox", line, col, json!({})));
    assert!(hover.starts_with("```gox\ntype Request struct{"), "{hover}");
    c.shutdown();
}

#[test]
fn references_across_the_module() {
    let mut c = opened();
    c.open("shapes/shapes.gox");
    let (line, col) = c.find("shapes/shapes.gox", "Area() int {", 0);
    let refs = c.at("references", "shapes/shapes.gox", line, col, json!({ "context": { "includeDeclaration": true } })).unwrap();
    insta::assert_snapshot!("references_area", c.redact(&refs));
    c.shutdown();
}

#[test]
fn rename_across_the_module_and_refusals() {
    let mut c = opened();
    let (line, col) = c.find("main.gox", "Area()", 0);
    let edit = c.at("rename", "main.gox", line, col, json!({ "newName": "Size" })).unwrap();
    insta::assert_snapshot!("rename_area", c.redact(&edit));

    let (line, col) = c.find("main.gox", "ToUpper", 0);
    let refused = c.at("rename", "main.gox", line, col, json!({ "newName": "Upper" }));
    assert_eq!(refused, Err(json!({ "code": -32803, "message": "cannot rename ToUpper: it is declared in std package strings" })));
    let (line, col) = c.find("main.gox", "total :=", 0);
    let bad = c.at("rename", "main.gox", line, col, json!({ "newName": "func" }));
    assert_eq!(bad, Err(json!({ "code": -32803, "message": "\"func\" is not a valid identifier" })));
    c.shutdown();
}

#[test]
fn completion_after_a_package_name_a_value_and_in_scope() {
    let mut c = opened();
    let labels = |answer: client::Answer| -> Vec<String> {
        let items = answer.unwrap();
        items.as_array().unwrap().iter().map(|i| format!("{} {}", i["label"].as_str().unwrap(), i["detail"].as_str().unwrap())).collect()
    };
    // Each as typed, the line after the last statement of main.
    let typed = |line: &str| MAIN.replace("\tfmt.Println(total)\n", &format!("\tfmt.Println(total)\n\t{line}\n"));
    c.change("main.gox", 2, &typed("shapes."));
    assert_eq!(
        labels(c.at("completion", "main.gox", 14, 8, json!({}))),
        ["Max untyped int", "Origin shapes.Point", "Point struct{X int;Y int}", "Rect struct{shapes.Point;W int;H int}", "Shape interface{Area() int}"]
    );
    c.change("main.gox", 3, &typed("r."));
    assert_eq!(labels(c.at("completion", "main.gox", 14, 3, json!({}))), ["Area func() int", "H int", "Point shapes.Point", "W int", "X int", "Y int"]);
    c.change("main.gox", 4, &typed("r.Poi"));
    assert_eq!(labels(c.at("completion", "main.gox", 14, 6, json!({}))), ["Point shapes.Point"]);
    c.change("main.gox", 5, &typed("to"));
    assert_eq!(labels(c.at("completion", "main.gox", 14, 3, json!({}))), ["total int"]);
    c.change("main.gox", 6, &typed("pri"));
    assert_eq!(labels(c.at("completion", "main.gox", 14, 4, json!({}))), ["print built-in", "println built-in"]);
    c.shutdown();
}

#[test]
fn document_and_workspace_symbols() {
    let mut c = opened();
    let doc = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": c.uri("shapes/shapes.gox") } })).unwrap();
    insta::assert_snapshot!("document_symbols", c.redact(&doc));
    let ws = c.request("workspace/symbol", json!({ "query": "rec" })).unwrap();
    insta::assert_snapshot!("workspace_symbols", c.redact(&ws));
    c.shutdown();
}

#[test]
fn code_actions_remove_an_unused_import_and_add_a_std_import() {
    let mut c = opened();
    let text = MAIN.replace("strings.ToUpper(\"x\")", "bytes.ToUpper(nil)");
    c.change("main.gox", 2, &text);
    let diags = c.diagnostics_until("main.gox", |d| d.len() == 2);
    assert_eq!(diags, ["5:2: \"strings\" imported and not used", "12:29: undefined: bytes\nhelp: add import \"bytes\""]);
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": c.uri("main.gox") },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 15, "character": 0 } },
                "context": { "diagnostics": [] }
            }),
        )
        .unwrap();
    insta::assert_snapshot!("code_actions", c.redact(&actions));
    c.shutdown();
}

#[test]
fn a_change_that_introduces_an_error_and_one_that_fixes_it() {
    let mut c = opened();
    c.change("main.gox", 2, &MAIN.replace("total := r.Area()", "total := r.Area() + \"s\""));
    let broken = c.diagnostics_until("main.gox", |d| !d.is_empty());
    assert_eq!(broken, ["13:11: invalid operation: r.Area() + \"s\" (mismatched types int and untyped string)"]);
    c.change("main.gox", 3, MAIN);
    assert_eq!(c.diagnostics_until("main.gox", |d| d.is_empty()), Vec::<String>::new());
    c.shutdown();
}

#[test]
fn a_change_in_a_dependency_updates_its_importers_diagnostics() {
    let mut c = opened();
    c.open("shapes/shapes.gox");
    c.diagnostics_until("shapes/shapes.gox", |_| true);
    // Area now returns a string: main's `r.Area() + shapes.Max` breaks,
    // though main.gox itself did not change.
    c.change("shapes/shapes.gox", 2, &SHAPES.replace("func (r *Rect) Area() int {\n\treturn r.W * r.H", "func (r *Rect) Area() string {\n\treturn \"\""));
    let main = c.diagnostics_until("main.gox", |d| !d.is_empty());
    assert_eq!(main, ["13:11: invalid operation: r.Area() + shapes.Max (mismatched types string and untyped int)"]);
    c.shutdown();
}

#[test]
fn an_unsaved_file_counts_in_a_directory_the_file_index_knows() {
    let mut c = project();
    // Older than the file index's racy window, so that the first checks
    // index the files and directories and later ones answer from it.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    c.open("main.gox");
    assert_eq!(c.diagnostics_until("main.gox", |_| true), Vec::<String>::new());
    // The whole-module pass, which renews the index, runs once typing pauses.
    std::thread::sleep(std::time::Duration::from_millis(600));
    // shapes/ is unchanged on disk; a new file in it exists only in the editor.
    c.change("main.gox", 2, &MAIN.replace("total := r.Area() + shapes.Max", "total := r.Area() + shapes.Extra"));
    assert_eq!(c.diagnostics_until("main.gox", |d| !d.is_empty()), ["13:29: undefined: shapes.Extra"]);
    c.open_text("shapes/extra.gox", "package shapes\n\nconst Extra = Max + 1\n");
    assert_eq!(c.diagnostics_until("main.gox", |d| d.is_empty()), Vec::<String>::new());
    c.shutdown();
}

#[test]
fn gox_mod_errors_are_shown_in_gox_mod() {
    let mut c = opened();
    c.open_text("gox.mod", "module example.com/app\nrequire\n");
    let diags = c.diagnostics_until("gox.mod", |d| !d.is_empty());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].starts_with("2:"), "{diags:?}");
    c.change("gox.mod", 2, GOX_MOD);
    assert_eq!(c.diagnostics_until("gox.mod", |d| d.is_empty()), Vec::<String>::new());
    c.shutdown();
}

#[test]
fn hover_and_completion_answer_in_a_file_with_syntax_errors() {
    let mut c = opened();
    let text = MAIN.replace("\tfmt.Println(total)\n", "\tfmt.Println(total\n\tr.\n");
    c.change("main.gox", 2, &text);
    let diags = c.diagnostics_until("main.gox", |d| !d.is_empty());
    assert_eq!(diags[0], "14:19: missing ',' before newline in argument list");
    let (line, col) = c.find("main.gox", "Area()", 1);
    assert_eq!(markdown(&c.at("hover", "main.gox", line, col, json!({}))), "```gox\nfunc (r *shapes.Rect) Area() int\n```\n\nArea returns the rectangle's area.");
    let items = c.at("completion", "main.gox", 14, 3, json!({})).unwrap();
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Area", "H", "Point", "W", "X", "Y"]);
    c.shutdown();
}

#[test]
fn malformed_requests_get_error_responses() {
    let mut c = opened();
    let wrong = c.request("textDocument/hover", json!({ "textDocument": 42 }));
    assert_eq!(wrong.as_ref().unwrap_err()["code"], -32602, "{wrong:?}");
    let unknown_file = c.at("hover", "nowhere.gox", 0, 0, json!({}));
    assert_eq!(unknown_file.as_ref().unwrap_err()["code"], -32602, "{unknown_file:?}");
    let past_end = c.at("definition", "main.gox", 400, 0, json!({}));
    assert_eq!(past_end, Err(json!({ "code": -32602, "message": "position 400:0 is past the end of the file" })));
    let past_line = c.at("completion", "main.gox", 0, 99, json!({}));
    assert_eq!(past_line.as_ref().unwrap_err()["code"], -32602);
    let not_file = c.request("textDocument/hover", json!({ "textDocument": { "uri": "untitled:1" }, "position": { "line": 0, "character": 0 } }));
    assert_eq!(not_file, Err(json!({ "code": -32602, "message": "not a file URI: untitled:1" })));
    let unknown = c.request("gox/unknown", Value::Null);
    assert_eq!(unknown, Err(json!({ "code": -32601, "message": "unknown request gox/unknown" })));
    // Still serving.
    let (line, col) = c.find("main.gox", "total)", 0);
    assert_eq!(markdown(&c.at("hover", "main.gox", line, col, json!({}))), "```gox\nvar total int\n```");
    c.shutdown();
}
