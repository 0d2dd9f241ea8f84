package attio

import (
	"bytes"
	"encoding/json"
)

// attioErrorBody is Attio's error body: {status_code, type, code, message,
// validation_errors?}.
type attioErrorBody struct {
	hasStatus        bool
	Type             string
	Code             string
	Message          string
	ValidationErrors []ValidationError
}

func (ab *attioErrorBody) isAttio() bool {
	return (ab.hasStatus || ab.Type != "") && ab.Code != ""
}

// decodeAttioError reads as much of an Attio error body as it can. It walks
// the top-level object token by token, so a field of an unexpected type, an
// odd validation entry or a body cut off at maxErrorBody loses only what it
// touches: the fields read before it still say that Attio answered, and the
// error keeps its class (a truncated Attio 400 through Maton must not turn
// into Maton's "no connection").
func decodeAttioError(body []byte) attioErrorBody {
	var ab attioErrorBody
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ab
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ab
		}
		key, _ := t.(string)
		if key == "validation_errors" {
			if !decodeValidationErrors(dec, &ab.ValidationErrors) {
				return ab
			}
			continue
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return ab
		}
		switch key {
		case "status_code", "statusCode":
			ab.hasStatus = jsonScalar(raw) != ""
		case "type":
			ab.Type = jsonScalar(raw)
		case "code":
			ab.Code = jsonScalar(raw)
		case "message":
			ab.Message = jsonScalar(raw)
		}
	}
	return ab
}

// decodeValidationErrors reads the validation_errors array entry by entry,
// keeping every complete entry; it reports whether the decoder can go on.
func decodeValidationErrors(dec *json.Decoder, out *[]ValidationError) bool {
	t, err := dec.Token()
	if err != nil {
		return false
	}
	if t != json.Delim('[') {
		if d, ok := t.(json.Delim); ok && d == '{' {
			return skipRest(dec, 1)
		}
		return true // null or a scalar: no entries
	}
	for dec.More() {
		var raw struct {
			Code    json.RawMessage `json:"code"`
			Path    json.RawMessage `json:"path"`
			Message json.RawMessage `json:"message"`
		}
		if err := dec.Decode(&raw); err != nil {
			if _, ok := err.(*json.UnmarshalTypeError); ok {
				continue // not an object: skipped, the decoder is past it
			}
			return false
		}
		var path Path
		if json.Unmarshal(raw.Path, &path) != nil {
			path = nil // a path that is not an array: the entry keeps its message
		}
		*out = append(*out, ValidationError{Code: jsonScalar(raw.Code), Path: path, Message: jsonScalar(raw.Message)})
	}
	_, err = dec.Token() // ']'
	return err == nil
}

// skipRest consumes tokens until depth open delimiters are closed.
func skipRest(dec *json.Decoder, depth int) bool {
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
	}
	return true
}
