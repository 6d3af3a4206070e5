// Package stdload loads the GoX standard library (gox-module/std) with
// go/types, treating the std tree as the import root, and checks GoX's cuts
// (generics, complex numbers, unsafe/uintptr, pointers to non-struct types,
// method values and method expressions) with an AST walk.
package stdload

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Loader type-checks packages of the std tree on demand.
type Loader struct {
	Root   string // the gox-module/std directory
	Fset   *token.FileSet
	Pkgs   map[string]*types.Package
	Errors []string
	busy   map[string]bool
}

func New(root string) *Loader {
	return &Loader{Root: root, Fset: token.NewFileSet(), Pkgs: map[string]*types.Package{}, busy: map[string]bool{}}
}

// Import implements types.Importer over the std tree.
func (l *Loader) Import(path string) (*types.Package, error) {
	if p, ok := l.Pkgs[path]; ok {
		return p, nil
	}
	if l.busy[path] {
		return nil, fmt.Errorf("import cycle through %q", path)
	}
	dir := filepath.Join(l.Root, filepath.FromSlash(path))
	if path == "unsafe" || path == "C" {
		return nil, fmt.Errorf("package %q is not in GoX std", path)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("package %q is not in GoX std", path)
	}
	l.busy[path] = true
	defer delete(l.busy, path)
	pkg, err := l.CheckDir(path, dir)
	if pkg != nil {
		l.Pkgs[path] = pkg
	}
	return pkg, err
}

// GoxFiles lists the .gox files of a directory in alphabetical order.
func GoxFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".gox") && !strings.HasSuffix(e.Name(), "_test.gox") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

// CheckDir parses and type-checks the package in dir under the given path,
// recording type errors and GoX rule violations in l.Errors.
func (l *Loader) CheckDir(path, dir string) (*types.Package, error) {
	names, err := GoxFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .gox files in %s", dir)
	}
	var files []*ast.File
	for _, n := range names {
		f, err := parser.ParseFile(l.Fset, n, nil, parser.ParseComments)
		if err != nil {
			l.Errors = append(l.Errors, err.Error())
			continue
		}
		files = append(files, f)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	conf := types.Config{
		Importer: l,
		Error: func(err error) {
			l.Errors = append(l.Errors, err.Error())
		},
	}
	pkg, _ := conf.Check(path, l.Fset, files, info)
	for _, f := range files {
		l.checkGoxRules(f, info)
	}
	return pkg, nil
}

func (l *Loader) report(pos token.Pos, format string, args ...any) {
	l.Errors = append(l.Errors, fmt.Sprintf("%s: %s", l.Fset.Position(pos), fmt.Sprintf(format, args...)))
}

func isComplex(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsComplex != 0
}

func isStruct(t types.Type) bool {
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// checkGoxRules reports what GoX removes from Go.
func (l *Loader) checkGoxRules(f *ast.File, info *types.Info) {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"unsafe"` {
			l.report(imp.Pos(), "unsafe is not in GoX")
		}
	}
	calls := map[ast.Expr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			calls[unparen(c.Fun)] = true
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncType:
			if n.TypeParams != nil {
				l.report(n.Pos(), "type parameters are not supported in GoX")
			}
		case *ast.TypeSpec:
			if n.TypeParams != nil {
				l.report(n.Pos(), "type parameters are not supported in GoX")
			}
		case *ast.IndexListExpr:
			l.report(n.Pos(), "type parameters are not supported in GoX")
		case *ast.BasicLit:
			if n.Kind == token.IMAG {
				l.report(n.Pos(), "imaginary literals are not supported in GoX")
			}
		case *ast.Ident:
			obj := info.Uses[n]
			if obj == nil {
				obj = info.Defs[n]
			}
			if obj != nil {
				if obj.Parent() == types.Universe {
					switch obj.Name() {
					case "uintptr":
						l.report(n.Pos(), "uintptr is not in GoX")
					case "complex", "real", "imag", "complex64", "complex128":
						l.report(n.Pos(), "%s is not supported in GoX (complex numbers)", obj.Name())
					}
				}
				if obj.Type() != nil && isComplex(obj.Type()) {
					l.report(n.Pos(), "complex numbers are not supported in GoX")
				}
			}
			if _, ok := info.Instances[n]; ok {
				l.report(n.Pos(), "generic instantiation is not supported in GoX")
			}
		case *ast.StarExpr:
			if tv, ok := info.Types[n]; ok && tv.IsType() {
				if p, ok := tv.Type.(*types.Pointer); ok && !isStruct(p.Elem()) {
					l.report(n.Pos(), "pointer to non-struct type %s", p.Elem())
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if tv, ok := info.Types[n.X]; ok && !isStruct(tv.Type) {
					l.report(n.Pos(), "pointer to non-struct type %s", tv.Type)
				}
			}
		case *ast.CallExpr:
			if id, ok := unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
					if tv, ok := info.Types[n.Args[0]]; ok && !isStruct(tv.Type) {
						l.report(n.Pos(), "pointer to non-struct type %s", tv.Type)
					}
				}
			}
		case *ast.SelectorExpr:
			if sel, ok := info.Selections[n]; ok {
				switch sel.Kind() {
				case types.MethodExpr:
					l.report(n.Pos(), "method expression not supported")
				case types.MethodVal:
					if !calls[n] {
						l.report(n.Pos(), "method value not supported; use a func literal")
					} else if sig, ok := sel.Obj().Type().(*types.Signature); ok {
						// implicit &x on a non-struct receiver
						if p, ok := sig.Recv().Type().(*types.Pointer); ok && !isStruct(p.Elem()) {
							l.report(n.Pos(), "pointer to non-struct type %s", p.Elem())
						}
					}
				}
			}
		}
		return true
	})
}

// StdPackages lists the import paths of the std tree (directories holding
// .gox files), skipping tools/ and hidden/underscore/testdata directories.
func StdPackages(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		base := d.Name()
		if rel != "." && (rel == "tools" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") || base == "testdata") {
			return filepath.SkipDir
		}
		if names, _ := GoxFiles(p); len(names) > 0 {
			paths = append(paths, rel)
		}
		return nil
	})
	sort.Strings(paths)
	return paths, err
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}
