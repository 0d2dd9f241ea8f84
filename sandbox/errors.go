package sandbox

import (
	"fmt"
	"net/http"
)

// ValidationError is one entry of an Attio 400 body's validation_errors.
type ValidationError struct {
	Code     string `json:"code"`
	Path     []any  `json:"path"`
	Message  string `json:"message"`
	Expected string `json:"expected,omitempty"`
	Received string `json:"received,omitempty"`
}

// apiError is an Attio error answer; handlers return it and the router renders
// Attio's body {status_code,type,code,message[,validation_errors]}.
type apiError struct {
	status int
	typ    string
	code   string
	msg    string
	verrs  []ValidationError
	scim   bool // code is a SCIM scimType (SCIM routes answer scimBody)
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func errorf(status int, code, format string, args ...any) *apiError {
	typ := "invalid_request_error"
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		typ = "auth_error"
	case http.StatusTooManyRequests:
		typ = "rate_limit_error"
	case http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusBadGateway:
		typ = "api_error"
	}
	return &apiError{status: status, typ: typ, code: code, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, "not_found", format, args...)
}

func validation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "validation_type", format, args...)
}

func (e *apiError) with(path []any, code, msg string) *apiError {
	e.verrs = append(e.verrs, ValidationError{Code: code, Path: path, Message: msg})
	return e
}

// bodyError answers a payload that does not match the endpoint's schema, the
// way Attio reports it (one validation_errors entry per problem).
func bodyError(path []any, msg string) *apiError {
	return validation("Body payload validation error.").with(path, "invalid_type", msg)
}

func filterError(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "filter_error", format, args...)
}

func valueNotFound(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "value_not_found", format, args...)
}

func (e *apiError) body() []byte {
	w := &jw{}
	w.objOpen()
	w.key("status_code")
	w.int(int64(e.status))
	w.kv("type", e.typ)
	w.kv("code", e.code)
	w.kv("message", e.msg)
	if len(e.verrs) > 0 {
		w.key("validation_errors")
		w.arrOpen()
		for _, v := range e.verrs {
			w.objOpen()
			w.kv("code", v.Code)
			w.key("path")
			w.arrOpen()
			for _, p := range v.Path {
				switch p := p.(type) {
				case int:
					w.int(int64(p))
				default:
					w.str(fmt.Sprint(p))
				}
			}
			w.arrClose()
			w.kv("message", v.Message)
			if v.Expected != "" {
				w.kv("expected", v.Expected)
			}
			if v.Received != "" {
				w.kv("received", v.Received)
			}
			w.objClose()
		}
		w.arrClose()
	}
	w.objClose()
	return w.b
}

// AttioErrorBody renders an Attio error body, for FailNext hooks that need a
// hand-made answer.
func AttioErrorBody(status int, code, message string, verrs ...ValidationError) []byte {
	e := errorf(status, code, "%s", message)
	e.verrs = verrs
	return e.body()
}

// MatonErrorBody renders the gateway's own error body (distinct from Attio's).
func MatonErrorBody(code, message string) []byte {
	w := &jw{}
	w.objOpen()
	w.key("error")
	w.objOpen()
	w.kv("code", code)
	w.kv("message", message)
	w.objClose()
	w.objClose()
	return w.b
}
