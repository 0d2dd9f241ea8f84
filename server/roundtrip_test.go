package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The round trip Attio JSON -> attio -> protobuf -> Attio JSON, over every captured example.
//
// To add a capture, drop the JSON body into testdata/attio/examples (or a directory named by
// $ATTIO_FACADE_EXAMPLES). Its kind is recognised from its shape (see exampleKinds); a body the
// test does not recognise fails it, so no capture is skipped silently.
//
// The only differences allowed between input and output (roundTripAllowed) are:
//   - object key order;
//   - times: equal instants compare equal, so an offset normalised to UTC ("+02:00" -> "Z") and
//     the spelling of fractional seconds (".520000000Z" -> ".52Z") do not count;
//   - a nullable key the input omits (documentation examples drop some) comes back as null: the
//     contract has one "unset" for both;
//   - renamed shapes that carry the same information, listed in reverseFields and reverseMessages
//     (e.g. a task assignee is an ActorReference {type, id} instead of Attio's
//     {referenced_actor_type, referenced_actor_id}).

// exampleKind maps one Attio object to its message.
type exampleKind struct {
	name  string
	match func(item map[string]any) bool
	toPB  func(raw []byte) (proto.Message, error)
}

func idHas(item map[string]any, key string) bool {
	id, _ := item["id"].(map[string]any)
	_, ok := id[key]
	return ok
}

func via[T any](conv func(*T) proto.Message) func([]byte) (proto.Message, error) {
	return func(raw []byte) (proto.Message, error) {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		return conv(&v), nil
	}
}

// decoded runs one item through the client's one-pass decoder, as Attio wraps it ({"data": item}).
func decoded[M proto.Message](decode func([]byte) (M, error)) func([]byte) (proto.Message, error) {
	return func(raw []byte) (proto.Message, error) {
		return decode(append(append([]byte(`{"data":`), raw...), '}'))
	}
}

// exampleKinds in match order (a call recording's id also names its meeting).
var exampleKinds = []exampleKind{
	{"record", func(m map[string]any) bool { return idHas(m, "record_id") }, decoded(attio.DecodeRecord)},
	{"entry", func(m map[string]any) bool { return idHas(m, "entry_id") }, decoded(attio.DecodeEntry)},
	{"attribute", func(m map[string]any) bool { return idHas(m, "attribute_id") }, via(func(a *attio.Attribute) proto.Message { return toAttribute(a) })},
	{"call recording", func(m map[string]any) bool { return idHas(m, "call_recording_id") }, via(func(c *attio.CallRecording) proto.Message { return toCallRecording(c) })},
	{"meeting", func(m map[string]any) bool { return idHas(m, "meeting_id") }, via(func(x *attio.Meeting) proto.Message { return toMeeting(x) })},
	{"note", func(m map[string]any) bool { return idHas(m, "note_id") }, via(func(n *attio.Note) proto.Message { return toNote(n) })},
	{"task", func(m map[string]any) bool { return idHas(m, "task_id") }, via(func(x *attio.Task) proto.Message { return toTask(x) })},
	// A thread's comment cursor (Attio 2026) is the response's page token in the contract.
	{"thread", func(m map[string]any) bool { return idHas(m, "thread_id") }, via(func(x *attio.Thread) proto.Message {
		return &attiov1.GetThreadResponse{Thread: toThread(x), NextPageToken: deref(x.NextCursor)}
	})},
	{"object", func(m map[string]any) bool { _, ok := m["singular_noun"]; return ok && idHas(m, "object_id") }, via(func(o *attio.Object) proto.Message { return toObject(o) })},
	{"self", func(m map[string]any) bool { _, ok := m["active"]; return ok && m["workspace_id"] != nil }, via(func(s *attio.Self) proto.Message { return toSelf(s) })},
}

// notMessages are bodies that never become a message, with the reason.
var notMessages = []struct {
	match  func(body map[string]any) bool
	reason string
}{
	{func(b map[string]any) bool { _, ok := b["status_code"]; return ok },
		"an error body becomes a Connect error, not a message (tested with the errors)"},
	{func(b map[string]any) bool { _, ok := b["webhook_id"]; return ok && b["events"] != nil },
		"a webhook delivery goes from Attio to the caller's endpoint, never through the facade"},
}

func exampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"../testdata/attio/examples", os.Getenv("ATTIO_FACADE_EXAMPLES")} {
		if dir == "" {
			continue
		}
		fs, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	return files
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExamplesRoundTripThroughProtobuf(t *testing.T) {
	t.Parallel()
	for _, f := range exampleFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			body, ok := decodeJSON(t, raw).(map[string]any)
			if !ok {
				t.Fatal("body is not a JSON object")
			}
			for _, n := range notMessages {
				if n.match(body) {
					t.Skip(n.reason)
				}
			}
			items := []any{body}
			if data, ok := body["data"]; ok {
				if list, ok := data.([]any); ok {
					items = list
				} else {
					items = []any{data}
				}
			}
			if len(items) == 0 {
				t.Fatal("no items")
			}
			for i, item := range items {
				roundTripItem(t, fmt.Sprintf("$[%d]", i), item)
			}
		})
	}
}

func roundTripItem(t *testing.T, path string, item any) {
	t.Helper()
	m, ok := item.(map[string]any)
	if !ok {
		t.Fatalf("%s: not an object", path)
	}
	i := slices.IndexFunc(exampleKinds, func(k exampleKind) bool { return k.match(m) })
	if i < 0 {
		t.Fatalf("%s: no kind matches this example; add one to exampleKinds (keys %v)", path, keysOf(m))
	}
	raw, err := json.Marshal(item)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := exampleKinds[i].toPB(raw)
	if err != nil {
		t.Fatalf("%s: decode as %s: %v", path, exampleKinds[i].name, err)
	}
	// Through the wire, so only what the contract carries survives.
	wire, err := proto.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	back := msg.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(wire, back); err != nil {
		t.Fatal(err)
	}
	got := reverse(t, back.ProtoReflect())
	for _, d := range roundTripDiff(path, item, got) {
		t.Error(d)
	}
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// roundTripDiff lists every difference beyond the allowed ones (see the top of this file).
func roundTripDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object %v, got %v", path, w, got)}
		}
		var out []string
		for _, k := range keysOf(w) {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: lost (was %v)", path, k, w[k]))
				continue
			}
			out = append(out, roundTripDiff(path+"."+k, w[k], gv)...)
		}
		for _, k := range keysOf(g) {
			if _, ok := w[k]; !ok && g[k] != nil {
				out = append(out, fmt.Sprintf("%s.%s: added (%v)", path, k, g[k]))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %v, got %v", path, w, got)}
		}
		var out []string
		for i := range w {
			out = append(out, roundTripDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	case string:
		if g, ok := got.(string); ok && sameInstant(w, g) {
			return nil
		}
	}
	if !reflect.DeepEqual(want, got) {
		return []string{fmt.Sprintf("%s: want %#v, got %#v", path, want, got)}
	}
	return nil
}

// sameInstant: UTC normalisation and fraction spelling are allowed differences.
func sameInstant(a, b string) bool {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return false
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	return err == nil && ta.Equal(tb)
}

// reverseSkip is what a reverseFields entry returns for a field Attio has no key for.
var reverseSkip any = &struct{ skip bool }{}

// reverseFields renames, field by field, the messages that carry Attio's data in another shape.
var reverseFields map[protoreflect.FullName]func(t *testing.T, v protoreflect.Value) any

func init() {
	reverseFields = map[protoreflect.FullName]func(t *testing.T, v protoreflect.Value) any{
		// Assignees are ActorReference {type, id}; Attio writes {referenced_actor_type, referenced_actor_id}.
		"attio.v1.Task.assignees": func(t *testing.T, v protoreflect.Value) any {
			out := []any{}
			l := v.List()
			for i := range l.Len() {
				a := reverse(t, l.Get(i).Message()).(map[string]any)
				out = append(out, map[string]any{"referenced_actor_type": a["type"], "referenced_actor_id": a["id"]})
			}
			return out
		},
		// Unix seconds in Attio, Timestamps in the contract.
		"attio.v1.GetSelfResponse.exp": unixSeconds,
		"attio.v1.GetSelfResponse.iat": unixSeconds,
		// The relationship's full shape (Attio 2026) is relationship_detail; relationship repeats its id.
		"attio.v1.Attribute.relationship": func(*testing.T, protoreflect.Value) any { return reverseSkip },
		"attio.v1.Attribute.relationship_detail": func(t *testing.T, v protoreflect.Value) any {
			if !v.Message().IsValid() {
				return nil
			}
			return reverse(t, v.Message())
		},
		// Unset when Attio sent {"allowed_object_ids": null} (not a record reference).
		"attio.v1.AttributeConfig.record_reference": func(t *testing.T, v protoreflect.Value) any {
			if !v.Message().IsValid() {
				return map[string]any{"allowed_object_ids": nil}
			}
			return reverse(t, v.Message())
		},
	}
}

func unixSeconds(_ *testing.T, v protoreflect.Value) any {
	if !v.Message().IsValid() {
		return nil
	}
	ts := v.Message().Interface()
	b, _ := protojson.Marshal(ts)
	tm, _ := time.Parse(`"`+time.RFC3339Nano+`"`, string(b))
	return json.Number(fmt.Sprint(tm.Unix()))
}

// reverseMessages turn a message into Attio's JSON where the shape differs.
var reverseMessages map[protoreflect.FullName]func(t *testing.T, m protoreflect.Message) any

func init() {
	reverseMessages = map[protoreflect.FullName]func(t *testing.T, m protoreflect.Message) any{
		"google.protobuf.Timestamp": func(_ *testing.T, m protoreflect.Message) any {
			b, _ := protojson.Marshal(m.Interface())
			return strings.Trim(string(b), `"`)
		},
		"attio.v1.Decimal": func(_ *testing.T, m protoreflect.Message) any {
			return json.Number(m.Interface().(*attiov1.Decimal).GetValue())
		},
		// An attribute's values are a list in Attio, a message holding the list in the contract.
		"attio.v1.ValueList": func(t *testing.T, m protoreflect.Message) any {
			return reverseField(t, m, m.Descriptor().Fields().ByName("values"))
		},
		// The actor's id is a oneof with the write-only email_address; Attio sends null for none.
		"attio.v1.ActorReferenceValue": func(t *testing.T, m protoreflect.Message) any {
			a := m.Interface().(*attiov1.ActorReferenceValue)
			out := map[string]any{"referenced_actor_type": enumString(m.Descriptor().Fields().ByName("referenced_actor_type").Enum(),
				protoreflect.EnumNumber(a.GetReferencedActorType())), "referenced_actor_id": nil}
			if raw := a.GetRawReferencedActorType(); raw != "" {
				out["referenced_actor_type"] = raw
			}
			if id, ok := a.GetActor().(*attiov1.ActorReferenceValue_ReferencedActorId); ok {
				out["referenced_actor_id"] = id.ReferencedActorId
			}
			return out
		},
		"google.protobuf.Struct": func(t *testing.T, m protoreflect.Message) any {
			b, _ := protojson.Marshal(m.Interface())
			return decodeJSON(t, b)
		},
		"attio.v1.GetThreadResponse": func(t *testing.T, m protoreflect.Message) any {
			r := m.Interface().(*attiov1.GetThreadResponse)
			out := reverse(t, r.GetThread().ProtoReflect()).(map[string]any)
			out["next_cursor"] = nil
			if r.GetNextPageToken() != "" {
				out["next_cursor"] = r.GetNextPageToken()
			}
			return out
		},
		// A note tag is a oneof in the contract; Attio tags it with "type".
		"attio.v1.NoteTag": func(t *testing.T, m protoreflect.Message) any {
			tag := m.Interface().(*attiov1.NoteTag)
			if r := tag.GetRecord(); r != nil {
				return map[string]any{"type": "record", "object": r.GetObject(), "record_id": r.GetRecordId()}
			}
			return map[string]any{"type": "workspace-member", "workspace_member_id": tag.GetWorkspaceMemberId()}
		},
	}
}

// reverse writes a message back as Attio JSON: proto field names are Attio's keys; unset fields with
// presence are null; enums are their Attio strings; extra_json is merged back in; raw_* strings
// replace the enum next to them; a Value's typed oneof is flattened into the value.
func reverse(t *testing.T, m protoreflect.Message) any {
	t.Helper()
	if f, ok := reverseMessages[m.Descriptor().FullName()]; ok {
		return f(t, m)
	}
	out := map[string]any{}
	fields := m.Descriptor().Fields()
	var extra string
	raws := map[string]string{}
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if !m.Has(fd) {
				continue
			}
			if m.Descriptor().FullName() == "attio.v1.Value" && o.Name() == "value" {
				// Scalars are Attio's "value", status and select its "status" and "option", the
				// other messages' fields are the value's own keys.
				switch v := reverseScalar(t, fd, m.Get(fd)).(type) {
				case map[string]any:
					if key, ok := map[string]string{"status": "status", "select": "option"}[name]; ok {
						out[key] = v
						continue
					}
					for k, x := range v {
						out[k] = x
					}
				default:
					if name == "unknown_json" {
						return decodeJSON(t, []byte(m.Get(fd).String()))
					}
					out["value"] = v
				}
				continue
			}
		}
		switch {
		case name == "extra_json":
			extra = m.Get(fd).String()
			continue
		case strings.HasPrefix(name, "raw_") && fd.Kind() == protoreflect.StringKind:
			raws[strings.TrimPrefix(name, "raw_")] = m.Get(fd).String()
			continue
		}
		if f, ok := reverseFields[fd.FullName()]; ok {
			switch v := f(t, m.Get(fd)); { // unset messages come as invalid (read-only empty) ones
			case v == reverseSkip:
			case fd.FullName() == "attio.v1.Attribute.relationship_detail":
				out["relationship"] = v
			default:
				out[name] = v
			}
			continue
		}
		out[name] = reverseField(t, m, fd)
	}
	for k, raw := range raws {
		if raw != "" {
			out[k] = raw
		}
	}
	if extra != "" {
		for k, v := range decodeJSON(t, []byte(extra)).(map[string]any) {
			out[k] = v
		}
	}
	return out
}

