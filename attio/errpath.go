package attio

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// PathElem is one step of a validation error's path. Attio mixes field names
// and array indexes in one array (["data", "subscriptions", 0, "filter"]).
type PathElem struct {
	Key     string // the field name, when IsIndex is false
	Index   int    // the array index, when IsIndex is true
	IsIndex bool
}

// PathField returns a field-name step.
func PathField(name string) PathElem { return PathElem{Key: name} }

// PathIndex returns an array-index step.
func PathIndex(i int) PathElem { return PathElem{Index: i, IsIndex: true} }

// UnmarshalJSON accepts a string (field) or an integer (index). It never
// fails on valid JSON: any other value is kept as its JSON text, so one odd
// path element cannot make the whole error body undecodable.
func (p *PathElem) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*p = PathElem{}
	if len(b) > 0 && b[0] == '"' {
		if json.Unmarshal(b, &p.Key) == nil {
			return nil
		}
	}
	if i, err := strconv.Atoi(string(b)); err == nil {
		*p = PathIndex(i)
		return nil
	}
	p.Key = string(b)
	return nil
}

// MarshalJSON writes the element back in Attio's form.
func (p PathElem) MarshalJSON() ([]byte, error) {
	if p.IsIndex {
		return strconv.AppendInt(nil, int64(p.Index), 10), nil
	}
	return json.Marshal(p.Key)
}

// Path is a validation error's location in the request.
type Path []PathElem

// String renders the path as data.subscriptions[0].filter.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if e.IsIndex {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.Key)
	}
	return b.String()
}
