#!/usr/bin/env python3
"""Deterministic synthetic GoX/Go project generator for the gox benchmark.

    gen.py --packages N --lines L --out DIR --seed S [--go-out DIR]

Writes a GoX project to DIR (gox.mod, packages p000 ... pNNN each with several
.gox files, and a main package cmd/synth) and, with --go-out, the same source as
a Go module (go.mod, .go files, local imports rewritten to
"bench.example/synth/pNNN") so that go/types, go vet and go build can check it.

The output depends only on the arguments: the same arguments give byte-identical
trees. Packages form a DAG in levels (package i imports only lower-numbered
packages, at least one from the level just below, and some "hub" packages that
many import), so a checker has both width and depth to work with.

The code is valid as GoX and as Go: no generics, no complex numbers, no unsafe,
pointers only to structs, no method values or method expressions, and std
calls only into fmt, strings, strconv, sort, errors, math, bytes, unicode/utf8,
os and io. A metadata file bench-info.json is written next to gox.mod.
"""

import argparse
import json
import os
import random
import shutil
import sys

MODULE = "bench.example/synth"

NOUNS = [
    "Account", "Order", "Ledger", "Invoice", "Batch", "Cursor", "Record", "Bucket",
    "Session", "Token", "Route", "Filter", "Shard", "Window", "Metric", "Sample",
    "Entry", "Policy", "Quota", "Report", "Segment", "Signal", "Ticket", "Vector",
    "Widget", "Profile", "Channel", "Frame", "Packet", "Schema", "Table", "Column",
    "Lease", "Journal", "Parcel", "Matrix", "Cluster", "Bundle", "Tracker", "Index",
]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "theta", "zeta", "iota"]


class Pkg:
    __slots__ = ("idx", "name", "level", "deps", "importers")

    def __init__(self, idx, level):
        self.idx = idx
        self.name = "p%03d" % idx
        self.level = level
        self.deps = []
        self.importers = 0


