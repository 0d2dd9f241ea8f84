package grpcbridge_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
)

// The answer's encoding follows the main listener's rule, not grpc-go's (the request's encoding):
// the first the caller accepts that is registered, and none under CompressMinBytes.
func TestCompressionIsTheCallersChoiceAboveTheMinimum(t *testing.T) {
	t.Parallel()
	// The handler answers one message of the size the method names.
	sized := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n, _ := strconv.Atoi(r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		msg := make([]byte, 5+n)
		binary.BigEndian.PutUint32(msg[1:], uint32(n))
		w.Header().Set("Content-Type", "application/grpc")
		_, _ = w.Write(msg)
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
	})
	cc := serve(t, sized, grpcbridge.Config{CompressMinBytes: 1000})
	target := cc.Target()
	for _, tc := range []struct {
		size    int
		accept  string
		encoded string // "" for none
	}{
		{size: 999, accept: "gzip", encoded: ""},
		{size: 1000, accept: "gzip", encoded: "gzip"},
		{size: 5000, accept: "", encoded: ""},
		{size: 5000, accept: "br, gzip", encoded: "gzip"}, // br is not registered
		{size: 5000, accept: "identity", encoded: ""},
	} {
		t.Run(strconv.Itoa(tc.size)+"/"+tc.accept, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(ctxFor(t), http.MethodPost, "http://"+target+"/a.B/"+strconv.Itoa(tc.size), bytes.NewReader([]byte{0, 0, 0, 0, 0}))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/grpc")
			req.Header.Set("Te", "trailers")
			if tc.accept != "" {
				req.Header.Set("Grpc-Accept-Encoding", tc.accept)
			}
			res, err := h2c().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.Trailer.Get("Grpc-Status") != "0" || len(body) < 5 {
				t.Fatalf("answer %q (%v), trailers %v", body, err, res.Trailer)
			}
			got := res.Header.Get("Grpc-Encoding")
			if got == "identity" {
				got = ""
			}
			if got != tc.encoded || (body[0] == 1) != (tc.encoded != "") {
				t.Errorf("grpc-encoding %q, compressed flag %d; want %q", got, body[0], tc.encoded)
			}
		})
	}
}

func h2c() *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}
