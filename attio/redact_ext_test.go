package attio_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// Every form of a secret is masked, also inside longer base64 text at any alignment; ordinary text
// and too-short "secrets" are left alone.
func TestRedactorMasksEveryForm(t *testing.T) {
	t.Parallel()
	const secret = "sk_live+Q/9x~key w1th spaces&=?" // characters that every encoding treats differently
	r := attio.NewRedactor(secret, "abc", "")
	b := []byte(secret)
	std := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := map[string]struct {
		form   string
		around int // bytes encoded with the secret (before and after it)
	}{
		"raw":              {secret, 0},
		"base64 std":       {std(secret), 0},
		"base64 std raw":   {base64.RawStdEncoding.EncodeToString(b), 0},
		"base64 url":       {base64.URLEncoding.EncodeToString(b), 0},
		"base64 url raw":   {base64.RawURLEncoding.EncodeToString(b), 0},
		"query escaped":    {url.QueryEscape(secret), 0},
		"path escaped":     {url.PathEscape(secret), 0},
		"escaped base64":   {url.QueryEscape(std(secret)), 0},
		"basic credential": {std("user:" + secret), 5},
		"1 byte ahead":     {std("B" + secret + "tail"), 5},
		"2 bytes ahead":    {base64.URLEncoding.EncodeToString([]byte("Be" + secret)), 2},
		"bearer header":    {std("Bearer " + secret), 7},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := r.Redact("before " + tc.form + " after")
			if !strings.Contains(got, attio.Redacted) || !strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after") {
				t.Fatalf("not masked: %q", got)
			}
			// What is left of the form is the encoding of its neighbours, plus at most the few
			// base64 characters (and padding) that mix the secret's bits with theirs.
			if left := len(got) - len("before  after") - len(attio.Redacted); left > (tc.around*8+5)/6+4 {
				t.Fatalf("%d characters of the form survived: %q", left, got)
			}
		})
	}
	if got := r.Redact("abc and an ordinary message"); got != "abc and an ordinary message" {
		t.Fatalf("a 3-byte value was treated as a secret: %q", got)
	}
	var none *attio.Redactor
	if none.Redact(secret) != secret || attio.NewRedactor().Redact(secret) != secret {
		t.Fatal("an empty redactor changed text")
	}
	if got := none.With(secret).Redact(secret); got != attio.Redacted {
		t.Fatalf("With on nil: %q", got)
	}
}
