package attio_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// A page is read whole into a pooled buffer, up to Config.MaxBodyBytes: an answer of exactly the
// bound decodes, one byte more fails the call at once (no retry: re-reading cannot shrink it).
func TestMaxBodyBytesBoundsAPage(t *testing.T) {
	t.Parallel()
	const bound = 4096
	for _, tc := range []struct {
		size int
		ok   bool
	}{{bound, true}, {bound + 1, false}} {
		body := `{"data":[]}`
		body += strings.Repeat(" ", tc.size-len(body))
		s := newStub(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
		c := s.client(t, func(cfg *attio.Config) { cfg.MaxBodyBytes = bound })
		page, err := c.QueryRecordMessages(t.Context(), "people", attio.Query{})
		if tc.ok {
			if err != nil || len(page.Items) != 0 {
				t.Fatalf("%d bytes: %v", tc.size, err)
			}
			continue
		}
		if !errors.Is(err, attio.ErrBodyTooLarge) {
			t.Fatalf("%d bytes: %v, want ErrBodyTooLarge", tc.size, err)
		}
		if n := len(s.requests()); n != 1 {
			t.Fatalf("%d requests, want 1 (no retry)", n)
		}
	}
}
