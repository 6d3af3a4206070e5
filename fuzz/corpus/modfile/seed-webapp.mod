module example.com/webapp

// The two direct dependencies; both use example.com/textutil.
require router example.com/router v1.2.0
require (
	logging example.com/logging v0.3.1 // structured log lines
)
