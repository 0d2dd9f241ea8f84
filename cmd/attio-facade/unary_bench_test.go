package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	attiofacade "github.com/attio-facade/attio-facade"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/protocodec"
	"github.com/attio-facade/attio-facade/sandbox"
)

// BenchmarkUnaryGetRecord compares, in one run, the facade's cost per GetRecord with a bare
// httputil.ReverseProxy in front of the same sandbox (issue 16, target 4: facade CPU per call at
// most 2x the proxy's, added p50 latency at most 0.7 ms). Command and figures: docs/benchmarks.md.
//
//	go test -run '^$' -bench UnaryGetRecord -benchtime 1x ./cmd/attio-facade/
//
// The sandbox runs in this process; the facade (`serve`, with an auth file, its caller and
// upstream limiters on at rates no test reaches, telemetry, approvals and logging as deployed) and
// the proxy each run as their own process (this test binary re-run), so that each one's CPU time
// (/proc/<pid>/stat) is its own. The same record is fetched sequentially, one call at a time:
// directly from the sandbox (the latency baseline), through the proxy, and through the facade
// over Connect (HTTP/1.1, binary protobuf, the client's default gzip accepted) and over gRPC
// (h2c), each twice: by connect-go's typed client (facade_connect, facade_grpc: the answer decoded
// into a GetRecordResponse in this process) and by a caller that reads the answer's bytes as the
// direct and proxy callers do (facade_connect_bytes, facade_grpc_bytes: unary_bench_bytes_test.go).
// The _bytes targets are the facade's added latency in the proxy's terms. The facade runs with
// --grpc-addr, and gRPC is also measured on that listener (grpc-go's transport: facade_grpcport,
// facade_grpcport_bytes) and, on both listeners, by grpc-go's own client (facade_grpcgo,
// facade_grpcport_grpcgo), which is what most gRPC callers run. Targets take turns in rounds, so that load from outside (the machine is shared) falls on
// all of them alike. UNARY_BENCH_CALLS (default 400) calls per target and round,
// UNARY_BENCH_ROUNDS (default 5) rounds. UNARY_BENCH_ONLY=facade_grpc (or facade_connect) leaves the
// other facade target out, so that a profile taken through UNARY_BENCH_ADMIN shows one protocol.
// UNARY_BENCH_BASELINE=<test binary of this package built at another commit> runs that build's
// facade too (targets baseline_connect, baseline_grpc and their _bytes), so that a change is measured against
// its parent in one run: on a shared machine, two runs are not comparable;
// UNARY_BENCH_BASELINE_ADMIN=127.0.0.1:PORT serves that facade's pprof, for profiles of both builds
// taken in the same run.
func BenchmarkUnaryGetRecord(b *testing.B) {
	calls, rounds := envInt("UNARY_BENCH_CALLS", 400), envInt("UNARY_BENCH_ROUNDS", 5)
	sb := sandbox.NewServer(sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithRateLimits(sandbox.Limits{}))
	b.Cleanup(sb.Close)
	serveArgs := []string{"--maton-rps", "1000000", "--attio-read-rps", "1000000", "--caller-rps", "1000000", "--log-level", "info"}
	facade := startFacade(b, sb, append(serveArgs, "--admin-addr="+os.Getenv("UNARY_BENCH_ADMIN"), "--admin-pprof", "--grpc-addr=127.0.0.1:0")...)
	proxy := startProxy(b, sb.MatonBaseURL())

	rpc := func(c attiov1connect.RecordServiceClient) func() error {
		ctx := as(context.Background(), loadReaderKey)
		return func() error {
			res, err := c.GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID})
			if err == nil && res.GetRecord().GetId().GetRecordId() != loadAdaID {
				err = fmt.Errorf("got record %v", res.GetRecord().GetId())
			}
			return err
		}
	}
	targets := []*unaryTarget{
		{name: "direct", call: getBytes(sb.MatonBaseURL(), sb.APIKey())},
		{name: "proxy", call: getBytes(proxy.url+"/attio/v2", sb.APIKey()), proc: proxy},
		{name: "direct_decoded", call: getDecoded(sb.MatonBaseURL(), sb.APIKey())},
		{name: "proxy_decoded", call: getDecoded(proxy.url+"/attio/v2", sb.APIKey()), proc: proxy},
		{name: "proxy_h2c", call: getH2C(proxy.url+"/attio/v2", sb.APIKey()), proc: proxy, h2: true},
		{name: "facade_connect", call: rpc(connectRecords(facade.url)), proc: facade, decodes: true},
		{name: "facade_grpc", call: rpc(recordsClient(facade.url, false)), proc: facade, decodes: true, h2: true},
		{name: "facade_connect_bytes", call: rpcBytes(b, facade.url, false), proc: facade},
		{name: "facade_grpc_bytes", call: rpcBytes(b, facade.url, true), proc: facade, h2: true},
		{name: "facade_grpcport", call: rpc(recordsClient(facade.grpcURL, false)), proc: facade, decodes: true, h2: true},
		{name: "facade_grpcport_bytes", call: rpcBytes(b, facade.grpcURL, true), proc: facade, h2: true},
		{name: "facade_grpcgo", call: grpcGoGet(b, facade.url), proc: facade, decodes: true, h2: true},
		{name: "facade_grpcport_grpcgo", call: grpcGoGet(b, facade.grpcURL), proc: facade, decodes: true, h2: true},
		{name: "facade_grpcport_grpcgo_bytes", call: grpcGoBytes(b, facade.grpcURL), proc: facade, h2: true},
		// grpc-go's client with fixed windows, which turns off its bandwidth probe (a PING after
		// each answer's first DATA frame), as docs/clients.md suggests for unary-heavy callers
		{name: "facade_grpcport_grpcgo_fixed", call: grpcGoGet(b, facade.grpcURL,
			grpc.WithInitialWindowSize(4<<20), grpc.WithInitialConnWindowSize(16<<20)), proc: facade, decodes: true, h2: true},
	}
	if exe := os.Getenv("UNARY_BENCH_BASELINE"); exe != "" { // A/B: another commit's build, same run
		// No admin listener unless asked: its default port may be taken by another process.
		baseArgs := append(slices.Clip(serveArgs), "--admin-addr=")
		if addr := os.Getenv("UNARY_BENCH_BASELINE_ADMIN"); addr != "" { // its pprof, for a paired profile
			baseArgs = append(slices.Clip(serveArgs), "--admin-addr="+addr, "--admin-pprof")
		}
		if os.Getenv("UNARY_BENCH_BASELINE_GRPC_ADDR") != "0" { // builds before 1e120f6 have no --grpc-addr
			baseArgs = append(baseArgs, "--grpc-addr=127.0.0.1:0")
		}
		base := startFacadeFrom(b, exe, sb, baseArgs...)
		targets = append(targets,
			&unaryTarget{name: "baseline_connect", call: rpc(connectRecords(base.url)), proc: base, decodes: true},
			&unaryTarget{name: "baseline_grpc", call: rpc(recordsClient(base.url, false)), proc: base, decodes: true, h2: true},
			&unaryTarget{name: "baseline_connect_bytes", call: rpcBytes(b, base.url, false), proc: base},
			&unaryTarget{name: "baseline_grpc_bytes", call: rpcBytes(b, base.url, true), proc: base, h2: true})
		if base.grpcURL != "" {
			targets = append(targets,
				&unaryTarget{name: "baseline_grpcport", call: rpc(recordsClient(base.grpcURL, false)), proc: base, decodes: true, h2: true},
				&unaryTarget{name: "baseline_grpcport_bytes", call: rpcBytes(b, base.grpcURL, true), proc: base, h2: true},
				&unaryTarget{name: "baseline_grpcport_grpcgo", call: grpcGoGet(b, base.grpcURL), proc: base, decodes: true, h2: true})
		}
	}
	if only := os.Getenv("UNARY_BENCH_ONLY"); only != "" { // profile one of the facade's protocols
		targets = slices.DeleteFunc(targets, func(t *unaryTarget) bool {
			return t.proc != nil && t.proc != proxy && !slices.Contains(strings.Split(only, ","), t.name)
		})
	}
	for range b.N {
		for _, t := range targets {
			t.reset()
			if err := t.run(b, 50); err != nil { // warm up connections, pools and caches
				b.Fatalf("%s: %v", t.name, err)
			}
			t.reset()
		}
		for range rounds {
			for _, t := range targets {
				if err := t.run(b, calls); err != nil {
					b.Fatalf("%s: %v", t.name, err)
				}
			}
		}
	}
	direct, prox, directDecoded, proxDecoded, proxH2C := targets[0], targets[1], targets[2], targets[3], targets[4]
	b.ReportMetric(prox.cpuPerCall(), "proxy_cpu_us/call")
	b.ReportMetric(ms(direct.p50()), "direct_p50_ms")
	b.ReportMetric(ms(prox.p50()-direct.p50()), "proxy_added_p50_ms")
	b.ReportMetric(ms(directDecoded.p50()-direct.p50()), "json_decode_p50_ms")
	b.ReportMetric(ms(proxDecoded.p50()-directDecoded.p50()), "proxy_decoded_added_p50_ms")
	b.ReportMetric(ms(proxH2C.p50()-direct.p50()), "proxy_h2c_added_p50_ms")
	added := func(u *unaryTarget) time.Duration { return u.p50() - direct.p50() }
	for _, t := range targets[5:] {
		b.ReportMetric(t.cpuPerCall(), t.name+"_cpu_us/call")
		b.ReportMetric(t.cpuPerCall()/prox.cpuPerCall(), t.name+"_cpu_x_proxy")
		b.ReportMetric(ms(added(t)), t.name+"_added_p50_ms")
		if t.decodes { // against a caller of Attio that decodes its answer too
			b.ReportMetric(ms(t.p50()-directDecoded.p50()), t.name+"_added_p50_vs_decoded_ms")
		}
		// Target 4's latency as the ratio the figures imply (0.7 ms against the proxy's
		// 0.35): the target's added p50, its decode included, over the HTTP/1.1 proxy's; for an
		// HTTP/2 caller also over the h2c proxy's, the bare hop of its own HTTP version, which
		// _p50_over_proxy_ms subtracts instead.
		b.ReportMetric(float64(added(t))/float64(added(prox)), t.name+"_added_p50_x_proxy")
		sameHop := prox
		if t.h2 {
			sameHop = proxH2C
			b.ReportMetric(float64(added(t))/float64(added(proxH2C)), t.name+"_added_p50_x_h2c_proxy")
		}
		b.ReportMetric(ms(t.p50()-sameHop.p50()), t.name+"_p50_over_proxy_ms")
	}
	for _, t := range targets {
		b.Logf("%-22s %5d calls  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  cpu/call %6.0f µs", t.name, len(t.lat),
			ms(t.p50()), ms(pct(t.sorted(), 0.9)), ms(pct(t.sorted(), 0.99)), t.cpuPerCall())
	}
}

