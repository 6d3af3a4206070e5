module example.com/suggest
