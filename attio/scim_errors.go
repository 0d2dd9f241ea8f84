package attio

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// SCIM's own error shape (RFC 7644 §3.12), which Attio's /scim/v2 endpoints answer instead of
// Attio's {status_code, type, code, message}:
//
//	{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "409", "scimType": "uniqueness", "detail": "..."}
//
// decodeSCIMError turns it into the fields of the same *Error every other endpoint returns: the
// code is scimType (uniqueness, invalidFilter, invalidValue, ...) or, when SCIM gives none, the
// code Attio uses for that status; the type is Attio's type for the status.

const scimErrorURN = "urn:ietf:params:scim:api:messages:2.0:Error"

// scimContentType is what SCIM requests carry and what its answers are accepted as.
const scimContentType = "application/scim+json"

type scimErrorBody struct {
	Schemas  []string        `json:"schemas"`
	Status   json.RawMessage `json:"status"` // a string in RFC 7644, a number from some servers
	ScimType string          `json:"scimType"`
	Detail   string          `json:"detail"`
}

// scimStatusCodes are the codes Attio's other endpoints use per status, for SCIM errors without
// a scimType.
var scimStatusCodes = map[int]string{
	http.StatusBadRequest:          "validation_type",
	http.StatusUnauthorized:        "invalid_token",
	http.StatusForbidden:           "forbidden",
	http.StatusNotFound:            "not_found",
	http.StatusConflict:            "uniqueness_conflict",
	http.StatusTooManyRequests:     "rate_limit_exceeded",
	http.StatusInternalServerError: "internal_server_error",
}

func attioErrorType(status int) string {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "auth_error"
	case status == http.StatusTooManyRequests:
		return "rate_limit_error"
	case status >= 500:
		return "api_error"
	}
	return "invalid_request_error"
}

// decodeSCIMError reads a SCIM error body; ok is false when body is not one.
func decodeSCIMError(status int, body []byte) (typ, code, message string, ok bool) {
	var se scimErrorBody
	if json.Unmarshal(body, &se) != nil || !slices.Contains(se.Schemas, scimErrorURN) {
		return "", "", "", false
	}
	code = se.ScimType
	if code == "" {
		code = scimStatusCodes[status]
	}
	return attioErrorType(status), code, strings.TrimSpace(se.Detail), true
}
