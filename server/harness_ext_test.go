package server_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"go.uber.org/goleak"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/grpcbridge"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// protocol is one of the three wire protocols every RPC must work over, or gRPC through the
// gRPC-only listener (grpc-go's transport, internal/grpcbridge) that serve adds with --grpc-addr.
type protocol struct {
	name     string
	opts     []connecthttp.Option
	grpcPort bool
}

var protocols = []protocol{
	{name: "connect"},
	{name: "grpc", opts: []connecthttp.Option{connecthttp.WithGRPC()}},
	{name: "grpcweb", opts: []connecthttp.Option{connecthttp.WithGRPCWeb()}},
	{name: "grpc-port", opts: []connecthttp.Option{connecthttp.WithGRPC()}, grpcPort: true},
}

// harness is the facade on loopback in front of a sandbox on loopback: the real stack, as callers
// and Attio see it, minus the network.
type harness struct {
	sb     *sandbox.Server
	client *attio.Client
	srv    *httptest.Server
	grpc   string // base URL of the same handler behind grpcbridge (h2c)
}

type harnessConfig struct {
	sandbox []sandbox.Option
	client  func(*attio.Config)
	opts    func(*server.Options)
}

// newHarness starts a seeded sandbox (rate limits off unless given) and the facade over HTTP/2.
func newHarness(t testing.TB, cfg harnessConfig) *harness {
	t.Helper()
	sbOpts := append([]sandbox.Option{
		sandbox.WithSeed(os.DirFS("../testdata/seed")),
		sandbox.WithRateLimits(sandbox.Limits{}),
	}, cfg.sandbox...)
	sb := sandbox.NewServer(sbOpts...)
	t.Cleanup(sb.Close)
	ccfg := attio.Config{
		APIKey:      sb.APIKey(),
		BaseURL:     sb.MatonBaseURL(),
		ControlURL:  sb.ControlURL(),
		Limits:      &attio.Limits{},
		BaseBackoff: 1,
		MaxBackoff:  1,
	}
	if cfg.client != nil {
		cfg.client(&ccfg)
	}
	client, err := attio.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := server.Options{
		Client:       client,
		Interceptors: interceptors.Chain(interceptors.ChainConfig{}),
	}
	if cfg.opts != nil {
		cfg.opts(&opts)
	}
	opts.Secrets = append(opts.Secrets, sb.APIKey()) // as serve does with the upstream key
	opts.Interceptors = append([]connect.ServerInterceptor{recordSuccess}, opts.Interceptors...)
	handler := server.NewHandler(opts)
	srv := httptest.NewUnstartedServer(handler)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bridge := grpcbridge.New(handler, grpcbridge.Config{})
	go func() { _ = bridge.Serve(ln) }()
	t.Cleanup(bridge.Stop)
	return &harness{sb: sb, client: client, srv: srv, grpc: "http://" + ln.Addr().String()}
}

// rpc returns a connect.Client speaking p to the facade.
func (h *harness) rpc(p protocol) *connect.Client {
	if p.grpcPort {
		return connect.NewClient(connecthttp.NewTransport(h2cClient(nil), h.grpc, p.opts...))
	}
	return connect.NewClient(connecthttp.NewTransport(h.srv.Client(), h.srv.URL, p.opts...))
}

// h2cClient speaks HTTP/2 without TLS, as to the gRPC-only listener; cfg, if set, sizes its
// flow-control windows.
func h2cClient(cfg *http.HTTP2Config) *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols), HTTP2: cfg}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}

// httpClient is for plain HTTP checks (CORS, health over Connect JSON).
func (h *harness) httpClient() *http.Client { return h.srv.Client() }

// succeeded holds every procedure some test called successfully through a harness.
var succeeded sync.Map

func recordSuccess(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		err := next(ctx, spec, stream)
		if err == nil {
			succeeded.Store(spec.Procedure, true)
		}
		return err
	}
}

// TestMain checks, after a full run, that every RPC of the contract answered successfully at least
// once over the real stack: none is left unimplemented or untested. After every run it checks that
// no goroutine outlived its test (goleak): a stream, export or fetcher that never ends is a leak
// of memory budget too.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines left running after the tests: %v\n", err)
			code = 1
		}
	}
	if f := flag.Lookup("test.run"); code == 0 && f != nil && f.Value.String() == "" && !testing.Short() {
		var missing []string
		for spec := range server.NewRPCServer(server.Options{}).Specs() {
			if _, ok := succeeded.Load(spec.Procedure); !ok {
				missing = append(missing, spec.Procedure)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			fmt.Fprintf(os.Stderr, "no test called these RPCs successfully through the harness:\n  %v\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}
