package openapitest

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"

	"go.yaml.in/yaml/v3"
)

// later2026 holds the operations Attio added after the March 2026 document, one file per resource,
// each written from the endpoint reference page it names: paths and component schemas in the
// document's own form, merged into it by mergeLater2026.
//
//go:embed later2026/*.yaml
var later2026 embed.FS

// LaterOperations2026 is how many operations the later2026 files add to the March 2026 document.
func LaterOperations2026() int {
	n := 0
	for _, part := range mustLater2026() {
		for _, item := range dig(part, "paths") {
			for k := range item.(map[string]any) {
				if k != "parameters" && k != "summary" && k != "description" {
					n++
				}
			}
		}
	}
	return n
}

func mustLater2026() []map[string]any {
	files, err := fs.Glob(later2026, "later2026/*.yaml")
	if err != nil {
		panic(err)
	}
	var out []map[string]any
	for _, f := range files {
		raw, err := later2026.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var y any
		if err := yaml.Unmarshal(raw, &y); err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		// Through JSON, so numbers are float64 and maps map[string]any, as Patch expects.
		j, err := json.Marshal(y)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		var m map[string]any
		if err := json.Unmarshal(j, &m); err != nil {
			panic(err)
		}
		out = append(out, m)
	}
	return out
}

// mergeLater2026 adds the later2026 operations and schemas to doc. A path or schema the document
// already has is a mistake in a file (the reference pages add, they do not redefine): it panics.
func mergeLater2026(doc map[string]any) {
	paths, schemas := dig(doc, "paths"), dig(doc, "components", "schemas")
	for _, part := range mustLater2026() {
		for p, item := range dig(part, "paths") {
			if _, dup := paths[p]; dup {
				panic("later2026: path " + p + " is already in the document")
			}
			paths[p] = item
		}
		for name, s := range dig(part, "components", "schemas") {
			if _, dup := schemas[name]; dup {
				panic("later2026: schema " + name + " is already in the document")
			}
			schemas[name] = s
		}
	}
}
