package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiofacade "github.com/attio-facade/attio-facade"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/protocodec"
	"github.com/attio-facade/attio-facade/sandbox"
)

// The load test runs only with ATTIO_FACADE_LOADTEST=1 (command and figures: docs/benchmarks.md):
//
//	ATTIO_FACADE_LOADTEST=1 go test -run TestLoad -v -timeout 20m ./cmd/attio-facade/
//
// The facade runs as its own process (this test binary re-run as `attio-facade serve`, with an
// auth file, in front of a sandbox in this process), so its RSS is its own.
const (
	loadTestEnv  = "ATTIO_FACADE_LOADTEST"
	loadChildEnv = "ATTIO_FACADE_LOADTEST_CHILD" // set in the facade's process: its serve arguments
)

// asLoadChild makes this process the load test's facade when it was started as one (TestMain
// calls it first).
func asLoadChild() {
	if args := os.Getenv(loadChildEnv); args != "" {
		os.Exit(loadChild(strings.Fields(args)))
	}
}

// loadChild is the facade's process: `serve` with args, plus a loopback endpoint that reports its
// goroutine count (the load test's "before and after").
func loadChild(args []string) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, runtime.NumGoroutine()) })
	mux.HandleFunc("/stacks", func(w http.ResponseWriter, _ *http.Request) { _ = pprof.Lookup("goroutine").WriteTo(w, 1) })
	go func() { _ = http.Serve(ln, mux) }()
	fmt.Printf("STATS %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = run(ctx, args, environment{getenv: os.Getenv, stdout: os.Stdout, stderr: io.Discard,
		ready:     func(a net.Addr) { fmt.Printf("READY %s\n", a) },
		grpcReady: func(a net.Addr) { fmt.Printf("GRPC %s\n", a) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

type facadeProc struct {
	cmd     *exec.Cmd
	url     string
	grpcURL string // the gRPC-only listener, when started with --grpc-addr
	stats   string
}

func (p *facadeProc) rss(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// cpu is the facade's CPU time so far (user + system).
func (p *facadeProc) cpu(t testing.TB) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which is in parentheses): utime and stime are 14th and 15th.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / 100 // USER_HZ
}

// settle waits until the facade uses less than 5% of a core over 2 s: the stalled streams have
// filled the budget and their windows, and nothing is left for it to do for them.
func (p *facadeProc) settle(t *testing.T) time.Duration {
	t.Helper()
	t0 := time.Now()
	from, before := t0, p.cpu(t)
	testkit.Until(t, "the facade to settle", func() bool {
		if time.Since(from) < 2*time.Second {
			return false // the sample window: CPU is measured over 2 s, not decided by it
		}
		used := p.cpu(t) - before
		from, before = time.Now(), p.cpu(t)
		return used < 100*time.Millisecond || time.Since(t0) > 3*time.Minute
	})
	return time.Since(t0)
}

func (p *facadeProc) stacks(t *testing.T) string {
	t.Helper()
	res, err := http.Get("http://" + p.stats + "/stacks")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func (p *facadeProc) goroutines(t *testing.T) int {
	t.Helper()
	res, err := http.Get("http://" + p.stats)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	n, _ := strconv.Atoi(string(b))
	return n
}

// peakRSS samples the facade's RSS every 50 ms until stop is called, and returns the highest.
func (p *facadeProc) peakRSS(t *testing.T) (stop func() int64) {
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var most int64
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			most = max(most, p.rss(t))
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 { close(done); return <-peak }
}

func startFacade(t testing.TB, sb *sandbox.Server, args ...string) *facadeProc {
	t.Helper()
	return startFacadeFrom(t, "", sb, args...)
}

// startFacadeFrom is startFacade with the facade run from the test binary exe ("": this one), so
// that a benchmark can measure a build of another commit beside this one, in the same run.
func startFacadeFrom(t testing.TB, exe string, sb *sandbox.Server, args ...string) *facadeProc {
	t.Helper()
	dir := t.TempDir()
	auth := fmt.Sprintf(`{"api_keys":[{"name":"reader","sha256":%q,"scopes":["read"]},{"name":"other","sha256":%q,"scopes":["read"]}]}`,
		sha(loadReaderKey), sha(loadOtherKey))
	authFile := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(authFile, []byte(auth), 0o600); err != nil {
		t.Fatal(err)
	}
	serveArgs := append([]string{"serve", "--addr", "127.0.0.1:0", "--auth-file", authFile,
		"--upstream-url", sb.MatonBaseURL(), "--control-url", sb.ControlURL(),
		"--maton-rps", "0", "--attio-read-rps", "0", "--caller-rps", "0", "--log-level", "error"}, args...)
	said := []string{"STATS ", "READY "}
	if slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--grpc-addr") }) {
		said = append(said, "GRPC ")
	}
	cmd, got := startExe(t, exe, []string{loadChildEnv + "=" + strings.Join(serveArgs, " "), "MATON_API_KEY=" + sb.APIKey(),
		"ATTIO_FACADE_APPROVAL_SECRET=load-test-secret-0123456789abcdef0123"}, said...)
	if got["READY "] == "" {
		t.Fatal("the facade did not start")
	}
	p := &facadeProc{cmd: cmd, url: "http://" + got["READY "], stats: got["STATS "]}
	if a := got["GRPC "]; a != "" {
		p.grpcURL = "http://" + a
	}
	return p
}

// startSelf runs this test binary again as a child with env added, stopped (SIGINT) at cleanup,
// and returns what it printed after each of the prefixes, one line each, in order, before the
// last of them.
func startSelf(t testing.TB, env []string, prefixes ...string) (*exec.Cmd, map[string]string) {
	t.Helper()
	return startExe(t, "", env, prefixes...)
}

// startExe is startSelf with the test binary exe ("": this one).
func startExe(t testing.TB, exe string, env []string, prefixes ...string) (*exec.Cmd, map[string]string) {
	t.Helper()
	if exe == "" {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		exe = self
	}
	cmd := exec.Command(exe, "-test.run", "^$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	said := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(said) < len(prefixes) && lines.Scan() {
		for _, p := range prefixes {
			if v, ok := strings.CutPrefix(lines.Text(), p); ok {
				said[p] = v
			}
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return cmd, said
}

const (
	loadReaderKey = "load-reader-key"
	loadOtherKey  = "load-other-key"
	loadAdaID     = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func as(ctx context.Context, key string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set("Authorization", "Bearer "+key)
	return ctx
}

// recordsClient speaks gRPC over h2c. Small stream windows (64 KiB) make a caller that does not read
// stall the facade's sends at once; the connection window is large, so one stream does not hold
// up the others.
func recordsClient(url string, smallWindows bool) loadClient {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	if smallWindows {
		tr.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10, MaxReceiveBufferPerConnection: 256 << 20}
	}
	return loadClient{attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(&http.Client{Transport: tr}, url, connecthttp.WithGRPC(), connecthttp.WithCodecs(protocodec.New())))), tr}
}

type loadClient struct {
	attiov1connect.RecordServiceClient
	tr *http.Transport
}

func (c loadClient) closeIdle() { c.tr.CloseIdleConnections() }

// unary runs workers sequential GetRecord calls as the other caller until ctx ends and returns the
// latencies, sorted.
func unary(ctx context.Context, t *testing.T, c attiov1connect.RecordServiceClient, workers int) []time.Duration {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				t0 := time.Now()
				_, err := c.GetRecord(as(context.Background(), loadOtherKey), &attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID})
				if err != nil {
					t.Errorf("unary call: %v", err)
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat
}

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[min(len(lat)-1, int(float64(len(lat))*p))]
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

func TestLoad(t *testing.T) {
	if os.Getenv(loadTestEnv) != "1" {
		t.Skip("load test: set " + loadTestEnv + "=1 (see docs/benchmarks.md)")
	}
	const people = 5000
	sb := sandbox.NewServer(sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithRateLimits(sandbox.Limits{}))
	t.Cleanup(sb.Close)
	if err := sb.Sandbox.Generate(sandbox.DefaultConnectionID, "people", people, sandbox.GenerateOptions{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// The per-caller cap is raised so that one key can open the 200 and 1,000 streams, and the send
	// timeout so that the stalled streams stay stalled while they are measured (with the default
	// 60 s, each would end after a minute and let a waiting one fetch); the memory budget is the
	// default.
	f := startFacade(t, sb, "--caller-max-streams", "2000", "--stream-send-timeout", "10m")
	plain := recordsClient(f.url, false)
	window := func(d time.Duration) []time.Duration {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		defer cancel()
		return unary(ctx, t, plain, 2)
	}
	_ = window(2 * time.Second) // warm up connections and caches
	rssStart, gStart := f.rss(t), f.goroutines(t)
	idle := window(10 * time.Second)
	t.Logf("start: RSS %s, %d goroutines; idle unary (2 workers, %d calls): p50 %v, p99 %v",
		mib(rssStart), gStart, len(idle), pct(idle, 0.5), pct(idle, 0.99))

	// Item 2 of issue 9: 200 streams of 500-record pages from one key that never read.
	t.Run("200 stalled streams", func(t *testing.T) {
		stalledClient := recordsClient(f.url, true)
		ctx, cancel := context.WithCancel(as(t.Context(), loadReaderKey))
		peak := f.peakRSS(t)
		// Each call returns once its stream's response headers arrive, which is with its first
		// page, which may wait for budget: open them all at once, from their own goroutines.
		var opened sync.WaitGroup
		for range 200 {
			opened.Go(func() {
				s, err := stalledClient.StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: "people", PageSize: 500})
				if err == nil {
					<-ctx.Done()
					_ = s.Close()
				}
			})
		}
		// Let the streams fill the budget and their windows, then measure the other caller.
		settled := f.settle(t)
		during := window(10 * time.Second)
		rssNow, most := f.rss(t), peak()
		g := f.goroutines(t)
		cancel()
		opened.Wait()
		ratio := float64(pct(during, 0.99)) / float64(pct(idle, 0.99))
		t.Logf("200 stalled streams (settled after %v): RSS %s now, %s peak; %d goroutines; other caller's unary (%d calls): p50 %v, p99 %v = %.2fx idle p99",
			settled.Round(time.Second), mib(rssNow), mib(most), g, len(during), pct(during, 0.5), pct(during, 0.99), ratio)
		if most >= 400<<20 {
			t.Errorf("peak RSS %s, want under 400 MiB", mib(most))
		}
		if ratio >= 3 {
			t.Errorf("unary p99 %.2fx idle, want under 3x", ratio)
		}
	})

	// The load test: 1,000 concurrent streams that read, plus unary traffic, for 30 s.
	t.Run("1000 streams and unary for 30s", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		streamClient := recordsClient(f.url, false)
		peak := f.peakRSS(t)
		var pages, records, streamsDone, failures atomic.Int64
		var wg sync.WaitGroup
		for range 1000 {
			wg.Go(func() {
				for ctx.Err() == nil {
					s, err := streamClient.StreamRecords(as(ctx, loadReaderKey), &attiov1.StreamRecordsRequest{Object: "people", PageSize: 20})
					if err != nil {
						if ctx.Err() == nil {
							failures.Add(1)
							t.Logf("stream: %v", err)
						}
						continue
					}
					for {
						msg, err := s.Receive()
						if err != nil {
							if errors.Is(err, io.EOF) {
								streamsDone.Add(1)
							} else if ctx.Err() == nil {
								failures.Add(1)
								t.Logf("stream: %v", err)
							}
							break
						}
						pages.Add(1)
						records.Add(int64(len(msg.GetRecords())))
					}
					_ = s.Close()
				}
			})
		}
		lat := unary(ctx, t, plain, 2)
		wg.Wait()
		most := peak()
		// Goroutines after: once every stream has ended and the callers' connections are closed,
		// no handler, fetcher or sender is left; what remains is the server and idle upstream
		// connections.
		streamClient.closeIdle()
		plain.closeIdle()
		stacks := ""
		testkit.Until(t, "the facade's stream goroutines to end", func() bool {
			stacks = f.stacks(t)
			return !strings.Contains(stacks, "attio-facade/server.")
		})
		g := f.goroutines(t)
		t.Logf("1000 streams (pages of 20 people) + unary, 30 s: %d pages, %d records, %d complete streams, %d failed; peak RSS %s; unary (%d calls): p50 %v, p99 %v; goroutines before %d, after %d",
			pages.Load(), records.Load(), streamsDone.Load(), failures.Load(), mib(most), len(lat), pct(lat, 0.5), pct(lat, 0.99), gStart, g)
		if strings.Contains(stacks, "attio-facade/server.") {
			t.Errorf("stream goroutines left in the facade after the load:\n%s", stacks)
		}
		if failures.Load() > 0 {
			t.Errorf("%d streams failed", failures.Load())
		}
	})
}
