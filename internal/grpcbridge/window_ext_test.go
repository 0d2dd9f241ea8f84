package grpcbridge_test

import (
	"net/http"
	"testing"

	"golang.org/x/net/http2"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
)

// The windows a caller may fill are the configured ones (the bound on request bytes held per call
// and per connection), and they stay fixed: grpc-go's bandwidth-delay probing, which sends a PING
// after a call's first DATA frame and so costs every unary call a write and a read on both sides,
// is off. Checked on the wire, with a hand-written client.
func TestRequestWindowsAreFixedAndNoCallIsProbed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                 string
		cfg                  grpcbridge.Config
		wantStream, wantConn uint32
	}{
		{"defaults", grpcbridge.Config{}, grpcbridge.DefaultStreamWindowBytes, grpcbridge.DefaultConnWindowBytes},
		{"set", grpcbridge.Config{StreamWindowBytes: 256 << 10, ConnWindowBytes: 512 << 10}, 256 << 10, 512 << 10},
		{"under HTTP/2's initial window", grpcbridge.Config{StreamWindowBytes: 1 << 10, ConnWindowBytes: 1 << 10}, 65535, 65535},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = r.Body.Read(make([]byte, 64))
				okAnswer(w)
			}), tc.cfg)
			// HTTP/2's initial windows, unless the server's SETTINGS and its first connection
			// WINDOW_UPDATE say otherwise.
			gotStream, gotConn, connUpdated := uint32(65535), uint32(65535), false
			// Two calls on the connection: the probe, when on, goes out after the first DATA
			// frame of each call whose predecessor's probe was answered.
			for stream := uint32(1); stream <= 3; stream += 2 {
				c.call(stream, "/a.B/C")
				c.readUntil(func(f http2.Frame) bool {
					switch f := f.(type) {
					case *http2.SettingsFrame:
						if v, ok := f.Value(http2.SettingInitialWindowSize); ok && !f.IsAck() {
							gotStream = v
						}
					case *http2.WindowUpdateFrame:
						if f.StreamID == 0 && !connUpdated {
							gotConn, connUpdated = 65535+f.Increment, true
						}
					case *http2.PingFrame:
						if !f.IsAck() {
							t.Fatalf("stream %d: the server probed the connection with a PING", stream)
						}
					}
					end, _ := ended(f, stream)
					return end
				})
			}
			if gotStream != tc.wantStream || gotConn != tc.wantConn {
				t.Fatalf("windows: stream %d, connection %d; want %d and %d", gotStream, gotConn, tc.wantStream, tc.wantConn)
			}
		})
	}
}
