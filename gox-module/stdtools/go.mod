module goxstd/tools

go 1.19
