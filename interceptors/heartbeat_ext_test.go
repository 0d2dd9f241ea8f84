package interceptors_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/types/known/wrapperspb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

var rlExportSpec = connect.Spec{StreamType: connect.StreamTypeServer, Procedure: "/test.v1.RateService/Export"}

// TestRateLimitSkipsHeartbeats: a stream pays for every message after the first except the
// messages the contract marks as heartbeats (attio.v1.heartbeat, an export's progress report), so
// a caller whose limit equals the upstream budget gets the budget's pages whatever its progress
// interval. Burst 3, no refill, streams fail when the budget is spent: the stream alternates a
// progress report and a batch, and gets its 3 batches and every report before them.
func TestRateLimitSkipsHeartbeats(t *testing.T) {
	t.Parallel()
	srv := connect.NewServer(rlPrincipalFromHeader, interceptors.NewRateLimiter(interceptors.RateLimitConfig{
		Rate: 0.001, Burst: 3, FailStreams: true}).Interceptor())
	srv.Register(connect.Method{Spec: rlExportSpec, Handler: func(_ context.Context, _ connect.Spec, s connect.ServerStream) error {
		var req wrapperspb.Int32Value
		if err := s.Receive(&req); err != nil {
			return err
		}
		for i := range req.Value {
			progress := &attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Progress{
				Progress: &attiov1.ExportProgress{Items: int64(i)}}}
			batch := &attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{
				Batch: &attiov1.RecordBatch{ResumeToken: "t"}}}
			for _, m := range []*attiov1.ExportRecordsResponse{progress, batch} {
				if err := s.Send(m); err != nil {
					return err
				}
			}
		}
		return nil
	}})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	c := connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))

	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("X-Test-Principal", "exporter")
	s, err := c.CallServerStream(ctx, rlExportSpec, wrapperspb.Int32(10))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var progress, batches int
	for {
		var msg attiov1.ExportRecordsResponse
		err := s.Receive(&msg)
		if errors.Is(err, io.EOF) {
			t.Fatal("the stream ended without a refusal: the burst of 3 should cover 3 batches only")
		}
		if err != nil {
			if connect.CodeOf(err) != connect.CodeResourceExhausted {
				t.Fatalf("refusal: %v, want ResourceExhausted", err)
			}
			break
		}
		if msg.GetProgress() != nil {
			progress++
		} else {
			batches++
		}
	}
	if batches != 3 || progress != 4 {
		t.Fatalf("got %d batches and %d progress reports before the refusal, want 3 and 4", batches, progress)
	}
}
