// Package attiofacade carries files the binary needs at run time: the sandbox's seed workspace lives
// in testdata/seed (the fixtures tests share) and Go can only embed files at or below the embedding
// package, so the embedding happens here at the module root.
package attiofacade

import (
	"embed"
	"io/fs"
)

//go:embed testdata/seed
var seedFiles embed.FS

// SeedFS returns the sandbox's seed workspace (the contents of testdata/seed).
func SeedFS() fs.FS {
	sub, err := fs.Sub(seedFiles, "testdata/seed")
	if err != nil {
		panic(err) // the directory is embedded above; Sub cannot fail
	}
	return sub
}
