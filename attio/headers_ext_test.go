package attio_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

func TestMatonConnectionHeader(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		direct bool
		conn   string
		want   string
	}{
		{"chosen connection", false, "conn-2", "conn-2"},
		{"default connection", false, "", ""},
		{"direct mode never sends it", true, "conn-2", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okObject) })
			c := s.client(t, func(c *attio.Config) {
				c.Direct = tc.direct
				if tc.direct {
					c.BaseURL = s.URL + "/v2"
				}
			})
			ctx := t.Context()
			if tc.conn != "" {
				ctx = attio.WithConnection(ctx, tc.conn)
			}
			if _, err := c.GetObject(ctx, "people"); err != nil {
				t.Fatal(err)
			}
			r := s.requests()[0]
			if got := r.header.Get("Maton-Connection"); got != tc.want {
				t.Errorf("Maton-Connection = %q, want %q", got, tc.want)
			}
			if got := r.header.Get("Authorization"); got != "Bearer secret-maton-key" {
				t.Errorf("Authorization = %q", got)
			}
			wantPath := "/attio/v2/objects/people"
			if tc.direct {
				wantPath = "/v2/objects/people"
			}
			if r.path != wantPath {
				t.Errorf("path %s, want %s", r.path, wantPath)
			}
		})
	}
}

func TestContextAccessors(t *testing.T) {
	t.Parallel()
	ctx := attio.WithConnection(t.Context(), "c1")
	if id, ok := attio.ConnectionFrom(ctx); !ok || id != "c1" {
		t.Errorf("ConnectionFrom = %q %v", id, ok)
	}
	if _, ok := attio.ConnectionFrom(t.Context()); ok {
		t.Error("ConnectionFrom on a bare context reported a connection")
	}
	if attio.PriorityFrom(t.Context()) != attio.PriorityInteractive {
		t.Error("default priority is not interactive")
	}
	if attio.PriorityFrom(attio.WithPriority(ctx, attio.PriorityBulk)) != attio.PriorityBulk {
		t.Error("WithPriority lost")
	}
}

type infoTransport struct {
	mu    sync.Mutex
	infos []attio.RequestInfo
}

func (it *infoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if ri, ok := attio.RequestInfoFromContext(r.Context()); ok {
		it.mu.Lock()
		it.infos = append(it.infos, ri)
		it.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestRequestInfoAndObserver: a RoundTripper sees the endpoint template and
// attempt; the Observer hears every attempt with status and execution id.
func TestRequestInfoAndObserver(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			writeJSON(w, 503, attio500)
			return
		}
		writeJSON(w, 200, okRecord)
	})
	it := &infoTransport{}
	var mu sync.Mutex
	var attempts []attio.Attempt
	c := s.client(t, func(c *attio.Config) {
		c.HTTPClient = &http.Client{Transport: it}
		c.Observer = attio.ObserverFunc(func(_ context.Context, a attio.Attempt) {
			mu.Lock()
			attempts = append(attempts, a)
			mu.Unlock()
		})
	})
	if _, err := c.GetRecord(attio.WithPriority(t.Context(), attio.PriorityBulk), "people", "r1"); err != nil {
		t.Fatal(err)
	}
	const ep = "GET /v2/objects/{object}/records/{record_id}"
	want := []attio.RequestInfo{{ep, "GET", 1, attio.PriorityBulk}, {ep, "GET", 2, attio.PriorityBulk}}
	if len(it.infos) != 2 || it.infos[0] != want[0] || it.infos[1] != want[1] {
		t.Errorf("infos %+v", it.infos)
	}
	if len(attempts) != 2 {
		t.Fatalf("observer saw %d attempts", len(attempts))
	}
	a1, a2 := attempts[0], attempts[1]
	if a1.Endpoint != ep || a1.Attempt != 1 || a1.StatusCode != 503 || a1.ErrorCode != "internal" || a1.Err == nil || !a1.WillRetry || a1.ExecutionID != "exec-42" {
		t.Errorf("first attempt %+v", a1)
	}
	if a2.Attempt != 2 || a2.StatusCode != 200 || a2.Err != nil || a2.WillRetry || a2.ExecutionID != "exec-42" {
		t.Errorf("second attempt %+v", a2)
	}
}

func TestConnections(t *testing.T) {
	t.Parallel()
	const conn = `{"connection_id":"c1","status":"ACTIVE","creation_time":"2025-01-01T00:00:00Z","last_updated_time":"2025-01-01T00:00:00Z","url":"https://x","app":"attio","metadata":{}}`
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/connections":
			writeMaton(w, 200, `{"connections":[`+conn+`]}`)
		case r.Method == "POST" && r.URL.Path == "/connections":
			writeMaton(w, 200, `{"connection":`+conn+`}`)
		case r.Method == "GET":
			writeMaton(w, 200, `{"connection":`+conn+`}`)
		case r.Method == "DELETE":
			writeMaton(w, 200, `{}`)
		}
	})
	c := s.client(t)
	ctx := attio.WithConnection(t.Context(), "ignored-on-control-plane")
	list, err := c.ListConnections(ctx, attio.ConnectionQuery{Status: "ACTIVE"})
	if err != nil || len(list) != 1 || list[0].ConnectionID != "c1" {
		t.Fatalf("list %+v %v", list, err)
	}
	if got, err := c.GetConnection(ctx, "c1"); err != nil || got.Status != "ACTIVE" {
		t.Fatalf("get %+v %v", got, err)
	}
	if got, err := c.CreateConnection(ctx); err != nil || got.URL != "https://x" {
		t.Fatalf("create %+v %v", got, err)
	}
	if err := c.DeleteConnection(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if reqs[0].query != "app=attio&status=ACTIVE" || reqs[2].body != `{"app":"attio"}` || reqs[3].path != "/connections/c1" {
		t.Errorf("requests %+v", reqs)
	}
	for _, r := range reqs {
		if r.header.Get("Maton-Connection") != "" {
			t.Errorf("control plane request carried Maton-Connection")
		}
	}
}
