package stdload

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
)

// Natives lists what the GoX runtime must provide for a std package:
// functions and methods declared without a body, and package variables
// declared without an initializer (the unicode tables, os.Args, ...).
func Natives(root, path string) ([]string, error) {
	names, err := GoxFiles(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	for _, n := range names {
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Body == nil {
					var b bytes.Buffer
					printer.Fprint(&b, fset, &ast.FuncDecl{Recv: d.Recv, Name: d.Name, Type: d.Type})
					out = append(out, b.String())
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					if len(vs.Values) > 0 {
						continue
					}
					var b bytes.Buffer
					printer.Fprint(&b, fset, vs.Type)
					for _, id := range vs.Names {
						out = append(out, "var "+id.Name+" "+b.String())
					}
				}
			}
		}
	}
	return out, nil
}
