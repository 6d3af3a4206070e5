module example.com/internal
