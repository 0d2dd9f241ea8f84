package attio_test

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	const key = "secret-maton-key"
	cases := []struct {
		name   string
		direct bool
		answer func(w http.ResponseWriter)
		want   attio.Error
		is     func(error) bool
	}{
		{"attio 404", false, func(w http.ResponseWriter) {
			writeJSON(w, 404, `{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"Record with ID \"x\" not found."}`)
		}, attio.Error{StatusCode: 404, Source: attio.SourceAttio, Type: "invalid_request_error", Code: "not_found",
			Message: `Record with ID "x" not found.`, ExecutionID: "exec-42"}, attio.IsNotFound},
		{"attio 400 validation", false, func(w http.ResponseWriter) {
			writeJSON(w, 400, `{"status_code":400,"type":"invalid_request_error","code":"validation_type","message":"Bad value","validation_errors":[{"code":"invalid_type","path":["data","values","name"],"message":"Expected array"}]}`)
		}, attio.Error{StatusCode: 400, Source: attio.SourceAttio, Type: "invalid_request_error", Code: "validation_type",
			Message: "Bad value", ExecutionID: "exec-42",
			Validation: []attio.ValidationError{{Code: "invalid_type", Path: attio.Path{attio.PathField("data"), attio.PathField("values"), attio.PathField("name")}, Message: "Expected array"}}}, attio.IsValidation},
		{"attio 409", false, func(w http.ResponseWriter) {
			writeJSON(w, 409, `{"status_code":409,"type":"invalid_request_error","code":"slug_conflict","message":"taken"}`)
		}, attio.Error{StatusCode: 409, Source: attio.SourceAttio, Type: "invalid_request_error", Code: "slug_conflict",
			Message: "taken", ExecutionID: "exec-42"}, attio.IsConflict},
		{"maton 400 no connection", false, func(w http.ResponseWriter) {
			writeMaton(w, 400, `{"error":{"code":"NO_CONNECTION","message":"No active connection for app attio"}}`)
		}, attio.Error{StatusCode: 400, Source: attio.SourceMaton, Code: "NO_CONNECTION", Message: "No active connection for app attio"}, attio.IsNoConnection},
		{"maton 401 echoing the key", false, func(w http.ResponseWriter) {
			writeMaton(w, 401, `{"error":{"code":"UNAUTHORIZED","message":"invalid key `+key+`"}}`)
		}, attio.Error{StatusCode: 401, Source: attio.SourceMaton, Code: "UNAUTHORIZED", Message: "invalid key [REDACTED]"}, attio.IsUnauthorized},
		{"maton 500 expired", false, func(w http.ResponseWriter) {
			writeMaton(w, 500, `{"error":"authorization expired"}`)
		}, attio.Error{StatusCode: 500, Source: attio.SourceMaton, Message: "authorization expired"}, attio.IsUnauthorized},
		{"maton 429", false, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "2")
			writeMaton(w, 429, `{"error":{"code":"RATE_LIMIT","message":"10 requests per second"}}`)
		}, attio.Error{StatusCode: 429, Source: attio.SourceMaton, Code: "RATE_LIMIT", Message: "10 requests per second", RetryAfter: 2 * time.Second}, attio.IsRateLimited},
		{"direct non-JSON 502", true, func(w http.ResponseWriter) {
			w.WriteHeader(502)
			w.Write([]byte("<html>bad gateway " + key + "</html>"))
		}, attio.Error{StatusCode: 502, Source: attio.SourceAttio}, func(err error) bool { return !attio.IsTransport(err) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { tc.answer(w) })
			c := s.client(t, func(c *attio.Config) {
				c.MaxAttempts = 1
				c.Direct = tc.direct
				if tc.direct {
					c.BaseURL = s.URL + "/v2"
				}
			})
			_, err := c.GetRecord(t.Context(), "people", "r")
			var e *attio.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *attio.Error, got %T %v", err, err)
			}
			tc.want.Endpoint = "GET /v2/objects/{object}/records/{record_id}"
			tc.want.Attempts = 1
			got := *e
			if tc.want.RetryAfter == 0 {
				got.RetryAfter = 0
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
			if !tc.is(err) {
				t.Errorf("predicate false for %v", err)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("Error() leaks the API key: %s", err)
			}
			if !strings.Contains(err.Error(), "GET /v2/objects/{object}/records/{record_id}") {
				t.Errorf("Error() lacks the endpoint: %s", err)
			}
		})
	}
}

func TestTransportErrorIsTyped(t *testing.T) {
	t.Parallel()
	s := newStub(t, func(n int, w http.ResponseWriter, r *http.Request) { hangUp(w) })
	_, err := s.client(t, func(c *attio.Config) { c.MaxAttempts = 2 }).ListObjects(t.Context())
	var e *attio.Error
	if !errors.As(err, &e) || e.Source != attio.SourceTransport || e.Err == nil || e.Attempts != 2 {
		t.Fatalf("got %#v", err)
	}
}
