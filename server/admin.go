package server

import (
	"net/http"
	"net/http/pprof"
)

// AdminOptions configures NewAdminHandler.
type AdminOptions struct {
	// Metrics is served at /metrics; nil answers 404 there.
	Metrics http.Handler
	// Ready reports readiness for /readyz; nil means always ready. The facade answers false once
	// it drains, so a load balancer stops sending new calls before the listener closes.
	Ready func() bool
	// Degraded, when set and non-empty, says why the facade runs degraded (its shared state is
	// unreachable): /healthz and /readyz still answer 200, since reads go on and restarting
	// cannot help, but say so, and /healthz?strict answers 503.
	Degraded func() string
	// Pprof mounts net/http/pprof under /debug/pprof/. Off by default: profiles expose memory
	// contents and cost CPU.
	Pprof bool
}

// NewAdminHandler is the operator's surface, for a listener of its own that callers cannot
// reach: Prometheus metrics, HTTP probes (/healthz liveness: the process answers; /readyz
// readiness) and optionally pprof. It has no CORS: browsers have no business here.
func NewAdminHandler(o AdminOptions) http.Handler {
	mux := http.NewServeMux()
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	degraded := func() string {
		if o.Degraded == nil {
			return ""
		}
		return o.Degraded()
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if why := degraded(); why != "" {
			if r.URL.Query().Has("strict") {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			_, _ = w.Write([]byte("degraded: " + why + "\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if o.Ready != nil && !o.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("draining\n"))
			return
		}
		if why := degraded(); why != "" {
			_, _ = w.Write([]byte("ready, degraded: " + why + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if o.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}
