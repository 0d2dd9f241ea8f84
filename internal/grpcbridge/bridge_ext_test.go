package grpcbridge_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/encoding/gzip"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/grpcbridge"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// records is a RecordService whose answers say what the bridge handed it.
type records struct {
	attiov1connect.UnimplementedRecordServiceHandler
}

func (records) GetRecord(ctx context.Context, req *attiov1.GetRecordRequest) (*attiov1.GetRecordResponse, error) {
	info, _ := connect.CallInfoForServerContext(ctx)
	switch req.GetRecordId() {
	case "missing":
		e := connect.NewError(connect.CodeNotFound, "no record missing; 100% sure")
		d, err := connectproto.NewErrorDetail(&errdetails.ErrorInfo{Reason: "RECORD_NOT_FOUND", Domain: "test"})
		if err != nil {
			return nil, err
		}
		return nil, e.WithDetail(d)
	case "panic":
		panic("boom")
	case "deadline":
		if _, ok := ctx.Deadline(); !ok {
			return nil, connect.NewError(connect.CodeFailedPrecondition, "no deadline reached the handler")
		}
	}
	info.ResponseHeader().Set("X-Echo", info.RequestHeader().Get("X-Echo"))
	info.ResponseHeader().Set("X-Echo-Bin", info.RequestHeader().Get("X-Echo-Bin"))
	info.ResponseHeader().Set("X-Peer", info.PeerAddr)
	info.ResponseTrailer().Set("X-Done", "yes")
	return &attiov1.GetRecordResponse{Record: &attiov1.Record{Id: &attiov1.RecordId{ObjectId: req.GetObject(), RecordId: req.GetRecordId()}}}, nil
}

// StreamRecords sends page_size messages, then ends with the error its object names, if any.
func (records) StreamRecords(_ context.Context, req *attiov1.StreamRecordsRequest, s attiov1connect.RecordServiceStreamRecordsServerStream) error {
	for i := range req.GetPageSize() {
		if err := s.Send(&attiov1.StreamRecordsResponse{ResumeToken: strings.Repeat("t", int(i)+1)}); err != nil {
			return err
		}
	}
	if req.GetObject() == "fail" {
		return connect.NewError(connect.CodeAborted, "stopped after the messages")
	}
	return nil
}

type files struct {
	attiov1connect.UnimplementedFileServiceHandler
}

// UploadFile answers with the chunks' total size as the file's name.
func (files) UploadFile(_ context.Context, s attiov1connect.FileServiceUploadFileServerStream) (*attiov1.UploadFileResponse, error) {
	n := 0
	for {
		m, err := s.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n += len(m.GetChunk())
	}
	return &attiov1.UploadFileResponse{File: &attiov1.File{Name: strings.Repeat("x", n)}}, nil
}

// handler is what the facade hands the bridge: connect handlers on a mux, health and reflection
// beside them.
func handler() http.Handler {
	srv := connect.NewServer()
	attiov1connect.RegisterRecordServiceHandler(srv, records{})
	attiov1connect.RegisterFileServiceHandler(srv, files{})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	reflection := connect.NewServer()
	grpcreflect.Register(reflection, grpcreflect.WithNamer(grpcreflect.NamerFunc(func() []string {
		return []string{attiov1connect.RecordServiceName, "grpc.health.v1.Health"}
	})))
	connecthttp.Mount(mux, reflection)
	checker := grpchealth.NewStaticChecker(attiov1connect.RecordServiceName)
	mux.Handle(grpchealth.NewHandler(checker))
	return mux
}

