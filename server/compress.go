package server

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"connectrpc.com/connect/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// DefaultCompressMinBytes is the size below which responses go uncompressed even when the caller
// accepts an encoding. A typical unary response (one record, about 3 KB) fits in the first TCP
// window either way, so compressing it only costs CPU on both ends; pages of a stream are
// hundreds of KB and do shrink 5-10x.
const DefaultCompressMinBytes = 4096

// ZstdMaxWindow bounds the memory one zstd message may make the decoder take. A frame names its
// own window (up to 2 GiB), which the decoder would allocate before connect's read limit counts a
// byte; a frame with a larger window is refused (InvalidArgument). The decoder also inflates a
// small buffered frame whole: up to this size, past it as a stream that connect's read limit
// (4 MiB by default, the size of this bound) stops.
const ZstdMaxWindow = 4 << 20

// CompressionName for zstd ("zstd" in Content-Encoding and grpc-encoding).
const CompressionNameZstd = "zstd"

// Compressors are the encodings the facade offers, preferred first when a caller accepts several:
// zstd (smaller and cheaper than gzip at its fastest level) and gzip (what every gRPC and
// Connect client has). Both from klauspost/compress, several times cheaper than compress/gzip.
// Which one a response uses is the caller's choice (Accept-Encoding, grpc-accept-encoding);
// callers that accept none get identity.
func Compressors() []connect.Compressor {
	return []connect.Compressor{zstdCompressor, gzipCompressor}
}

var (
	zstdCompressor = &zstdCodec{}
	gzipCompressor = &gzipCodec{level: gzip.BestSpeed}
)

var errCompressorClosed = errors.New("compressor used after Close")

// gzipCodec is connect's gzip compressor on klauspost's gzip, at its fastest level: the facade
// compresses every stream page a caller asks it to, so CPU matters more than the last few
// percent of size.
type gzipCodec struct {
	level   int
	writers sync.Pool // *gzipWriter
	readers sync.Pool // *gzipReader
}

func (c *gzipCodec) Name() string { return connect.CompressionNameGzip }

func (c *gzipCodec) Compress(dst io.Writer) (io.WriteCloser, error) {
	if w, ok := c.writers.Get().(*gzipWriter); ok {
		w.Writer.Reset(dst)
		w.closed = false
		return w, nil
	}
	gw, err := gzip.NewWriterLevel(dst, c.level)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return &gzipWriter{Writer: gw, pool: &c.writers}, nil
}

func (c *gzipCodec) Decompress(src io.Reader) (io.ReadCloser, error) {
	if r, ok := c.readers.Get().(*gzipReader); ok {
		if err := r.Reader.Reset(src); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r.closed = false
		return r, nil
	}
	gr, err := gzip.NewReader(src)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return &gzipReader{Reader: gr, pool: &c.readers}, nil
}

type gzipWriter struct {
	*gzip.Writer
	pool   *sync.Pool
	closed bool
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errCompressorClosed
	}
	return w.Writer.Write(p)
}

func (w *gzipWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.Writer.Close(); err != nil {
		return err // not pooled: its state is unknown
	}
	w.pool.Put(w)
	return nil
}

type gzipReader struct {
	*gzip.Reader
	pool   *sync.Pool
	closed bool
}

func (r *gzipReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errCompressorClosed
	}
	return r.Reader.Read(p)
}

func (r *gzipReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.Reader.Close(); err != nil {
		return err
	}
	r.pool.Put(r)
	return nil
}

// zstdCodec is zstd at its fastest level. Encoders and decoders are synchronous (concurrency 1:
// no goroutines of their own, so a pooled one that is dropped leaks nothing) and pooled, since
// creating one allocates its tables.
type zstdCodec struct {
	writers sync.Pool // *zstdWriter
	readers sync.Pool // *zstdReader
}

func (c *zstdCodec) Name() string { return CompressionNameZstd }

func (c *zstdCodec) Compress(dst io.Writer) (io.WriteCloser, error) {
	if w, ok := c.writers.Get().(*zstdWriter); ok {
		w.enc.Reset(dst)
		w.closed = false
		return w, nil
	}
	enc, err := zstd.NewWriter(dst, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return &zstdWriter{enc: enc, pool: &c.writers}, nil
}

func (c *zstdCodec) Decompress(src io.Reader) (io.ReadCloser, error) {
	if r, ok := c.readers.Get().(*zstdReader); ok {
		if err := r.dec.Reset(src); err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		r.closed = false
		return r, nil
	}
	dec, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(ZstdMaxWindow), zstd.WithDecoderMaxMemory(ZstdMaxWindow))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return &zstdReader{dec: dec, pool: &c.readers}, nil
}

type zstdWriter struct {
	enc    *zstd.Encoder
	pool   *sync.Pool
	closed bool
}

func (w *zstdWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errCompressorClosed
	}
	return w.enc.Write(p)
}

// Flush ends the current block so a streaming reader can decode what was written so far.
func (w *zstdWriter) Flush() error {
	if w.closed {
		return errCompressorClosed
	}
	return w.enc.Flush()
}

func (w *zstdWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.enc.Close(); err != nil {
		return err
	}
	w.pool.Put(w)
	return nil
}

type zstdReader struct {
	dec    *zstd.Decoder
	pool   *sync.Pool
	closed bool
}

func (r *zstdReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errCompressorClosed
	}
	return r.dec.Read(p)
}

// Close returns the decoder to the pool without closing it (zstd's Close would make it unusable);
// Reset on the next use drops whatever of this frame was left unread.
func (r *zstdReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	_ = r.dec.Reset(nil)
	r.pool.Put(r)
	return nil
}
