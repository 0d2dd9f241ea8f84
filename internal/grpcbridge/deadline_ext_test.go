package grpcbridge_test

import (
	"encoding/binary"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
)

// A handler whose caller has stopped reading is blocked in Write by flow control. Its write
// deadline must get it out, as net/http's HTTP/2 server resets such a stream: the facade's stream
// limits rely on it to free a stalled export's last page.
func TestAWriteDeadlineReleasesAHandlerBlockedByFlowControl(t *testing.T) {
	t.Parallel()
	ended := make(chan error, 1)
	stalled := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/grpc")
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
			ended <- err
			return
		}
		msg := make([]byte, 5+64<<10)
		binary.BigEndian.PutUint32(msg[1:], 64<<10)
		for {
			if _, err := w.Write(msg); err != nil {
				ended <- err
				return
			}
		}
	})
	cc := serve(t, stalled, grpcbridge.Config{}, grpc.WithInitialWindowSize(64<<10), grpc.WithInitialConnWindowSize(64<<10))
	st, err := cc.NewStream(ctxFor(t), &grpc.StreamDesc{ServerStreams: true}, "/a.B/Stalled")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SendMsg(&emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	// The caller reads nothing from here on.
	select {
	case err := <-ended:
		if err == nil {
			t.Fatal("the handler ended without a write error")
		}
	case <-time.After(30 * time.Second): // only a real hang gets here
		t.Fatal("the handler is still blocked in Write long after its write deadline")
	}
}
