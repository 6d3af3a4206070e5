// Command goparser measures go/parser (and go/scanner) throughput on a
// list of files, for comparison with gox-syntax's parse_go_std --bench.
//
//	cargo run --release -p gox-syntax --example parse_go_std -- /usr/lib/go-1.19/src --list /tmp/files.txt
//	/usr/lib/go-1.19/bin/go run ./gox-syntax/bench/goparser /tmp/files.txt
package main

import (
	"bufio"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goparser FILELIST")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var srcs [][]byte
	var names []string
	total := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name := sc.Text()
		if name == "" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		srcs = append(srcs, b)
		names = append(names, name)
		total += len(b)
	}
	mb := float64(total) / 1e6

	bestLex, bestParse := time.Duration(1<<62), time.Duration(1<<62)
	for round := 0; round < 5; round++ {
		start := time.Now()
		for i, src := range srcs {
			fset := token.NewFileSet()
			file := fset.AddFile(names[i], -1, len(src))
			var s scanner.Scanner
			s.Init(file, src, nil, scanner.ScanComments)
			for {
				_, tok, _ := s.Scan()
				if tok == token.EOF {
					break
				}
			}
		}
		if d := time.Since(start); d < bestLex {
			bestLex = d
		}
		start = time.Now()
		for i, src := range srcs {
			fset := token.NewFileSet()
			if _, err := parser.ParseFile(fset, names[i], src, parser.ParseComments|parser.SkipObjectResolution); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
		if d := time.Since(start); d < bestParse {
			bestParse = d
		}
	}
	fmt.Printf("files: %d, %.1f MB\n", len(srcs), mb)
	fmt.Printf("go/scanner: %.1f MB/s (%.3f s, best of 5)\n", mb/bestLex.Seconds(), bestLex.Seconds())
	fmt.Printf("go/parser:  %.1f MB/s (%.3f s, best of 5)\n", mb/bestParse.Seconds(), bestParse.Seconds())
}
