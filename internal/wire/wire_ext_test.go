package wire_test

import (
	"bytes"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/pagetest"
	"github.com/attio-facade/attio-facade/internal/wire"
)

// sandboxRecords decodes a page of n generated records of object, as the facade does.
func sandboxRecords(t testing.TB, object string, n int) []*attiov1.Record {
	t.Helper()
	recs, err := attio.DecodeRecords(pagetest.Body(t, object, n, 5))
	if err != nil || len(recs) != n {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	return recs
}

// entriesOf makes list entries holding the records' values.
func entriesOf(recs []*attiov1.Record) []*attiov1.Entry {
	out := make([]*attiov1.Entry, len(recs))
	for i, r := range recs {
		out[i] = &attiov1.Entry{
			Id:             &attiov1.EntryId{WorkspaceId: "w", ListId: "l", EntryId: r.GetId().GetRecordId()},
			ParentRecordId: r.GetId().GetRecordId(), ParentObject: "people", CreatedAt: r.GetCreatedAt(),
			EntryValues: r.GetValues(), ExtraJson: r.GetExtraJson(),
		}
	}
	return out
}

// pages are every kind of page Write writes without sizing first, and the same pages with what
// sends them down the general path (attio_json, an empty token).
func pages(recs []*attiov1.Record) map[string]proto.Message {
	ents := entriesOf(recs)
	return map[string]proto.Message{
		"stream records":  &attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "tok"},
		"stream entries":  &attiov1.StreamEntriesResponse{Entries: ents, ResumeToken: "tok"},
		"export records":  &attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{Batch: &attiov1.RecordBatch{Records: recs, ResumeToken: "tok"}}},
		"export entries":  &attiov1.ExportEntriesResponse{Message: &attiov1.ExportEntriesResponse_Batch{Batch: &attiov1.EntryBatch{Entries: ents, ResumeToken: "tok"}}},
		"no token":        &attiov1.StreamRecordsResponse{Records: recs},
		"no items":        &attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{Batch: &attiov1.RecordBatch{ResumeToken: "tok"}}},
		"attio json":      &attiov1.StreamRecordsResponse{AttioJson: [][]byte{[]byte(`{"a":1}`)}, ResumeToken: "tok"},
		"export progress": &attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Progress{Progress: &attiov1.ExportProgress{Items: 3}}},
	}
}

// Write gives what proto.Marshal gives for pages of every object the sandbox writes, whatever room
// the buffer has: none (a new pooled buffer), exactly enough, more, a little too little (the
// items that did not fit are written into a new buffer), or content already in it. A buffer that
// was too small ends exactly the message's size; one with room is kept, and writing into it
// allocates nothing.
func TestWriteMatchesProtoMarshal(t *testing.T) { // not parallel: AllocsPerRun
	for _, object := range []string{"people", "companies", "deals"} {
		for name, msg := range pages(sandboxRecords(t, object, 40)) {
			size := proto.Size(msg)
			for _, room := range []int{0, size, size + 100, size - 1, size / 2, size - size/50} {
				buf := bytes.NewBuffer(make([]byte, 0, max(room, 0)))
				if err := wire.Write(buf, msg); err != nil {
					t.Fatalf("%s %s room %d: %v", object, name, room, err)
				}
				assertWire(t, msg, buf.Bytes(), object+" "+name)
				switch {
				case room >= size && buf.Cap() != room:
					t.Errorf("%s %s: a buffer with room for the message (cap %d) was replaced (cap %d)", object, name, room, buf.Cap())
				case room < size && buf.Cap() != size:
					t.Errorf("%s %s: a buffer too small (cap %d) became cap %d, want exactly the message (%d)", object, name, room, buf.Cap(), size)
				}
			}
			var buf bytes.Buffer
			buf.WriteString("before")
			if err := wire.Write(&buf, msg); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("before")) {
				t.Fatalf("%s %s: content already in the buffer lost", object, name)
			}
			assertWire(t, msg, buf.Bytes()[len("before"):], object+" "+name+" after content")
			allocs := testing.AllocsPerRun(3, func() {
				buf.Reset()
				if err := wire.Write(&buf, msg); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%s %s: %v allocations writing into a buffer with room, want 0", object, name, allocs)
			}
		}
	}
}

// assertWire checks that got is msg's wire form: proto.Marshal's size and the same message read
// back (maps are written in Go's random order, so bytes can differ when a map has two entries).
func assertWire(t *testing.T, msg proto.Message, got []byte, what string) {
	t.Helper()
	if want := proto.Size(msg); len(got) != want {
		t.Fatalf("%s: %d bytes, proto.Marshal %d", what, len(got), want)
	}
	back := msg.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(got, back); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !proto.Equal(msg, back) {
		t.Fatalf("%s: read back differs", what)
	}
}

// A page that does not fit the room is written right wherever the room ends: inside an item,
// between items, inside the resume token or the export wrapper, or before anything. Values here
// have one entry per map, so the bytes are exactly proto.Marshal's.
func TestWritePageThatDoesNotFit(t *testing.T) {
	t.Parallel()
	var recs []*attiov1.Record
	for i := range 4 {
		recs = append(recs, &attiov1.Record{
			Id:        &attiov1.RecordId{WorkspaceId: "w", ObjectId: "o", RecordId: string(rune('a' + i))},
			CreatedAt: &timestamppb.Timestamp{Seconds: int64(1e9 + i), Nanos: 7},
			WebUrl:    "https://app.attio.com/x",
			Values: map[string]*attiov1.ValueList{"name": {Values: []*attiov1.Value{
				{AttributeType: "text", Value: &attiov1.Value_Text{Text: string(make([]byte, 100*i))}},
			}}},
		})
	}
	for name, msg := range pages(recs) {
		want, err := proto.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		for room := 0; room <= len(want)+2; room++ {
			buf := bytes.NewBuffer(make([]byte, 0, room))
			if err := wire.Write(buf, msg); err != nil {
				t.Fatalf("%s room %d: %v", name, room, err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s room %d of %d: bytes differ from proto.Marshal", name, room, len(want))
			}
		}
	}
}

// Size is proto.Size, for pages and for messages without generated code alike.
func TestSizeIsProtoSize(t *testing.T) {
	t.Parallel()
	for name, msg := range pages(sandboxRecords(t, "people", 30)) {
		if got, want := wire.Size(msg), proto.Size(msg); got != want {
			t.Errorf("%s: Size %d, proto.Size %d", name, got, want)
		}
	}
	ts := timestamppb.New(time.Unix(1e9, 5))
	if got, want := wire.Size(ts), proto.Size(ts); got != want {
		t.Errorf("Timestamp: Size %d, proto.Size %d", got, want)
	}
}

// BenchmarkSizePage is what the stream memory budget pays to weigh a page of 500 people:
// go test -run '^$' -bench SizePage ./internal/wire/
func BenchmarkSizePage(b *testing.B) {
	msg := &attiov1.StreamRecordsResponse{Records: sandboxRecords(b, "people", 500)}
	b.Run("proto.Size", func(b *testing.B) {
		for b.Loop() {
			proto.Size(msg)
		}
	})
	b.Run("wire.Size", func(b *testing.B) {
		for b.Loop() {
			wire.Size(msg)
		}
	})
}
