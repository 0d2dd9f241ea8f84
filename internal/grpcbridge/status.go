package grpcbridge

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// grpcStatus reads the call's status from its trailers: the details when the handler sent them
// (google.rpc.Status, so ErrorInfo and the rest survive), else the code and message.
func grpcStatus(t http.Header) error {
	raw := t.Get("Grpc-Status")
	if raw == "" {
		return status.Error(codes.Internal, "grpcbridge: the handler ended the call without a grpc-status")
	}
	code, err := strconv.ParseUint(raw, 10, 32)
	if err != nil {
		return status.Error(codes.Internal, "grpcbridge: the handler sent grpc-status "+strconv.Quote(raw))
	}
	if code == 0 {
		return nil
	}
	if bin := t.Get("Grpc-Status-Details-Bin"); bin != "" {
		if b, err := decodeBinary(bin); err == nil {
			var s spb.Status
			if proto.Unmarshal(b, &s) == nil && s.GetCode() == int32(code) {
				return status.FromProto(&s).Err()
			}
		}
	}
	msg, err := url.PathUnescape(t.Get("Grpc-Message")) // gRPC percent-encodes it
	if err != nil {
		msg = t.Get("Grpc-Message")
	}
	return status.Error(codes.Code(code), msg)
}

// httpStatus is the status of an answer that is not gRPC, as gRPC maps HTTP statuses
// (doc/http-grpc-status-mapping.md in grpc/grpc), with the start of its body.
func httpStatus(code int, body []byte) error {
	c := codes.Unknown
	switch code {
	case http.StatusOK: // a 200 that is not gRPC: the handler broke the protocol
		c = codes.Internal
	case http.StatusBadRequest:
		c = codes.Internal
	case http.StatusUnauthorized:
		c = codes.Unauthenticated
	case http.StatusForbidden:
		c = codes.PermissionDenied
	case http.StatusNotFound:
		c = codes.Unimplemented
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		c = codes.Unavailable
	}
	msg := "HTTP " + strconv.Itoa(code)
	if b := strings.TrimSpace(string(body)); b != "" {
		msg += ": " + b
	}
	return status.Error(c, msg)
}
