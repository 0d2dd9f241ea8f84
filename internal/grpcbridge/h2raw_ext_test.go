package grpcbridge_test

import (
	"bytes"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
)

// rawH2 is a hand-written HTTP/2 client, for what grpc-go's client would not send (it honours the
// server's limits itself) and for frames it would not show (SETTINGS, PING, GOAWAY).
type rawH2 struct {
	t  *testing.T
	fr *http2.Framer
}

// serveRaw starts the bridge in front of h and returns a raw HTTP/2 client that has sent its
// preface and settings. Every read fails after a minute: only a hang gets there.
func serveRaw(t *testing.T, h http.Handler, cfg grpcbridge.Config) *rawH2 {
	t.Helper()
	conn, err := net.Dial("tcp", startBridge(t, h, cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
		t.Fatal(err)
	}
	c := &rawH2{t: t, fr: http2.NewFramer(conn, conn)}
	c.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if err := c.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return c
}

// call opens stream with a gRPC request to path, extra headers added, and sends an empty message
// that ends the request.
func (c *rawH2) call(stream uint32, path string, extra ...[2]string) {
	c.t.Helper()
	var hdr bytes.Buffer
	enc := hpack.NewEncoder(&hdr)
	fields := append([][2]string{
		{":method", "POST"}, {":scheme", "http"}, {":path", path}, {":authority", "bridge"},
		{"content-type", "application/grpc"}, {"te", "trailers"},
	}, extra...)
	for _, f := range fields {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: hdr.Bytes(), EndHeaders: true}); err != nil {
		c.t.Fatal(err)
	}
	if err := c.fr.WriteData(stream, true, []byte{0, 0, 0, 0, 0}); err != nil {
		c.t.Fatal(err)
	}
}

// readUntil reads frames, acknowledging the server's settings, until done says so, and fails
// the test if the connection ends first.
func (c *rawH2) readUntil(done func(http2.Frame) bool) {
	c.t.Helper()
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			c.t.Fatalf("reading frames: %v", err)
		}
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			if err := c.fr.WriteSettingsAck(); err != nil {
				c.t.Fatal(err)
			}
		}
		if done(f) {
			return
		}
	}
}

// ended reports a stream's end: its trailers, or a reset (whose code it returns).
func ended(f http2.Frame, stream uint32) (end bool, rst http2.ErrCode) {
	switch f := f.(type) {
	case *http2.MetaHeadersFrame:
		return f.StreamID == stream && f.StreamEnded(), 0
	case *http2.RSTStreamFrame:
		return f.StreamID == stream, f.ErrCode
	}
	return false, 0
}

// okAnswer is a handler's whole gRPC answer: an empty message and status OK.
func okAnswer(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/grpc")
	_, _ = w.Write([]byte{0, 0, 0, 0, 0})
	w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
}
