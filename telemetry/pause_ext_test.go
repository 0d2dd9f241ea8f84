package telemetry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/telemetry/telemetrytest"
)

// The pause every upstream call is under after a 429 shows in /metrics: the seconds left and the
// count of pauses. (Health stays SERVING: the pause is bounded by --max-retry-after and shared by
// every replica on the same Maton account, so taking replicas out of rotation would not help.)
func TestPauseIsVisibleInMetrics(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "40")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":"RATE_LIMITED","message":"slow down"}}`))
	}))
	t.Cleanup(up.Close)
	rec := telemetrytest.New(t, telemetry.Options{})
	c, err := attio.New(attio.Config{APIKey: matonKey, BaseURL: up.URL + "/attio/v2", Limits: &attio.Limits{}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.ObserveClient(c); err != nil {
		t.Fatal(err)
	}
	if v := metricValue(t, rec.Metrics(), "attio_client_pause_remaining_seconds"); v != 0 {
		t.Fatalf("pause remaining before any 429: %v", v)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := c.GetObject(ctx, "people"); !attio.IsRateLimited(err) {
		t.Fatalf("want the 429, got %v", err)
	}
	m := rec.Metrics()
	if v := metricValue(t, m, "attio_client_pauses_total"); v != 1 {
		t.Fatalf("pauses = %v, want 1", v)
	}
	if v := metricValue(t, m, "attio_client_pause_remaining_seconds"); v < 30 || v > 40 {
		t.Fatalf("pause remaining = %v s, want just under 40", v)
	}
}

// metricValue reads the value of the one sample of name in Prometheus text.
func metricValue(t *testing.T, text, name string) float64 {
	t.Helper()
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, name); ok && (rest[0] == '{' || rest[0] == ' ') {
			f := strings.Fields(line)
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("no %s in:\n%s", name, text)
	return 0
}
