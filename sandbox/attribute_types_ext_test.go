package sandbox_test

import (
	"testing"
)

// TestCreateAttributeByType: what POST .../attributes takes per type comes from the sandbox's table
// of types (which types Attio lets callers create, which cannot be multiselect) and from the
// type's own config (currency, record_reference).
func TestCreateAttributeByType(t *testing.T) {
	t.Parallel()
	attr := func(slug, typ string, multi bool, config map[string]any) map[string]any {
		return map[string]any{"data": map[string]any{"title": slug, "description": nil, "api_slug": slug, "type": typ,
			"is_required": false, "is_unique": false, "is_multiselect": multi, "config": config}}
	}
	cur := func(code, display string) map[string]any {
		c := map[string]any{}
		if code != "" {
			c["default_currency_code"] = code
		}
		if display != "" {
			c["display_type"] = display
		}
		return map[string]any{"currency": c}
	}
	refs := func(objs ...any) map[string]any {
		return map[string]any{"record_reference": map[string]any{"allowed_objects": objs}}
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		check  func(t *testing.T, config map[string]any)
	}{
		{"currency with its code and display", attr("fee", "currency", false, cur("EUR", "code")), 200, func(t *testing.T, c map[string]any) {
			got, _ := c["currency"].(map[string]any)
			if got["default_currency_code"] != "EUR" || got["display_type"] != "code" {
				t.Errorf("currency config %v", got)
			}
		}},
		{"currency of no ISO code", attr("fee", "currency", false, cur("EURO", "symbol")), 400, nil},
		{"currency cannot be multiselect", attr("fee", "currency", true, cur("USD", "symbol")), 400, nil},
		{"text cannot be multiselect", attr("fee", "text", true, map[string]any{}), 400, nil},
		{"select can", attr("fee", "select", true, map[string]any{}), 200, nil},
		{"record reference", attr("buddy", "record-reference", true, refs("people")), 200, func(t *testing.T, c map[string]any) {
			got, _ := c["record_reference"].(map[string]any)
			if ids, _ := got["allowed_object_ids"].([]any); len(ids) != 1 {
				t.Errorf("record_reference config %v", got)
			}
		}},
		{"record reference without objects", attr("buddy", "record-reference", false, refs()), 400, nil},
		{"record reference to no object", attr("buddy", "record-reference", false, refs("nope")), 400, nil},
		{"personal-name is Attio's own", attr("who", "personal-name", false, map[string]any{}), 400, nil},
		{"interaction is Attio's own", attr("when", "interaction", false, map[string]any{}), 400, nil},
		{"no such type", attr("what", "colour", false, map[string]any{}), 400, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := seeded(t)
			r := a.must("POST", "/objects/companies/attributes", tc.body, tc.status)
			if tc.check != nil {
				config, _ := r.data()["config"].(map[string]any)
				tc.check(t, config)
			}
		})
	}
}
