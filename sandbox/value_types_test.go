package sandbox

import (
	"encoding/json"
	"math/rand/v2"
	"os"
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

// Every row of valueTypes works end to end, and its rendering is the shape attio's codec knows:
// a generated value renders as a value attio decodes with its attribute type and no key attio
// does not document; the type has a default filter property; its SQL scalar is valid JSON.
func TestEveryTypeRendersAttiosShape(t *testing.T) {
	t.Parallel()
	s := New(WithSeed(os.DirFS("../testdata/seed")))
	ws, err := s.workspaceFor("")
	if err != nil {
		t.Fatal(err)
	}
	people, companies := ws.object("people"), ws.object("companies")
	g := &generator{ws: ws, c: people, rnd: rand.New(rand.NewPCG(1, 2)), fill: 1, targets: map[uint16][]uuid{}}
	g.prepare()
	it := people.items[0]
	rec := &genRecord{it: it, first: "Ada", last: "Lovelace", company: "Acme Labs"}
	for typ := range numAttrTypes {
		a := &attribute{owner: people, idx: 999, slug: "probe", typ: typ, allowed: []uuid{companies.id}, currency: "EUR",
			options: []*option{{choice{id: newUUID(), title: "One"}}}, statuses: []*status{{choice: choice{id: newUUID(), title: "Open"}}}}
		g.targets[a.idx] = []uuid{companies.items[0].id}
		v := value{attr: a.idx, from: it.createdAt, actor: it.createdBy}
		if !typ.impl().generate(g, a, rec, &v) {
			t.Errorf("%s: generated no value", typ)
			continue
		}
		w := &jw{}
		ws.writeValue(w, a, &v)
		var got attio.Value
		if err := json.Unmarshal(w.b, &got); err != nil {
			t.Errorf("%s: %s: %v", typ, w.b, err)
			continue
		}
		if got.AttributeType != typ.String() || got.Unknown().Len() != 0 {
			t.Errorf("%s: rendered %s: type %q, keys attio does not know %v", typ, w.b, got.AttributeType, got.Unknown().Keys())
		}
		if _, ok := typ.impl().property(ws, ""); !ok {
			t.Errorf("%s: no default filter property", typ)
		}
		w = &jw{}
		sqlScalar(w, a, &v)
		if !json.Valid(w.b) {
			t.Errorf("%s: SQL scalar %s", typ, w.b)
		}
	}
}
