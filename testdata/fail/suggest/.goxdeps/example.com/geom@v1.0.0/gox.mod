module example.com/geom
