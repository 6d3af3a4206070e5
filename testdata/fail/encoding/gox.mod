module example.com/encoding
