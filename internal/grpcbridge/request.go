package grpcbridge

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// requestHeader turns a call's metadata back into the headers of a gRPC request. grpc-go has
// already taken what its transport handles: the deadline (grpc-timeout, now the context's),
// compression (messages arrive decompressed) and the pseudo-headers.
func requestHeader(md map[string][]string) http.Header {
	h := make(http.Header, len(md)+2)
	for k, vs := range md {
		switch {
		case strings.HasPrefix(k, ":"), k == "grpc-encoding", k == "grpc-accept-encoding", k == "te":
			continue
		case strings.HasSuffix(k, "-bin"):
			// grpc-go hands binary metadata decoded; on the wire, and to the handler, it is base64.
			enc := make([]string, len(vs))
			for i, v := range vs {
				enc[i] = base64.RawStdEncoding.EncodeToString([]byte(v))
			}
			h[http.CanonicalHeaderKey(k)] = enc
		default:
			h[http.CanonicalHeaderKey(k)] = vs
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/grpc")
	}
	h.Set("Te", "trailers")
	return h
}

// requestBody reads the call's request messages as the gRPC body the handler expects: each
// message behind its uncompressed 5-byte prefix. It pulls a message only when the handler reads,
// so client streams keep grpc-go's flow control.
type requestBody struct {
	ss     grpc.ServerStream
	prefix [5]byte
	head   int    // bytes of prefix not yet read
	msg    []byte // the rest of the current message
	err    error
	failed error // the status of a failed read (a message over the limit, say), kept for the call
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.head == 0 && len(b.msg) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		var m []byte
		if err := b.ss.RecvMsg(&m); err != nil {
			if !errors.Is(err, io.EOF) {
				b.failed = err
			}
			b.err = readError(err)
			return 0, b.err
		}
		b.prefix[0] = 0
		binary.BigEndian.PutUint32(b.prefix[1:], uint32(len(m)))
		b.head, b.msg = len(b.prefix), m
	}
	n := 0
	if b.head > 0 {
		n = copy(p, b.prefix[len(b.prefix)-b.head:])
		b.head -= n
	}
	if b.head == 0 {
		m := copy(p[n:], b.msg)
		b.msg = b.msg[m:]
		n += m
	}
	return n, nil
}

func (b *requestBody) Close() error { return nil }

// readError keeps io.EOF (the caller half-closed) as the end of the body; any other error, such
// as a message over the size limit, reaches the handler as a read error, as a reset stream would.
func readError(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	if s, ok := status.FromError(err); ok {
		return errors.New("grpcbridge: reading the request: " + s.Code().String() + ": " + s.Message())
	}
	return err
}
