package grpcbridge

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// maxErrorBody is how much of a non-gRPC answer (an HTTP error from a router, say) is kept for
// the status message.
const maxErrorBody = 512

// errFlagged ends a call whose handler sent a message with its compressed (or any other) flag
// set: the bridge moves messages as they are, and grpc-go compresses them itself.
var errFlagged = status.Error(codes.Internal, "grpcbridge: the handler sent a compressed or flagged message")

// responseWriter takes the handler's gRPC answer apart: headers become the call's header
// metadata, each enveloped message one SendMsg, the trailers its trailer metadata and status.
type responseWriter struct {
	ctx         context.Context
	ss          grpc.ServerStream
	header      http.Header
	minCompress int // answers whose first message is smaller go uncompressed

	code     int         // 0 until WriteHeader
	sent     http.Header // the headers as they were at WriteHeader
	grpc     bool        // the answer is gRPC (200, application/grpc...)
	mdSet    bool        // header metadata given to grpc-go
	prefix   [5]byte
	nprefix  int
	msg      []byte // a message split across Writes, while it is gathered
	need     int    // bytes of msg still to come
	errBody  []byte // the start of a non-gRPC answer
	writeErr error

	mu       sync.Mutex
	deadline *time.Timer
}

func newResponseWriter(ctx context.Context, ss grpc.ServerStream, minCompress int) *responseWriter {
	return &responseWriter{ctx: ctx, ss: ss, header: make(http.Header, 4), minCompress: minCompress}
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.code != 0 {
		return
	}
	w.code = code
	w.sent = w.header.Clone()
	w.grpc = code == http.StatusOK && strings.HasPrefix(w.sent.Get("Content-Type"), "application/grpc")
}

