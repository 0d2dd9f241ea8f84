package attio_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/attio-facade/attio-facade/attio"
)

// validJSON is the reference the decoder's own scanner must agree with: jsontext's validation
// (UTF-8 and UTF-16 escapes checked), duplicate names allowed as encoding/json allows them.
func validJSON(b []byte) bool {
	return jsontext.Value(b).IsValid(jsontext.AllowDuplicateNames(true))
}

// inPositions puts v in every place of a page the decoder reads differently: a value (walked for
// its members when an object), an unknown key of a record (kept raw), an id (walked), and an
// unknown key of the envelope (skipped).
func inPositions(v string) []string {
	return []string{
		`{"data":[{"id":{"record_id":"r"},"values":{"a":[` + v + `]}}]}`,
		`{"data":[{"id":{"record_id":"r"},"x":` + v + `,"values":{}}]}`,
		`{"data":[{"id":` + v + `}]}`,
		`{"more":` + v + `,"data":[]}`,
	}
}

// The decoder validates the page in its one scan as strictly as jsontext did (ReadValue of every
// value before): a page it accepts is valid JSON, and a valid value in any position is accepted.
// Strings must be valid UTF-8, escapes valid UTF-16 (no lone surrogates); nothing but space may
// follow the envelope.
func FuzzDecodeValidatesLikeJSONText(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	for _, s := range invalidValues {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		checkValidation(t, v)
	})
}

func checkValidation(t *testing.T, v string) {
	t.Helper()
	valid := validJSON([]byte(v))
	for _, page := range inPositions(v) {
		body := []byte(page)
		_, err := attio.DecodeRecords(body)
		if err == nil && !validJSON(body) {
			t.Fatalf("accepted invalid JSON: %q", page)
		}
		if err != nil && valid {
			t.Fatalf("refused a page with the valid value %q: %v", v, err)
		}
		if _, err := attio.DecodeRawItems(body, "record_id"); err == nil && !validJSON(body) {
			t.Fatalf("raw items: accepted invalid JSON: %q", page)
		}
	}
	if _, err := attio.DecodeValues([]byte(`{"data":[` + v + `]}`)); (err == nil) != validJSON([]byte(`{"data":[`+v+`]}`)) {
		t.Fatalf("values: %q: error %v", v, err)
	}
}

// invalidValues are malformed in every way the scanner checks.
var invalidValues = []string{
	`{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a" 1}`, `{"a":1 "b":2}`, `{1:2}`, `[1 2]`, `[}`, `{]`,
	`01`, `-`, `1.`, `1.e5`, `.5`, `1e`, `1e+`, `+1`, `-01`, `0x1`, `NaN`, `tru`, `nul`, `falsey`, `nullx`,
	`"\x"`, `"\u12"`, `"\u12g4"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud800\u0041"`, `"a` + "\x01" + `b"`,
	"\"\xff\"", "\"\xc3\"", "\"\xed\xa0\x80\"", `"unterminated`, `'single'`, `{"k":}`, ``, ` `,
	`"\ud83d\ude00"`, `"é"`, `"\u00e9\/"`, `1e400`, `-0.0E-0`, `{"a":1,"a":2}`, // valid ones, for contrast
}

func TestDecodeValidatesLikeJSONText(t *testing.T) {
	t.Parallel()
	for _, v := range append(append([]string{}, valueSeeds...), invalidValues...) {
		checkValidation(t, v)
	}
	// Every special byte at every offset of a long string (the scanner reads eight bytes at a time).
	for _, special := range []string{`"`, `\`, `\n`, `\u00e9`, "\x00", "\x01", "\x1f", " ", "\x7f", "\x80", "\xc3\xa9", "\xc3", "\xf0\x9f\x98\x80", "\xed\xa0\x80"} {
		for at := range 20 {
			checkValidation(t, `"`+strings.Repeat("a", at)+special+strings.Repeat("b", 20-at)+`"`)
		}
	}
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	if _, err := attio.DecodeRecords([]byte(`{"data":[{"x":` + deep + `}]}`)); err == nil {
		t.Error("nesting deeper than 10,000 accepted")
	}
}

// A body cut off mid-way fails as io.ErrUnexpectedEOF (the client retries it); a malformed one
// as a syntax error that is not (retrying cannot help). Both are *jsontext.SyntacticError with
// the offset.
func TestDecodeErrorsTellTruncatedFromMalformed(t *testing.T) {
	t.Parallel()
	page := `{"data":[{"id":{"record_id":"r"},"values":{"a":[{"attribute_type":"text","value":"caf\u00e9 \ud83d\ude00 é","n":-1.5e3,"t":true}]}}]}`
	for n := range len(page) {
		_, err := attio.DecodeRecords([]byte(page[:n]))
		var se *jsontext.SyntacticError
		if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &se) {
			t.Fatalf("cut at %d: %v, want a syntactic io.ErrUnexpectedEOF", n, err)
		}
	}
	for _, bad := range []string{page + `x`, strings.Replace(page, `"t":true`, `"t":tru`, 1), strings.Replace(page, `1.5e3`, `1.5e`, 1)} {
		_, err := attio.DecodeRecords([]byte(bad))
		var se *jsontext.SyntacticError
		if err == nil || errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &se) || se.ByteOffset == 0 {
			t.Errorf("%q: %v, want a syntactic error with its offset", bad, err)
		}
	}
	if _, err := attio.DecodeRecords([]byte(page + " \n")); err != nil {
		t.Errorf("trailing space: %v", err)
	}
}
