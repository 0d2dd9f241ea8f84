package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/attio-facade/attio-facade/attio"
)

// Attempt spans end even when no Observer report comes, with otelhttp's end time, and the
// Observer's facts land on the caller's span when the transport was not wrapped.
func TestAttemptSpansWithoutTheOtherHalf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		wrap, observe bool
		wantClient    bool
		wantEvent     bool
	}{
		{name: "observer not wired", wrap: true, wantClient: true},
		{name: "transport not wrapped", observe: true, wantEvent: true},
		{name: "both", wrap: true, observe: true, wantClient: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := tracetest.NewSpanRecorder()
			tel, err := Setup(t.Context(), Options{SpanProcessor: rec, Env: func(k string) string { return map[string]string{"OTEL_METRICS_EXPORTER": "none"}[k] }})
			if err != nil {
				t.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			tel.attempts.grace = 20 * time.Millisecond

			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Attio-Execution-Id", "exec-1")
				w.Write([]byte(`{"data":{"id":{"workspace_id":"w","object_id":"o"},"api_slug":"people"}}`))
			}))
			defer up.Close()
			cfg := attio.Config{APIKey: "k", BaseURL: up.URL + "/attio/v2", ControlURL: up.URL, Limits: &attio.Limits{}}
			if tt.wrap {
				cfg.HTTPClient = tel.HTTPClient()
			}
			if tt.observe {
				cfg.Observer = tel.Observer()
			}
			c, err := attio.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, parent := tel.Tracer().Start(t.Context(), "rpc")
			before := time.Now()
			if _, err := c.GetObject(ctx, "people"); err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			parent.End()

			deadline := time.Now().Add(10 * time.Second)
			for {
				found := false
				for _, s := range rec.Ended() {
					if s.SpanKind() == trace.SpanKindClient {
						found = true
						if s.EndTime().Before(before) || s.EndTime().After(after) {
							t.Errorf("client span ended at %v, want within the call (%v .. %v)", s.EndTime(), before, after)
						}
					}
					if s.Name() == "rpc" && tt.wantEvent {
						if len(s.Events()) != 1 || s.Events()[0].Name != "attio.attempt" {
							t.Errorf("rpc span events %v, want one attio.attempt", s.Events())
						}
					}
				}
				if found || !tt.wantClient || time.Now().After(deadline) {
					if found != tt.wantClient {
						t.Errorf("client span ended: %v, want %v", found, tt.wantClient)
					}
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			tel.attempts.mu.Lock()
			pending := len(tel.attempts.pending)
			tel.attempts.mu.Unlock()
			if pending != 0 {
				t.Errorf("%d attempt spans still pending", pending)
			}
		})
	}
}
