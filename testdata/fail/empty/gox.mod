module example.com/empty