// connectRecords is a typed caller of the facade at url over the Connect protocol (HTTP/1.1,
// binary), decoding with protocodec as a Go caller of the facade can.
func connectRecords(url string) attiov1connect.RecordServiceClient {
	return attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(
		&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}, url, connecthttp.WithCodecs(protocodec.New()))))
}

// grpcGoGet fetches the record with grpc-go's client, what most gRPC callers in Go use (and, like
// the other languages' gRPC libraries, with its own HTTP/2 transport): typed, decoded by
// protobuf-go.
func grpcGoGet(tb testing.TB, url string, opts ...grpc.DialOption) func() error {
	cc, ctx := grpcGoConn(tb, url, opts...)
	req := &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID}
	return func() error {
		res := new(attiov1.GetRecordResponse)
		if err := cc.Invoke(ctx, attiov1connect.RecordServiceGetRecordProcedure, req, res); err != nil {
			return err
		}
		if res.GetRecord().GetId().GetRecordId() != loadAdaID {
			return fmt.Errorf("got record %v", res.GetRecord().GetId())
		}
		return nil
	}
}

// grpcGoConn is a grpc-go client connection to the facade at url, closed when the benchmark
// ends, and a context carrying the reader's credentials.
func grpcGoConn(tb testing.TB, url string, opts ...grpc.DialOption) (*grpc.ClientConn, context.Context) {
	tb.Helper()
	cc, err := grpc.NewClient(strings.TrimPrefix(url, "http://"), append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cc.Close() })
	return cc, metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+loadReaderKey)
}

