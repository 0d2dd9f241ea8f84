package server

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/protocodec"
)

// The facade's codec writes the same bytes as connect's, into a buffer of exactly the message's
// size: a pooled buffer a little too small for the next page is replaced, not doubled (connect's
// own codec left it at twice its old capacity), and one large enough is reused as it is.
func TestWireCodecSizesBuffersToTheMessage(t *testing.T) {
	t.Parallel()
	page := func(n int) *attiov1.RecordBatch {
		b := &attiov1.RecordBatch{ResumeToken: "token"}
		for i := range n {
			b.AttioJson = append(b.AttioJson, []byte(`{"id":{"record_id":"`+strings.Repeat("x", 1000+i)+`"}}`))
		}
		return b
	}
	small, large := page(100), page(110)
	want, err := proto.Marshal(large)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		codec     connect.Codec
		reference bool
	}{
		{"facade", protocodec.New(), false},
		{"connect (reference: doubles)", connectproto.NewBinaryCodec(), true},
	} {
		var buf bytes.Buffer
		if err := tc.codec.MarshalWrite(t.Context(), &buf, small); err != nil {
			t.Fatal(err)
		}
		prev := buf.Cap()
		buf.Reset() // as connect's pool hands it out again
		if err := tc.codec.MarshalWrite(t.Context(), &buf, large); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%s: marshalled bytes differ from proto.Marshal", tc.name)
		}
		exact := buf.Cap() == len(want)
		if tc.reference {
			if exact || buf.Cap() < 2*prev {
				t.Fatalf("reference codec: capacity %d after %d; the premise (doubling) no longer holds", buf.Cap(), prev)
			}
			continue
		}
		if !exact {
			t.Errorf("%s: buffer capacity %d for a %d-byte message (previous capacity %d), want exactly the message", tc.name, buf.Cap(), len(want), prev)
		}
		// A buffer large enough already is reused, not replaced.
		buf.Reset()
		before := buf.Cap()
		if err := tc.codec.MarshalWrite(t.Context(), &buf, small); err != nil {
			t.Fatal(err)
		}
		if buf.Cap() != before {
			t.Errorf("%s: a large enough buffer was replaced (capacity %d -> %d)", tc.name, before, buf.Cap())
		}
	}
}

// The facade marshals with the generated code (MarshalVT), not protobuf-go's reflection: a page of
// every object the sandbox writes, plus values of every type in odd shapes, marshals to a message
// that reads back equal to the original, and marshalling a decoded page into a buffer that has room
// allocates nothing (the reflection path allocated for every map entry: ~30,000 times a page).
func TestWireCodecMatchesProtoMarshal(t *testing.T) { // not parallel: AllocsPerRun
	var pages [][]*attiov1.Record
	for _, object := range []string{"people", "companies", "deals"} {
		recs, err := attio.DecodeRecords(sandboxPage(t, object, 50))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, recs)
	}
	for i, s := range parityValueSeeds {
		body := []byte(`{"data":[{"id":{"workspace_id":"w","object_id":"o","record_id":"r"},"created_at":"2023-01-01T15:00:00.000000000Z","web_url":"u","odd":1e400,"values":{"a":[` + s + `],"b":[]}}]}`)
		recs, err := attio.DecodeRecords(body)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		pages = append(pages, recs)
	}
	codec := protocodec.New()
	for i, recs := range pages {
		msg := &attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "t"}
		var buf bytes.Buffer
		if err := codec.MarshalWrite(t.Context(), &buf, msg); err != nil {
			t.Fatal(err)
		}
		want, err := proto.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		if buf.Len() != len(want) {
			t.Fatalf("page %d: %d bytes, proto.Marshal %d", i, buf.Len(), len(want))
		}
		var back attiov1.StreamRecordsResponse
		if err := proto.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		if !proto.Equal(msg, &back) {
			t.Fatalf("page %d: read back differs", i)
		}
		allocs := testing.AllocsPerRun(5, func() {
			buf.Reset()
			if err := codec.MarshalWrite(t.Context(), &buf, msg); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Fatalf("page %d: %v allocations to marshal into a buffer with room, want 0 (generated marshal)", i, allocs)
		}
	}
}

// The generated map marshal ranges key and value together (scripts/generate.sh rewrites what
// protoc-gen-go-vtproto emits): looking every value up again by its key cost ~2.3 ms of a people
// page's ~11 ms of marshalling, 15,000 hash lookups a page.
func TestGeneratedMapMarshalRangesKeyAndValue(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../gen/attio/v1/*_vtproto.pb.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated files: %v", err)
	}
	lookup := regexp.MustCompile(`(?m)^\s*v := m\.\w+\[k\]$`)
	ranged := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := lookup.FindIndex(src); loc != nil {
			t.Errorf("%s:%d: a map marshal looks its value up by key again; run ./scripts/generate.sh", f, bytes.Count(src[:loc[0]], []byte("\n"))+1)
		}
		ranged += bytes.Count(src, []byte("for k, v := range m.Values {"))
	}
	if ranged == 0 {
		t.Error("no map marshal of Values ranges key and value: the generated code changed shape")
	}
}
