// Package openapitest is test support: it validates HTTP requests and
// responses against Attio's OpenAPI document (testdata/attio/openapi.json)
// with kin-openapi, after patching the document's known errors in memory.
// It is meant for tests of the sandbox and of the client; production code
// must not import it.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// KnownSpecErrors lists, in one place, every patch Patch applies to the
// published document and why, so that real Attio traffic (and the sandbox's)
// validates. Each entry is "what is patched -> how: why".
var KnownSpecErrors = []string{
	// The document says OpenAPI 3.1 but uses the 3.0 keyword (e.g. created_by_actor.id/type);
	// 3.1 ignores it, so real nulls would fail.
	"nullable: true (OpenAPI 3.0 keyword) -> type [X, \"null\"]: 3.1 validators ignore nullable",
	// A list's workspace_access, an attribute's config.currency codes, location country_code...
	"type [X, \"null\"] with an enum lacking null -> null added to the enum: live responses hold null there",
	// The values are nanosecond timestamps ("2023-01-01T15:00:00.000000000Z"); the format is
	// corrected, not dropped, so timestamps stay checked.
	"format: date on timestamp values -> format: date-time: the examples and live values are timestamps",
	// Each operation documents one example code per error status (only value_not_found for a
	// 400 on record create) while Attio answers others too.
	"error bodies: `code` enum of one example per status -> every code Attio sends for that status (ErrorCodes)",
	// The create-comment 400 body is the only one spelled this way.
	"POST /v2/comments 400: statusCode -> status_code: Attio's error bodies use status_code everywhere",
	// Live notes (note-create.real.json, notes-list.docs.json) have no meeting_id key.
	"note: meeting_id required -> optional: notes written before meetings existed, and live captures, omit it",
	// Update request bodies mark values required; the sandbox requires them too, so left as is.
	"record values marked required in update request bodies (not patched)",
	// DELETE call recording (2026-03) answers 204, which carries no body (RFC 9110 15.3.5).
	"204 responses declaring a JSON body -> content removed: a 204 has no body",
	// The router must match requests to any host (sandbox, Maton's /attio prefix stripped).
	"servers -> removed: match any host",
}

// ErrorCodes are the error codes Attio sends per status: the spec's examples
// joined with what Attio answers besides (validation_type on any bad body,
// uniqueness_conflict, the rate limit documented in the rate-limiting guide,
// the auth errors of a bad or under-scoped token).
var ErrorCodes = map[int][]string{
	400: {"filter_error", "immutable_value", "missing_value", "multiple_match_results", "system_edit_unauthorized",
		"validation_type", "value_not_found", "uniqueness_conflict", "unknown_filter_attribute_slug"},
	401: {"invalid_token", "unauthorized"},
	403: {"billing_error", "missing_scopes", "forbidden"},
	404: {"not_found"},
	409: {"slug_conflict", "uniqueness_conflict"},
	429: {"rate_limit_exceeded"},
	500: {"internal_server_error", "internal_error"},
	503: {"service_unavailable"},
}

// errorTypes is Attio's error `type` per status class.
func errorType(status int) string {
	switch {
	case status == 401 || status == 403:
		return "auth_error"
	case status == 429:
		return "rate_limit_error"
	case status >= 500:
		return "api_error"
	}
	return "invalid_request_error"
}

// Validator validates exchanges against the patched document.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	once   sync.Once
	shared *Validator
	errLd  error
)

// Load returns the shared validator, failing the test if the document cannot
// be found or loaded. The document is searched as testdata/attio/openapi.json
// in the working directory and its parents, or at $ATTIO_OPENAPI.
func Load(t testing.TB) *Validator {
	t.Helper()
	once.Do(func() {
		path, err := SpecPath()
		if err != nil {
			errLd = err
			return
		}
		shared, errLd = LoadFile(path)
	})
	if errLd != nil {
		t.Fatalf("openapitest: %v", errLd)
	}
	return shared
}

