module example.com/cycle
