package attio

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Extra keeps what a decoded object carried beyond the fields this package
// knows, so re-encoding an object never drops anything Attio sent (Attio adds
// fields without bumping the API version). It also remembers which known keys
// were absent, so an untouched object re-encodes to the same key set.
//
// The zero Extra is empty and ready to use.
type Extra struct {
	fields map[string]json.RawMessage
	absent []string
}

// Get returns the raw JSON of an unknown field.
func (e Extra) Get(key string) (json.RawMessage, bool) {
	v, ok := e.fields[key]
	return v, ok
}

// Keys lists the unknown fields, sorted.
func (e Extra) Keys() []string {
	keys := make([]string, 0, len(e.fields))
	for k := range e.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Set adds or replaces an unknown field. A key that the owning type knows is
// ignored on encoding (the typed field wins).
func (e *Extra) Set(key string, raw json.RawMessage) {
	if e.fields == nil {
		e.fields = make(map[string]json.RawMessage)
	}
	e.fields[key] = raw
}

// Len reports how many unknown fields are kept.
func (e Extra) Len() int { return len(e.fields) }

var knownKeysCache sync.Map // reflect.Type -> map[string]bool

func knownKeys(t reflect.Type) map[string]bool {
	if v, ok := knownKeysCache.Load(t); ok {
		return v.(map[string]bool)
	}
	keys := make(map[string]bool, t.NumField())
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	knownKeysCache.Store(t, keys)
	return keys
}

// unmarshalExtra decodes data into v (a pointer to an alias of the owning
// struct, so its UnmarshalJSON is not re-entered) and collects the unknown
// fields and absent known keys into e.
func unmarshalExtra(data []byte, v any, e *Extra) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	*e = Extra{}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	known := knownKeys(reflect.TypeOf(v).Elem())
	for k, raw := range m {
		if !known[k] {
			e.Set(k, raw)
		}
	}
	for k := range known {
		if _, ok := m[k]; !ok {
			e.absent = append(e.absent, k)
		}
	}
	return nil
}

// marshalExtra encodes v (an alias value of the owning struct) and merges e.
func marshalExtra(v any, e Extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || (len(e.fields) == 0 && len(e.absent) == 0) {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for _, k := range e.absent {
		// Only drop a key still holding its zero value: a caller who set it
		// after decoding wants it sent.
		if isZeroJSON(m[k]) {
			delete(m, k)
		}
	}
	for k, raw := range e.fields {
		if _, typed := m[k]; !typed {
			m[k] = raw
		}
	}
	return json.Marshal(m)
}

func isZeroJSON(raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false", "0", `""`, "[]", "{}":
		return true
	}
	return false
}

// decodeObject decodes a JSON object in one pass: field hands each key to the owning type, which
// decodes the ones it knows from dec and reports false for the others; those are kept in e, and
// the known keys (of type t) that did not appear are remembered as absent. Hot types (records,
// entries) use it instead of unmarshalExtra, which reads every byte twice.
func decodeObject(data []byte, t reflect.Type, e *Extra, field func(key string, dec *json.Decoder) (bool, error)) error {
	*e = Extra{}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null leaves the zero value, as encoding/json does
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &json.UnmarshalTypeError{Value: "non-object", Type: t}
	}
	known := knownKeys(t)
	seen := make(map[string]bool, len(known))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		seen[key] = true
		handled, err := field(key, dec)
		if err != nil {
			return err
		}
		if !handled {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			e.Set(key, raw)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return err
	}
	for k := range known {
		if !seen[k] {
			e.absent = append(e.absent, k)
		}
	}
	return nil
}
