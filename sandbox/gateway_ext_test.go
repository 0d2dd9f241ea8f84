package sandbox_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/sandbox"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func matonErr(t *testing.T, r resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	e, _ := r.body["error"].(map[string]any)
	if e == nil || e["code"] != code || e["message"] == nil {
		t.Fatalf("Maton body %s, want code %s", r.raw, code)
	}
	if r.header.Get("X-Attio-Execution-Id") != "" {
		t.Fatal("Maton's own answers carry no X-Attio-Execution-Id")
	}
}

func TestMatonAuthAndConnections(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	key := a.key

	a.key = ""
	matonErr(t, a.do("GET", "/objects", nil), 401, "unauthorized")
	a.key = "wrong"
	matonErr(t, a.do("GET", "/objects", nil), 401, "unauthorized")
	matonErr(t, a.do("GET", a.srv.ControlURL()+"/connections", nil), 401, "unauthorized")
	r := a.do("GET", a.srv.AttioBaseURL()+"/objects", nil)
	errCode(t, r, 401, "invalid_token") // direct mode answers like Attio
	a.key = key

	// Default connection = oldest ACTIVE; the second is an independent workspace.
	self := a.must("GET", "/self", nil, 200)
	if self.body["workspace_id"] != sandbox.DefaultWorkspaceID {
		t.Fatalf("default workspace %v", self.body["workspace_id"])
	}
	a.conn = sandbox.SecondConnectionID
	if got := a.must("GET", "/self", nil, 200).body["workspace_id"]; got != sandbox.SecondWorkspaceID {
		t.Fatalf("second workspace %v", got)
	}
	if n := len(a.must("POST", "/objects/people/records/query", map[string]any{}, 200).list()); n != 1 {
		t.Fatalf("second workspace has %d people", n)
	}
	a.must("GET", "/objects/people/records/"+sandbox.SeedSecondPersonID, nil, 200)
	a.conn = sandbox.DefaultConnectionID
	a.must("GET", "/objects/people/records/"+sandbox.SeedSecondPersonID, nil, 404)
	a.conn = "c0ffee00-0000-4000-8000-000000000000"
	matonErr(t, a.do("GET", "/objects", nil), 400, "connection_not_found")
	a.conn = ""

	// Control plane.
	list := a.must("GET", a.srv.ControlURL()+"/connections?app=attio&status=ACTIVE", nil, 200)
	conns := list.body["connections"].([]any)
	if len(conns) != 2 || conns[0].(map[string]any)["connection_id"] != sandbox.DefaultConnectionID {
		t.Fatalf("connections %s", list.raw)
	}
	for _, k := range []string{"connection_id", "status", "creation_time", "last_updated_time", "url", "app", "metadata"} {
		if _, ok := conns[0].(map[string]any)[k]; !ok {
			t.Fatalf("connection lacks %s", k)
		}
	}
	created := a.must("POST", a.srv.ControlURL()+"/connections", map[string]any{"app": "attio"}, 200)
	c := created.body["connection"].(map[string]any)
	newID := c["connection_id"].(string)
	if c["status"] != "PENDING" || !strings.HasPrefix(c["url"].(string), "https://") {
		t.Fatalf("new connection %v", c)
	}
	a.conn = newID
	matonErr(t, a.do("GET", "/objects", nil), 400, "connection_not_active")
	if err := a.srv.Sandbox.ActivateConnection(newID); err != nil {
		t.Fatal(err)
	}
	if n := len(a.must("POST", "/objects/people/records/query", map[string]any{}, 200).list()); n != 0 {
		t.Fatalf("fresh workspace has %d people", n)
	}
	if err := a.srv.Sandbox.ExpireConnection(newID); err != nil {
		t.Fatal(err)
	}
	matonErr(t, a.do("GET", "/objects", nil), 500, "internal_error")
	a.conn = ""
	got := a.must("GET", a.srv.ControlURL()+"/connections/"+newID, nil, 200)
	if got.body["connection"].(map[string]any)["connection_id"] != newID {
		t.Fatal(string(got.raw))
	}
	if string(a.must("DELETE", a.srv.ControlURL()+"/connections/"+newID, nil, 200).raw) != "{}" {
		t.Fatal("delete connection")
	}
	matonErr(t, a.do("GET", a.srv.ControlURL()+"/connections/"+newID, nil), 404, "not_found")
	matonErr(t, a.do("POST", a.srv.ControlURL()+"/connections", map[string]any{"app": "hubspot"}), 400, "invalid_request")
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	clk := newClock()
	a := newAPI(t, seedFS(), sandbox.WithClock(clk.now), sandbox.WithRateLimits(sandbox.Limits{MatonRPS: 10, AttioReadRPS: 100, AttioWriteRPS: 25}))

	// Maton: 10 per second per account, then 429 with an HTTP-date Retry-After.
	for i := range 10 {
		a.must("GET", "/self", nil, 200)
		_ = i
	}
	r := a.do("GET", "/self", nil)
	matonErr(t, r, 429, "rate_limit_exceeded")
	ra, err := http.ParseTime(r.header.Get("Retry-After"))
	if err != nil || !ra.After(clk.now()) || ra.Sub(clk.now()) > 2*time.Second {
		t.Fatalf("Retry-After %q (now %v): %v", r.header.Get("Retry-After"), clk.now(), err)
	}
	// Other connections share the account's budget.
	a.conn = sandbox.SecondConnectionID
	matonErr(t, a.do("GET", "/self", nil), 429, "rate_limit_exceeded")
	a.conn = ""
	// Even spacing at the rate never sees a 429.
	for range 30 {
		clk.add(100 * time.Millisecond)
		a.must("GET", "/self", nil, 200)
	}

	// Attio writes: 25/s per workspace (direct mode has no Maton cap).
	a.base = a.srv.AttioBaseURL()
	before, _ := a.srv.Sandbox.RecordCount("", "companies")
	clk.add(time.Second)
	for i := range 25 {
		a.must("POST", "/objects/companies/records", map[string]any{"data": map[string]any{"values": map[string]any{"name": []any{"Co"}, "matching_id": []any{"RL-" + string(rune('a'+i))}}}}, 200)
	}
	r = a.do("POST", "/objects/companies/records", map[string]any{"data": map[string]any{"values": map[string]any{"name": []any{"Over"}}}})
	errCode(t, r, 429, "rate_limit_exceeded")
	if r.body["type"] != "rate_limit_error" || r.header.Get("X-Attio-Execution-Id") == "" {
		t.Fatalf("Attio 429: %s %v", r.raw, r.header)
	}
	if _, err := http.ParseTime(r.header.Get("Retry-After")); err != nil {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	after, _ := a.srv.Sandbox.RecordCount("", "companies")
	if after != before+25 {
		t.Fatalf("a 429'd write was processed: %d -> %d", before, after)
	}
	// Reads have their own budget of 100/s.
	for range 100 {
		a.must("GET", "/objects", nil, 200)
	}
	errCode(t, a.do("GET", "/objects", nil), 429, "rate_limit_exceeded")
	// The second workspace has its own Attio budget.
	a.conn = sandbox.SecondConnectionID
	a.must("GET", "/objects", nil, 200)

	st := a.srv.Sandbox.Stats()
	if st.RateLimited < 4 || st.ByStatus[429] != st.RateLimited {
		t.Fatalf("stats %+v", st)
	}
	// Switch off at runtime.
	a.srv.Sandbox.SetRateLimits(sandbox.Limits{})
	a.conn = ""
	for range 150 {
		a.must("GET", "/objects", nil, 200)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	sb := a.srv.Sandbox
	route := "/v2/objects/{object}/records/query"
	q := map[string]any{}
	cases := []struct {
		f     sandbox.Failure
		check func(r resp)
	}{
		{sandbox.Failure{Route: route, Status: 400, Body: sandbox.AttioErrorBody(400, "validation_type", "Bad", sandbox.ValidationError{Code: "invalid_type", Path: []any{"data", "values", "name"}, Message: "Expected array"})},
			func(r resp) {
				errCode(t, r, 400, "validation_type")
				if ve := r.body["validation_errors"].([]any); len(ve) != 1 {
					t.Fatal(string(r.raw))
				}
			}},
		{sandbox.Failure{Route: route, Status: 400, Body: sandbox.AttioErrorBody(400, "filter_error", "Error in filter.")}, func(r resp) { errCode(t, r, 400, "filter_error") }},
		{sandbox.Failure{Status: 401}, func(r resp) { errCode(t, r, 401, "invalid_token") }},
		{sandbox.Failure{Status: 403}, func(r resp) { errCode(t, r, 403, "missing_scopes") }},
		{sandbox.Failure{Status: 404}, func(r resp) { errCode(t, r, 404, "not_found") }},
		{sandbox.Failure{Status: 409}, func(r resp) { errCode(t, r, 409, "slug_conflict") }},
		{sandbox.Failure{Status: 429, Header: http.Header{"Retry-After": {"Tue, 23 May 2023 14:42:01 GMT"}}}, func(r resp) {
			errCode(t, r, 429, "rate_limit_exceeded")
			if r.header.Get("Retry-After") != "Tue, 23 May 2023 14:42:01 GMT" {
				t.Fatal(r.header)
			}
		}},
		{sandbox.Failure{Status: 429}, func(r resp) {
			if _, err := http.ParseTime(r.header.Get("Retry-After")); err != nil {
				t.Fatalf("default 429 Retry-After %q", r.header.Get("Retry-After"))
			}
		}},
		{sandbox.Failure{Status: 500}, func(r resp) { errCode(t, r, 500, "internal_server_error") }},
		{sandbox.Failure{Status: 503}, func(r resp) { errCode(t, r, 503, "service_unavailable") }},
		{sandbox.Failure{Status: 400, Maton: true}, func(r resp) { matonErr(t, r, 400, "connection_not_found") }},
		{sandbox.Failure{Status: 401, Maton: true}, func(r resp) { matonErr(t, r, 401, "unauthorized") }},
		{sandbox.Failure{Status: 429, Maton: true}, func(r resp) { matonErr(t, r, 429, "rate_limit_exceeded") }},
		{sandbox.Failure{Status: 500, Maton: true}, func(r resp) { matonErr(t, r, 500, "internal_error") }},
		{sandbox.Failure{Status: 418, Body: sandbox.AttioErrorBody(418, "teapot", "Custom"), Header: http.Header{"X-Test": {"1"}}}, func(r resp) {
			if r.status != 418 || r.body["code"] != "teapot" || r.header.Get("X-Test") != "1" {
				t.Fatal(string(r.raw))
			}
		}},
	}
	for _, c := range cases {
		before, _ := sb.RecordCount("", "people")
		sb.FailNext(c.f)
		method, path := "POST", "/objects/people/records/query"
		if c.f.Route == "" {
			method, path = "POST", "/objects/people/records"
		}
		var body any = q
		if method == "POST" && c.f.Route == "" {
			body = map[string]any{"data": map[string]any{"values": map[string]any{"name": []any{"Nobody"}}}}
		}
		c.check(a.do(method, path, body))
		if after, _ := sb.RecordCount("", "people"); after != before {
			t.Fatalf("a failed request was processed")
		}
	}
	// Count and route matching: only matching requests fail, N times.
	sb.FailNext(sandbox.Failure{Method: "GET", Route: "/v2/objects/{object}", Status: 503, Count: 2})
	a.must("GET", "/objects", nil, 200)
	a.must("GET", "/objects/people", nil, 503)
	a.must("GET", "/objects/people", nil, 503)
	a.must("GET", "/objects/people", nil, 200)
	sb.FailNext(sandbox.Failure{Route: "/connections", Status: 500})
	matonErr(t, a.do("GET", a.srv.ControlURL()+"/connections", nil), 500, "internal_error")
}

func TestRandomFaultsAndLatency(t *testing.T) {
	t.Parallel()
	a := seeded(t, sandbox.WithRandomSeed(42))
	sb := a.srv.Sandbox

	sb.SetFaults(sandbox.Faults{ErrorRatio: 1})
	r := a.do("GET", "/objects", nil)
	if r.status != 500 && r.status != 503 {
		t.Fatalf("error fault: %d", r.status)
	}
	sb.SetFaults(sandbox.Faults{DropRatio: 1})
	req, _ := http.NewRequest("GET", a.base+"/objects", nil)
	req.Header.Set("Authorization", "Bearer "+a.key)
	if _, err := a.srv.Client().Do(req); err == nil || errors.Is(err, io.EOF) && false {
		t.Fatalf("dropped connection returned no error: %v", err)
	}
	sb.SetFaults(sandbox.Faults{SlowBodyRatio: 1, SlowBodyDelay: 30 * time.Millisecond})
	start := time.Now()
	a.must("GET", "/objects", nil, 200)
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("slow body was not slow")
	}
	sb.SetFaults(sandbox.Faults{})
	sb.SetLatency(sandbox.FixedLatency(20 * time.Millisecond))
	start = time.Now()
	a.must("GET", "/objects", nil, 200)
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("latency not applied")
	}
	sb.SetLatency(sandbox.UniformLatency(time.Millisecond, 3*time.Millisecond))
	a.must("GET", "/objects", nil, 200)
	sb.SetLatency(sandbox.Latency{})
	st := sb.Stats()
	if st.ByStatus[0] != 1 || st.ByRoute["GET /v2/objects"] < 5 {
		t.Fatalf("stats %+v", st)
	}
	sb.ResetStats()
	if sb.Stats().Total != 0 {
		t.Fatal("ResetStats")
	}
}

func TestStatsPerRouteAndConnection(t *testing.T) {
	t.Parallel()
	a := seeded(t)
	a.must("GET", "/objects/people", nil, 200)
	a.conn = sandbox.SecondConnectionID
	a.must("GET", "/objects/companies", nil, 200)
	a.must("GET", "/nope", nil, 404)
	st := a.srv.Sandbox.Stats()
	if st.Total != 3 || st.ByRoute["GET /v2/objects/{object}"] != 2 || st.ByRoute["GET UNKNOWN"] != 1 {
		t.Fatalf("routes %+v", st.ByRoute)
	}
	if st.ByConnection["default"] != 1 || st.ByConnection[sandbox.SecondConnectionID] != 2 || st.ByStatus[404] != 1 {
		t.Fatalf("stats %+v", st)
	}
}
