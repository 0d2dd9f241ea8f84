package attio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/attio-facade/attio-facade/attio"
)

// A client walks every person through the Maton gateway, one page per
// upstream request, on the workspace of a chosen connection.
func Example() {
	// A stand-in for https://api.maton.ai serving two pages of people.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"offset":2`) {
			fmt.Fprint(w, `{"data":[{"id":{"workspace_id":"w","object_id":"o","record_id":"r3"},"created_at":"2023-01-03T00:00:00.000000000Z","web_url":"u","values":{"name":[{"active_from":"2023-01-03T00:00:00.000000000Z","active_until":null,"created_by_actor":{"type":"system","id":null},"first_name":"Grace","last_name":"Hopper","full_name":"Grace Hopper","attribute_type":"personal-name"}]}}]}`)
			return
		}
		fmt.Fprint(w, `{"data":[`+
			`{"id":{"workspace_id":"w","object_id":"o","record_id":"r1"},"created_at":"2023-01-01T00:00:00.000000000Z","web_url":"u","values":{"name":[{"active_from":"2023-01-01T00:00:00.000000000Z","active_until":null,"created_by_actor":{"type":"system","id":null},"first_name":"Ada","last_name":"Lovelace","full_name":"Ada Lovelace","attribute_type":"personal-name"}]}},`+
			`{"id":{"workspace_id":"w","object_id":"o","record_id":"r2"},"created_at":"2023-01-02T00:00:00.000000000Z","web_url":"u","values":{"name":[]}}]}`)
	}))
	defer srv.Close()

	client, err := attio.New(attio.Config{
		APIKey:  "maton-api-key",
		BaseURL: srv.URL + "/attio/v2", // default: https://api.maton.ai/attio/v2
	})
	if err != nil {
		panic(err)
	}
	ctx := attio.WithConnection(context.Background(), "6b198147-cff2-4829-8841-bbdaabfa2fe1")
	q := attio.Query{
		Sorts: []attio.Sort{{Direction: "asc", Attribute: "created_at"}},
		Limit: 2,
	}
	for rec, err := range client.QueryRecords(ctx, "people", q) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		name := "(no name)"
		if v := rec.Values["name"]; len(v) > 0 {
			name = v[0].FullName
		}
		fmt.Println(rec.ID.RecordID, rec.CreatedAt, name)
	}
	// Output:
	// r1 2023-01-01T00:00:00.000000000Z Ada Lovelace
	// r2 2023-01-02T00:00:00.000000000Z (no name)
	// r3 2023-01-03T00:00:00.000000000Z Grace Hopper
}
