module example.com/syntax