// unaryTarget is one way of fetching the record: its latencies, and the CPU its process spent.
type unaryTarget struct {
	name string
	call func() error
	proc *facadeProc // nil: nothing between the client and the sandbox
	// decodes: a typed caller, which decodes the answer into messages; its added latency is also
	// reported against direct_decoded, a caller of Attio that decodes Attio's answer.
	decodes bool
	// h2: the caller speaks HTTP/2 (gRPC); its added latency is also reported against proxy_h2c,
	// a bare HTTP/2 hop, beside the HTTP/1.1 proxy's.
	h2  bool
	lat []time.Duration
	cpu time.Duration
}

func (u *unaryTarget) reset() { u.lat, u.cpu = nil, 0 }

func (u *unaryTarget) run(b *testing.B, n int) error {
	var cpu0 time.Duration
	if u.proc != nil {
		cpu0 = u.proc.cpu(b)
	}
	for range n {
		t0 := time.Now()
		if err := u.call(); err != nil {
			return err
		}
		u.lat = append(u.lat, time.Since(t0))
	}
	if u.proc != nil {
		u.cpu += u.proc.cpu(b) - cpu0
	}
	return nil
}

func (u *unaryTarget) sorted() []time.Duration {
	s := slices.Clone(u.lat)
	slices.Sort(s)
	return s
}

