package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
	"github.com/attio-facade/attio-facade/server"
)

// grpcPort is the optional gRPC-only listener (--grpc-addr): the same handler as the main
// listener, interceptors and limits included, served through grpc-go's HTTP/2 transport, which
// writes a unary answer's headers, message and trailers together where net/http's server writes
// them one at a time (internal/grpcbridge says why that matters).
type grpcPort struct {
	srv     *grpc.Server
	timeout time.Duration
	served  chan struct{} // closed when Serve has returned
	drained chan struct{} // closed when the drain has ended
	once    sync.Once
}

// The gRPC listener decodes and encodes with the main listener's compressors (klauspost's zstd
// and gzip, with their bounds), in place of grpc-go's own gzip.
func init() {
	for _, c := range server.Compressors() {
		grpcbridge.RegisterCompressor(c)
	}
}

func serveGRPC(addr string, h http.Handler, timeout time.Duration, compressMin int, env environment, logger *slog.Logger) (*grpcPort, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("grpc listener: %w", err)
	}
	p := &grpcPort{
		srv:     grpcbridge.New(preGrownStacks(h), grpcbridge.Config{Logger: logger, CompressMinBytes: compressMin}),
		timeout: timeout,
		served:  make(chan struct{}),
		drained: make(chan struct{}),
	}
	logger.Info("grpc listening", "addr", ln.Addr().String(), "protocols", "grpc (h2c, grpc-go transport)")
	if env.grpcReady != nil {
		env.grpcReady(ln.Addr())
	}
	go func() {
		defer close(p.served)
		if err := p.srv.Serve(ln); err != nil {
			logger.Error("grpc listener stopped", "err", err)
		}
	}()
	return p, nil
}

// drain starts a graceful stop beside the main listener's: new calls are refused, calls in flight
// get the shutdown timeout, then they are cut.
func (p *grpcPort) drain() {
	p.once.Do(func() {
		go func() {
			defer close(p.drained)
			cut := time.AfterFunc(p.timeout, p.srv.Stop)
			defer cut.Stop()
			p.srv.GracefulStop()
		}()
	})
}

// close drains (if nothing has yet) and waits for the listener to be gone.
func (p *grpcPort) close() {
	p.drain()
	<-p.drained
	<-p.served
}