// setHeaderMD hands the headers to grpc-go, which sends them with the first message (or the
// status), in the same write, and chooses the answer's encoding by that first message's size
// (first; -1 when there is none yet).
func (w *responseWriter) setHeaderMD(first int) error {
	if w.mdSet {
		return nil
	}
	w.mdSet = true
	w.chooseCompression(first)
	if md := toMetadata(w.sent, false); len(md) > 0 {
		return w.ss.SetHeader(md)
	}
	return nil
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.grpc {
		if room := maxErrorBody - len(w.errBody); room > 0 {
			w.errBody = append(w.errBody, p[:min(room, len(p))]...)
		}
		return len(p), nil
	}
	if w.writeErr != nil {
		return 0, w.writeErr
	}
	n := len(p)
	for len(p) > 0 {
		if w.need == 0 && w.msg == nil { // at a prefix
			if w.nprefix == 0 && len(p) >= 5 {
				size := int(binary.BigEndian.Uint32(p[1:5]))
				if p[0] != 0 {
					return 0, w.fail(errFlagged)
				}
				if len(p)-5 >= size { // the common case: a whole message in one Write, sent from p itself
					if err := w.send(p[5 : 5+size]); err != nil {
						return 0, err
					}
					p = p[5+size:]
					continue
				}
				copy(w.prefix[:], p[:5])
				w.nprefix, p = 5, p[5:]
			} else {
				c := copy(w.prefix[w.nprefix:], p)
				w.nprefix += c
				p = p[c:]
				if w.nprefix < 5 {
					break
				}
			}
			if w.prefix[0] != 0 {
				return 0, w.fail(errFlagged)
			}
			w.need = int(binary.BigEndian.Uint32(w.prefix[1:5]))
			w.msg = make([]byte, 0, w.need)
			w.nprefix = 0
		}
		c := min(w.need, len(p))
		w.msg = append(w.msg, p[:c]...)
		w.need -= c
		p = p[c:]
		if w.need == 0 {
			m := w.msg
			w.msg = nil
			if err := w.send(m); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (w *responseWriter) send(m []byte) error {
	if err := w.setHeaderMD(len(m)); err != nil {
		return w.fail(err)
	}
	if err := w.ss.SendMsg(m); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *responseWriter) fail(err error) error {
	if w.writeErr == nil {
		w.writeErr = err
	}
	return w.writeErr
}

// Flush sends the headers if no message has: a streaming handler flushes them so its caller
// learns the call has started.
func (w *responseWriter) Flush() {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.grpc || w.writeErr != nil || w.mdSet {
		return
	}
	if err := w.setHeaderMD(-1); err != nil {
		w.fail(err)
		return
	}
	if err := w.ss.SendHeader(nil); err != nil {
		w.fail(err)
	}
}

// SetWriteDeadline ends the call when the deadline passes while it is still running: a handler
// blocked in Write (its caller reads nothing, so flow control holds every message) gets its
// Write back with an error, as net/http's HTTP/2 server resets such a stream. The zero time
// disarms it.
func (w *responseWriter) SetWriteDeadline(t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.deadline != nil {
		w.deadline.Stop()
		w.deadline = nil
	}
	if t.IsZero() {
		return nil
	}
	w.deadline = time.AfterFunc(time.Until(t), w.abort)
	return nil
}

// streamEnder is what grpc-go's server stream offers to end a call from outside its handler.
// Ending it cancels the stream, which releases a SendMsg waiting for flow control.
type streamEnder interface {
	WriteStatus(*status.Status) error
}

func (w *responseWriter) abort() {
	if e, ok := grpc.ServerTransportStreamFromContext(w.ctx).(streamEnder); ok {
		_ = e.WriteStatus(status.New(codes.DeadlineExceeded, "the caller took no message before the write deadline"))
	}
}

func (w *responseWriter) stopDeadline() { _ = w.SetWriteDeadline(time.Time{}) }

// finish turns what the handler left (trailers, or an HTTP error) into the call's status.
func (w *responseWriter) finish() error {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.grpc {
		return httpStatus(w.code, w.errBody)
	}
	if w.writeErr != nil {
		return w.writeErr
	}
	if w.need > 0 || w.nprefix > 0 {
		return status.Error(codes.Internal, "grpcbridge: the handler's last message was cut short")
	}
	if err := w.setHeaderMD(0); err != nil {
		return err
	}
	trailer := w.trailers()
	if md := toMetadata(trailer, true); len(md) > 0 {
		w.ss.SetTrailer(md)
	}
	return grpcStatus(trailer)
}

// trailers collects the handler's trailers: keys set with http.TrailerPrefix (connect-go's way),
// keys it declared in a Trailer header before writing, and grpc-status in the headers of a
// trailers-only answer.
func (w *responseWriter) trailers() http.Header {
	t := make(http.Header, 4)
	for k, vs := range w.header {
		if rest, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
			t[http.CanonicalHeaderKey(rest)] = append(t[http.CanonicalHeaderKey(rest)], vs...)
		}
	}
	for _, decl := range w.sent.Values("Trailer") {
		for name := range strings.SplitSeq(decl, ",") {
			k := http.CanonicalHeaderKey(strings.TrimSpace(name))
			if vs := w.header[k]; len(vs) > 0 && len(t[k]) == 0 {
				t[k] = vs
			}
		}
	}
	if t.Get("Grpc-Status") == "" {
		for _, k := range []string{"Grpc-Status", "Grpc-Message", "Grpc-Status-Details-Bin"} {
			if vs := w.sent[k]; len(vs) > 0 {
				t[k] = vs
			}
		}
	}
	return t
}

// toMetadata is h as metadata, without what grpc-go writes itself. Binary values are decoded
// from base64 (grpc-go encodes them again on the wire). grpc-accept-encoding passes: grpc-go's
// server does not list what it accepts, and callers learn from it which encodings they may send.
func toMetadata(h http.Header, trailer bool) metadata.MD {
	md := make(metadata.MD, len(h))
	for k, vs := range h {
		lk := strings.ToLower(k)
		switch {
		case !trailer && lk == "grpc-accept-encoding":
			md[lk] = append(md[lk], vs...)
		case strings.HasPrefix(lk, "grpc-"), lk == "content-type", lk == "content-length", lk == "trailer",
			lk == "te", lk == "date", lk == "connection", lk == "transfer-encoding":
			continue
		case !trailer && strings.HasPrefix(lk, strings.ToLower(http.TrailerPrefix)):
			continue
		case strings.HasSuffix(lk, "-bin"):
			for _, v := range vs {
				if b, err := decodeBinary(v); err == nil {
					md[lk] = append(md[lk], string(b))
				}
			}
		default:
			md[lk] = append(md[lk], vs...)
		}
	}
	return md
}

// decodeBinary decodes a -bin header value, padded or not, as gRPC allows either.
func decodeBinary(v string) ([]byte, error) {
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "="))
}
