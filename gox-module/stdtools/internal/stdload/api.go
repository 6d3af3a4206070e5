package stdload

import (
	"bytes"
	"fmt"
	"go/types"
	"sort"
	"strings"
)

// Features lists a package's exported API in the line format of Go's
// api/go1*.txt files ("pkg P, func F(int) string", ...).
func Features(pkg *types.Package) []string {
	w := &walker{pkg: pkg, features: map[string]bool{}}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		if obj := scope.Lookup(name); obj.Exported() {
			w.emitObj(obj)
		}
	}
	var list []string
	for f := range w.features {
		list = append(list, f)
	}
	sort.Strings(list)
	return list
}

type walker struct {
	pkg      *types.Package
	scope    []string
	features map[string]bool
}

func (w *walker) emitf(format string, args ...any) {
	parts := append([]string{"pkg " + w.pkg.Path()}, w.scope...)
	w.features[strings.Join(parts, ", ")+", "+fmt.Sprintf(format, args...)] = true
}

func (w *walker) typeString(t types.Type) string {
	var b bytes.Buffer
	w.writeType(&b, t)
	return b.String()
}

func (w *walker) writeType(b *bytes.Buffer, t types.Type) {
	switch t := t.(type) {
	case *types.Basic:
		s := t.Name()
		switch t.Kind() {
		case types.UnsafePointer:
			s = "unsafe.Pointer"
		case types.UntypedBool:
			s = "ideal-bool"
		case types.UntypedInt:
			s = "ideal-int"
		case types.UntypedRune:
			s = "ideal-char"
		case types.UntypedFloat:
			s = "ideal-float"
		case types.UntypedComplex:
			s = "ideal-complex"
		case types.UntypedString:
			s = "ideal-string"
		default:
			switch s {
			case "byte":
				s = "uint8"
			case "rune":
				s = "int32"
			}
		}
		b.WriteString(s)
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		w.writeType(b, t.Elem())
	case *types.Slice:
		b.WriteString("[]")
		w.writeType(b, t.Elem())
	case *types.Struct:
		b.WriteString("struct")
	case *types.Pointer:
		b.WriteByte('*')
		w.writeType(b, t.Elem())
	case *types.Signature:
		b.WriteString("func")
		w.writeSignature(b, t)
	case *types.Interface:
		b.WriteString("interface{")
		if t.NumMethods() > 0 || t.NumEmbeddeds() > 0 {
			b.WriteByte(' ')
		}
		if t.NumMethods() > 0 {
			var names []string
			for i := 0; i < t.NumMethods(); i++ {
				names = append(names, t.Method(i).Name())
			}
			sort.Strings(names)
			b.WriteString(strings.Join(names, ", "))
		}
		if t.NumMethods() > 0 || t.NumEmbeddeds() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("}")
	case *types.Map:
		b.WriteString("map[")
		w.writeType(b, t.Key())
		b.WriteByte(']')
		w.writeType(b, t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		default:
			b.WriteString("chan ")
		}
		w.writeType(b, t.Elem())
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() != nil && obj.Pkg() != w.pkg {
			b.WriteString(obj.Pkg().Name() + ".")
		}
		b.WriteString(obj.Name())
	default:
		fmt.Fprintf(b, "%T", t)
	}
}

func (w *walker) writeSignature(b *bytes.Buffer, sig *types.Signature) {
	w.writeParams(b, sig.Params(), sig.Variadic())
	switch res := sig.Results(); res.Len() {
	case 0:
	case 1:
		b.WriteByte(' ')
		w.writeType(b, res.At(0).Type())
	default:
		b.WriteByte(' ')
		w.writeParams(b, res, false)
	}
}

func (w *walker) writeParams(b *bytes.Buffer, t *types.Tuple, variadic bool) {
	b.WriteByte('(')
	for i, n := 0, t.Len(); i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := t.At(i).Type()
		if variadic && i+1 == n {
			b.WriteString("...")
			if s, ok := typ.(*types.Slice); ok {
				typ = s.Elem()
			}
		}
		w.writeType(b, typ)
	}
	b.WriteByte(')')
}

func (w *walker) signatureString(sig *types.Signature) string {
	var b bytes.Buffer
	w.writeSignature(&b, sig)
	return b.String()
}

func (w *walker) emitObj(obj types.Object) {
	switch obj := obj.(type) {
	case *types.Const:
		w.emitf("const %s %s", obj.Name(), w.typeString(obj.Type()))
		x := obj.Val()
		short, exact := x.String(), x.ExactString()
		if short == exact {
			w.emitf("const %s = %s", obj.Name(), short)
		} else {
			w.emitf("const %s = %s  // %s", obj.Name(), short, exact)
		}
	case *types.Var:
		w.emitf("var %s %s", obj.Name(), w.typeString(obj.Type()))
	case *types.TypeName:
		w.emitType(obj)
	case *types.Func:
		w.emitf("func %s%s", obj.Name(), w.signatureString(obj.Type().(*types.Signature)))
	}
}

func (w *walker) emitType(obj *types.TypeName) {
	name := obj.Name()
	typ := obj.Type()
	if obj.IsAlias() {
		w.emitf("type %s = %s", name, w.typeString(typ))
		return
	}
	switch u := typ.Underlying().(type) {
	case *types.Struct:
		w.emitf("type %s struct", name)
		w.scope = append(w.scope, "type "+name+" struct")
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			if f.Anonymous() {
				w.emitf("embedded %s", w.typeString(f.Type()))
			} else {
				w.emitf("%s %s", f.Name(), w.typeString(f.Type()))
			}
		}
		w.scope = w.scope[:len(w.scope)-1]
	case *types.Interface:
		w.scope = append(w.scope, "type "+name+" interface")
		var names []string
		complete := true
		mset := types.NewMethodSet(typ)
		for i := 0; i < mset.Len(); i++ {
			m := mset.At(i).Obj().(*types.Func)
			if !m.Exported() {
				complete = false
				continue
			}
			names = append(names, m.Name())
			w.emitf("%s%s", m.Name(), w.signatureString(m.Type().(*types.Signature)))
		}
		if !complete {
			w.emitf("unexported methods")
		}
		w.scope = w.scope[:len(w.scope)-1]
		if !complete {
			return
		}
		if len(names) == 0 {
			w.emitf("type %s interface {}", name)
			return
		}
		sort.Strings(names)
		w.emitf("type %s interface { %s }", name, strings.Join(names, ", "))
		return
	default:
		w.emitf("type %s %s", name, w.typeString(u))
	}
	seen := map[string]bool{}
	vset := types.NewMethodSet(typ)
	for i := 0; i < vset.Len(); i++ {
		if m := vset.At(i); m.Obj().Exported() {
			w.emitMethod(m)
			seen[m.Obj().Name()] = true
		}
	}
	pset := types.NewMethodSet(types.NewPointer(typ))
	for i := 0; i < pset.Len(); i++ {
		if m := pset.At(i); m.Obj().Exported() && !seen[m.Obj().Name()] {
			w.emitMethod(m)
		}
	}
}

func (w *walker) emitMethod(m *types.Selection) {
	sig := m.Type().(*types.Signature)
	w.emitf("method (%s) %s%s", w.typeString(sig.Recv().Type()), m.Obj().Name(), w.signatureString(sig))
}
