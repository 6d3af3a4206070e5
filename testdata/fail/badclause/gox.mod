module example.com/badclause
