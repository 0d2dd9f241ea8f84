package protocodec

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// recordingStore stands in for the sync.Pool, which drops items at random under the race detector.
type recordingStore struct{ kept []*bytes.Buffer }

func (s *recordingStore) Get() any  { return nil }
func (s *recordingStore) Put(x any) { s.kept = append(s.kept, x.(*bytes.Buffer)) }

// A message read from a plain reader leaves its buffer in the pool up to the bound, and not past
// it: an outsized response does not stay in memory for the life of the process.
func TestPoolKeepsBuffersUpToTheBound(t *testing.T) {
	t.Parallel()
	msg := func(n int) []byte {
		b, err := proto.Marshal(&attiov1.GetRecordResponse{Record: &attiov1.Record{WebUrl: strings.Repeat("u", n)}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const bound = 64 << 10
	for _, tc := range []struct {
		name string
		size int
		kept bool
	}{
		{"small", 100, true},
		{"half the bound", bound / 2, true}, // ReadFrom grows a buffer to at most twice the message
		{"outsized", 4 * bound, false},
	} {
		c := New(WithMaxPooledBytes(bound))
		store := &recordingStore{}
		c.pool.store = store
		var got attiov1.GetRecordResponse
		if err := c.UnmarshalRead(t.Context(), bytes.NewReader(msg(tc.size)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.GetRecord().GetWebUrl()) != tc.size {
			t.Fatalf("%s: decoded %d bytes of URL, want %d", tc.name, len(got.GetRecord().GetWebUrl()), tc.size)
		}
		if kept := len(store.kept) == 1; kept != tc.kept {
			t.Errorf("%s (%d bytes, bound %d): buffer kept %v, want %v", tc.name, tc.size, bound, kept, tc.kept)
		}
		for _, b := range store.kept {
			if b.Cap() > bound || b.Len() != 0 {
				t.Errorf("%s: kept a buffer of cap %d, len %d (bound %d)", tc.name, b.Cap(), b.Len(), bound)
			}
		}
	}
}
