package server

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// valueTypeFields are the fields of a message's value oneof that carry an attribute type, by
// Attio's name of the type (record_reference is "record-reference"); skip is the oneof's field for
// values of no known type.
func valueTypeFields(m protoreflect.Message, skip protoreflect.Name) map[string]protoreflect.FieldDescriptor {
	out := map[string]protoreflect.FieldDescriptor{}
	fields := m.Descriptor().Oneofs().ByName("value").Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); fd.Name() != skip {
			out[strings.ReplaceAll(string(fd.Name()), "_", "-")] = fd
		}
	}
	return out
}

// Adding a value type is the proto field, attio's codec entry and a row of the server's table:
// the contract's read and write oneofs name exactly attio's value types, and fromValueInput has a
// case for every one (a missing one falls to errNoValue).
func TestValueTypesOneList(t *testing.T) {
	t.Parallel()
	types := attio.ValueTypes()
	reads := valueTypeFields((&attiov1.Value{}).ProtoReflect(), "unknown_json")
	writes := valueTypeFields((&attiov1.ValueInput{}).ProtoReflect(), "raw_json")
	for what, fields := range map[string]map[string]protoreflect.FieldDescriptor{"Value": reads, "ValueInput": writes} {
		if got := slices.Sorted(func(yield func(string) bool) {
			for name := range fields {
				if !yield(name) {
					return
				}
			}
		}); !slices.Equal(got, types) {
			t.Fatalf("%s oneof types %v, attio's %v", what, got, types)
		}
	}
	for _, typ := range types {
		in := &attiov1.ValueInput{}
		m, fd := in.ProtoReflect(), writes[typ]
		if fd.Message() != nil {
			m.Set(fd, protoreflect.ValueOfMessage(m.NewField(fd).Message()))
		} else {
			m.Set(fd, fd.Default())
		}
		// The table's own default, not a nested one (an empty record reference's match has none).
		if _, err := fromValueInput(in); err == errNoValue { //nolint:errorlint

			t.Errorf("%s: fromValueInput has no row for %s", typ, fd.Name())
		}
	}
}

// valueOperand, the watch filters' other row per type, gives every type an operand but locations
// and interactions (conditions on those name a field): a type without a row matches no condition.
func TestValueOperandPerType(t *testing.T) {
	t.Parallel()
	reads := valueTypeFields((&attiov1.Value{}).ProtoReflect(), "unknown_json")
	for _, typ := range attio.ValueTypes() {
		v := &attiov1.Value{}
		m, fd := v.ProtoReflect(), reads[typ]
		if fd.Message() != nil {
			sub := m.NewField(fd).Message()
			fillStrings(sub)
			m.Set(fd, protoreflect.ValueOfMessage(sub))
		} else {
			m.Set(fd, fd.Default())
		}
		want := typ != attio.TypeLocation && typ != attio.TypeInteraction
		if _, ok := valueOperand(v); ok != want {
			t.Errorf("%s: valueOperand ok %v, want %v", typ, ok, want)
		}
	}
}

// fillStrings sets every string field of m, nested messages included, to "1" (a valid decimal).
func fillStrings(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		switch {
		case fd.IsList() || fd.IsMap() || fd.ContainingOneof() != nil:
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString("1"))
		case fd.Message() != nil:
			sub := m.NewField(fd).Message()
			fillStrings(sub)
			m.Set(fd, protoreflect.ValueOfMessage(sub))
		}
	}
}
