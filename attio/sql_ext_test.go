package attio_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// The rows decode with their columns in the order Attio sent them, numbers exact, arrays as JSON
// text; a key only a later row has becomes a column that earlier rows hold as null.
func TestQuerySQLDecodes(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":{"rows":[
			{"z_name":"Acme","amount":12345678901234567890.5,"active":true,"domains":["a.com","b.com"],"owner":null},
			{"z_name":"Globex","amount":"n/a","active":false,"domains":[],"owner":null,"late":1}]}}`)
	})
	res, err := s.client(t).QuerySQL(t.Context(), "SELECT * FROM companies")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res.Columns {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"z_name", "amount", "active", "domains", "owner", "late"}) {
		t.Fatalf("columns %v", names)
	}
	want := []attio.SQLColumn{{"z_name", attio.SQLString, false}, {"amount", attio.SQLNumber, true}, {"active", attio.SQLBool, false},
		{"domains", attio.SQLJSON, false}, {"owner", attio.SQLNull, false}, {"late", attio.SQLNumber, false}}
	for i, c := range res.Columns {
		if c != want[i] {
			t.Errorf("column %d = %+v, want %+v", i, c, want[i])
		}
	}
	r0, r1 := res.Rows[0], res.Rows[1]
	if r0[1] != (attio.SQLValue{Kind: attio.SQLNumber, Text: "12345678901234567890.5"}) || r0[3].Text != `["a.com","b.com"]` ||
		r0[5].Kind != attio.SQLNull || r1[5] != (attio.SQLValue{Kind: attio.SQLNumber, Text: "1"}) || r1[2].Text != "false" {
		t.Fatalf("rows %+v", res.Rows)
	}
	if q := s.requests()[0]; q.method != "POST" || q.path != "/attio/v2/sql" || q.body != `{"sql":"SELECT * FROM companies"}` {
		t.Fatalf("request %+v", q)
	}
}

func TestQuerySQLRejectsOtherShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"data":{}}`, `{"data":{"rows":[1]}}`, `{"rows":[]}`} {
		s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		if _, err := s.client(t, func(c *attio.Config) { c.MaxAttempts = 1 }).QuerySQL(t.Context(), "SELECT 1"); err == nil {
			t.Errorf("%s decoded", body)
		}
	}
}
