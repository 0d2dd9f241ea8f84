package server

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// wireCase is how Attio (or Maton) spells the values of one enum.
type wireCase int

const (
	snakeCase wireCase = iota // "not_empty"
	kebabCase                 // "read-and-write"
	upperCase                 // "ACTIVE", as Maton spells connection states
)

// wireNames maps Attio's spelling of each value of the enum E to it: the proto value's name
// without the enum's prefix (that of its zero value, ..._UNSPECIFIED), in spelling. The contract is
// the one list of an enum's values, so a value added to the proto is understood at once;
// UNSPECIFIED has no spelling (enumName gives "" for it, enumOf gives it for unknown strings).
func wireNames[E interface {
	~int32
	protoreflect.Enum
}](spelling wireCase) map[string]E {
	var zero E
	values := zero.Descriptor().Values()
	prefix := strings.TrimSuffix(string(values.ByNumber(0).Name()), "UNSPECIFIED")
	out := make(map[string]E, values.Len()-1)
	for i := range values.Len() {
		v := values.Get(i)
		if v.Number() == 0 {
			continue
		}
		name := strings.TrimPrefix(string(v.Name()), prefix)
		switch spelling {
		case snakeCase:
			name = strings.ToLower(name)
		case kebabCase:
			name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
		}
		out[name] = E(v.Number())
	}
	return out
}
