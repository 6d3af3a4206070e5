module example.com/router

require textutil example.com/textutil v1.0.0
