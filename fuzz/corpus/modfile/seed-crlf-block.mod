module example.com/m

require (
	a example.com/a v1.0.0
	b example.com/b/v2 v2.1.0-beta.1+build.5 // pinned
)
