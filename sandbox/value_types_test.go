package sandbox

import (
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// The sandbox emulates exactly the value types attio decodes (attio.ValueTypes, the one list): each
// has a row in valueTypes, parses to it, and its coerce refuses a JSON array as one value.
func TestAttrTypesAreAttios(t *testing.T) {
	t.Parallel()
	var names []string
	for _, r := range valueTypes {
		names = append(names, r.name)
	}
	slices.Sort(names)
	if want := attio.ValueTypes(); !slices.Equal(names, want) {
		t.Fatalf("sandbox types %v, attio's %v", names, want)
	}
	ws := newWorkspace(uuid{}, "probe", "probe", 0)
	for _, name := range attio.ValueTypes() {
		typ, ok := parseAttrType(name)
		if !ok || typ.String() != name {
			t.Fatalf("%s parses to %v, %v", name, typ, ok)
		}
		c := coerceCtx{ws: ws, a: &attribute{slug: "probe", typ: typ}, path: []any{"values"}}
		if _, err := c.coerce(0, []any{}); err == nil {
			t.Errorf("%s: coerce took an array as one value (no case for the type?)", name)
		}
	}
}
