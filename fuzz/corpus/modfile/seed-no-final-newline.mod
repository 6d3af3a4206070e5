module example.com/m // the module
require x example.org/x v0.0.1