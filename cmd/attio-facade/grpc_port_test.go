package main

import (
	"bytes"
	"context"
	be "encoding/binary"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func grpcConn(t *testing.T, target string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// outcome is what a gRPC caller sees of one call: the answer or the whole status (code, message,
// details), and which headers came with it.
type outcome struct {
	Answers []proto.Message
	Status  proto.Message
	Headers []string
}

// The --grpc-addr listener is the same API as gRPC on --addr: a grpc-go client calling both sees
// the same answers, the same errors to the detail (auth, validation, approvals, upstream errors
// all run in the shared handler) and the same headers.
func TestGRPCPortAnswersAsTheMainPort(t *testing.T) {
	t.Parallel()
	r := start(t, nil, "--grpc-addr", "127.0.0.1:0")
	if r.grpc == "" {
		t.Fatal("no gRPC listener was reported")
	}
	main, port := grpcConn(t, r.url[len("http://"):]), grpcConn(t, r.grpc)
	as := func(token string) context.Context {
		if token == "" {
			return t.Context()
		}
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+token)
	}
	unary := func(token, method string, req, res proto.Message) func(*grpc.ClientConn) outcome {
		return func(cc *grpc.ClientConn) outcome {
			var header metadata.MD
			out := proto.Clone(res)
			err := cc.Invoke(as(token), method, req, out, grpc.Header(&header))
			o := outcome{Status: stable(err), Headers: keys(header)}
			if err == nil {
				o.Answers = []proto.Message{out}
			}
			return o
		}
	}
	stream := func(token string, req *attiov1.StreamRecordsRequest) func(*grpc.ClientConn) outcome {
		return func(cc *grpc.ClientConn) outcome {
			st, err := cc.NewStream(as(token), &grpc.StreamDesc{ServerStreams: true}, attiov1connect.RecordServiceStreamRecordsProcedure)
			if err == nil {
				err = st.SendMsg(req)
			}
			if err == nil {
				err = st.CloseSend()
			}
			var o outcome
			for err == nil {
				m := new(attiov1.StreamRecordsResponse)
				if err = st.RecvMsg(m); err == nil {
					o.Answers = append(o.Answers, m)
				}
			}
			if err == io.EOF {
				err = nil
			}
			header, _ := st.Header()
			o.Status, o.Headers = stable(err), keys(header)
			return o
		}
	}
	ada := &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID}
	for _, tc := range []struct {
		name string
		call func(*grpc.ClientConn) outcome
	}{
		{"get", unary("sandbox-reader", attiov1connect.RecordServiceGetRecordProcedure, ada, new(attiov1.GetRecordResponse))},
		{"no credentials", unary("", attiov1connect.RecordServiceGetRecordProcedure, ada, new(attiov1.GetRecordResponse))},
		{"invalid request", unary("sandbox-reader", attiov1connect.RecordServiceGetRecordProcedure,
			&attiov1.GetRecordRequest{Object: "people", RecordId: "not-a-uuid"}, new(attiov1.GetRecordResponse))},
		{"not found upstream", unary("sandbox-reader", attiov1connect.RecordServiceGetRecordProcedure,
			&attiov1.GetRecordRequest{Object: "people", RecordId: "00000000-0000-4000-8000-000000000000"}, new(attiov1.GetRecordResponse))},
		{"write without approval", unary("sandbox-writer", attiov1connect.RecordServiceDeleteRecordProcedure,
			&attiov1.DeleteRecordRequest{Object: "people", RecordId: loadAdaID}, new(attiov1.DeleteRecordResponse))},
		{"write without the scope", unary("sandbox-reader", attiov1connect.RecordServiceDeleteRecordProcedure,
			&attiov1.DeleteRecordRequest{Object: "people", RecordId: loadAdaID}, new(attiov1.DeleteRecordResponse))},
		{"stream", stream("sandbox-reader", &attiov1.StreamRecordsRequest{Object: "people", PageSize: 2})},
		{"stream refused", stream("", &attiov1.StreamRecordsRequest{Object: "people", PageSize: 2})},
		{"health", unary("", "/grpc.health.v1.Health/Check", &healthpb.HealthCheckRequest{Service: attiov1connect.RecordServiceName}, new(healthpb.HealthCheckResponse))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, got := tc.call(main), tc.call(port)
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("the gRPC port differs from the main port (-main +grpc-port):\n%s", diff)
			}
			if tc.name == "get" && len(got.Answers) != 1 {
				t.Errorf("get answered %v", got.Status)
			}
		})
	}
}

// stable is err's status without what differs between two calls: Attio's execution_id.
func stable(err error) proto.Message {
	s := status.Convert(err).Proto()
	for _, d := range s.GetDetails() {
		var info errdetails.ErrorInfo
		if d.UnmarshalTo(&info) == nil {
			delete(info.Metadata, "execution_id")
			_ = d.MarshalFrom(&info)
		}
	}
	return s
}

// keys is the header names a call brought, without the ones that vary per call.
func keys(md metadata.MD) []string {
	var ks []string
	for k := range md {
		if k != "date" && k != "ratelimit-remaining" && k != "ratelimit-reset" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
}

// The gRPC listener takes and gives the main listener's encodings, zstd included, by the same
// rule: the caller's choice, nothing under --compress-min-bytes (a record, 3.5 KB, goes plain).
func TestGRPCPortSpeaksTheMainPortsEncodings(t *testing.T) {
	t.Parallel()
	r := start(t, nil, "--grpc-addr", "127.0.0.1:0")
	cc := grpcConn(t, r.grpc)
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer sandbox-reader")
	for _, name := range []string{"zstd", "gzip"} {
		res := new(attiov1.GetRecordResponse)
		if err := cc.Invoke(ctx, attiov1connect.RecordServiceGetRecordProcedure, &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID},
			res, grpc.UseCompressor(name)); err != nil || res.GetRecord().GetId().GetRecordId() != loadAdaID {
			t.Fatalf("a %s request: %v", name, err)
		}
	}
	for _, tc := range []struct {
		method  string
		req     proto.Message
		encoded string
	}{
		{attiov1connect.RecordServiceStreamRecordsProcedure, &attiov1.StreamRecordsRequest{Object: "people", PageSize: 100}, "zstd"},
		{attiov1connect.RecordServiceGetRecordProcedure, &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID}, ""},
	} {
		msg, err := proto.Marshal(tc.req)
		if err != nil {
			t.Fatal(err)
		}
		body := be.BigEndian.AppendUint32([]byte{0}, uint32(len(msg)))
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+r.grpc+tc.method, bytes.NewReader(append(body, msg...)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/grpc")
		req.Header.Set("Te", "trailers")
		req.Header.Set("Authorization", "Bearer sandbox-reader")
		req.Header.Set("Grpc-Accept-Encoding", "zstd, gzip")
		res, err := h2c().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if st := res.Trailer.Get("Grpc-Status"); st != "0" {
			t.Fatalf("%s: grpc-status %q %s", tc.method, st, res.Trailer.Get("Grpc-Message"))
		}
		if got := strings.TrimPrefix(res.Header.Get("Grpc-Encoding"), "identity"); got != tc.encoded {
			t.Errorf("%s answered in %q, want %q", tc.method, got, tc.encoded)
		}
	}
}
