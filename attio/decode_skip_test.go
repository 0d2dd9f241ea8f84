package attio

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// skipString and scanString find the end of any valid JSON string, wherever its quotes and
// escapes fall in their eight-byte words, and skipSpace stops at the first byte that is not
// JSON whitespace.
func FuzzSkipString(f *testing.F) {
	for _, s := range []string{"", "a", `"`, `\`, `ab"cdefgh\ijk`, "01234567\"", "0123456\\", "é\u2028\x01\x1f", "\\\"\\\"\\\"\\\"\\\""} {
		f.Add(s, " \t\n\r,")
	}
	f.Fuzz(func(t *testing.T, s, after string) {
		q, err := jsontext.AppendQuote(nil, s)
		if err != nil {
			t.Skip() // not valid UTF-8
		}
		b := append(q, after...)
		if got := skipString(b, 0); got != len(q) {
			t.Fatalf("skipString(%q) = %d, want %d", b, got, len(q))
		}
		p := &decoder{in: b}
		if got, _, err := p.scanString(0); err != nil || got != len(q) {
			t.Fatalf("scanString(%q) = %d, %v, want %d", b, got, err, len(q))
		}
		i := skipSpace(b, len(q))
		for _, c := range b[len(q):i] {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				t.Fatalf("skipSpace skipped %q in %q", c, b[len(q):])
			}
		}
		if c := b[i:]; len(c) > 0 && (c[0] == ' ' || c[0] == '\t' || c[0] == '\n' || c[0] == '\r') {
			t.Fatalf("skipSpace stopped at whitespace in %q", b[len(q):])
		}
	})
}
