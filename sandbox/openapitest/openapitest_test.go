package openapitest_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

func TestValidatorRejectsBadBodies(t *testing.T) {
	t.Parallel()
	v := openapitest.Load(t)
	h := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name, method, path string
		status             int
		body               string
		ok                 bool
	}{
		{"objects ok", "GET", "/v2/objects", 200, `{"data":[{"id":{"workspace_id":"6b0dcc5d-adbe-442b-8900-d2f330c09216","object_id":"6b0dcc5d-adbe-442b-8900-d2f330c09216"},"api_slug":"people","singular_noun":"Person","plural_noun":"People","created_at":"2025-07-18T13:49:44.655000000Z"}]}`, true},
		{"objects missing key", "GET", "/v2/objects", 200, `{"data":[{"api_slug":"people"}]}`, false},
		{"undeclared status", "GET", "/v2/objects", 418, `{}`, false},
		{"error body ok", "GET", "/v2/objects/x", 404, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"m"}`, true},
		{"error body wrong status_code", "GET", "/v2/objects/x", 404, `{"status_code":400,"type":"invalid_request_error","code":"not_found","message":"m"}`, false},
		{"maton prefix", "GET", "/attio/v2/self", 200, `{"active":false}`, true},
		{"uuid format checked", "GET", "/v2/objects", 200, `{"data":[{"id":{"workspace_id":"not-a-uuid","object_id":"6b0dcc5d-adbe-442b-8900-d2f330c09216"},"api_slug":"people","singular_noun":"Person","plural_noun":"People","created_at":"2025-07-18T13:49:44.655000000Z"}]}`, false},
		{"timestamp value checked as date-time", "GET", "/v2/objects/people/records/6b0dcc5d-adbe-442b-8900-d2f330c09216/attributes/created_at/values", 200,
			`{"data":[{"active_from":"2023-01-01T15:00:00.000000000Z","active_until":null,"created_by_actor":{"type":null,"id":null},"value":"2023-01-01","attribute_type":"timestamp"}]}`, false},
		{"date-time format checked", "GET", "/v2/objects/people/records/6b0dcc5d-adbe-442b-8900-d2f330c09216/attributes/created_at/values", 200,
			`{"data":[{"active_from":"yesterday","active_until":null,"created_by_actor":{"type":null,"id":null},"value":"2023-01-01T15:00:00Z","attribute_type":"timestamp"}]}`, false},
		{"error code beyond the one example", "POST", "/v2/objects/people/records", 400, `{"status_code":400,"type":"invalid_request_error","code":"validation_type","message":"m"}`, true},
		{"error code Attio never sends", "POST", "/v2/objects/people/records", 400, `{"status_code":400,"type":"invalid_request_error","code":"oops","message":"m"}`, false},
		{"error type wrong for the status", "GET", "/v2/objects/x", 404, `{"status_code":404,"type":"auth_error","code":"not_found","message":"m"}`, false},
		{"live note without meeting_id", "POST", "/v2/notes", 200, example(t, "note-create.real.json"), true},
		{"timestamp value with nanoseconds", "GET", "/v2/objects/people/records/6b0dcc5d-adbe-442b-8900-d2f330c09216/attributes/created_at/values", 200,
			`{"data":[{"active_from":"2023-01-01T15:00:00.000000000Z","active_until":null,"created_by_actor":{"type":null,"id":null},"value":"2023-01-01T15:00:00.123456789Z","attribute_type":"timestamp"}]}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.ValidateResponse(c.method, c.path, c.status, h, []byte(c.body))
			if (err == nil) != c.ok {
				t.Fatalf("ok=%v, err=%v", c.ok, err)
			}
		})
	}
	// The 429 Attio sends (docs example) with its HTTP-date Retry-After; seconds are not Attio's form.
	rl := []byte(example(t, "error-429-rate-limit.docs.json"))
	if err := v.ValidateResponse("GET", "/v2/objects", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"Tue, 23 May 2023 14:42:01 GMT"}}, rl); err != nil {
		t.Errorf("documented 429 rejected: %v", err)
	}
	if err := v.ValidateResponse("GET", "/v2/objects", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"}}, rl); err == nil {
		t.Error("429 with a seconds Retry-After accepted")
	}
	if err := v.ValidateResponse("GET", "/v2/objects", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"Tue, 23 May 2023 14:42:01 GMT"}},
		[]byte(`{"status_code":429,"type":"invalid_request_error","code":"rate_limit_exceeded","message":"m"}`)); err == nil {
		t.Error("429 with the wrong type accepted")
	}
	if err := v.ValidateRequest("POST", "/v2/objects", []byte(`{"data":{"api_slug":"x"}}`)); err == nil {
		t.Fatal("request missing singular_noun accepted")
	}
	if len(openapitest.KnownSpecErrors) == 0 {
		t.Fatal("no documented spec errors")
	}
}

func ExampleValidator_ValidateResponse() {
	// In a test: v := openapitest.Load(t)
	v, err := openapitest.LoadFile("../../testdata/attio/openapi.json")
	if err != nil {
		panic(err)
	}
	err = v.ValidateResponse("GET", "/v2/self", 200, nil, []byte(`{"active":false}`))
	fmt.Println(err == nil)
	// Output: true
}

func example(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/attio/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
