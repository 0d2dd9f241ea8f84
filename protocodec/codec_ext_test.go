package protocodec_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/protocodec"
)

// records answers GetRecord with one record and StreamRecords with pages, after checking that the
// request arrived as sent.
type records struct {
	attiov1connect.UnimplementedRecordServiceHandler
	get   *attiov1.GetRecordResponse
	pages []*attiov1.StreamRecordsResponse
}

func (r *records) GetRecord(_ context.Context, req *attiov1.GetRecordRequest) (*attiov1.GetRecordResponse, error) {
	if req.GetRecordId() != r.get.GetRecord().GetId().GetRecordId() || req.GetObject() != "people" {
		return nil, connect.NewError(connect.CodeNotFound, "no such record")
	}
	return r.get, nil
}

func (r *records) StreamRecords(_ context.Context, req *attiov1.StreamRecordsRequest, s attiov1connect.RecordServiceStreamRecordsServerStream) error {
	if req.GetObject() != "people" {
		return connect.NewError(connect.CodeNotFound, "no such object")
	}
	for _, p := range r.pages {
		if err := s.Send(p); err != nil {
			return err
		}
	}
	return nil
}

// serve mounts h on a loopback server speaking HTTP/1.1 and h2c, with the server's codec.
func serve(t *testing.T, h attiov1connect.RecordServiceHandler, codec connect.Codec) string {
	t.Helper()
	rpc := connect.NewServer()
	attiov1connect.RegisterRecordServiceHandler(rpc, h)
	mux := http.NewServeMux()
	connecthttp.Mount(mux, rpc, connecthttp.WithCodecs(codec))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func h2c() *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}

// Over real servers on loopback, in every protocol and with either side on connect's own codec:
// Ada's record and pages of real records (with unknown fields) arrive equal to what was sent, and
// a response over the caller's read limit fails the same way as with connect's codec.
func TestCodecOverLoopback(t *testing.T) {
	t.Parallel()
	svc := &records{get: protocodec.AdaResponse(t)}
	for _, recs := range protocodec.Records(t) {
		svc.pages = append(svc.pages, &attiov1.StreamRecordsResponse{Records: recs, ResumeToken: "t"})
	}
	codecs := map[string]func() connect.Codec{
		"protocodec":   func() connect.Codec { return protocodec.New() },
		"connectproto": func() connect.Codec { return connectproto.NewBinaryCodec() },
	}
	protocols := map[string][]connecthttp.Option{"connect": nil, "grpc": {connecthttp.WithGRPC()}, "grpcweb": {connecthttp.WithGRPCWeb()}}
	for server, serverCodec := range codecs {
		url := serve(t, svc, serverCodec())
		for client, clientCodec := range codecs {
			for protocol, opts := range protocols {
				t.Run(server+"/"+client+"/"+protocol, func(t *testing.T) {
					t.Parallel()
					dial := func(extra ...connecthttp.Option) attiov1connect.RecordServiceClient {
						o := append(append([]connecthttp.Option{connecthttp.WithCodecs(clientCodec())}, opts...), extra...)
						return attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(h2c(), url, o...)))
					}
					c := dial()
					id := svc.get.GetRecord().GetId().GetRecordId()
					got, err := c.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: id})
					if err != nil || !proto.Equal(got, svc.get) {
						t.Fatalf("GetRecord: %v (equal: %v)", err, proto.Equal(got, svc.get))
					}
					stream, err := c.StreamRecords(t.Context(), &attiov1.StreamRecordsRequest{Object: "people"})
					if err != nil {
						t.Fatal(err)
					}
					defer stream.Close()
					for i, want := range svc.pages {
						page, err := stream.Receive()
						if err != nil || !proto.Equal(page, want) {
							t.Fatalf("page %d: %v (equal: %v)", i, err, proto.Equal(page, want))
						}
					}
					if _, err := stream.Receive(); !errors.Is(err, io.EOF) {
						t.Fatalf("after the last page: %v", err)
					}
					_, err = dial(connecthttp.WithReadMaxBytes(1000)).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: id})
					if code := connect.CodeOf(err); code != connect.CodeResourceExhausted {
						t.Fatalf("a response over the read limit: %v (code %v), want %v as connect's codec gives", err, code, connect.CodeResourceExhausted)
					}
				})
			}
		}
	}
}

// failingReader fails as a transport does when a message passes its limit.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// Errors are connect's codec's: malformed input gives protobuf-go's error, word for word, whether
// connect hands the codec a buffer or a reader; a read error comes back as itself (the transport
// maps its own to codes); a value that is not a protobuf message is refused with connect's error.
func TestErrorsMatchConnectproto(t *testing.T) {
	t.Parallel()
	ours, theirs := protocodec.New(), connectproto.NewBinaryCodec()
	for name, b := range protocodec.Lax() {
		for _, src := range []func() io.Reader{
			func() io.Reader { return bytes.NewBuffer(bytes.Clone(b)) },
			func() io.Reader { return bytes.NewReader(b) },
		} {
			var got, want attiov1.GetRecordResponse
			gotErr := ours.UnmarshalRead(t.Context(), src(), &got)
			wantErr := theirs.UnmarshalRead(t.Context(), src(), &want)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() || !proto.Equal(&got, &want) {
				t.Errorf("%s: protocodec says %v, connectproto %v", name, gotErr, wantErr)
			}
		}
	}
	limit := errors.New("message is larger than configured max")
	if err := ours.UnmarshalRead(t.Context(), failingReader{limit}, &attiov1.GetRecordResponse{}); !errors.Is(err, limit) {
		t.Errorf("read error: got %v, want the reader's own", err)
	}
	for _, call := range []func() error{
		func() error { return ours.UnmarshalRead(t.Context(), bytes.NewBuffer(nil), struct{}{}) },
		func() error { return ours.MarshalWrite(t.Context(), new(bytes.Buffer), struct{}{}) },
	} {
		if err := call(); !errors.Is(err, connectproto.ErrNotProtoMessage) {
			t.Errorf("not a message: %v, want connectproto.ErrNotProtoMessage", err)
		}
	}
}

// Decoding Ada's GetRecord answer as connect's transports hand it over (in a buffer) allocates less
// than connect's codec, which decodes with protobuf-go's reflection; and the result is the same.
func TestUnmarshalAllocatesLessThanConnectproto(t *testing.T) { // not parallel: AllocsPerRun
	ada := protocodec.AdaResponse(t)
	b, err := proto.Marshal(ada)
	if err != nil {
		t.Fatal(err)
	}
	allocs := func(c connect.Codec) float64 {
		var got attiov1.GetRecordResponse
		n := testing.AllocsPerRun(50, func() {
			if err := c.UnmarshalRead(t.Context(), bytes.NewBuffer(b), &got); err != nil {
				t.Fatal(err)
			}
		})
		if !proto.Equal(&got, ada) {
			t.Fatalf("%T: decoded message differs", c)
		}
		return n
	}
	ours, theirs := allocs(protocodec.New()), allocs(connectproto.NewBinaryCodec())
	t.Logf("allocations to decode Ada's record (%d bytes): protocodec %v, connectproto %v", len(b), ours, theirs)
	if ours >= theirs {
		t.Errorf("protocodec allocates %v times, connectproto %v: want fewer", ours, theirs)
	}
}
