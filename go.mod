module github.com/gozenoh/zenoh

go 1.25.0

require (
	github.com/pelletier/go-toml/v2 v2.4.3
	github.com/titanous/json5 v1.0.0
	golang.org/x/net v0.58.0
	pgregory.net/rapid v1.3.0
)

require golang.org/x/sys v0.47.0 // indirect
