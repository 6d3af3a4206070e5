package main

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// pkgGen is one package being written.
type pkgGen struct {
	g       *gen
	pkg     *types.Package
	imports map[string]string // path -> name used in the file
	// needs: the unexported types the declarations use, true when in full
	// (fields, methods), false for a stub of the same comparability.
	needs   map[*types.TypeName]bool
	done    map[*types.TypeName]bool // declared: false as a stub, true in full
	changed bool
	// unexportedIface: unexported method names of the package's interfaces;
	// types declare their methods of these names, or they would not
	// implement those interfaces.
	unexportedIface map[string]bool

	consts, vars, funcs []string
	types               map[string]string // name -> declaration with methods
	omitted             []string
	declared            int
}

func (p *pkgGen) omit(what, reason string) {
	p.omitted = append(p.omitted, fmt.Sprintf("- `%s`: %s", what, reason))
}

func (p *pkgGen) ctx(owner string) *ctx {
	return &ctx{g: p.g, pkg: p.pkg, p: p, owner: owner}
}

// importName is the name the file uses for an imported package: its own,
// or, when another import or a package-level name has it, one made from
// the path.
func (p *pkgGen) importName(pkg *types.Package) string {
	if n, ok := p.imports[pkg.Path()]; ok {
		return n
	}
	name := pkg.Name()
	taken := func(n string) bool {
		if p.pkg.Scope().Lookup(n) != nil {
			return true
		}
		for _, have := range p.imports {
			if have == n {
				return true
			}
		}
		return false
	}
	if taken(name) {
		name = strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(pkg.Path())
		for taken(name) {
			name += "_"
		}
	}
	p.imports[pkg.Path()] = name
	return name
}

func (p *pkgGen) generate() {
	scope := p.pkg.Scope()
	p.types = map[string]string{}
	p.done = map[*types.TypeName]bool{}
	p.unexportedIface = map[string]bool{}
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			if it, ok := tn.Type().Underlying().(*types.Interface); ok {
				for i := 0; i < it.NumMethods(); i++ {
					if m := it.Method(i); !m.Exported() && m.Pkg() == p.pkg {
						p.unexportedIface[m.Name()] = true
					}
				}
			}
		}
	}
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			p.constDecl(obj)
		case *types.Var:
			c := p.ctx(name)
			ts, err := c.typ(obj.Type())
			if err != nil {
				p.omit("var "+name+" "+p.typeString(obj.Type()), err.Error())
				continue
			}
			p.vars = append(p.vars, "var "+name+" "+ts)
			p.declared++
		case *types.Func:
			c := p.ctx(name)
			sig := obj.Type().(*types.Signature)
			s, err := c.signature(sig)
			if err != nil {
				p.omit("func "+name+p.sigString(sig), err.Error())
				continue
			}
			p.funcs = append(p.funcs, "func "+name+s)
			p.declared++
		case *types.TypeName:
			p.typeDecl(obj, true)
		}
	}
	// The unexported types the API needs, until no more are found.
	for p.changed {
		p.changed = false
		var objs []*types.TypeName
		for obj := range p.needs {
			objs = append(objs, obj)
		}
		sort.Slice(objs, func(i, j int) bool { return objs[i].Name() < objs[j].Name() })
		for _, obj := range objs {
			full := p.needs[obj]
			if had, ok := p.done[obj]; ok && (had || !full) {
				continue
			}
			p.done[obj] = full
			p.typeDecl(obj, full)
		}
	}
}

func (p *pkgGen) typeString(t types.Type) string { return types.TypeString(t, relative(p.pkg)) }

func (p *pkgGen) sigString(s *types.Signature) string {
	return strings.TrimPrefix(types.TypeString(s, relative(p.pkg)), "func")
}

