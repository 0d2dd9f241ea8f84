package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// /readyz follows the drain: a load balancer stops sending calls once shutdown begins, while
// /healthz (liveness) stays up so the process is not killed mid-drain.
func TestAdminProbesFollowDrain(t *testing.T) {
	t.Parallel()
	drain := interceptors.NewDrain()
	h := server.NewAdminHandler(server.AdminOptions{Ready: func() bool { return !drain.Draining() }})
	status := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	if status("/readyz") != http.StatusOK || status("/healthz") != http.StatusOK {
		t.Fatalf("before drain: readyz %d, healthz %d", status("/readyz"), status("/healthz"))
	}
	drain.Start()
	if status("/readyz") != http.StatusServiceUnavailable {
		t.Fatalf("draining: readyz %d, want 503", status("/readyz"))
	}
	if status("/healthz") != http.StatusOK {
		t.Fatalf("draining: healthz %d, want 200", status("/healthz"))
	}
	if status("/metrics") != http.StatusNotFound || status("/debug/pprof/") != http.StatusNotFound {
		t.Fatal("metrics or pprof served although not configured")
	}
}
