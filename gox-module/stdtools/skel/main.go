// Command skel prints the exported declarations of a Go 1.19 package as a
// GoX skeleton: functions and methods without bodies, structs with their
// exported fields, constants with their exact values. It is a starting point
// for hand-written std packages, not part of the build.
//
//	go run ./skel -out ../<pkg> <import path>
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	out := flag.String("out", "", "output directory (default: stdout)")
	flag.Parse()
	path := flag.Arg(0)
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "amd64", false
	bp, err := ctx.Import(path, "", 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fset := token.NewFileSet()
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		text := skeleton(fset, f)
		if text == "" {
			continue
		}
		if *out == "" {
			fmt.Printf("// ==== %s\n%s\n", name, text)
			continue
		}
		os.MkdirAll(*out, 0o755)
		dst := filepath.Join(*out, strings.TrimSuffix(name, ".go")+".gox")
		if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func exportedRecv(fd *ast.FuncDecl) bool {
	if fd.Recv == nil {
		return true
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

func skeleton(fset *token.FileSet, f *ast.File) string {
	var body bytes.Buffer
	var docs []*ast.CommentGroup
	pr := func(n ast.Node) {
		sort.Slice(docs, func(i, j int) bool { return docs[i].Pos() < docs[j].Pos() })
		cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
		cfg.Fprint(&body, fset, &printer.CommentedNode{Node: n, Comments: docs})
		docs = nil
	}
	keep := func(g *ast.CommentGroup) {
		if g != nil {
			docs = append(docs, g)
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || !exportedRecv(d) {
				continue
			}
			d.Body = nil
			keep(d.Doc)
			pr(d)
			body.WriteString("\n\n")
		case *ast.GenDecl:
			var specs []ast.Spec
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					if st, ok := s.Type.(*ast.StructType); ok {
						var fields []*ast.Field
						for _, fl := range st.Fields.List {
							var names []*ast.Ident
							for _, n := range fl.Names {
								if n.IsExported() {
									names = append(names, n)
								}
							}
							if len(fl.Names) == 0 || len(names) > 0 {
								fl.Names = names
								keep(fl.Doc)
								keep(fl.Comment)
								fields = append(fields, fl)
							}
						}
						st.Fields.List = fields
					}
					if it, ok := s.Type.(*ast.InterfaceType); ok {
						for _, m := range it.Methods.List {
							keep(m.Doc)
							keep(m.Comment)
						}
					}
					keep(s.Doc)
					specs = append(specs, s)
				case *ast.ValueSpec:
					var names []*ast.Ident
					for _, n := range s.Names {
						if n.IsExported() {
							names = append(names, n)
						}
					}
					if len(names) == 0 {
						continue
					}
					keep(s.Doc)
					keep(s.Comment)
					if d.Tok == token.VAR {
						s.Names = names
						if s.Type != nil {
							s.Values = nil
						}
					}
					specs = append(specs, s)
				}
			}
			if len(specs) == 0 || d.Tok == token.IMPORT {
				continue
			}
			d.Specs = specs
			keep(d.Doc)
			if len(specs) > 1 && d.Lparen == 0 {
				d.Lparen = 1
			}
			pr(d)
			body.WriteString("\n\n")
		}
	}
	if body.Len() == 0 {
		return ""
	}
	text := body.String()
	var imports []string
	for _, imp := range f.Imports {
		p := strings.Trim(imp.Path.Value, `"`)
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if strings.Contains(text, name+".") {
			imports = append(imports, imp.Path.Value)
		}
	}
	sort.Strings(imports)
	var out bytes.Buffer
	fmt.Fprintf(&out, "package %s\n\n", f.Name.Name)
	if len(imports) > 0 {
		fmt.Fprintf(&out, "import (\n\t%s\n)\n\n", strings.Join(imports, "\n\t"))
	}
	out.WriteString(text)
	return out.String()
}
