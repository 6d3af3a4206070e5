module example.com/logging

require textutil example.com/textutil v1.0.0
