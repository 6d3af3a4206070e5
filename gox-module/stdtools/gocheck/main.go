// Command gocheck type-checks the GoX std (gox-module/std) and the example
// programs under tools/examples with go/types, using the std tree as the
// import root, and reports violations of GoX's cuts.
//
//	cd gox-module/stdtools && go run ./gocheck [-root ..] [pkg...]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"goxstd/tools/internal/stdload"
)

func main() {
	root := flag.String("root", "../std", "the gox-module/std directory")
	flag.Parse()
	l := stdload.New(*root)
	pkgs := flag.Args()
	examples := len(pkgs) == 0
	if len(pkgs) == 0 {
		var err error
		pkgs, err = stdload.StdPackages(*root)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	for _, p := range pkgs {
		if _, err := l.Import(p); err != nil {
			l.Errors = append(l.Errors, err.Error())
		}
	}
	nex := 0
	if examples {
		exroot := filepath.Join(*root, "..", "stdtools", "examples")
		filepath.WalkDir(exroot, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if names, _ := stdload.GoxFiles(p); len(names) > 0 {
				rel, _ := filepath.Rel(exroot, p)
				nex++
				if _, err := l.CheckDir("example/"+filepath.ToSlash(rel), p); err != nil {
					l.Errors = append(l.Errors, err.Error())
				}
			}
			return nil
		})
	}
	for _, e := range l.Errors {
		fmt.Println(e)
	}
	fmt.Fprintf(os.Stderr, "checked %d packages, %d examples: %d errors\n", len(pkgs), nex, len(l.Errors))
	if len(l.Errors) > 0 {
		os.Exit(1)
	}
}
