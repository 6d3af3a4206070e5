module gox.bench/gotypes

go 1.19
