package server_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"github.com/klauspost/compress/zstd"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/server"
)

// encodingSeen records the content encoding of every response body a client receives, whichever
// protocol's header carries it.
type encodingSeen struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (e *encodingSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	enc := "identity"
	for _, h := range []string{"Content-Encoding", "Connect-Content-Encoding", "Grpc-Encoding"} {
		if v := resp.Header.Get(h); v != "" && v != "identity" {
			enc = v
		}
	}
	// Streaming protocols name the encoding for the whole stream and flag each message that uses
	// it: the first message's envelope says whether it was compressed.
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/grpc") || strings.HasPrefix(ct, "application/connect+") {
		br := bufio.NewReader(resp.Body)
		flags, err := br.Peek(1)
		if err != nil || flags[0]&1 == 0 {
			enc = "identity"
		}
		resp.Body = struct {
			io.Reader
			io.Closer
		}{br, resp.Body}
	}
	e.mu.Lock()
	e.seen = append(e.seen, enc)
	e.mu.Unlock()
	return resp, nil
}

func (e *encodingSeen) last(t *testing.T) string {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) == 0 {
		t.Fatal("no response seen")
	}
	return e.seen[len(e.seen)-1]
}

// compressingClient speaks p to the facade, accepting only the given compressors (none: identity).
func compressingClient(h *harness, p protocol, cs ...connect.Compressor) (*connect.Client, *encodingSeen) {
	seen := &encodingSeen{next: h.srv.Client().Transport}
	opts := append([]connecthttp.Option{connecthttp.WithCompressors(cs...)}, p.opts...)
	return connect.NewClient(connecthttp.NewTransport(&http.Client{Transport: seen}, h.srv.URL, opts...)), seen
}

// The caller picks the encoding: zstd, gzip or none, over every protocol, for unary responses and
// stream pages alike; each decodes to the same records.
func TestCompressionIsTheCallersChoice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	byName := map[string]connect.Compressor{}
	for _, c := range server.Compressors() {
		byName[c.Name()] = c
	}
	for _, p := range protocols {
		for _, want := range []string{"zstd", "gzip", "identity"} {
			t.Run(p.name+"/"+want, func(t *testing.T) {
				t.Parallel()
				var cs []connect.Compressor
				if c, ok := byName[want]; ok {
					cs = append(cs, c)
				} else if want != "identity" {
					t.Fatalf("the facade offers no %s compressor", want)
				}
				cc, seen := compressingClient(h, p, cs...)
				rc := attiov1connect.NewRecordServiceClient(cc)
				got, err := rc.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
				if err != nil {
					t.Fatal(err)
				}
				if got.GetRecord().GetId().GetRecordId() != adaID {
					t.Fatalf("record %v", got.GetRecord().GetId())
				}
				if enc := seen.last(t); enc != want {
					t.Errorf("GetRecord response encoded %q, caller accepted only %q", enc, want)
				}
				s, err := rc.StreamRecords(t.Context(), &attiov1.StreamRecordsRequest{Object: "people", PageSize: 500})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				msg, err := s.Receive()
				if err != nil {
					t.Fatal(err)
				}
				if len(msg.GetRecords()) == 0 {
					t.Fatal("empty first page")
				}
				if enc := seen.last(t); enc != want {
					t.Errorf("StreamRecords encoded %q, caller accepted only %q", enc, want)
				}
			})
		}
	}
}

// A response smaller than CompressMinBytes goes uncompressed although the caller accepts gzip;
// one of exactly that size is compressed.
func TestCompressMinBytesBound(t *testing.T) {
	t.Parallel()
	plain := newHarness(t, harnessConfig{})
	resp, err := records(plain, protocols[0]).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	if err != nil {
		t.Fatal(err)
	}
	size := proto.Size(resp) // what the facade marshals before it decides on compression
	for _, tc := range []struct {
		min  int
		want string
	}{{size, "gzip"}, {size + 1, "identity"}, {0, "gzip"}} {
		h := newHarness(t, harnessConfig{opts: func(o *server.Options) { o.CompressMinBytes = tc.min }})
		for _, p := range protocols {
			cc, seen := compressingClient(h, p, server.Compressors()...)
			if _, err := attiov1connect.NewRecordServiceClient(cc).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID}); err != nil {
				t.Fatal(err)
			}
			// The client lists zstd first; the facade answers with the caller's first choice.
			want := tc.want
			if want == "gzip" {
				want = "zstd"
			}
			if enc := seen.last(t); enc != want {
				t.Errorf("%s: response of %d bytes with CompressMinBytes %d: encoded %q, want %q", p.name, size, tc.min, enc, want)
			}
		}
	}
}

// A zstd frame may declare a window of up to 2 GiB, which the decoder would allocate before any
// size limit counts a byte: the facade refuses frames whose window is over ZstdMaxWindow
// (InvalidArgument), and a small frame that inflates past the read limit is ResourceExhausted.
func TestZstdRequestBounds(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	frame := func(window int, data []byte) []byte {
		var b bytes.Buffer
		enc, err := zstd.NewWriter(&b, zstd.WithWindowSize(window), zstd.WithEncoderConcurrency(1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := enc.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	req, err := proto.Marshal(&attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	if err != nil {
		t.Fatal(err)
	}
	// Repeated unknown field 1000 (bytes) makes any size of valid protobuf.
	pad := func(n int) []byte {
		b := append([]byte(nil), req...)
		b = protowire.AppendTag(b, 1000, protowire.BytesType)
		return protowire.AppendBytes(b, make([]byte, n))
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string // connect error code; "" for success
	}{
		{"window at the bound", frame(server.ZstdMaxWindow, pad(1<<20)), ""},
		{"small window, small message", frame(1<<20, req), ""},
		{"window over the bound", frame(2*server.ZstdMaxWindow, pad(3*server.ZstdMaxWindow)), "invalid_argument"},
		{"inflates past the read limit", frame(1<<20, pad(5<<20)), "resource_exhausted"},
	} {
		r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, h.srv.URL+"/attio.v1.RecordService/GetRecord", bytes.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/proto")
		r.Header.Set("Content-Encoding", "zstd")
		resp, err := h.httpClient().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := ""
		if resp.StatusCode != http.StatusOK {
			got = string(body)
		}
		if (tc.want == "") != (got == "") || !bytes.Contains(body, []byte(tc.want)) {
			t.Errorf("%s (%d bytes compressed): status %d, body %.200s; want %q", tc.name, len(tc.body), resp.StatusCode, body, tc.want)
		}
	}
}
