module example.com/suggest

require geom example.com/geom v1.0.0