// serve starts the bridge on loopback in front of h and returns a client connection to it.
func serve(t *testing.T, h http.Handler, cfg grpcbridge.Config, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(startBridge(t, h, cfg), append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// startBridge serves the bridge in front of h on loopback until the test ends, and returns its
// address.
func startBridge(t testing.TB, h http.Handler, cfg grpcbridge.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpcbridge.New(h, cfg)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestUnaryCarriesMetadataBothWays(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	for _, tc := range []struct {
		name string
		opts []grpc.CallOption
	}{
		{"identity", nil},
		{"gzip", []grpc.CallOption{grpc.UseCompressor("gzip")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := metadata.AppendToOutgoingContext(ctxFor(t), "x-echo", "hello", "x-echo-bin", "\x00\xffbin")
			var header, trailer metadata.MD
			res := new(attiov1.GetRecordResponse)
			err := cc.Invoke(ctx, attiov1connect.RecordServiceGetRecordProcedure,
				&attiov1.GetRecordRequest{Object: "people", RecordId: "r1"}, res,
				append(tc.opts, grpc.Header(&header), grpc.Trailer(&trailer))...)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.GetRecord().GetId().GetRecordId(); got != "r1" {
				t.Errorf("record %q, want r1", got)
			}
			if got := header.Get("x-echo"); len(got) != 1 || got[0] != "hello" {
				t.Errorf("header x-echo = %q, want [hello]", got)
			}
			if got := header.Get("x-echo-bin"); len(got) != 1 || got[0] != "\x00\xffbin" {
				t.Errorf("header x-echo-bin = %q, want the bytes sent", got)
			}
			if got := header.Get("x-peer"); len(got) != 1 || !strings.HasPrefix(got[0], "127.0.0.1:") {
				t.Errorf("the handler saw peer %q, want the caller's loopback address", got)
			}
			if got := trailer.Get("x-done"); len(got) != 1 || got[0] != "yes" {
				t.Errorf("trailer x-done = %q, want [yes]", got)
			}
		})
	}
}

func TestErrorsKeepCodeMessageAndDetails(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure,
		&attiov1.GetRecordRequest{Object: "people", RecordId: "missing"}, new(attiov1.GetRecordResponse))
	s := status.Convert(err)
	if s.Code() != codes.NotFound || s.Message() != "no record missing; 100% sure" {
		t.Fatalf("got %v %q, want NotFound and the handler's message", s.Code(), s.Message())
	}
	var reason string
	for _, d := range s.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	if reason != "RECORD_NOT_FOUND" {
		t.Errorf("details %v, want the handler's ErrorInfo", s.Details())
	}
}

func TestTheDeadlineReachesTheHandler(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure,
		&attiov1.GetRecordRequest{Object: "people", RecordId: "deadline"}, new(attiov1.GetRecordResponse))
	if err != nil {
		t.Fatal(err)
	}
}

func TestAPanicEndsOnlyItsCall(t *testing.T) {
	t.Parallel()
	var logs testkit.Buffer
	cc := serve(t, handler(), grpcbridge.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure,
		&attiov1.GetRecordRequest{Object: "people", RecordId: "panic"}, new(attiov1.GetRecordResponse))
	if s := status.Convert(err); s.Code() != codes.Internal || strings.Contains(s.Message(), "boom") {
		t.Fatalf("got %v %q, want Internal without the panic's value", s.Code(), s.Message())
	}
	if l := logs.String(); !strings.Contains(l, "panic_type=string") || strings.Contains(l, "boom") {
		t.Errorf("the log should name the panic's type and not its value: %s", l)
	}
	if err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure,
		&attiov1.GetRecordRequest{Object: "people", RecordId: "r2"}, new(attiov1.GetRecordResponse)); err != nil {
		t.Fatalf("the next call: %v", err)
	}
}