def build_dag(n, rng):
    """Levels of roughly equal width; every package above level 0 imports one or
    two packages of the level just below (depth) and a few more from any lower
    level chosen with Zipf-like weights (hubs with large fan-in)."""
    depth = max(1, min(n, round(n ** 0.45)))
    pkgs = [Pkg(i, i * depth // n) for i in range(n)]
    by_level = {}
    for p in pkgs:
        by_level.setdefault(p.level, []).append(p)
    for p in pkgs:
        if p.level == 0:
            continue
        below = by_level[p.level - 1]
        chosen = set()
        for q in rng.sample(below, min(len(below), rng.randint(1, 2))):
            chosen.add(q.idx)
        lower = [q for q in pkgs if q.level < p.level]
        weights = [1.0 / (q.idx + 1) ** 0.8 for q in lower]
        want = rng.randint(1, 4)
        for _ in range(want * 3):
            if len(chosen) >= want + 2 or len(chosen) >= len(lower):
                break
            chosen.add(rng.choices(lower, weights)[0].idx)
        p.deps = sorted(chosen)
        for d in p.deps:
            pkgs[d].importers += 1
    return pkgs, depth


class FileGen:
    """One source file: body lines plus the imports they used."""

    def __init__(self):
        self.lines = []
        self.std = set()
        self.local = set()

    def emit(self, text):
        self.lines.extend(text.split("\n"))

    def line_count(self):
        """The number of lines render() produces, headers aside."""
        n = 2 + len(self.lines) - 1
        if self.std or self.local:
            n += 3 + len(self.std) + len(self.local) + (1 if self.std and self.local else 0)
        return n

    def render(self, pkgname, header, local_prefix):
        out = []
        if header:
            out.append(header)
        out.append("package " + pkgname)
        out.append("")
        imps = sorted(self.std)
        locs = sorted(self.local)
        if imps or locs:
            out.append("import (")
            for s in imps:
                out.append('\t"%s"' % s)
            if imps and locs:
                out.append("")
            for l in locs:
                out.append('\t"%s%s"' % (local_prefix, l))
            out.append(")")
            out.append("")
        out.extend(self.lines)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"


class PkgGen:
    def __init__(self, pkg, rng):
        self.pkg = pkg
        self.rng = rng
        self.uid = 0
        self.units = []  # type names declared so far
        self.f = None

    def fresh(self, base):
        self.uid += 1
        return "%s%d" % (base, self.uid)

    def use(self, *imps):
        for i in imps:
            self.f.std.add(i)

    def dep(self):
        d = "p%03d" % self.rng.choice(self.pkg.deps)
        self.f.local.add(d)
        return d

    # ---- statement snippets; each keeps its own variables and folds into acc ----

    def s_slice_loop(self):
        xs = self.fresh("xs")
        vals = ", ".join(str(self.rng.randint(0, 99)) for _ in range(self.rng.randint(3, 8)))
        m = self.rng.randint(2, 5)
        return f"""	{xs} := []int{{{vals}}}
	for i, x := range {xs} {{
		if x%{m} == 0 {{
			continue
		}}
		acc += x * (i + 1)
	}}"""

    def s_map_sort(self):
        self.use("sort")
        m, keys = self.fresh("counts"), self.fresh("keys")
        return f"""	{m} := make(map[string]int, len(in))
	for _, s := range in {{
		{m}[s] += len(s)
	}}
	{keys} := make([]string, 0, len({m}))
	for k := range {m} {{
		{keys} = append({keys}, k)
	}}
	sort.Strings({keys})
	for _, k := range {keys} {{
		acc += {m}[k]
	}}"""

    def s_switch(self):
        a, b, c = self.rng.randint(2, 9), self.rng.randint(1, 7), self.rng.randint(2, 4)
        return f"""	switch r := acc % {a}; {{
	case r == 0:
		acc += {b}
	case r < {c}:
		acc -= {c}
		fallthrough
	default:
		acc *= 2
	}}"""

    def s_value_switch(self):
        v = self.fresh("mode")
        return f"""	{v} := n % 4
	switch {v} {{
	case 0, 1:
		acc += {v} + {self.rng.randint(1, 50)}
	case 2:
		acc <<= 1
	default:
		acc--
	}}"""

    def s_type_switch(self):
        self.use("errors")
        vals = self.fresh("vals")
        t = self.rng.choice(self.units)
        return f"""	{vals} := []any{{n, "s", {self.rng.randint(1, 9)}.5, nil, errors.New("e"), New{t}(n, "x")}}
	for _, v := range {vals} {{
		switch x := v.(type) {{
		case int:
			acc += x
		case string:
			acc += len(x)
		case float64:
			acc += int(x)
		case *{t}:
			acc += x.Len()
		case error:
			acc += len(x.Error())
		case nil:
			acc++
		}}
	}}"""

    def s_closure(self):
        c, nx = self.fresh("count"), self.fresh("next")
        return f"""	{c} := {self.rng.randint(0, 9)}
	{nx} := func(d int) int {{
		{c} += d
		return {c}
	}}
	for i := 0; i < {self.rng.randint(2, 6)}; i++ {{
		acc += {nx}(i)
	}}"""

    def s_strings(self):
        self.use("strings")
        sb, j = self.fresh("sb"), self.fresh("joined")
        fn = self.rng.choice(["ToUpper", "ToLower", "TrimSpace"])
        return f"""	var {sb} strings.Builder
	for i, s := range in {{
		if i > 0 {{
			{sb}.WriteString(",")
		}}
		{sb}.WriteString(strings.{fn}(s))
	}}
	{j} := {sb}.String()
	if strings.Contains({j}, "{self.rng.choice(WORDS)}") {{
		acc += strings.Count({j}, ",")
	}}
	acc += len(strings.Fields(strings.ReplaceAll({j}, ",", " ")))"""

    def s_strconv(self):
        self.use("strconv", "fmt")
        v = self.fresh("parsed")
        return f"""	if {v}, err := strconv.Atoi(strconv.Itoa(n) + "{self.rng.randint(0, 9)}"); err == nil {{
		acc += {v} % {self.rng.randint(10, 1000)}
	}} else {{
		return 0, fmt.Errorf("parse %d: %w", n, err)
	}}
	acc += len(strconv.FormatInt(int64(acc), {self.rng.choice([2, 8, 16, 36])})) + len(strconv.Quote("{self.rng.choice(WORDS)}"))"""

    def s_errors(self):
        self.use("errors", "fmt")
        t = self.rng.choice(self.units)
        e = self.fresh("target")
        return f"""	if _, err := Lookup(nil, "{self.rng.choice(WORDS)}"); errors.Is(err, ErrNotFound) {{
		acc++
	}}
	var {e} err{t}
	if errors.As(fmt.Errorf("wrapped: %w", err{t}{{code: n, msg: "m"}}), &{e}) {{
		acc += {e}.code
	}}"""

    def s_bytes(self):
        self.use("bytes")
        b = self.fresh("buf")
        return f"""	var {b} bytes.Buffer
	{b}.WriteString("{self.rng.choice(WORDS)}:")
	for _, s := range in {{
		{b}.WriteString(s)
		{b}.WriteByte(' ')
	}}
	acc += {b}.Len() + bytes.Count({b}.Bytes(), []byte(" "))"""

    def s_utf8(self):
        self.use("unicode/utf8")
        return """	for _, s := range in {
		acc += utf8.RuneCountInString(s)
		for _, r := range s {
			if r >= utf8.RuneSelf {
				acc++
			}
		}
	}"""

    def s_math(self):
        self.use("math")
        f = self.fresh("f")
        return f"""	{f} := math.Sqrt(float64(acc*acc + {self.rng.randint(1, 9)}))
	acc += int(math.Floor(math.Max({f}, {self.rng.randint(1, 9)}.5))) + int(math.Abs(-{self.rng.randint(1, 9)}))"""

    def s_dep(self):
        if not self.pkg.deps:
            return self.s_local_rec()
        self.use("errors")
        d = self.dep()
        nd, lab = self.fresh("node"), self.fresh("lab")
        return f"""	{nd} := {d}.Build(n, "{self.rng.choice(WORDS)}")
	{nd}.AddChild({d}.Build(n+1, "child"))
	var {lab} {d}.Labeler = {nd}
	acc += {nd}.Score() + len({lab}.Label()) + int({d}.Kind{self.rng.choice(["One", "Two", "Three"])})
	if _, err := {d}.Lookup(map[string]*{d}.Node{{"a": {nd}}}, "b"); errors.Is(err, {d}.ErrNotFound) {{
		acc++
	}}"""

    def s_dep_walk(self):
        if not self.pkg.deps:
            return self.s_closure()
        d = self.dep()
        seen = self.fresh("seen")
        return f"""	{seen} := 0
	{d}.Walk({d}.Build(n, "root"), 0, func(x *{d}.Node, depth int) bool {{
		{seen} += x.ID + depth
		return depth < {self.rng.randint(2, 5)}
	}})
	acc += {seen}"""

    def s_local_rec(self):
        t = self.rng.choice(self.units)
        r = self.fresh("rec")
        return f"""	{r} := New{t}(n, "{self.rng.choice(WORDS)}")
	{r}.Add({self.rng.randint(1, 9)}.5)
	acc += {r}.Len() + {r}.Score()
	if {r}.Kind() == {t}KindLarge {{
		acc--
	}}"""

    def s_anon_sort(self):
        self.use("sort")
        p = self.fresh("pairs")
        items = ", ".join('{"%s", %d}' % (w, self.rng.randint(0, 50)) for w in self.rng.sample(WORDS, 4))
        return f"""	{p} := []struct {{
		key string
		val int
	}}{{{items}}}
	sort.Slice({p}, func(i, j int) bool {{ return {p}[i].val < {p}[j].val }})
	acc += {p}[0].val + len({p}[len({p})-1].key)"""

    def s_labeled(self):
        lbl = self.fresh("outer")
        return f"""{lbl}:
	for i := 0; i < {self.rng.randint(3, 6)}; i++ {{
		for j := 0; j < {self.rng.randint(3, 6)}; j++ {{
			if i*j > acc%{self.rng.randint(5, 11)} {{
				break {lbl}
			}}
			if j == i {{
				continue {lbl}
			}}
			acc += i + j
		}}
	}}"""

    def s_summarize(self):
        s, t, d = self.fresh("scorers"), self.fresh("total"), self.fresh("desc")
        elems = ", ".join(f'New{u}(n, "{self.rng.choice(WORDS)}")' for u in self.rng.sample(self.units, min(3, len(self.units))))
        return f"""	{s} := []Scorer{{{elems}, &Node{{ID: n, Name: "n"}}}}
	{t}, {d} := Summarize({s})
	acc += {t} + len({d})"""

    def s_array(self):
        g = self.fresh("grid")
        a, b = self.rng.randint(2, 5), self.rng.randint(2, 5)
        return f"""	var {g} [{a}][{b}]int
	for i := range {g} {{
		for j := range {g}[i] {{
			{g}[i][j] = i*j + acc%{self.rng.randint(2, 7)}
		}}
	}}
	acc += {g}[{a - 1}][{b - 1}]"""

    def s_io(self):
        self.use("fmt", "io", "os")
        return f"""	if _, err := fmt.Fprintf(io.Discard, "%s=%d\\n", "{self.rng.choice(WORDS)}", acc); err != nil {{
		return 0, err
	}}
	if os.Getenv("SYNTH_{self.rng.choice(WORDS).upper()}") != "" {{
		acc++
	}}"""

    def s_func_map(self):
        ops = self.fresh("ops")
        return f"""	{ops} := map[string]func(int, int) int{{
		"add": func(a, b int) int {{ return a + b }},
		"mul": func(a, b int) int {{ return a * b }},
		"max": func(a, b int) int {{
			if a > b {{
				return a
			}}
			return b
		}},
	}}
	if op, ok := {ops}["{self.rng.choice(["add", "mul", "max"])}"]; ok {{
		acc = op(acc, {self.rng.randint(1, 9)})
	}}"""

    def s_conv(self):
        bs, rs = self.fresh("bs"), self.fresh("rs")
        return f"""	for _, s := range in {{
		{bs} := []byte(s)
		{rs} := []rune(s)
		if len({rs}) > 0 {{
			acc += len(string({rs}[:1])) + int({bs}[0]%8)
		}}
	}}"""

    def s_const(self):
        c, l = self.fresh("shift"), self.fresh("limit")
        return f"""	const {c} = 1 << {self.rng.randint(2, 12)}
	const {l} int64 = {self.rng.randint(1, 9)}e{self.rng.randint(2, 6)}
	if int64(acc) < {l} {{
		acc += {c} / {self.rng.randint(2, 5)}
	}}"""

    def s_variadic(self):
        t = self.rng.choice(self.units)
        xs = self.fresh("nums")
        return f"""	{xs} := []int{{acc, n, {self.rng.randint(0, 99)}}}
	acc = sum{t}({xs}...) + sum{t}(1, 2) + sum{t}()"""

    def s_store(self):
        t = self.rng.choice(self.units)
        st = self.fresh("store")
        return f"""	var {st} {t}Store = newMem{t}Store()
	for i, s := range in {{
		if err := {st}.Put(New{t}(i, s)); err != nil {{
			acc--
		}}
	}}
	if got, ok := {st}.Get("{self.rng.choice(WORDS)}"); ok {{
		acc += got.ID
	}}
	acc += {st}.Len()"""

    def s_stringer(self):
        self.use("fmt")
        t = self.rng.choice(self.units)
        v = self.fresh("kinds")
        return f"""	{v} := []any{{{t}KindSmall, {t}KindLarge, n}}
	for _, k := range {v} {{
		if s, ok := k.(fmt.Stringer); ok {{
			acc += len(s.String())
		}}
	}}"""

    SNIPPETS = [
        "s_slice_loop", "s_map_sort", "s_switch", "s_value_switch", "s_type_switch",
        "s_closure", "s_strings", "s_strconv", "s_errors", "s_bytes", "s_utf8",
        "s_math", "s_dep", "s_dep", "s_dep_walk", "s_local_rec", "s_anon_sort",
        "s_labeled", "s_summarize", "s_array", "s_io", "s_func_map", "s_conv",
        "s_const", "s_variadic", "s_store", "s_stringer",
    ]

    # ---- declarations ----

    def work_func(self, t, j):
        name = "work%s_%d" % (t, j)
        body = [getattr(self, self.rng.choice(self.SNIPPETS))() for _ in range(self.rng.randint(4, 9))]
        self.f.emit(f"// {name} mixes loops, calls and closures over its inputs.")
        self.f.emit(f"func {name}(in []string, n int) (int, error) {{")
        self.f.emit(f"\tacc := n + {self.rng.randint(0, 99)}")
        for b in body:
            self.f.emit(b)
        self.f.emit("\treturn acc, nil")
        self.f.emit("}")
        self.f.emit("")
        return name

    def unit(self, k):
        self.use("fmt", "strconv")
        noun = NOUNS[k % len(NOUNS)]
        t = noun if k < len(NOUNS) else "%s%d" % (noun, k // len(NOUNS))
        self.units.append(t)
        lt = t[0].lower() + t[1:]
        dep_field = ""
        if self.pkg.deps:
            d = self.dep()
            dep_field = f"\n\tsrc   *{d}.Node"
        self.f.emit(f"""// {t} is a synthetic record with value and pointer methods.
type {t} struct {{
	ID    int
	Name  string
	Vals  []float64
	Index map[string]int
	kind  {t}Kind
	next  *{t}{dep_field}
}}

// {t}Kind classifies a {t}.
type {t}Kind int

const (
	{t}KindNone {t}Kind = iota
	{t}KindSmall
	{t}KindLarge
	{lt}KindCount
)

func (k {t}Kind) String() string {{
	switch k {{
	case {t}KindNone:
		return "none"
	case {t}KindSmall:
		return "small"
	case {t}KindLarge:
		return "large"
	}}
	return "{t}Kind(" + strconv.Itoa(int(k)) + ")"
}}

type err{t} struct {{
	code int
	msg  string
}}

func (e err{t}) Error() string {{
	return fmt.Sprintf("{t} error %d: %s", e.code, e.msg)
}}

// New{t} returns a {t} with a few values.
func New{t}(id int, name string) *{t} {{
	t := &{t}{{ID: id, Name: name, Index: make(map[string]int)}}
	for i := 0; i < id%{self.rng.randint(3, 9)}+1; i++ {{
		t.Vals = append(t.Vals, float64(i)*{self.rng.randint(1, 9)}.5)
		t.Index[name+strconv.Itoa(i)] = i
	}}
	if id > {self.rng.randint(50, 200)} {{
		t.kind = {t}KindLarge
	}} else if id > {self.rng.randint(5, 20)} {{
		t.kind = {t}KindSmall
	}}
	return t
}}

// Len is the number of values.
func (t {t}) Len() int {{
	return len(t.Vals)
}}

// Label names the record.
func (t {t}) Label() string {{
	return t.Name + "#" + strconv.Itoa(t.ID)
}}

// Kind is the record's class.
func (t *{t}) Kind() {t}Kind {{
	return t.kind
}}

// Add appends a value.
func (t *{t}) Add(v float64) {{
	t.Vals = append(t.Vals, v)
}}

// Score sums the values, the chain and the index.
func (t *{t}) Score() int {{
	s := 0
	for _, v := range t.Vals {{
		s += int(v)
	}}
	for p := t.next; p != nil; p = p.next {{
		s++
	}}
	if t.kind >= {lt}KindCount {{
		return -1
	}}
	return s + len(t.Index)
}}

// Link chains o after t.
func (t *{t}) Link(o *{t}) *{t} {{
	t.next = o
	return t
}}

// Each calls fn for each value until it returns false.
func (t *{t}) Each(fn func(i int, v float64) bool) int {{
	n := 0
	for i, v := range t.Vals {{
		if !fn(i, v) {{
			break
		}}
		n++
	}}
	return n
}}

func sum{t}(xs ...int) int {{
	total := 0
	for _, x := range xs {{
		total += x
	}}
	return total
}}

// {t}Store keeps records by name.
type {t}Store interface {{
	Get(key string) (*{t}, bool)
	Put(t *{t}) error
	Len() int
}}

type mem{t}Store struct {{
	items map[string]*{t}
	order []string
}}

func newMem{t}Store() *mem{t}Store {{
	return &mem{t}Store{{items: make(map[string]*{t})}}
}}

func (s *mem{t}Store) Get(key string) (*{t}, bool) {{
	t, ok := s.items[key]
	return t, ok
}}

func (s *mem{t}Store) Put(t *{t}) error {{
	if t == nil {{
		return err{t}{{code: 1, msg: "nil record"}}
	}}
	if _, dup := s.items[t.Name]; dup {{
		return fmt.Errorf("put %q: %w", t.Name, ErrNotFound)
	}}
	s.items[t.Name] = t
	s.order = append(s.order, t.Name)
	return nil
}}

func (s *mem{t}Store) Len() int {{
	return len(s.order)
}}

var _ {t}Store = (*mem{t}Store)(nil)
var _ Labeler = (*{t})(nil)
""")
        if self.pkg.deps:
            d = self.dep()
            self.f.emit(f"""// {t}View shows a {t} next to a node of {d}.
type {t}View struct {{
	*{d}.Node
	owner *{t}
}}

// Describe joins the promoted label and the owner's.
func (v {t}View) Describe() string {{
	return v.Label() + "/" + v.owner.Label() + "/" + strconv.Itoa(v.Score())
}}
""")
        works = [self.work_func(t, j) for j in range(self.rng.randint(1, 3))]
        self.f.emit(f"// Run runs the {t} pipeline over in.")
        self.f.emit(f"func (t *{t}) Run(in []string) (total int, err error) {{")
        self.f.emit("\tdefer func() {")
        self.f.emit("\t\tif err != nil {")
        self.f.emit(f'\t\t\terr = fmt.Errorf("{t}.Run: %w", err)')
        self.f.emit("\t\t}")
        self.f.emit("\t}()")
        for w in works:
            v = self.fresh("part")
            self.f.emit(f"\t{v}, err := {w}(in, t.ID)")
            self.f.emit("\tif err != nil {")
            self.f.emit("\t\treturn 0, err")
            self.f.emit("\t}")
            self.f.emit(f"\ttotal += {v}")
        self.f.emit("\treturn total, nil")
        self.f.emit("}")
        self.f.emit("")

    def api(self):
        self.use("errors", "fmt", "sort", "strings")
        n = self.pkg.name
        self.f.emit(f"""// Kind is the class of a Node.
type Kind int

// The kinds of Node.
const (
	KindZero Kind = iota
	KindOne
	KindTwo
	KindThree
)

func (k Kind) String() string {{
	switch k {{
	case KindZero:
		return "zero"
	case KindOne:
		return "one"
	case KindTwo:
		return "two"
	default:
		return fmt.Sprintf("Kind(%d)", int(k))
	}}
}}

// ErrNotFound is returned by Lookup for a missing key.
var ErrNotFound = errors.New("{n}: not found")

// Scorer has a score.
type Scorer interface {{
	Score() int
}}

// Labeler has a score and a label.
type Labeler interface {{
	Scorer
	Label() string
}}

// Node is a tree node.
type Node struct {{
	ID       int
	Name     string
	Kind     Kind
	Tags     []string
	Attrs    map[string]int
	Children []*Node
}}

// Label names the node.
func (n Node) Label() string {{
	return fmt.Sprintf("%s(%d)", n.Name, n.ID)
}}

// Score sums the node's attributes and its children's scores.
func (n *Node) Score() int {{
	s := n.ID + int(n.Kind)
	for _, v := range n.Attrs {{
		s += v
	}}
	for _, c := range n.Children {{
		s += c.Score()
	}}
	return s
}}

// AddChild appends c.
func (n *Node) AddChild(c *Node) {{
	n.Children = append(n.Children, c)
}}

// Visitor is called by Walk for each node; false stops the descent.
type Visitor func(n *Node, depth int) bool

// Walk visits n and its children depth-first.
func Walk(n *Node, depth int, v Visitor) bool {{
	if n == nil || !v(n, depth) {{
		return false
	}}
	for _, c := range n.Children {{
		if !Walk(c, depth+1, v) {{
			return false
		}}
	}}
	return true
}}

// Build returns a node with a few attributes.
func Build(id int, name string) *Node {{
	seed := 17 // bench:edit
	n := &Node{{ID: id, Name: name, Kind: Kind(id % 4), Attrs: map[string]int{{"seed": seed}}}}
	for i, w := range strings.Fields("{" ".join(self.rng.sample(WORDS, 3))}") {{
		n.Tags = append(n.Tags, w)
		n.Attrs[w] = i * id
	}}
	return n
}}

// Lookup finds key in m.
func Lookup(m map[string]*Node, key string) (*Node, error) {{
	if n, ok := m[key]; ok {{
		return n, nil
	}}
	return nil, fmt.Errorf("lookup %q: %w", key, ErrNotFound)
}}

// Summarize totals the scores and joins the sorted labels.
func Summarize(xs []Scorer) (int, string) {{
	total := 0
	parts := make([]string, 0, len(xs))
	for _, x := range xs {{
		total += x.Score()
		if l, ok := x.(Labeler); ok {{
			parts = append(parts, l.Label())
		}}
	}}
	sort.Strings(parts)
	return total, strings.Join(parts, ";")
}}
""")
        if self.pkg.deps:
            self.f.emit("// DepScore touches every imported package.")
            self.f.emit("func DepScore(id int) int {")
            self.f.emit("\ttotal := 0")
            for d in self.pkg.deps:
                dn = "p%03d" % d
                self.f.local.add(dn)
                self.f.emit(f'\ttotal += {dn}.Build(id, "{n}").Score() + int({dn}.KindOne)')
            self.f.emit("\treturn total")
            self.f.emit("}")
            self.f.emit("")

    def generate(self, line_budget):
        """Returns [(file name without extension, FileGen)]."""
        files = []
        self.f = FileGen()
        self.api()
        files.append(("api", self.f))
        total = self.f.line_count() + 3
        k = 0
        while total < line_budget:
            self.f = FileGen()
            name = "%s_%02d" % (NOUNS[k % len(NOUNS)].lower(), k)
            target = self.rng.randint(350, 650)
            # Stop a unit early rather than late: a unit is ~250 lines.
            while len(self.f.lines) < target and (total + self.f.line_count() + 120 < line_budget):
                self.unit(k)
                k += 1
            if not self.f.lines:
                break
            files.append((name, self.f))
            total += self.f.line_count() + 1
        return files, total


def main_pkg(pkgs):
    f = FileGen()
    f.std.update(["fmt", "os"])
    tops = [p for p in pkgs if p.importers == 0]
    f.emit("func main() {")
    f.emit("\ttotal := 0")
    for p in tops:
        f.local.add(p.name)
        f.emit(f'\ttotal += {p.name}.Build({p.idx}, "main").Score() + {p.name}.DepScore({p.idx})'
               if p.deps else f'\ttotal += {p.name}.Build({p.idx}, "main").Score()')
    f.emit('\tfmt.Println("total", total)')
    f.emit("\tif total < 0 {")
    f.emit("\t\tos.Exit(1)")
    f.emit("\t}")
    f.emit("}")
    return f


def write_tree(out, ext, modfile, local_prefix, packages):
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    with open(os.path.join(out, modfile[0]), "w") as fh:
        fh.write(modfile[1])
    nlines = nbytes = nfiles = 0
    for dirname, pkgname, files in packages:
        d = os.path.join(out, dirname)
        os.makedirs(d, exist_ok=True)
        for i, (fname, fg) in enumerate(files):
            header = "// Code generated by bench/gen.py. DO NOT EDIT.\n"
            if i == 0 and pkgname != "main":
                header += "\n// Package %s is a synthetic package for the gox benchmark." % pkgname
            text = fg.render(pkgname, header, local_prefix)
            with open(os.path.join(d, fname + ext), "w") as fh:
                fh.write(text)
            nlines += text.count("\n")
            nbytes += len(text)
            nfiles += 1
    return nlines, nbytes, nfiles


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", type=int, default=200)
    ap.add_argument("--lines", type=int, default=500_000)
    ap.add_argument("--out", required=True, help="directory of the GoX project (replaced)")
    ap.add_argument("--go-out", help="directory of the equivalent Go module (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.packages < 1 or a.lines < 1:
        ap.error("--packages and --lines must be positive")

    rng = random.Random(a.seed)
    pkgs, depth = build_dag(a.packages, rng)
    per_pkg = max(1, (a.lines - 40) / a.packages)
    produced = 0
    generated = []
    for p in pkgs:
        # Each package gets what keeps the running total on target.
        budget = max(1, round(per_pkg * (p.idx + 1)) - produced)
        g = PkgGen(p, random.Random(a.seed * 1_000_003 + p.idx))
        files, n = g.generate(budget)
        produced += n
        generated.append((p.name, p.name, files))
    generated.append(("cmd/synth", "main", [("main", main_pkg(pkgs))]))

    lines, nbytes, nfiles = write_tree(a.out, ".gox", ("gox.mod", "module %s\n" % MODULE), "", generated)
    if a.go_out:
        write_tree(a.go_out, ".go", ("go.mod", "module %s\n\ngo 1.19\n" % MODULE), MODULE + "/", generated)

    hub = max(pkgs, key=lambda p: (p.importers, -p.idx))
    fan_out = [len(p.deps) for p in pkgs]
    info = {
        "module": MODULE,
        "seed": a.seed,
        "packages": a.packages + 1,
        "levels": depth,
        "files": nfiles,
        "lines": lines,
        "bytes": nbytes,
        "edges": sum(fan_out),
        "max_fan_in": hub.importers,
        "max_fan_out": max(fan_out),
        "avg_fan_out": round(sum(fan_out) / len(fan_out), 2),
        "edit_target": "%s/api.gox" % hub.name,
        "edit_marker": "// bench:edit",
    }
    with open(os.path.join(a.out, "bench-info.json"), "w") as fh:
        json.dump(info, fh, indent=1)
        fh.write("\n")
    json.dump(info, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
