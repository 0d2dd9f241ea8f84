package attio_test

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// TestRedirectNotFollowed: a hop answering 307 (as a path-normalising proxy does) ends the call
// with ErrRedirect; the write never reaches the redirect's target, even through a caller's client.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/options/x") {
			http.Redirect(w, r, "/attio/v2/objects/companies/attributes/categories", http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, 200, `{"data":{}}`)
	})
	for name, hc := range map[string]*http.Client{"default": nil, "caller's client": {}} {
		before := s.count()
		c := s.client(t, func(cfg *attio.Config) { cfg.HTTPClient = hc })
		_, err := c.UpdateSelectOption(ctxTimeout(t, 5*time.Second), attio.TargetObjects, "companies", "categories", "x", attio.SelectOptionUpdate{})
		var e *attio.Error
		if !errors.As(err, &e) || !errors.Is(err, attio.ErrRedirect) || e.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("%s: want a 307 ErrRedirect, got %v", name, err)
		}
		reqs := s.requests()[before:]
		if len(reqs) != 1 || !strings.HasSuffix(reqs[0].path, "/options/x") {
			t.Fatalf("%s: upstream saw %v, want only the option's path", name, reqs)
		}
	}
}

// TestDotSegmentRefused: an identifier that is a dot segment never leaves the client.
func TestDotSegmentRefused(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"data":{}}`) })
	ctx, wl := attio.WithWriteLog(ctxTimeout(t, 5*time.Second))
	_, err := s.client(t).UpdateSelectOption(ctx, attio.TargetObjects, "companies", "categories", "..", attio.SelectOptionUpdate{})
	if !errors.Is(err, attio.ErrPathParam) || s.count() != 0 || wl.MayHaveWritten() {
		t.Fatalf("err %v, upstream saw %d, may have written %v; want ErrPathParam and nothing sent", err, s.count(), wl.MayHaveWritten())
	}
}

// TestWriteLog: a write counts as possibly delivered only once a byte of it left and the answer
// was not a 429.
func TestWriteLog(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	answer := func(status int) func(int, http.ResponseWriter, *http.Request) {
		return func(_ int, w http.ResponseWriter, _ *http.Request) {
			if status == 429 {
				w.Header().Set("Retry-After", "0")
			}
			writeJSON(w, status, `{"status_code":500,"type":"api_error","code":"x","message":"m"}`)
		}
	}
	cases := []struct {
		name  string
		base  func(t *testing.T) string
		write bool
		want  bool
	}{
		{"connection refused", func(*testing.T) string { return closed }, true, false},
		{"429", func(t *testing.T) string { return newStub(t, answer(429)).URL }, true, false},
		{"500 after sending", func(t *testing.T) string { return newStub(t, answer(500)).URL }, true, true},
		{"400 after sending", func(t *testing.T) string { return newStub(t, answer(400)).URL }, true, true},
		{"success", func(t *testing.T) string { return newStub(t, answer(200)).URL }, true, true},
		{"read only", func(t *testing.T) string { return newStub(t, answer(500)).URL }, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := attio.New(attio.Config{APIKey: "k", BaseURL: tc.base(t) + "/attio/v2", Limits: &attio.Limits{},
				MaxAttempts: 2, BaseBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, wl := attio.WithWriteLog(ctxTimeout(t, 10*time.Second))
			if tc.write {
				_, _ = c.CreateRecord(ctx, "people", nil)
			} else {
				_, _ = c.GetObject(ctx, "people")
			}
			if got := wl.MayHaveWritten(); got != tc.want {
				t.Fatalf("MayHaveWritten = %v, want %v", got, tc.want)
			}
		})
	}
	// The outbound budget refusing the call (its wait would pass the deadline) sends nothing.
	t.Run("budget refusal", func(t *testing.T) {
		t.Parallel()
		s := newStub(t, answer(200))
		c := s.client(t, func(cfg *attio.Config) { cfg.Limits = &attio.Limits{AttioWrites: 0.001} })
		_, _ = c.CreateRecord(ctxTimeout(t, 5*time.Second), "people", nil) // spends the only token
		before := s.count()
		ctx, wl := attio.WithWriteLog(ctxTimeout(t, 50*time.Millisecond))
		if _, err := c.CreateRecord(ctx, "people", nil); err == nil {
			t.Fatal("second write passed the budget")
		}
		if s.count() != before || wl.MayHaveWritten() {
			t.Fatalf("upstream saw %d more, may have written %v", s.count()-before, wl.MayHaveWritten())
		}
	})
	var nilLog *attio.WriteLog
	if nilLog.MayHaveWritten() {
		t.Fatal("nil log reports a write")
	}
}
