module example.com/geometry
