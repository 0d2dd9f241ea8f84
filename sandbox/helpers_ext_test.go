package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/sandbox/openapitest"
)

func seedFS() sandbox.Option { return sandbox.WithSeed(os.DirFS("../testdata/seed")) }

// noLimits keeps functional tests independent of the rate budgets.
func noLimits() sandbox.Option { return sandbox.WithRateLimits(sandbox.Limits{}) }

// api is a tiny JSON client over a sandbox server whose every Attio exchange
// is validated against openapi.json and the 2026 document (openapitest.Load2026).
type api struct {
	t    testing.TB
	srv  *sandbox.Server
	base string
	conn string
	key  string
	hc   *http.Client
}

func newAPI(t testing.TB, opts ...sandbox.Option) *api {
	t.Helper()
	srv := sandbox.NewServer(opts...)
	t.Cleanup(srv.Close)
	v := openapitest.Load(t)
	return &api{t: t, srv: srv, base: srv.MatonBaseURL(), key: srv.APIKey(),
		hc: &http.Client{Transport: &openapitest.Transport{T: t, V: v, Newer: []*openapitest.Validator{openapitest.Load2026(t)}}}}
}

// unvalidated drops the spec checks for bulk traffic: validating 500-record
// pages against the 3.5 MB document costs far more than serving them.
func (a *api) unvalidated() *api {
	a.hc = a.srv.Client()
	return a
}

func seeded(t testing.TB, opts ...sandbox.Option) *api {
	return newAPI(t, append([]sandbox.Option{seedFS(), noLimits()}, opts...)...)
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) data() map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

func (r resp) list() []any {
	d, _ := r.body["data"].([]any)
	return d
}

func (a *api) do(method, path string, body any) resp {
	a.t.Helper()
	r := a.doRaw(method, path, body)
	_ = json.Unmarshal(r.raw, &r.body)
	return r
}

// doRaw sends a request and returns the undecoded answer.
func (a *api) doRaw(method, path string, body any) resp {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			buf, err := json.Marshal(b)
			if err != nil {
				a.t.Fatal(err)
			}
			rd = bytes.NewReader(buf)
		}
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = a.base + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.key != "" {
		req.Header.Set("Authorization", "Bearer "+a.key)
	}
	if a.conn != "" {
		req.Header.Set("Maton-Connection", a.conn)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, raw: raw}
}

func (a *api) must(method, path string, body any, want int) resp {
	a.t.Helper()
	r := a.do(method, path, body)
	if r.status != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.raw)
	}
	return r
}

// errCode asserts an Attio error body.
func errCode(t testing.TB, r resp, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if got := r.body["code"]; got != code {
		t.Fatalf("code %v, want %s: %s", got, code, r.raw)
	}
	if sc, _ := r.body["status_code"].(float64); int(sc) != status {
		t.Fatalf("status_code %v, want %d", r.body["status_code"], status)
	}
	if r.body["type"] == nil || r.body["message"] == nil {
		t.Fatalf("missing type/message: %s", r.raw)
	}
}

// values returns record.values[attr] (or entry_values).
func vals(rec map[string]any, attr string) []any {
	v, _ := rec["values"].(map[string]any)
	if v == nil {
		v, _ = rec["entry_values"].(map[string]any)
	}
	out, _ := v[attr].([]any)
	return out
}

func ids(list []any) []string {
	var out []string
	for _, x := range list {
		m := x.(map[string]any)
		id := m["id"].(map[string]any)
		for _, k := range []string{"record_id", "entry_id"} {
			if s, ok := id[k].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

type pageRec struct {
	ID struct {
		RecordID string `json:"record_id"`
	} `json:"id"`
	CreatedAt string `json:"created_at"`
}

// page runs a records query and decodes only ids and created_at (bulk
// tests: building maps for every value would dominate their run time).
func (a *api) page(object string, body map[string]any) []pageRec {
	a.t.Helper()
	r := a.doRaw("POST", "/objects/"+object+"/records/query", body)
	if r.status != 200 {
		a.t.Fatalf("query: %d %.300s", r.status, r.raw)
	}
	return scanPage(r.raw)
}

// scanPage extracts each record's id and created_at from a query page by
// byte search: `"record_id":"<id>"},"created_at":"<ts>"` closes every
// record's id object. (bytes.Index is assembly, so this stays fast under
// the race detector, unlike a full JSON decode of megabytes of values.)
func scanPage(raw []byte) []pageRec {
	marker := []byte(`"},"created_at":"`)
	var out []pageRec
	for i := 0; ; {
		j := bytes.Index(raw[i:], marker)
		if j < 0 {
			return out
		}
		j += i
		var p pageRec
		if j >= 36 {
			p.ID.RecordID = string(raw[j-36 : j])
		}
		k := j + len(marker)
		end := bytes.IndexByte(raw[k:], '"')
		p.CreatedAt = string(raw[k : k+end])
		out = append(out, p)
		i = k + end
	}
}
