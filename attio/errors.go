package attio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Source tells which party produced an error.
type Source int

const (
	// SourceAttio: Attio answered (its error body passes through Maton unchanged).
	SourceAttio Source = iota + 1
	// SourceMaton: the Maton gateway answered on its own (no connection,
	// bad API key, its 10 req/s cap, expired OAuth authorisation, ...).
	SourceMaton
	// SourceTransport: no HTTP answer (dial, TLS, reset, timeout, bad body).
	SourceTransport
)

func (s Source) String() string {
	switch s {
	case SourceAttio:
		return "attio"
	case SourceMaton:
		return "maton"
	case SourceTransport:
		return "transport"
	}
	return "unknown"
}

// ValidationError is one entry of a 400's validation_errors.
type ValidationError struct {
	Code    string `json:"code"`
	Path    Path   `json:"path"`
	Message string `json:"message"`
}

// Error is the only error type calls return (besides ctx errors, which come
// wrapped in an *Error with Source SourceTransport and unwrap to
// context.Canceled / context.DeadlineExceeded).
//
// Error() never contains the API key or raw response bodies.
type Error struct {
	Endpoint    string // template, e.g. "GET /v2/objects/{object}/records/{record_id}"
	StatusCode  int    // 0 for transport errors
	Source      Source
	Type        string // Attio's "type", e.g. "invalid_request_error"
	Code        string // Attio's or Maton's "code", e.g. "not_found"
	Message     string // Attio's or Maton's message, secrets redacted
	Validation  []ValidationError
	ExecutionID string        // X-Attio-Execution-Id
	RetryAfter  time.Duration // parsed Retry-After capped at Config.MaxRetryAfter (0 when absent); for ErrPaused, the pause left
	Attempts    int           // attempts made, including the failing one
	Err         error         // underlying transport / decoding / ctx error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("attio: ")
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		b.WriteByte(' ')
	}
	if e.Source != SourceAttio {
		b.WriteString(e.Source.String())
		b.WriteByte(' ')
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(http.StatusText(e.StatusCode))
	}
	for _, v := range e.Validation {
		fmt.Fprintf(&b, "; %s at %s: %s", v.Code, v.Path, v.Message)
	}
	if e.ExecutionID != "" {
		b.WriteString(" (execution ")
		b.WriteString(e.ExecutionID)
		b.WriteByte(')')
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func statusIs(err error, code int) bool {
	e := asError(err)
	return e != nil && e.StatusCode == code
}

// IsNotFound reports a 404 (unknown object, record, endpoint, ...).
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsConflict reports a 409 (slug or unique value already taken).
func IsConflict(err error) bool { return statusIs(err, http.StatusConflict) }

// IsRateLimited reports a 429 from Attio or Maton that survived retries.
func IsRateLimited(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsValidation reports a 400 from Attio (bad filter, bad value, ...).
func IsValidation(err error) bool {
	e := asError(err)
	return e != nil && e.StatusCode == http.StatusBadRequest && e.Source == SourceAttio
}

// IsUnauthorized reports a rejected credential: Maton's 401 for a bad API
// key, Attio's 401/403, or Maton's 500 for an expired OAuth authorisation
// (the user must re-authorise the connection).
func IsUnauthorized(err error) bool {
	e := asError(err)
	if e == nil {
		return false
	}
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden ||
		(e.Source == SourceMaton && e.StatusCode == http.StatusInternalServerError)
}

// IsNoConnection reports Maton's 400: no (active) connection for the app, or
// the connection chosen with WithConnection is unknown.
func IsNoConnection(err error) bool {
	e := asError(err)
	return e != nil && e.Source == SourceMaton && e.StatusCode == http.StatusBadRequest
}

// IsTransport reports that no HTTP answer was received.
func IsTransport(err error) bool {
	e := asError(err)
	return e != nil && e.Source == SourceTransport
}

const maxErrorBody = 64 << 10

// decodeErrorResponse builds an *Error from a non-2xx answer. Attio's body has
// top-level status_code/type/code; anything else through the gateway is
// Maton's own answer.
func (c *Client) decodeErrorResponse(ep *endpoint, resp *http.Response) *Error {
	e := &Error{
		Endpoint:    ep.name,
		StatusCode:  resp.StatusCode,
		ExecutionID: resp.Header.Get("X-Attio-Execution-Id"),
		RetryAfter:  min(parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), c.maxRetryAft),
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	ab := decodeAttioError(body)
	isAttio := ab.isAttio()
	if typ, code, msg, ok := decodeSCIMError(resp.StatusCode, body); ok && ep.scim {
		isAttio = true
		ab.Type, ab.Code, ab.Message = typ, code, msg
	}
	switch {
	case isAttio:
		e.Source = SourceAttio
		e.Type, e.Code, e.Message, e.Validation = ab.Type, ab.Code, ab.Message, ab.ValidationErrors
	case ep.control || (!c.direct && e.ExecutionID == ""):
		e.Source = SourceMaton
		e.Code, e.Message = parseMatonError(body)
	default:
		e.Source = SourceAttio
	}
	if e.Message == "" && !isAttio && len(body) > 0 && !bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
		// Raw text is shown only when short and single-line; it is redacted below.
		if s := strings.TrimSpace(string(body)); len(s) <= 200 && !strings.ContainsAny(s, "\n{") {
			e.Message = s
		}
	}
	e.Message = c.redact(e.Message)
	for i := range e.Validation {
		e.Validation[i].Message = c.redact(e.Validation[i].Message)
	}
	return e
}

// parseMatonError reads Maton's body shapes: {"error":{"code","message"}},
// {"error":"..."} or {"code","message"}.
func parseMatonError(body []byte) (code, message string) {
	var m struct {
		Error   json.RawMessage `json:"error"`
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &m) != nil {
		return "", ""
	}
	code, message = jsonScalar(m.Code), m.Message
	if isJSONObject(m.Error) {
		var inner struct {
			Code    json.RawMessage `json:"code"`
			Type    string          `json:"type"`
			Message string          `json:"message"`
		}
		if json.Unmarshal(m.Error, &inner) == nil {
			if c := jsonScalar(inner.Code); c != "" {
				code = c
			} else if inner.Type != "" {
				code = inner.Type
			}
			if inner.Message != "" {
				message = inner.Message
			}
		}
	} else if s := jsonScalar(m.Error); s != "" && message == "" {
		message = s
	}
	return code, message
}

func jsonScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func (c *Client) redact(s string) string { return c.redactor.Redact(s) }

// parseRetryAfter accepts both forms of Retry-After: delta-seconds and an
// HTTP date (Attio sends the date form).
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
