package openapitest_test

import (
	"fmt"
	"net/http"
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
