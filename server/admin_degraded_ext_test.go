package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attio-facade/attio-facade/server"
)

// A facade whose shared state is unreachable says so on its probes but stays live and ready
// (reads go on, and a restart cannot bring Redis back); /healthz?strict is the alerting probe.
func TestAdminProbesReportDegraded(t *testing.T) {
	t.Parallel()
	var why atomic.Value
	why.Store("")
	h := server.NewAdminHandler(server.AdminOptions{Degraded: func() string { return why.Load().(string) }})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/healthz?strict"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthy: %d %q", code, body)
	}
	why.Store("redis unreachable: dial tcp: connection refused")
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(path); code != http.StatusOK || !strings.Contains(body, "degraded: redis unreachable") {
			t.Errorf("%s degraded: %d %q", path, code, body)
		}
	}
	if code, _ := get("/healthz?strict"); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz?strict degraded: %d, want 503", code)
	}
}
