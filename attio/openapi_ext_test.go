package attio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

// A copy of ../shared/attio/openapi.json (sha256 84e338ae…, checked in sandbox/openapitest).
const specPath = "../testdata/attio/openapi.json"

// loadSpec loads Attio's OpenAPI document with the patches of
// openapitest.Patch (listed with their reasons in openapitest.KnownSpecErrors),
// its servers pointed at the stub so the router matches it.
func loadSpec(t testing.TB, serverURL string) *openapi3.T {
	t.Helper()
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Skipf("spec not available: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	openapitest.Patch(m)
	m["servers"] = []any{map[string]any{"url": serverURL}}
	patched, _ := json.Marshal(m)
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(patched)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	return spec
}

// specStub validates every request against the spec and answers with the
// smallest body of the documented shape.
type specStub struct {
	t      testing.TB
	router routers.Router
	mu     sync.Mutex
	errs   []string
}

func (s *specStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		s.fail("%s %s: no route: %v", r.Method, r.URL, err)
		http.Error(w, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"no route"}`, 404)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		s.fail("%s %s: %v", r.Method, route.Path, err)
	}
	body := "{}"
	if resp := route.Operation.Responses.Status(200); resp != nil && resp.Value != nil {
		if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			props := mt.Schema.Value.Properties
			if d := props["data"]; d != nil && d.Value != nil {
				parts := []string{`"data":{}`}
				if d.Value.Type.Is("array") {
					parts[0] = `"data":[]`
				}
				if props["pagination"] != nil {
					parts = append(parts, `"pagination":{"next_cursor":null}`)
				}
				body = "{" + strings.Join(parts, ",") + "}"
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Attio-Execution-Id", "exec-1")
	fmt.Fprint(w, body)
}

func (s *specStub) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
}

type recorder struct {
	mu   sync.Mutex
	seen map[string]int
}

func (r *recorder) ObserveAttempt(_ context.Context, a attio.Attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]int{}
	}
	r.seen[a.Endpoint]++
}

// TestRequestsMatchSpecAndCoverEveryOperation calls every data-plane method
// against a stub that validates requests with kin-openapi, and checks that
// together they hit each of the spec's operations.
func TestRequestsMatchSpecAndCoverEveryOperation(t *testing.T) {
	t.Parallel()
	stub := &specStub{t: t}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	spec := loadSpec(t, srv.URL)
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	stub.router = router

	rec := &recorder{}
	c, err := attio.New(attio.Config{APIKey: "k", BaseURL: srv.URL + "/v2", Direct: true, Observer: rec,
		Limits: &attio.Limits{}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range allDataPlaneCalls() {
		if err := call.fn(t.Context(), c); err != nil {
			t.Errorf("%s: %v", call.name, err)
		}
	}
	for _, e := range stub.errs {
		t.Error(e)
	}
	var missing []string
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			if name := method + " " + path; rec.seen[name] == 0 {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("operations never called: %v", missing)
	}
	if n := len(rec.seen); n != 63 {
		t.Errorf("called %d distinct operations, the spec has 63", n)
	}
}
