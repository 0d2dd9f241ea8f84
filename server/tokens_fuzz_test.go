package server

import (
	"encoding/base64"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
)

const fuzzDigest = "q1q2q3q4q5q6q7q8q9q0qq"

// Page and resume tokens come from callers: any string is either refused with InvalidArgument or
// decodes to a position of the same query that encodes back to itself. Nothing panics.
func FuzzPageToken(f *testing.F) {
	for _, t := range []pageToken{{Query: fuzzDigest}, {Query: fuzzDigest, Offset: 500},
		{Query: fuzzDigest, Cursor: "cursor-abc"}, {Query: fuzzDigest, End: true}, {Query: "another-query"}} {
		f.Add(encodePageToken(t))
	}
	for _, raw := range []string{`{"q":"` + fuzzDigest + `","o":-1}`, `{"q":"` + fuzzDigest + `","o":1e300}`, `[]`, `null`, `{"q":null}`} {
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(raw)))
	}
	f.Add("")
	f.Add("not base64!")
	f.Add(strings.Repeat("A", maxPageTokenLen+1))
	f.Fuzz(func(t *testing.T, token string) {
		got, err := decodePageToken(token, fuzzDigest)
		if len(token) > maxPageTokenLen && err == nil {
			t.Fatalf("accepted a %d-byte token", len(token))
		}
		if err != nil {
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("refused with %v, want InvalidArgument", err)
			}
			return
		}
		if got.Query != fuzzDigest || got.Offset < 0 {
			t.Fatalf("accepted %+v", got)
		}
		again, err := decodePageToken(encodePageToken(got), fuzzDigest)
		if err != nil || again != got {
			t.Fatalf("re-encoded token: %+v, %v; want %+v", again, err, got)
		}
	})
}

// Export resume tokens likewise: refused with InvalidArgument, or a state whose ranges are well
// formed and bounded, that encodes back to itself.
func FuzzExportToken(f *testing.F) {
	fresh, _ := decodeExportToken("", fuzzDigest)
	f.Add(encodeExportToken(fresh))
	f.Add(encodeExportToken(&exportToken{Query: fuzzDigest, Started: true, Max: 1700000000000000000, Ranges: []*exportRange{
		{Lo: 10, Hi: 20, Seen: []string{"a", "b"}}, {Lo: 20, Excl: true, Hi: noUpper, Tie: true, Cur: "id-7", Off: 3, Back: 2}}}))
	f.Add(encodeExportToken(&exportToken{Query: fuzzDigest, Started: true}))
	f.Add(encodeExportToken(&exportToken{Query: fuzzDigest, Started: true, Max: 1700000000000000000, Newest: 20, NewestLo: 1690000000000000000,
		Ranges: []*exportRange{{Lo: 10, Hi: noUpper}}}))
	for _, raw := range []string{`{"q":"` + fuzzDigest + `","r":[null]}`, `{"q":"` + fuzzDigest + `","r":[{"l":5,"h":1}]}`,
		`{"q":"` + fuzzDigest + `","b":true,"r":[{"l":0,"h":9,"o":-1}]}`, `{"q":"x"}`,
		`{"q":"` + fuzzDigest + `","b":true,"m":5,"n":2,"nl":6}`, `{"q":"` + fuzzDigest + `","b":true,"m":5,"n":-1}`} {
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(raw)))
	}
	f.Add("%%%")
	f.Add(strings.Repeat("A", maxExportTokenLen+1))
	f.Fuzz(func(t *testing.T, token string) {
		got, err := decodeExportToken(token, fuzzDigest)
		if len(token) > maxExportTokenLen && err == nil {
			t.Fatalf("accepted a %d-byte token", len(token))
		}
		if err != nil {
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("refused with %v, want InvalidArgument", err)
			}
			return
		}
		if got.Query != fuzzDigest {
			t.Fatalf("accepted a token of another export: %+v", got)
		}
		for _, r := range got.Ranges {
			if r == nil || r.Hi <= r.Lo || r.Off < 0 || r.Back < 0 || len(r.Seen) > maxBoundaryIDs {
				t.Fatalf("accepted a malformed range %+v", r)
			}
		}
		if got.Newest < 0 || got.Newest > maxUpstreamPage || (got.Newest > 0 && got.NewestLo > got.Max) {
			t.Fatalf("accepted a malformed sample of the newest items: %d up from %d (newest %d)", got.Newest, got.NewestLo, got.Max)
		}
		enc := encodeExportToken(got)
		again, err := decodeExportToken(enc, fuzzDigest)
		if err != nil || encodeExportToken(again) != enc {
			t.Fatalf("re-encoded token: %+v, %v; want %+v", again, err, got)
		}
	})
}