func (u *unaryTarget) p50() time.Duration { return pct(u.sorted(), 0.5) }

func (u *unaryTarget) cpuPerCall() float64 {
	return float64(u.cpu.Microseconds()) / float64(max(1, len(u.lat)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// proxyChildEnv, set in a child process, makes it a bare reverse proxy to the URL it holds.
const proxyChildEnv = "ATTIO_FACADE_BENCH_PROXY_CHILD"

// asProxyChild makes this process the benchmark's reverse proxy when it was started as one
// (TestMain calls it first).
func asProxyChild() {
	target := os.Getenv(proxyChildEnv)
	if target == "" {
		return
	}
	u, err := url.Parse(target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	u.Path = ""
	// HTTP/1.1 and, on the same port, HTTP/2 without TLS (h2c), as the facade's --addr: the h2c
	// callers measure what a bare HTTP/2 hop adds, the protocol gRPC callers bring.
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: httputil.NewSingleHostReverseProxy(u), Protocols: protocols, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("READY %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	_ = srv.Serve(ln)
	os.Exit(0)
}

// startProxy runs a bare httputil.ReverseProxy to upstream in its own process.
func startProxy(t testing.TB, upstream string) *facadeProc {
	t.Helper()
	cmd, said := startSelf(t, []string{proxyChildEnv + "=" + upstream}, "READY ")
	if said["READY "] == "" {
		t.Fatal("the proxy did not start")
	}
	return &facadeProc{cmd: cmd, url: "http://" + said["READY "]}
}
