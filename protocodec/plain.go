package protocodec

import (
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// maxDepth bounds how deeply nested the messages of a plain input may be. protobuf-go refuses
// input nested deeper than protowire.DefaultRecursionLimit; the generated code has no limit at all
// (a 4 MiB message of nested lengths would recurse a million frames deep), so deeper input goes to
// protobuf-go, which refuses it. plain counts map entries as levels too, so it never lets through
// what protobuf-go would refuse.
const maxDepth = protowire.DefaultRecursionLimit - 1

// plain reports whether b, read as a message of the shape s, is input on which the generated
// UnmarshalVT and proto.Unmarshal agree: same verdict, same message, same unknown fields.
//
// protoc-gen-go-vtproto's decoder is laxer than protobuf-go's in ways that change the result, not
// just the error text: it does not check strings are UTF-8 (proto3 requires it), takes a tag's
// field number modulo 2^32 (a field past 2^29-1 can land on a known field), lets a varint's
// overflowing bits fall off, lets a map entry's key or value or a packed element run past its own
// length, refuses a known field sent with another wire type (protobuf-go keeps it as an unknown
// field), replaces a map value sent twice in one entry (protobuf-go merges), keeps a map entry
// without a value as nil, keeps an unknown field's tag as sent (protobuf-go re-encodes it), drops
// the unknown fields of well-known types, has no depth limit, and decodes a message of a package
// built without it with proto.Unmarshal, which drops what an earlier occurrence of the field set
// (TestLaxInputsNeedProtobufGo, TestPlainRefusesARepeatedForeignMessage).
// None of that happens in what a protobuf encoder writes, so plain is one pass, without
// allocation, that says "as an encoder writes it", and anything else goes to protobuf-go
// (FuzzUnmarshalAgrees).
//
// plain is conservative: false only means protobuf-go decides.
func plain(b []byte, s *shape, depth int) bool {
	if depth > maxDepth {
		return false
	}
	var seen [3]bool // map entries: key and value at most once each
	var once uint64  // fields that must not repeat (fieldShape.once), by number below 64
	for len(b) > 0 {
		tag, n := protowire.ConsumeVarint(b)
		if n < 0 || tag>>3 == 0 || tag>>3 > uint64(protowire.MaxValidNumber) {
			return false
		}
		num, typ := protowire.Number(tag>>3), protowire.Type(tag&7)
		if typ == protowire.EndGroupType {
			return false
		}
		f := s.field(num)
		if f == nil {
			// Unknown: both keep its bytes, but protobuf-go writes the tag anew, so it must have
			// been written minimally to come out the same; vtprotobuf's code for the well-known
			// types drops them; and a map entry holds nothing else.
			if n != protowire.SizeVarint(tag) || s.wellKnown || s.entry {
				return false
			}
			m := protowire.ConsumeFieldValue(num, typ, b[n:])
			if m < 0 {
				return false
			}
			b = b[n+m:]
			continue
		}
		if s.entry {
			if seen[num] {
				return false
			}
			seen[num] = true
		}
		if f.once {
			if num >= 64 || once&(1<<num) != 0 {
				return false
			}
			once |= 1 << num
		}
		m := plainField(b[n:], f, typ, depth)
		if m < 0 {
			return false
		}
		b = b[n+m:]
	}
	return !s.entry || seen[2] || !s.valueIsMessage
}

// plainField checks the value of known field f at the start of b, sent with wire type typ, and
// returns its length, or -1 where plain says no.
func plainField(b []byte, f *fieldShape, typ protowire.Type, depth int) int {
	if typ != f.wire {
		if f.packable && typ == protowire.BytesType {
			return plainPacked(b, f.wire)
		}
		return -1
	}
	switch typ {
	case protowire.VarintType:
		_, n := protowire.ConsumeVarint(b)
		return n
	case protowire.Fixed32Type:
		_, n := protowire.ConsumeFixed32(b)
		return n
	case protowire.Fixed64Type:
		_, n := protowire.ConsumeFixed64(b)
		return n
	}
	v, n := protowire.ConsumeBytes(b)
	switch {
	case n < 0:
		return -1
	case f.message != nil:
		if !plain(v, f.message, depth+1) {
			return -1
		}
	case f.utf8:
		if !utf8.Valid(v) {
			return -1
		}
	}
	return n
}

// plainPacked checks a packed run of scalars of wire type elem: every element whole and inside
// the run's own length.
func plainPacked(b []byte, elem protowire.Type) int {
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return -1
	}
	switch elem {
	case protowire.Fixed32Type:
		if len(v)%4 != 0 {
			return -1
		}
	case protowire.Fixed64Type:
		if len(v)%8 != 0 {
			return -1
		}
	case protowire.VarintType:
		for len(v) > 0 {
			_, m := protowire.ConsumeVarint(v)
			if m < 0 {
				return -1
			}
			v = v[m:]
		}
	default:
		return -1
	}
	return n
}
