module goparser

go 1.19