// SpecPath locates openapi.json.
func SpecPath() (string, error) {
	if p := os.Getenv("ATTIO_OPENAPI"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "testdata", "attio", "openapi.json")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testdata/attio/openapi.json not found (set ATTIO_OPENAPI)")
		}
		dir = parent
	}
}

// LoadFile loads and patches the document at path.
func LoadFile(path string) (*Validator, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return load(m)
}

// load patches a decoded document and builds its validator.
func load(m map[string]any) (*Validator, error) {
	Patch(m)
	patched, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(patched)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	return &Validator{doc: doc, router: router}, nil
}

// Patch applies the KnownSpecErrors work-arounds to a decoded document.
func Patch(doc map[string]any) {
	delete(doc, "servers")
	var walk func(x any, path []string)
	walk = func(x any, path []string) {
		switch v := x.(type) {
		case map[string]any:
			if n, ok := v["nullable"].(bool); ok {
				delete(v, "nullable")
				if n {
					addNullType(v)
				}
			}
			if ts, ok := v["type"].([]any); ok && containsStr(ts, "null") {
				if e, ok := v["enum"].([]any); ok && !containsNil(e) {
					v["enum"] = append(e, nil)
				}
			}
			if v["format"] == "date" && len(path) > 0 && path[len(path)-1] == "value" {
				v["format"] = "date-time"
			}
			if r204, ok := v["204"].(map[string]any); ok && len(path) > 0 && path[len(path)-1] == "responses" {
				delete(r204, "content")
			}
			if props, ok := v["properties"].(map[string]any); ok && props["meeting_id"] != nil && props["content_markdown"] != nil {
				if req, ok := v["required"].([]any); ok {
					v["required"] = slices.DeleteFunc(slices.Clone(req), func(r any) bool { return r == "meeting_id" })
				}
			}
			if props, ok := v["properties"].(map[string]any); ok {
				if _, hasSC := props["statusCode"]; hasSC {
					props["status_code"] = props["statusCode"]
					delete(props, "statusCode")
					if req, ok := v["required"].([]any); ok {
						for i, r := range req {
							if r == "statusCode" {
								req[i] = "status_code"
							}
						}
					}
				}
				if sc, hasSC := props["status_code"].(map[string]any); hasSC {
					if code, ok := props["code"].(map[string]any); ok {
						if st, ok := sc["enum"].([]any); ok && len(st) == 1 {
							if n, ok := st[0].(float64); ok {
								var codes []any
								for _, c := range ErrorCodes[int(n)] {
									codes = append(codes, c)
								}
								code["enum"] = codes
							}
						}
					}
				}
			}
			for k, c := range v {
				walk(c, append(path, k))
			}
		case []any:
			for _, c := range v {
				walk(c, path)
			}
		}
	}
	walk(doc, nil)
}

func addNullType(v map[string]any) {
	switch t := v["type"].(type) {
	case string:
		v["type"] = []any{t, "null"}
	case []any:
		if !containsStr(t, "null") {
			v["type"] = append(t, "null")
		}
	}
	if e, ok := v["enum"].([]any); ok && !containsNil(e) {
		v["enum"] = append(e, nil)
	}
}

func containsStr(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsNil(list []any) bool {
	for _, x := range list {
		if x == nil {
			return true
		}
	}
	return false
}

// formats are the string formats the document uses beyond kin-openapi's
// built-in date and date-time; without them uuid, email and uri went unchecked.
var formats = map[string]openapi3.StringFormatValidator{
	"uuid":      openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
	"email":     openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail),
	"uri":       openapi3.NewCallbackValidator(checkURI),
	"date":      openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringDate),
	"date-time": openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringDateTime),
}

func checkURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("not an absolute URI: %q", s)
	}
	return nil
}

func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020(),
			openapi3.WithStringFormatValidators(formats)},
	}
}

// attioPath strips a Maton prefix and any host so the router sees /v2/....
func attioPath(target string) string {
	if i := strings.Index(target, "://"); i >= 0 {
		target = target[i+3:]
		if j := strings.IndexByte(target, '/'); j >= 0 {
			target = target[j:]
		}
	}
	return strings.TrimPrefix(target, "/attio")
}

