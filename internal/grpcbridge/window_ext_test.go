package grpcbridge_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/types/known/emptypb"

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
			answer := []byte{0, 0, 0, 0, 0}
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = r.Body.Read(make([]byte, 64))
				w.Header().Set("Content-Type", "application/grpc")
				_, _ = w.Write(answer)
				w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := grpcbridge.New(h, tc.cfg)
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(srv.Stop)
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close() })
			_ = conn.SetDeadline(time.Now().Add(time.Minute)) // only a hang reaches it
			if _, err := conn.Write([]byte(http2.ClientPreface)); err != nil {
				t.Fatal(err)
			}
			fr := http2.NewFramer(conn, conn)
			if err := fr.WriteSettings(); err != nil {
				t.Fatal(err)
			}

			// Two calls on the connection: the probe, when on, goes out after the first DATA
			// frame of each call whose predecessor's probe was answered.
			// HTTP/2's initial windows, unless the server's SETTINGS and its first connection
			// WINDOW_UPDATE say otherwise.
			gotStream, gotConn, connUpdated := uint32(65535), uint32(65535), false
			for stream := uint32(1); stream <= 3; stream += 2 {
				var hdr bytes.Buffer
				enc := hpack.NewEncoder(&hdr)
				for _, f := range [][2]string{
					{":method", "POST"}, {":scheme", "http"}, {":path", "/a.B/C"}, {":authority", "bridge"},
					{"content-type", "application/grpc"}, {"te", "trailers"},
				} {
					_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
				}
				if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: hdr.Bytes(), EndHeaders: true}); err != nil {
					t.Fatal(err)
				}
				if err := fr.WriteData(stream, true, []byte{0, 0, 0, 0, 0}); err != nil {
					t.Fatal(err)
				}
				for done := false; !done; {
					f, err := fr.ReadFrame()
					if err != nil {
						t.Fatalf("stream %d: %v", stream, err)
					}
					switch f := f.(type) {
					case *http2.SettingsFrame:
						if f.IsAck() {
							continue
						}
						if v, ok := f.Value(http2.SettingInitialWindowSize); ok {
							gotStream = v
						}
						if err := fr.WriteSettingsAck(); err != nil {
							t.Fatal(err)
						}
					case *http2.WindowUpdateFrame:
						if f.StreamID == 0 && !connUpdated {
							gotConn, connUpdated = 65535+f.Increment, true
						}
					case *http2.PingFrame:
						if !f.IsAck() {
							t.Fatalf("stream %d: the server probed the connection with a PING", stream)
						}
					case *http2.HeadersFrame:
						done = f.StreamID == stream && f.StreamEnded()
					}
				}
			}
			if gotStream != tc.wantStream || gotConn != tc.wantConn {
				t.Fatalf("windows: stream %d, connection %d; want %d and %d", gotStream, gotConn, tc.wantStream, tc.wantConn)
			}
		})
	}
}

// Kept goroutines run calls, but never make one wait for another: with every worker held by a
// call that cannot end until a second call has, the second still runs. The same with none kept.
func TestBusyWorkersDoNotQueueCalls(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, -1} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			t.Parallel()
			holding, release := make(chan struct{}), make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/grpc")
				if r.URL.Path == "/a.B/Hold" {
					close(holding)
					<-release
				} else {
					close(release)
				}
				_, _ = w.Write([]byte{0, 0, 0, 0, 0})
				w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
			})
			cc := serve(t, h, grpcbridge.Config{StreamWorkers: workers})
			ctx := ctxFor(t) // only a queued call reaches its end
			held := make(chan error, 1)
			go func() { held <- cc.Invoke(ctx, "/a.B/Hold", &emptypb.Empty{}, new(emptypb.Empty)) }()
			<-holding
			if err := cc.Invoke(ctx, "/a.B/Free", &emptypb.Empty{}, new(emptypb.Empty)); err != nil {
				t.Fatalf("the second call: %v", err)
			}
			if err := <-held; err != nil {
				t.Fatalf("the held call: %v", err)
			}
		})
	}
}