func TestServerStream(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	for _, tc := range []struct {
		object string
		n      int32
		code   codes.Code
	}{
		{"people", 0, codes.OK},
		{"people", 5, codes.OK},
		{"fail", 3, codes.Aborted},
		{"fail", 0, codes.Aborted},
	} {
		t.Run(tc.object+"/"+string(rune('0'+tc.n)), func(t *testing.T) {
			t.Parallel()
			st, err := cc.NewStream(ctxFor(t), &grpc.StreamDesc{ServerStreams: true}, attiov1connect.RecordServiceStreamRecordsProcedure)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SendMsg(&attiov1.StreamRecordsRequest{Object: tc.object, PageSize: tc.n}); err != nil {
				t.Fatal(err)
			}
			if err := st.CloseSend(); err != nil {
				t.Fatal(err)
			}
			var got int32
			for {
				m := new(attiov1.StreamRecordsResponse)
				err := st.RecvMsg(m)
				if err == io.EOF {
					break
				}
				if err != nil {
					if status.Code(err) != tc.code {
						t.Fatalf("after %d messages: %v, want %v", got, err, tc.code)
					}
					break
				}
				got++
				if len(m.GetResumeToken()) != int(got) {
					t.Fatalf("message %d carries %q", got, m.GetResumeToken())
				}
			}
			if got != tc.n {
				t.Errorf("%d messages, want %d", got, tc.n)
			}
		})
	}
}

func TestClientStream(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	st, err := cc.NewStream(ctxFor(t), &grpc.StreamDesc{ClientStreams: true}, attiov1connect.FileServiceUploadFileProcedure)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range []int{10, 0, 70000, 3} { // one larger than a flow-control window
		if err := st.SendMsg(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Chunk{Chunk: make([]byte, n)}}); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	res := new(attiov1.UploadFileResponse)
	if err := st.RecvMsg(res); err != nil {
		t.Fatal(err)
	}
	if got := len(res.GetFile().GetName()); got != total {
		t.Errorf("the handler read %d bytes, want %d", got, total)
	}
}

func TestARequestOverTheLimitIsResourceExhausted(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{MaxRecvMsgBytes: 1024})
	err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure,
		&attiov1.GetRecordRequest{Object: strings.Repeat("p", 1025), RecordId: "r"}, new(attiov1.GetRecordResponse))
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("got %v, want ResourceExhausted", err)
	}
	// At the bound exactly, the call goes through.
	req := &attiov1.GetRecordRequest{RecordId: "r"}
	req.Object = strings.Repeat("p", 1024-len("r")-4) // two tags, two one-byte lengths... sized below
	for req.SizeVT() > 1024 {
		req.Object = req.Object[1:]
	}
	for req.SizeVT() < 1024 {
		req.Object += "p"
	}
	if err := cc.Invoke(ctxFor(t), attiov1connect.RecordServiceGetRecordProcedure, req, new(attiov1.GetRecordResponse)); err != nil {
		t.Fatalf("a %d-byte request: %v", req.SizeVT(), err)
	}
}

func TestHealthAndBidiReflection(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	res, err := healthpb.NewHealthClient(cc).Check(ctxFor(t), &healthpb.HealthCheckRequest{Service: attiov1connect.RecordServiceName})
	if err != nil || res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", res, err)
	}
	_, err = healthpb.NewHealthClient(cc).Check(ctxFor(t), &healthpb.HealthCheckRequest{Service: "nope"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("health of an unknown service: %v, want NotFound", err)
	}
	st, err := reflectionpb.NewServerReflectionClient(cc).ServerReflectionInfo(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a request, its answer, and again on the same stream
		if err := st.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
			t.Fatal(err)
		}
		res, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.GetListServicesResponse().GetService()); n != 2 {
			t.Fatalf("reflection lists %d services, want 2", n)
		}
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("after CloseSend: %v, want io.EOF", err)
	}
}

func TestAnswersThatAreNotGRPC(t *testing.T) {
	t.Parallel()
	cc := serve(t, handler(), grpcbridge.Config{})
	err := cc.Invoke(ctxFor(t), "/no.such.Service/Method", &attiov1.GetRecordRequest{}, new(attiov1.GetRecordResponse))
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("an unknown method: %v, want Unimplemented (the mux's 404)", err)
	}
	silent := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	err = serve(t, silent, grpcbridge.Config{}).Invoke(ctxFor(t), "/a.B/C", &attiov1.GetRecordRequest{}, new(attiov1.GetRecordResponse))
	if status.Code(err) != codes.Internal {
		t.Fatalf("a handler that wrote nothing: %v, want Internal", err)
	}
}