func (v *Validator) route(method, target string, body []byte, header http.Header) (*http.Request, *routers.Route, map[string]string, error) {
	req, err := http.NewRequest(method, "http://sandbox"+attioPath(target), bytes.NewReader(body))
	if err != nil {
		return nil, nil, nil, err
	}
	for k, vals := range header {
		req.Header[k] = vals
	}
	if len(body) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rt, params, err := v.router.FindRoute(req)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s %s: no operation in the spec: %w", method, target, err)
	}
	return req, rt, params, nil
}

// ValidateRequest checks a request (method, URL or path with query, JSON body).
func (v *Validator) ValidateRequest(method, target string, body []byte) error {
	return v.validateRequest(method, target, body, nil)
}

// validateRequest is ValidateRequest with the request's Content-Type (a multipart upload's).
func (v *Validator) validateRequest(method, target string, body []byte, header http.Header) error {
	req, rt, params, err := v.route(method, target, body, header)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt, Options: options()}
	return openapi3filter.ValidateRequest(context.Background(), in)
}

// ValidateResponse checks a response to method+target against the
// operation's declared responses (status must be declared).
func (v *Validator) ValidateResponse(method, target string, status int, header http.Header, body []byte) error {
	req, rt, params, err := v.route(method, target, nil, nil)
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt, Options: options()},
		Status:                 status,
		Header:                 header,
		Options:                options(),
	}
	in.SetBodyBytes(body)
	if status == http.StatusTooManyRequests {
		// Documented in the rate-limiting guide, not per operation: an HTTP-date Retry-After.
		if _, perr := http.ParseTime(header.Get("Retry-After")); perr != nil {
			return fmt.Errorf("429 without an HTTP-date Retry-After: %q", header.Get("Retry-After"))
		}
	}
	err = openapi3filter.ValidateResponse(context.Background(), in)
	if status >= 400 && strings.HasPrefix(rt.Path, "/scim/") {
		// SCIM answers errors in its own shape (RFC 7644 §3.12), not Attio's.
		return ValidateSCIMErrorBody(status, header, body)
	}
	if err != nil && status >= 400 && strings.Contains(err.Error(), "status is not supported") {
		// The spec declares few error statuses per operation; Attio answers
		// any 4xx/5xx with its common error body, so check that shape instead.
		return ValidateErrorBody(status, body)
	}
	if err == nil && status >= 400 {
		return ValidateErrorBody(status, body) // a declared status: the common checks apply too
	}
	return err
}

// ValidateSCIMErrorBody checks SCIM's error body (RFC 7644 §3.12), served as
// application/scim+json: {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status":
// "<status as a string>", "scimType"?: ..., "detail": ...}.
func ValidateSCIMErrorBody(status int, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		return fmt.Errorf("SCIM error served as %q, not application/scim+json", ct)
	}
	var e struct {
		Schemas  []string `json:"schemas"`
		Status   *string  `json:"status"`
		ScimType *string  `json:"scimType"`
		Detail   *string  `json:"detail"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("SCIM error body is not JSON: %w", err)
	}
	if !slices.Equal(e.Schemas, []string{"urn:ietf:params:scim:api:messages:2.0:Error"}) || e.Status == nil ||
		*e.Status != strconv.Itoa(status) || e.Detail == nil {
		return fmt.Errorf("SCIM error body lacks schemas/status=%q/detail: %s", strconv.Itoa(status), body)
	}
	if e.ScimType != nil && !slices.Contains([]string{"invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax",
		"invalidPath", "noTarget", "invalidValue", "invalidVers", "sensitive"}, *e.ScimType) {
		return fmt.Errorf("scimType %q is not one RFC 7644 defines", *e.ScimType)
	}
	return nil
}

// ValidateErrorBody checks Attio's common error body:
// {status_code, type, code, message[, validation_errors]}.
func ValidateErrorBody(status int, body []byte) error {
	var e struct {
		StatusCode *int    `json:"status_code"`
		Type       *string `json:"type"`
		Code       *string `json:"code"`
		Message    *string `json:"message"`
		Validation []struct {
			Code    *string `json:"code"`
			Path    []any   `json:"path"`
			Message *string `json:"message"`
		} `json:"validation_errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("error body is not JSON: %w", err)
	}
	if e.StatusCode == nil || *e.StatusCode != status || e.Type == nil || e.Code == nil || e.Message == nil {
		return fmt.Errorf("error body lacks status_code=%d/type/code/message: %s", status, body)
	}
	if *e.Type != errorType(status) {
		return fmt.Errorf("error type %q, Attio sends %q with %d", *e.Type, errorType(status), status)
	}
	// Statuses Attio does not document (a test's injected 418) keep only the shape check.
	if codes, known := ErrorCodes[status]; known && !slices.Contains(codes, *e.Code) {
		return fmt.Errorf("error code %q is not one Attio sends with %d %v", *e.Code, status, codes)
	}
	for _, v := range e.Validation {
		if v.Code == nil || v.Path == nil || v.Message == nil {
			return fmt.Errorf("validation_errors entry lacks code/path/message: %s", body)
		}
	}
	return nil
}

