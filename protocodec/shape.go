package protocodec

import (
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// shape is what plain needs to know of a message type, read once from its descriptor: going
// through protoreflect's descriptors for every field of every message (a map lookup and several
// interface calls each) cost as much as half of the generated decoding it guards.
type shape struct {
	dense     []*fieldShape // by field number, up to the largest below denseLimit
	sparse    map[protowire.Number]*fieldShape
	wellKnown bool // decoded by vtprotobuf's own copies of the well-known types: no unknown fields
	entry     bool // a map entry: key (1) and value (2) only
	// valueIsMessage: a map entry whose value is a message, which must be present (the generated
	// code would store a nil message where protobuf-go stores an empty one).
	valueIsMessage bool
}

// fieldShape is one known field: the wire type it is written with, whether a repeated scalar may
// also come packed, whether it is a string (UTF-8), and the shape of its message or map entry.
type fieldShape struct {
	wire     protowire.Type
	packable bool
	utf8     bool
	message  *shape
	// once: a singular message field whose type has no generated UnmarshalVT (from a package built
	// without vtprotobuf). The generated code decodes it with proto.Unmarshal, which replaces what
	// an earlier occurrence of the field set, where protobuf-go merges the two.
	once bool
}

// denseLimit: field numbers below it are found by index; the contract's are all far below.
const denseLimit = 64

// wellKnown is the package of the well-known types, which the generated code decodes with
// vtprotobuf's copies (github.com/planetscale/vtprotobuf/types/known).
const wellKnown = "google.protobuf"

func (s *shape) field(n protowire.Number) *fieldShape {
	if int(n) < len(s.dense) {
		return s.dense[n]
	}
	return s.sparse[n]
}

// shapes caches each message type's shape, by descriptor.
var shapes sync.Map // protoreflect.MessageDescriptor -> *shape

// shapeOf is md's shape, built on first use (with every message type it reaches).
func shapeOf(md protoreflect.MessageDescriptor) *shape {
	if s, ok := shapes.Load(md); ok {
		return s.(*shape)
	}
	built := map[protoreflect.MessageDescriptor]*shape{}
	s := build(md, built)
	for d, bs := range built {
		shapes.LoadOrStore(d, bs)
	}
	v, _ := shapes.Load(md)
	if v != nil {
		return v.(*shape)
	}
	return s
}

// build makes md's shape, and those of the messages it reaches, into built (which also ends
// recursion: a message type may contain itself).
func build(md protoreflect.MessageDescriptor, built map[protoreflect.MessageDescriptor]*shape) *shape {
	if s, ok := built[md]; ok {
		return s
	}
	if v, ok := shapes.Load(md); ok {
		return v.(*shape)
	}
	s := &shape{wellKnown: md.ParentFile().Package() == wellKnown, entry: md.IsMapEntry()}
	built[md] = s
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		f := &fieldShape{
			wire:     wireType(fd.Kind()),
			packable: fd.IsList() && fd.Message() == nil && fd.Kind() != protoreflect.StringKind && fd.Kind() != protoreflect.BytesKind,
			utf8:     fd.Kind() == protoreflect.StringKind,
		}
		if fd.Message() != nil {
			f.message = build(fd.Message(), built)
			f.once = !fd.IsList() && !fd.IsMap() && !f.message.wellKnown && !generated(fd.Message())
		}
		if s.entry && fd.Number() == 2 && fd.Message() != nil {
			s.valueIsMessage = true
		}
		if n := fd.Number(); n < denseLimit {
			if int(n) >= len(s.dense) {
				s.dense = append(s.dense, make([]*fieldShape, int(n)+1-len(s.dense))...)
			}
			s.dense[n] = f
		} else {
			if s.sparse == nil {
				s.sparse = map[protowire.Number]*fieldShape{}
			}
			s.sparse[n] = f
		}
	}
	return s
}

// generated reports whether the Go type of md (from the global registry) has generated UnmarshalVT.
func generated(md protoreflect.MessageDescriptor) bool {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		return false
	}
	_, ok := mt.New().Interface().(vtUnmarshaler)
	return ok
}

// wireType is the wire type a field of kind k is written with (a repeated scalar may also come
// packed); -1 for groups, which proto3 has not, so plain leaves them to protobuf-go.
func wireType(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.BoolKind, protoreflect.EnumKind, protoreflect.Int32Kind, protoreflect.Sint32Kind,
		protoreflect.Uint32Kind, protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Uint64Kind:
		return protowire.VarintType
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		return protowire.Fixed32Type
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		return protowire.Fixed64Type
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	}
	return -1
}
