// Command gotypes type-checks every package of a Go module from source with
// go/types in one process, the baseline of the gox benchmark.
//
//	gotypes [-j N] [-info] [-json] DIR
//
// DIR holds a go.mod. Every directory under it with .go files (not _test.go,
// not testdata, not dot or underscore directories) is one package. Files are
// parsed (in parallel with -j > 1), the standard library packages they import
// are read from the compiler's export data (-std export, the default: what
// the go command and gopls do) or type-checked from GOROOT source (-std
// source), then
// the module's packages are checked in dependency order: one at a time with
// -j 1, or up to N at once, each as soon as its imports are done, with -j N.
//
// It prints the time of each phase, the number of lines, the errors, and the
// peak resident set size (VmHWM). It exits with status 1 if any error was found.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type pkg struct {
	path    string // import path
	dir     string
	files   []string
	astf    []*ast.File
	imports []string // module-local imports
	errs    []error
	types   *types.Package
	done    chan struct{}
}

type result struct {
	Packages    int     `json:"packages"`
	Files       int     `json:"files"`
	Lines       int     `json:"lines"`
	Bytes       int     `json:"bytes"`
	StdPackages int     `json:"std_packages"`
	Jobs        int     `json:"jobs"`
	Info        bool    `json:"info"`
	ParseSec    float64 `json:"parse_sec"`
	StdSec      float64 `json:"std_sec"`
	CheckSec    float64 `json:"check_sec"`
	TotalSec    float64 `json:"total_sec"`
	Errors      int     `json:"errors"`
	PeakRSSKiB  int     `json:"peak_rss_kib"`
	LinesPerSec float64 `json:"lines_per_sec"`
}

// importerMap serves checked packages by path; std packages missing from it
// are imported from source under the lock.
type importerMap struct {
	mu   sync.Mutex
	pkgs map[string]*types.Package
	std  types.ImporterFrom
}

func (m *importerMap) Import(path string) (*types.Package, error) {
	return m.ImportFrom(path, "", 0)
}

func (m *importerMap) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.pkgs[path]; p != nil {
		return p, nil
	}
	p, err := m.std.ImportFrom(path, dir, mode)
	if err != nil {
		return nil, err
	}
	m.pkgs[path] = p
	return p, nil
}

// stdImporter reads std packages from the compiler's export data (GOROOT/pkg,
// which Go 1.19 ships) or type-checks them from source.
func stdImporter(fset *token.FileSet, from string) types.ImporterFrom {
	switch from {
	case "source":
		return importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
	case "export":
		return importer.ForCompiler(fset, "gc", nil).(types.ImporterFrom)
	}
	fmt.Fprintf(os.Stderr, "gotypes: -std %s: want export or source\n", from)
	os.Exit(2)
	return nil
}

func modulePath(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("%s: no module line", filepath.Join(root, "go.mod"))
}

func findPackages(root, module string) ([]*pkg, error) {
	var pkgs []*pkg
	byDir := map[string]*pkg{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		dir := filepath.Dir(p)
		k := byDir[dir]
		if k == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return err
			}
			ip := module
			if rel != "." {
				ip = module + "/" + filepath.ToSlash(rel)
			}
			k = &pkg{path: ip, dir: dir, done: make(chan struct{})}
			byDir[dir] = k
			pkgs = append(pkgs, k)
		}
		k.files = append(k.files, p)
		return nil
	})
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].path < pkgs[j].path })
	return pkgs, err
}

// parseAll parses every file with up to jobs goroutines; it returns the
// number of bytes and lines read.
func parseAll(fset *token.FileSet, pkgs []*pkg, jobs int) (int, int, error) {
	type work struct {
		k *pkg
		i int
	}
	var items []work
	for _, k := range pkgs {
		k.astf = make([]*ast.File, len(k.files))
		for i := range k.files {
			items = append(items, work{k, i})
		}
	}
	var (
		mu       sync.Mutex
		nbytes   int
		nlines   int
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan work)
	)
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				src, err := os.ReadFile(it.k.files[it.i])
				var f *ast.File
				if err == nil {
					f, err = parser.ParseFile(fset, it.k.files[it.i], src, parser.ParseComments)
				}
				mu.Lock()
				nbytes += len(src)
				nlines += bytes.Count(src, []byte("\n"))
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				it.k.astf[it.i] = f
			}
		}()
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
	return nbytes, nlines, firstErr
}

func newInfo(record bool) *types.Info {
	if !record {
		return nil
	}
	return &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
	}
}

func checkPkg(fset *token.FileSet, imp *importerMap, k *pkg, record bool) {
	conf := types.Config{
		Importer: imp,
		Error:    func(err error) { k.errs = append(k.errs, err) },
	}
	// Errors are collected through conf.Error; the returned one is the first.
	tp, _ := conf.Check(k.path, fset, k.astf, newInfo(record))
	k.types = tp
	imp.mu.Lock()
	imp.pkgs[k.path] = tp
	imp.mu.Unlock()
}