// typeDecl declares a named type: in full (its underlying type, its
// methods), or, for an unexported type only unexported fields reach, as a
// struct of the same comparability.
func (p *pkgGen) typeDecl(obj *types.TypeName, full bool) {
	name := obj.Name()
	exported := obj.Exported()
	if r := p.g.typeBad(obj); r != "" && (full || exported) {
		if exported {
			p.omit("type "+name, r)
		}
		return
	}
	if !full {
		if types.Comparable(obj.Type()) {
			p.types[name] = "type " + name + " struct{}"
		} else {
			p.types[name] = "type " + name + " struct{ _ func() }"
		}
		return
	}
	c := p.ctx(name)
	if obj.IsAlias() {
		ts, _ := c.typ(obj.Type())
		p.types[name] = "type " + name + " = " + ts
		if exported {
			p.declared++
		}
		return
	}
	named := obj.Type().(*types.Named)
	var decl string
	switch u := named.Underlying().(type) {
	case *types.Struct:
		decl, _ = c.structType(u, name)
	case *types.Interface:
		decl, _ = c.interfaceType(u, name)
	default:
		decl, _ = c.typ(u)
	}
	var b strings.Builder
	b.WriteString("type " + name + " " + decl + "\n")
	if exported {
		p.declared++
	}
	var methods []*types.Func
	for i := 0; i < named.NumMethods(); i++ {
		methods = append(methods, named.Method(i))
	}
	sort.Slice(methods, func(i, j int) bool { return methods[i].Name() < methods[j].Name() })
	for _, m := range methods {
		if !m.Exported() && !p.unexportedIface[m.Name()] {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := sig.Recv()
		what := "method (" + p.typeString(recv.Type()) + ") " + m.Name() + p.sigString(sig)
		_, ptr := recv.Type().(*types.Pointer)
		if _, isStruct := named.Underlying().(*types.Struct); ptr && !isStruct {
			if exported && m.Exported() {
				p.omit(what, "pointer receiver on non-struct type "+name)
			}
			continue
		}
		s, err := c.signature(sig)
		if err != nil {
			if m.Exported() {
				p.omit(what, err.Error())
			}
			continue
		}
		r := name
		if ptr {
			r = "*" + name
		}
		if n := recv.Name(); n != "" && n != "_" {
			r = n + " " + r
		}
		b.WriteString("\nfunc (" + r + ") " + m.Name() + s + "\n")
		if exported && m.Exported() {
			p.declared++
		}
	}
	p.types[name] = strings.TrimSuffix(b.String(), "\n")
}

func (p *pkgGen) constDecl(obj *types.Const) {
	name := obj.Name()
	val := obj.Val()
	if b, ok := obj.Type().(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		lit, err := literal(b.Kind(), val, true)
		if err != nil {
			p.omit("const "+name, err.Error())
			return
		}
		p.consts = append(p.consts, "const "+name+" = "+lit)
		p.declared++
		return
	}
	ts, err := p.ctx(name).typ(obj.Type())
	var lit string
	if err == nil {
		lit, err = literal(obj.Type().Underlying().(*types.Basic).Kind(), val, false)
	}
	if err != nil {
		p.omit("const "+name+" "+p.typeString(obj.Type()), err.Error())
		return
	}
	p.consts = append(p.consts, "const "+name+" "+ts+" = "+lit)
	p.declared++
}

// literal writes a constant's exact value as a GoX constant expression of
// the kind given (for untyped constants the kind shows in the form).
func literal(kind types.BasicKind, v constant.Value, untyped bool) (string, error) {
	switch {
	case kind == types.UntypedBool || kind == types.Bool:
		return v.String(), nil
	case kind == types.UntypedString || kind == types.String:
		return strconv.Quote(constant.StringVal(v)), nil
	case kind == types.UntypedRune:
		n, ok := constant.Int64Val(v)
		if ok && n >= 0 && n <= 0x10FFFF && (n < 0xD800 || n > 0xDFFF) {
			return strconv.QuoteRuneToASCII(rune(n)), nil
		}
		return "'\\x00' + " + v.ExactString(), nil
	case kind == types.UntypedFloat || kind == types.Float32 || kind == types.Float64:
		return floatLiteral(v, untyped), nil
	case kind == types.UntypedComplex || kind == types.Complex64 || kind == types.Complex128:
		return "", fail("complex numbers")
	}
	return constant.ToInt(v).ExactString(), nil
}

// floatLiteral writes v exactly: as a decimal when it has a finite one, or
// as a quotient of two integers otherwise.
func floatLiteral(v constant.Value, untyped bool) string {
	v = constant.ToFloat(v)
	num, _ := new(big.Int).SetString(constant.Num(v).ExactString(), 10)
	den, _ := new(big.Int).SetString(constant.Denom(v).ExactString(), 10)
	neg := num.Sign() < 0
	num.Abs(num)
	// den = 2^a 5^b: a finite decimal with max(a, b) digits after the point.
	d := new(big.Int).Set(den)
	two, five, zero := big.NewInt(2), big.NewInt(5), new(big.Int)
	a, b := 0, 0
	m := new(big.Int)
	for m.Mod(d, two).Cmp(zero) == 0 {
		d.Div(d, two)
		a++
	}
	for m.Mod(d, five).Cmp(zero) == 0 {
		d.Div(d, five)
		b++
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return sign + num.String() + ".0 / " + den.String()
	}
	k := a
	if b > k {
		k = b
	}
	scaled := new(big.Int).Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	scaled.Div(scaled, den)
	s := scaled.String()
	if k == 0 {
		return sign + s + ".0"
	}
	for len(s) <= k {
		s = "0" + s
	}
	frac := strings.TrimRight(s[len(s)-k:], "0")
	if frac == "" {
		frac = "0"
	}
	return sign + s[:len(s)-k] + "." + frac
}

// file is the package's GoX source.
func (p *pkgGen) file() string {
	var body strings.Builder
	section := func(lines []string) {
		if len(lines) > 0 {
			body.WriteString("\n" + strings.Join(lines, "\n") + "\n")
		}
	}
	section(p.consts)
	section(p.vars)
	var names []string
	for n := range p.types {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		// Exported types first, then the unexported ones they need.
		ei, ej := token.IsExported(names[i]), token.IsExported(names[j])
		if ei != ej {
			return ei
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		body.WriteString("\n" + p.types[n] + "\n")
	}
	section(p.funcs)

	var b strings.Builder
	b.WriteString("// Code generated by gox-module/stdtools/gen from Go 1.19's API (linux/amd64). DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Package %s: %s\n", p.pkg.Name(), p.g.docs[p.pkg.Path()])
	fmt.Fprintf(&b, "package %s\n", p.pkg.Name())
	var paths []string
	for path, name := range p.imports {
		// Declarations left out may have asked for an import.
		if regexp.MustCompile(`\b` + name + `\.`).MatchString(body.String()) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	if len(paths) > 0 {
		b.WriteString("\nimport (\n")
		for _, path := range paths {
			name := p.imports[path]
			if name == path[strings.LastIndex(path, "/")+1:] {
				fmt.Fprintf(&b, "\t%q\n", path)
			} else {
				fmt.Fprintf(&b, "\t%s %q\n", name, path)
			}
		}
		b.WriteString(")\n")
	}
	b.WriteString(body.String())
	return b.String()
}

func (g *gen) omittedMD(left [][2]string) string {
	var b strings.Builder
	b.WriteString("# What the GoX std leaves out\n\n")
	b.WriteString("Generated by `gox-module/stdtools/gen` (see `gox-module/std/README.md`). Do not edit.\n\n")
	b.WriteString("The std is Go 1.19's API (linux/amd64) as GoX declarations. A declaration GoX cannot\n")
	b.WriteString("express (complex numbers, `uintptr`, `unsafe.Pointer`, pointers to non-struct types,\n")
	b.WriteString("type parameters, or a type from a package GoX does not offer) is left out, and so is\n")
	b.WriteString("every declaration that uses it. A struct keeps its other fields; one that loses a field\n")
	b.WriteString("that made it non-comparable gets a blank `_ func()` field instead.\n\n")
	b.WriteString("| package | declarations | omitted |\n|---|---:|---:|\n")
	total, totalOmitted := 0, 0
	for _, path := range g.order {
		p := g.pkgs[path]
		fmt.Fprintf(&b, "| %s | %d | %d |\n", path, p.declared, len(p.omitted))
		total += p.declared
		totalOmitted += len(p.omitted)
	}
	fmt.Fprintf(&b, "| **%d packages** | **%d** | **%d** |\n", len(g.order), total, totalOmitted)
	b.WriteString("\n## Go packages not in GoX's std\n\n")
	for _, l := range left {
		fmt.Fprintf(&b, "- `%s`: %s\n", l[0], l[1])
	}
	for _, path := range g.order {
		p := g.pkgs[path]
		if len(p.omitted) == 0 {
			continue
		}
		lines := append([]string(nil), p.omitted...)
		sort.Strings(lines)
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", path, strings.Join(lines, "\n"))
	}
	return b.String()
}