func reverseField(t *testing.T, m protoreflect.Message, fd protoreflect.FieldDescriptor) any {
	v := m.Get(fd)
	switch {
	case fd.IsList():
		out := []any{}
		for i := range v.List().Len() {
			out = append(out, reverseScalar(t, fd, v.List().Get(i)))
		}
		return out
	case fd.IsMap():
		out := map[string]any{}
		v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
			out[k.String()] = reverseScalar(t, fd.MapValue(), mv)
			return true
		})
		return out
	case fd.HasPresence() && !m.Has(fd):
		return nil
	}
	return reverseScalar(t, fd, v)
}

func reverseScalar(t *testing.T, fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return reverse(t, v.Message())
	case protoreflect.EnumKind:
		return enumString(fd.Enum(), v.Enum())
	case protoreflect.StringKind:
		return v.String()
	case protoreflect.BoolKind:
		return v.Bool()
	case protoreflect.BytesKind:
		return v.Bytes()
	default:
		return json.Number(fmt.Sprint(v.Interface()))
	}
}

// enumString is Attio's spelling of an enum value: ACTOR_TYPE_WORKSPACE_MEMBER -> "workspace-member";
// UNSPECIFIED (absent) is null.
func enumString(ed protoreflect.EnumDescriptor, n protoreflect.EnumNumber) any {
	if n == 0 {
		return nil
	}
	ev := ed.Values().ByNumber(n)
	if ev == nil {
		return nil
	}
	prefix := strings.ToUpper(camelToSnake(string(ed.Name()))) + "_"
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(string(ev.Name()), prefix)), "_", "-")
}

func camelToSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}