func peakRSSKiB() int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.Atoi(f[1])
				return n
			}
		}
	}
	return 0
}

func main() {
	jobs := flag.Int("j", 1, "packages checked at once (0: GOMAXPROCS)")
	record := flag.Bool("info", false, "record types.Info (Types, Defs, Uses, Implicits, Selections, Scopes) like go vet does")
	asJSON := flag.Bool("json", false, "print one JSON object")
	stdFrom := flag.String("std", "export", "where std packages come from: export (the compiled std's export data, as the go command uses it) or source (type-checked from GOROOT/src)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: gotypes [-j N] [-info] [-json] DIR\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *jobs <= 0 {
		*jobs = runtime.GOMAXPROCS(0)
	}
	root := flag.Arg(0)
	start := time.Now()

	module, err := modulePath(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pkgs, err := findPackages(root, module)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fset := token.NewFileSet()
	nbytes, nlines, err := parseAll(fset, pkgs, *jobs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tParse := time.Now()

	byPath := map[string]*pkg{}
	for _, k := range pkgs {
		byPath[k.path] = k
	}
	stdSet := map[string]bool{}
	for _, k := range pkgs {
		seen := map[string]bool{}
		for _, f := range k.astf {
			for _, is := range f.Imports {
				p, err := strconv.Unquote(is.Path.Value)
				if err != nil || seen[p] {
					continue
				}
				seen[p] = true
				if _, ok := byPath[p]; ok {
					k.imports = append(k.imports, p)
				} else {
					stdSet[p] = true
				}
			}
		}
	}
	std := make([]string, 0, len(stdSet))
	for p := range stdSet {
		std = append(std, p)
	}
	sort.Strings(std)

	imp := &importerMap{
		pkgs: map[string]*types.Package{},
		std:  stdImporter(fset, *stdFrom),
	}
	nerr := 0
	for _, p := range std {
		if _, err := imp.Import(p); err != nil {
			fmt.Println(err)
			nerr++
		}
	}
	tStd := time.Now()

	if *jobs == 1 {
		// Depth-first post-order over the imports: each package after its imports.
		state := map[*pkg]int{}
		var visit func(k *pkg)
		visit = func(k *pkg) {
			if state[k] != 0 {
				return
			}
			state[k] = 1
			for _, p := range k.imports {
				visit(byPath[p])
			}
			checkPkg(fset, imp, k, *record)
			state[k] = 2
		}
		for _, k := range pkgs {
			visit(k)
		}
	} else {
		sem := make(chan struct{}, *jobs)
		var wg sync.WaitGroup
		for _, k := range pkgs {
			wg.Add(1)
			go func(k *pkg) {
				defer wg.Done()
				defer close(k.done)
				for _, p := range k.imports {
					<-byPath[p].done
				}
				sem <- struct{}{}
				checkPkg(fset, imp, k, *record)
				<-sem
			}(k)
		}
		wg.Wait()
	}
	tCheck := time.Now()

	shown := 0
	for _, k := range pkgs {
		nerr += len(k.errs)
		for _, e := range k.errs {
			if shown < 20 {
				fmt.Fprintln(os.Stderr, e)
				shown++
			}
		}
	}
	nfiles := 0
	for _, k := range pkgs {
		nfiles += len(k.files)
	}
	total := tCheck.Sub(start).Seconds()
	r := result{
		Packages:    len(pkgs),
		Files:       nfiles,
		Lines:       nlines,
		Bytes:       nbytes,
		StdPackages: len(std),
		Jobs:        *jobs,
		Info:        *record,
		ParseSec:    tParse.Sub(start).Seconds(),
		StdSec:      tStd.Sub(tParse).Seconds(),
		CheckSec:    tCheck.Sub(tStd).Seconds(),
		TotalSec:    total,
		Errors:      nerr,
		PeakRSSKiB:  peakRSSKiB(),
		LinesPerSec: float64(nlines) / total,
	}
	if *asJSON {
		out, _ := json.Marshal(r)
		fmt.Println(string(out))
	} else {
		fmt.Printf("go/types (%s, -j %d, info=%v): %d packages, %d files, %d lines, %d bytes\n",
			runtime.Version(), r.Jobs, r.Info, r.Packages, r.Files, r.Lines, r.Bytes)
		fmt.Printf("parse %.3fs  std from %s (%d imported packages) %.3fs  check %.3fs  total %.3fs\n",
			r.ParseSec, *stdFrom, r.StdPackages, r.StdSec, r.CheckSec, r.TotalSec)
		fmt.Printf("%.0f lines/s  peak RSS %d MiB  errors %d\n", r.LinesPerSec, r.PeakRSSKiB/1024, r.Errors)
	}
	if nerr > 0 {
		os.Exit(1)
	}
}
