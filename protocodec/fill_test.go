package protocodec

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/pagetest"
	"github.com/attio-facade/attio-facade/sandbox"
)

// contractMessages are the types of every message of the contract (package attio.v1), from the
// registry gen/ fills: a message added to proto/ is covered without touching the tests.
func contractMessages(t testing.TB) []protoreflect.MessageType {
	t.Helper()
	_ = attiov1.File_attio_v1_record_service_proto // link gen/attio/v1 in
	var out []protoreflect.MessageType
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		if mt.Descriptor().ParentFile().Package() == "attio.v1" {
			out = append(out, mt)
		}
		return true
	})
	if len(out) < 100 {
		t.Fatalf("%d contract messages registered: gen/attio/v1 not linked?", len(out))
	}
	return out
}

// filled is a message of mt with every field set (lists and maps of two), nested messages filled
// to depth 3, the variant-th member of each oneof chosen, and an unknown field at every level but in
// well-known types: the
// differential tests' stand-in for "a message with data" of every type.
func filled(mt protoreflect.MessageType, variant int) proto.Message {
	m := mt.New()
	fill(m, variant, 0)
	return m.Interface()
}

func fill(m protoreflect.Message, variant, depth int) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() && o.Fields().Get(variant%o.Fields().Len()) != fd {
			continue
		}
		if fd.Message() != nil && depth >= 3 {
			continue
		}
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			for k := range 2 {
				key := scalar(fd.MapKey(), variant+k).MapKey()
				if fd.MapValue().Message() != nil {
					fill(mp.Mutable(key).Message(), variant+k, depth+1)
				} else {
					mp.Set(key, scalar(fd.MapValue(), variant+k))
				}
			}
		case fd.IsList():
			l := m.Mutable(fd).List()
			for k := range 2 {
				if fd.Message() != nil {
					fill(l.AppendMutable().Message(), variant+k, depth+1)
				} else {
					l.Append(scalar(fd, variant+k))
				}
			}
		case fd.Message() != nil:
			fill(m.Mutable(fd).Message(), variant, depth+1)
		default:
			m.Set(fd, scalar(fd, variant))
		}
	}
	if m.Descriptor().ParentFile().Package() == wellKnown {
		return // their generated code drops unknown fields: plain sends those to protobuf-go
	}
	var u []byte
	u = protowire.AppendTag(u, 9999, protowire.BytesType)
	u = protowire.AppendString(u, fmt.Sprintf("unknown at depth %d", depth))
	u = protowire.AppendTag(u, 10000, protowire.VarintType)
	u = protowire.AppendVarint(u, uint64(variant))
	m.SetUnknown(u)
}

// scalar is a non-zero value of fd's kind that differs with v, negative and non-ASCII included.
func scalar(fd protoreflect.FieldDescriptor, v int) protoreflect.Value {
	n := int64(v) + 1
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(v%2 == 0)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		return protoreflect.ValueOfEnum(vals.Get((1 + v) % vals.Len()).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-n * 1000003))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(-n * 1 << 40)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(n) * 4000000)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(n) << 50)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n) * -1.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n) * math.Pi)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(fmt.Sprintf("%s é ✓ 🚀 %d", fd.Name(), v))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{0xff, 0, byte(v), 0x80})
	}
	panic(fmt.Sprintf("no scalar for %v", fd.Kind()))
}

// records are pages of real records: every object the sandbox generates, decoded from its JSON by
// the facade's decoder, each record with an unknown field added.
func records(t testing.TB) map[string][]*attiov1.Record {
	t.Helper()
	out := map[string][]*attiov1.Record{}
	for _, object := range []string{"people", "companies", "deals"} {
		recs, err := attio.DecodeRecords(pagetest.Body(t, object, 20, 7))
		if err != nil || len(recs) != 20 {
			t.Fatalf("%s: %d records, %v", object, len(recs), err)
		}
		for _, r := range recs {
			r.ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 4242, protowire.VarintType), 1))
		}
		out[object] = recs
	}
	return out
}

// adaResponse is GetRecord's answer for the sandbox's seeded Ada Lovelace (the unary benchmark's
// record), decoded from the sandbox's JSON as the facade decodes it.
func adaResponse(t testing.TB) *attiov1.GetRecordResponse {
	t.Helper()
	srv := sandbox.NewServer(sandbox.WithSeed(attiofacade.SeedFS()))
	t.Cleanup(srv.Close)
	req, err := http.NewRequest(http.MethodGet, srv.MatonBaseURL()+"/objects/people/records/"+sandbox.SeedPersonID, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("get Ada: %d %v", res.StatusCode, err)
	}
	rec, err := attio.DecodeRecord(body)
	if err != nil {
		t.Fatal(err)
	}
	return &attiov1.GetRecordResponse{Record: rec}
}
