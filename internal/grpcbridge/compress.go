package grpcbridge

import (
	"io"
	"slices"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
)

// Compressor is a compression codec as connect-go's handlers take them (connect.Compressor), so
// that both listeners compress with the same code.
type Compressor interface {
	Name() string
	Compress(dst io.Writer) (io.WriteCloser, error)
	Decompress(src io.Reader) (io.ReadCloser, error)
}

// RegisterCompressor makes c one of the encodings grpc-go's transport accepts and may answer with,
// replacing any of the same name (grpc-go's own gzip, registered by this package). grpc-go keeps
// compressors in one registry per process, so call it from an init function, as grpc-go asks.
func RegisterCompressor(c Compressor) { encoding.RegisterCompressor(grpcCompressor{c}) }

type grpcCompressor struct{ c Compressor }

func (g grpcCompressor) Name() string                                 { return g.c.Name() }
func (g grpcCompressor) Compress(w io.Writer) (io.WriteCloser, error) { return g.c.Compress(w) }

// Decompress returns a ReadCloser: grpc-go closes it once the message is read, which lets the
// codec pool its reader.
func (g grpcCompressor) Decompress(r io.Reader) (io.Reader, error) { return g.c.Decompress(r) }

// chooseCompression picks the answer's encoding as the main listener does: the first encoding the
// caller lists (grpc-accept-encoding) that is registered, and none for an answer whose first
// message is under minBytes. grpc-go would otherwise answer in the request's encoding, whatever
// the size. first is -1 when the headers go out before any message (a stream flushing them):
// stream pages are large, so the caller's choice is taken.
func (w *responseWriter) chooseCompression(first int) {
	name := "identity"
	if first < 0 || first >= w.minCompress {
		accepted, _ := grpc.ClientSupportedCompressors(w.ctx)
		if i := slices.IndexFunc(accepted, func(n string) bool { return n != "identity" && encoding.GetCompressor(n) != nil }); i >= 0 {
			name = accepted[i]
		}
	}
	_ = grpc.SetSendCompressor(w.ctx, name) // only refused for an unregistered or unaccepted name, which this avoids
}
