package attiofacade_test

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// TestValueAndValueInputShareOneShape: a caller reads Value and writes ValueInput with the same
// oneof, field for field (name, number, kind, message type), so a value read is written back by
// copying its field; the only difference is each side's escape hatch (unknown_json on reads,
// raw_json on writes).
func TestValueAndValueInputShareOneShape(t *testing.T) {
	t.Parallel()
	read := (&attiov1.Value{}).ProtoReflect().Descriptor().Oneofs().ByName("value").Fields()
	write := (&attiov1.ValueInput{}).ProtoReflect().Descriptor().Oneofs().ByName("value").Fields()
	hatch := map[protoreflect.Name]bool{"unknown_json": true, "raw_json": true}
	names := func(fs protoreflect.FieldDescriptors) map[protoreflect.Name]protoreflect.FieldDescriptor {
		m := map[protoreflect.Name]protoreflect.FieldDescriptor{}
		for i := range fs.Len() {
			if !hatch[fs.Get(i).Name()] {
				m[fs.Get(i).Name()] = fs.Get(i)
			}
		}
		return m
	}
	r, w := names(read), names(write)
	if len(r) < 17 || len(r) != len(w) {
		t.Fatalf("Value has %d typed fields, ValueInput %d", len(r), len(w))
	}
	for name, rf := range r {
		wf, ok := w[name]
		switch {
		case !ok:
			t.Errorf("Value.%s has no ValueInput twin", name)
		case rf.Number() != wf.Number() || rf.Kind() != wf.Kind():
			t.Errorf("%s: Value has #%d %v, ValueInput #%d %v", name, rf.Number(), rf.Kind(), wf.Number(), wf.Kind())
		case rf.Kind() == protoreflect.MessageKind && rf.Message().FullName() != wf.Message().FullName():
			t.Errorf("%s: Value holds %s, ValueInput %s", name, rf.Message().FullName(), wf.Message().FullName())
		}
	}
}

// TestValuesAreOneLevelDeep: no typed value is a wrapper around a single field (the shape that made
// a number read value.number.value.value): scalars sit in the oneof itself.
func TestValuesAreOneLevelDeep(t *testing.T) {
	t.Parallel()
	for _, m := range []protoreflect.ProtoMessage{&attiov1.Value{}, &attiov1.ValueInput{}} {
		fs := m.ProtoReflect().Descriptor().Oneofs().ByName("value").Fields()
		for i := range fs.Len() {
			f := fs.Get(i)
			if f.Kind() != protoreflect.MessageKind {
				continue
			}
			if inner := f.Message(); inner.Fields().Len() == 1 && inner.FullName() != "attio.v1.Decimal" {
				t.Errorf("%s wraps a single field %s", f.FullName(), inner.Fields().Get(0).FullName())
			}
		}
	}
}
