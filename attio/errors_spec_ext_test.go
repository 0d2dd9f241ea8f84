package attio_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// documentedError is one error shape Attio documents: a status with its type,
// code and example message.
type documentedError struct {
	source  string
	status  int
	typ     string
	code    string
	message string
	verrs   string // raw validation_errors JSON, or ""
}

func (d documentedError) body() string {
	m := fmt.Sprintf(`{"status_code":%d,"type":%q,"code":%q,"message":%q`, d.status, d.typ, d.code, d.message)
	if d.verrs != "" {
		m += `,"validation_errors":` + d.verrs
	}
	return m + "}"
}

// documentedErrors collects every (status, code) error response of
// openapi.json with its example message, plus the error bodies under
// testdata/attio/examples (docs and live captures: the 429, the unknown
// endpoint 404) and a validation_type 400 with Attio's mixed path.
func documentedErrors(t *testing.T) []documentedError {
	t.Helper()
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]struct {
							Enum    []any `json:"enum"`
							Example any   `json:"example"`
						} `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []documentedError
	for path, item := range doc.Paths {
		for method, op := range item {
			for st, r := range op.Responses {
				if st[0] == '2' {
					continue
				}
				p := r.Content["application/json"].Schema.Properties
				if len(p["type"].Enum) != 1 || len(p["code"].Enum) != 1 {
					t.Fatalf("%s %s %s: error schema without one type/code", method, path, st)
				}
				d := documentedError{source: method + " " + path, typ: fmt.Sprint(p["type"].Enum[0]), code: fmt.Sprint(p["code"].Enum[0])}
				fmt.Sscan(st, &d.status)
				d.message, _ = p["message"].Example.(string)
				if k := st + d.code; !seen[k] {
					seen[k] = true
					out = append(out, d)
				}
			}
		}
	}
	for _, f := range []string{"error-429-rate-limit.docs.json", "error-404-unknown-endpoint.real.json", "error-400-filter.spec-example.json"} {
		b, err := os.ReadFile("../testdata/attio/examples/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			StatusCode int    `json:"status_code"`
			Type       string `json:"type"`
			Code       string `json:"code"`
			Message    string `json:"message"`
		}
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, documentedError{source: f, status: e.StatusCode, typ: e.Type, code: e.Code, message: e.Message})
	}
	out = append(out, documentedError{source: "validation_errors with an index", status: 400, typ: "invalid_request_error",
		code: "validation_type", message: "Body payload validation error.",
		verrs: `[{"code":"invalid_type","path":["data","subscriptions",0,"filter"],"message":"Invalid filter"}]`})
	slices.SortFunc(out, func(a, b documentedError) int {
		return strings.Compare(fmt.Sprint(a.status, a.code, a.source), fmt.Sprint(b.status, b.code, b.source))
	})
	return out
}

// TestDocumentedErrorsKeepTheirClass sends every documented Attio error shape
// three ways (through Maton with and without X-Attio-Execution-Id, and
// directly): each stays Attio's, with its type, code, message and
// validation list, and never reads as Maton's "no connection".
func TestDocumentedErrorsKeepTheirClass(t *testing.T) {
	t.Parallel()
	shapes := documentedErrors(t)
	codes := map[int]bool{}
	for _, d := range shapes {
		codes[d.status] = true
	}
	for _, st := range []int{400, 403, 404, 409, 429} {
		if !codes[st] {
			t.Errorf("no documented shape for status %d", st)
		}
	}
	for _, d := range shapes {
		for _, via := range []string{"maton+exec", "maton", "direct"} {
			t.Run(fmt.Sprintf("%d %s %s via %s", d.status, d.code, d.source, via), func(t *testing.T) {
				t.Parallel()
				s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) {
					if via == "maton+exec" {
						writeJSON(w, d.status, d.body())
					} else {
						writeMaton(w, d.status, d.body())
					}
				})
				c := s.client(t, func(c *attio.Config) {
					c.MaxAttempts = 1
					if via == "direct" {
						c.Direct, c.BaseURL = true, s.URL+"/v2"
					}
				})
				_, err := c.GetRecord(t.Context(), "people", "r")
				var e *attio.Error
				if !errors.As(err, &e) {
					t.Fatalf("want *attio.Error, got %v", err)
				}
				if e.Source != attio.SourceAttio || e.StatusCode != d.status || e.Type != d.typ || e.Code != d.code || e.Message != d.message {
					t.Fatalf("got %#v", e)
				}
				if attio.IsNoConnection(err) {
					t.Fatal("an Attio error reads as Maton's no connection")
				}
				checks := map[string]bool{
					"IsValidation":   attio.IsValidation(err) == (d.status == 400),
					"IsNotFound":     attio.IsNotFound(err) == (d.status == 404),
					"IsConflict":     attio.IsConflict(err) == (d.status == 409),
					"IsRateLimited":  attio.IsRateLimited(err) == (d.status == 429),
					"IsUnauthorized": attio.IsUnauthorized(err) == (d.status == 401 || d.status == 403),
				}
				for name, ok := range checks {
					if !ok {
						t.Errorf("%s wrong for %v", name, err)
					}
				}
				if d.verrs != "" {
					want := []attio.ValidationError{{Code: "invalid_type", Message: "Invalid filter",
						Path: attio.Path{attio.PathField("data"), attio.PathField("subscriptions"), attio.PathIndex(0), attio.PathField("filter")}}}
					if !reflect.DeepEqual(e.Validation, want) {
						t.Fatalf("validation %#v", e.Validation)
					}
					if got := e.Validation[0].Path.String(); got != "data.subscriptions[0].filter" {
						t.Fatalf("path renders as %q", got)
					}
				}
			})
		}
	}
}

// An Attio body that is odd or cut short keeps the class and every complete
// field read before the damage.
func TestDamagedAttioErrorBodiesKeepTheirClass(t *testing.T) {
	t.Parallel()
	head := `{"status_code":400,"type":"invalid_request_error","code":"validation_type","message":"Bad","validation_errors":[`
	entry := `{"code":"invalid_type","path":["data","values",2],"message":"Expected array"}`
	cases := []struct {
		name  string
		body  string
		paths []string
	}{
		{"odd path elements", head + `{"code":"x","path":["a",1.5,{"k":1},true,-1],"message":"m"}]}`, []string{"a.1.5.{\"k\":1}.true[-1]"}},
		{"path not an array", head + `{"code":"x","path":"data.values","message":"m"}]}`, []string{""}},
		{"entry not an object", head + `"oops",` + entry + `]}`, []string{"data.values[2]"}},
		{"validation_errors an object", `{"status_code":400,"type":"invalid_request_error","validation_errors":{"a":[1]},"code":"validation_type","message":"Bad"}`, nil},
		{"cut inside validation_errors", head + entry + `,{"code":"invalid_ty`, []string{"data.values[2]"}},
		{"cut inside the second entry's path", head + entry + "," + entry[:40], []string{"data.values[2]"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { writeMaton(w, 400, tc.body) })
			_, err := s.client(t, func(c *attio.Config) { c.MaxAttempts = 1 }).GetRecord(t.Context(), "people", "r")
			var e *attio.Error
			if !errors.As(err, &e) || e.Source != attio.SourceAttio || e.Code != "validation_type" || e.Message != "Bad" {
				t.Fatalf("got %#v", err)
			}
			if attio.IsNoConnection(err) || !attio.IsValidation(err) {
				t.Fatalf("class changed: %v", err)
			}
			var paths []string
			for _, v := range e.Validation {
				paths = append(paths, v.Path.String())
			}
			if !slices.Equal(paths, tc.paths) {
				t.Fatalf("paths %q, want %q", paths, tc.paths)
			}
		})
	}
}
