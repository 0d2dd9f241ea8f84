package sandbox

import (
	"testing"
	"time"
)

func TestAppendTSMatchesLayout(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, 1_700_000_000_123_456_789, -1, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC).UnixNano()} {
		want := time.Unix(0, n).UTC().Format(tsLayout)
		if got := string(appendTS(nil, n)); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
	u := newUUID()
	if p, ok := parseUUID(u.String()); !ok || p != u {
		t.Fatal("uuid round trip")
	}
}
