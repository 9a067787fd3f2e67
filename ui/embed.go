// Package ui holds the staff console, a Vue 3 + Element Plus application
// whose sources are in this folder (see README.md here). Its build output,
// dist/, is committed, so `go build` and `go run ./infra/local` need no
// Node; this file embeds it. The Go side knows nothing of the console's
// insides: httpapi.ConsoleHandler serves these files and the console talks
// only to the public and staff APIs.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built console: index.html and assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees dist exists
	}
	return sub
}
