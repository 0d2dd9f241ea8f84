package sandbox_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

func sql2026(t *testing.T, a *api) {
	t.Helper()
	a.must("POST", "/sql", map[string]any{"sql": "SELECT * FROM companies LIMIT 2"}, 200)
	a.must("POST", "/sql", map[string]any{"sql": "DELETE FROM companies"}, 400)
}

func sqlRows(t *testing.T, a *api, q string) []map[string]any {
	t.Helper()
	r := a.must("POST", "/sql", map[string]any{"sql": q}, 200)
	var out []map[string]any
	for _, row := range r.data()["rows"].([]any) {
		out = append(out, row.(map[string]any))
	}
	return out
}

// rowKeys are a raw row's keys in the order Attio sent them (the selected columns).
func rowKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	var env struct {
		Data struct {
			Rows []json.RawMessage `json:"rows"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || len(env.Data.Rows) == 0 {
		t.Fatalf("rows: %v %s", err, raw)
	}
	dec := json.NewDecoder(bytes.NewReader(env.Data.Rows[0]))
	var keys []string
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return keys
}

func TestSQL(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	rows := sqlRows(t, a, "SELECT companies.name, record_id, domains FROM objects.companies WHERE companies.name = 'Acme Analytics'")
	if len(rows) != 1 || rows[0]["record_id"] != sandbox.SeedCompany2ID {
		t.Fatalf("rows %v", rows)
	}
	if d, ok := rows[0]["domains"].([]any); !ok || len(d) != 2 {
		t.Errorf("a multiselect column is an array: %v", rows[0]["domains"])
	}
	raw := a.must("POST", "/sql", map[string]any{"sql": "SELECT record_id, name FROM people LIMIT 1"}, 200).raw
	if got := rowKeys(t, raw); !slices.Equal(got, []string{"record_id", "name"}) {
		t.Errorf("columns %v, want the selected order", got)
	}
	all := sqlRows(t, a, "SELECT * FROM companies ORDER BY name DESC LIMIT 3;")
	if len(all) != 3 || all[0]["name"].(string) < all[1]["name"].(string) {
		t.Errorf("ordered rows %v", all)
	}
	if len(sqlRows(t, a, "SELECT entry_id, parent_record_id FROM lists.sales_pipeline")) == 0 {
		t.Error("a list table has no entries")
	}
	if got := sqlRows(t, a, "SELECT name FROM companies WHERE name = 'Nobody''s Co'"); len(got) != 0 {
		t.Errorf("rows %v", got)
	}
	for name, q := range map[string]string{
		"insert":         "INSERT INTO companies (name) VALUES ('x')",
		"delete":         "DELETE FROM companies",
		"drop":           "DROP TABLE companies",
		"unknown table":  "SELECT * FROM widgets",
		"unknown column": "SELECT nope FROM companies",
		"bad where":      "SELECT name FROM companies WHERE name",
		"bad limit":      "SELECT name FROM companies LIMIT x",
		"unterminated":   "SELECT name FROM companies WHERE name = 'x",
		"no from":        "SELECT name",
	} {
		t.Run(name, func(t *testing.T) { errCode(t, a.do("POST", "/sql", map[string]any{"sql": q}), 400, "filter_error") })
	}
	errCode(t, a.do("POST", "/sql", map[string]any{}), 400, "validation_type")
}
