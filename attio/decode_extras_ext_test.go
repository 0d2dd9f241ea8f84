package attio_test

import (
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// A key a value's type does not document reaches extra_json for every type of the table, next to
// all the keys it documents: the decoder skips its search for unknown keys only when every member
// was found as a common or typed key, so a typed key counted twice would lose the unknown one.
// Repeated keys are not unknown ones.
func TestDecodeKeepsUnknownKeysOfEveryType(t *testing.T) {
	t.Parallel()
	types := map[string]bool{}
	for _, typ := range attio.ValueTypes() {
		types[typ] = true
	}
	seen := map[string]bool{}
	for _, seed := range valueSeeds {
		if !strings.HasPrefix(seed, "{") || !strings.Contains(seed, `"attribute_type":"`) {
			continue
		}
		typ := strings.SplitN(strings.SplitN(seed, `"attribute_type":"`, 2)[1], `"`, 2)[0]
		if !types[typ] {
			continue
		}
		seen[typ] = true
		extra := func(v string) string {
			rec, err := attio.DecodeRecord([]byte(`{"data":{"id":{"record_id":"r"},"values":{"a":[` + v + `]}}}`))
			if err != nil {
				t.Fatal(err)
			}
			return rec.Values["a"].Values[0].GetExtraJson()
		}
		base := extra(seed) // odd seeds keep a value of the wrong kind there
		if got := extra(seed[:len(seed)-1] + `,"zz_new":[1]}`); !strings.Contains(got, `"zz_new":[1]`) {
			t.Errorf("%s + an unknown key: extra_json %q", seed, got)
		}
		if got := extra(seed[:len(seed)-1] + `,"attribute_type":"` + typ + `"}`); got != base {
			t.Errorf("%s + its type again: extra_json %q, want %q", seed, got, base)
		}
	}
	for typ := range types {
		if !seen[typ] {
			t.Errorf("no seed of type %s", typ)
		}
	}
}