// Transport wraps an http.RoundTripper and validates every Attio exchange
// (requests to /v2 or /attio/v2) that passes through it, reporting failures
// on t. Control-plane and non-JSON traffic is passed through unchecked.
type Transport struct {
	T    testing.TB
	V    *Validator
	Base http.RoundTripper
	// Newer are further documents (Load2026) every exchange is checked against too, where they
	// have its operation; an exchange must match an operation of at least one document.
	Newer []*Validator
	// Seen, when set, is told the operation ("METHOD /path" as the document spells it) and status
	// of every exchange a document knows, once per document that knows it.
	Seen func(v *Validator, operation string, status int)
	// SkipRequests disables request checks, for tests that send the
	// shorthand forms Attio accepts beyond the spec (single values
	// instead of arrays, raw strings instead of value objects).
	SkipRequests bool
}

// RoundTrip implements http.RoundTripper.
func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := tr.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	p := attioPath(req.URL.Path)
	if !strings.HasPrefix(p, "/v2/") && !strings.HasPrefix(p, "/scim/") {
		return resp, nil
	}
	respBody, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if rerr != nil {
		return resp, nil
	}
	target := req.URL.RequestURI()
	known := 0
	for _, v := range append([]*Validator{tr.V}, tr.Newer...) {
		if v == nil {
			continue
		}
		_, rt, _, err := v.route(req.Method, target, nil, nil)
		if err != nil {
			continue // this document has no such operation
		}
		known++
		if tr.Seen != nil {
			tr.Seen(v, rt.Method+" "+rt.Path, resp.StatusCode)
		}
		tr.check(v, req.Method, target, reqBody, http.Header{"Content-Type": req.Header.Values("Content-Type")}, resp, respBody)
	}
	if known == 0 && resp.StatusCode != http.StatusNotFound {
		tr.T.Errorf("openapitest: %s %s answered %d, but no document has this operation", req.Method, target, resp.StatusCode)
	}
	return resp, nil
}

func (tr *Transport) check(v *Validator, method, target string, reqBody []byte, reqHeader http.Header, resp *http.Response, respBody []byte) {
	if resp.StatusCode < 300 && !tr.SkipRequests {
		if len(reqHeader["Content-Type"]) == 0 {
			reqHeader = nil
		}
		if err := v.validateRequest(method, target, reqBody, reqHeader); err != nil {
			tr.T.Errorf("openapitest: request %s %s: %v", method, target, err)
		}
	}
	// Maton's own answers (no X-Attio-Execution-Id) are not Attio operations' responses.
	if resp.Header.Get("X-Attio-Execution-Id") != "" {
		if err := v.ValidateResponse(method, target, resp.StatusCode, resp.Header, respBody); err != nil {
			tr.T.Errorf("openapitest: response %d to %s %s: %v", resp.StatusCode, method, target, err)
		}
	}
}
