package attio

import (
	"testing"
	"time"
)

// The fast path for Attio's time form agrees with time.Parse wherever it answers, and declines
// everything time.Parse would refuse.
func FuzzParseAttioTime(f *testing.F) {
	for _, s := range []string{"2023-01-01T15:00:00.000000000Z", "2024-02-29T12:00:00.123456789Z", "2023-02-29T00:00:00Z",
		"2023-01-01T15:00:00Z", "2023-01-01T15:00:00.5Z", "2023-13-01T00:00:00Z", "2023-01-01T24:00:00Z", "2023-01-01T15:00:00.Z",
		"2023-01-01T15:00:00.1234567890Z", "2023-01-01T15:00:60Z", "0000-01-01T00:00:00Z", "2023-01-01T15:00:00+02:00", "+023-01-01T15:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sec, nanos, ok := parseAttioTime(s)
		want, err := time.Parse(time.RFC3339Nano, s)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("%q: fast path accepted what time.Parse refuses (%v)", s, err)
		}
		if sec != want.Unix() || nanos != int32(want.Nanosecond()) {
			t.Fatalf("%q: %d.%09d, want %d.%09d", s, sec, nanos, want.Unix(), want.Nanosecond())
		}
	})
}
