package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/grpcreflect/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	attiofacade "github.com/attio-facade/attio-facade"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

type running struct {
	url    string
	admin  string // base URL of the admin listener
	grpc   string // host:port of the gRPC-only listener, with --grpc-addr
	logs   *testkit.Buffer
	stop   context.CancelFunc
	result chan error
}

// start runs the binary's run() in-process, as `attio-facade serve`, on a free loopback port.
func start(t *testing.T, env map[string]string, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testkit.Buffer{}
	ready, adminReady, grpcReady := make(chan net.Addr, 1), make(chan net.Addr, 1), make(chan net.Addr, 1)
	r := &running{logs: logs, stop: cancel, result: make(chan error, 1)}
	go func() {
		r.result <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"}, args...), environment{
			getenv:     func(k string) string { return env[k] },
			stdout:     io.Discard,
			stderr:     logs,
			ready:      func(a net.Addr) { ready <- a },
			adminReady: func(a net.Addr) { adminReady <- a },
			grpcReady:  func(a net.Addr) { grpcReady <- a },
		})
	}()
	select {
	case a := <-ready:
		r.url = "http://" + a.String()
		select {
		case a := <-adminReady:
			r.admin = "http://" + a.String()
		default: // the admin listener was turned off
		}
		select {
		case a := <-grpcReady: // told before the main listener's address
			r.grpc = a.String()
		default: // no --grpc-addr
		}
	case err := <-r.result:
		t.Fatalf("serve ended before listening: %v\n%s", err, logs)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.result:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return r
}

// h2c speaks HTTP/2 without TLS, as gRPC clients do against the facade.
func h2c() *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}

func TestServeSaysItRunsOnTheSandbox(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	first, _, _ := strings.Cut(r.logs.String(), "\n")
	if !strings.Contains(first, "sandbox") {
		t.Fatalf("first log line does not mention the sandbox: %s", first)
	}
}

func TestHealthPerService(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	for _, svc := range append([]string{""}, server.ServiceNames()...) {
		res, err := http.Post(r.url+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader(`{"service":"`+svc+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "SERVING") {
			t.Fatalf("health of %q: %d %s", svc, res.StatusCode, body)
		}
	}
}

// Reflection is open by choice (README, "Calling it"): the server runs with auth on, and this
// client sends no credentials.
func TestReflectionListsEveryService(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	client := grpcreflect.NewClient(connect.NewClient(connecthttp.NewTransport(h2c(), r.url, connecthttp.WithGRPC())))
	stream := client.NewStream(t.Context())
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range server.ServiceNames() {
		if !slices.Contains(names, protoreflect.FullName(want)) {
			t.Fatalf("reflection is missing %s: %v", want, names)
		}
	}
	// Descriptors resolve too, so grpcurl and buf curl need no proto files.
	files, err := stream.FileContainingSymbol("attio.v1.RecordService")
	if err != nil || len(files) == 0 {
		t.Fatalf("FileContainingSymbol: %v", err)
	}
}

func TestCORSPreflightForBrowserClients(t *testing.T) {
	t.Parallel()
	r := start(t, nil, "--cors-origins", "https://app.example.com")
	req, _ := http.NewRequest(http.MethodOptions, r.url+"/attio.v1.RecordService/GetRecord", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	// Browsers send this list lower-cased and sorted (Fetch spec).
	req.Header.Set("Access-Control-Request-Headers", "authorization,connect-protocol-version,content-type,maton-connection")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Fatalf("Allow-Origin = %q (status %d)", got, res.StatusCode)
	}
	allowed := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"authorization", "maton-connection", "connect-protocol-version"} {
		if !strings.Contains(allowed, h) {
			t.Fatalf("preflight does not allow %s: %q", h, allowed)
		}
	}

	req.Header.Set("Origin", "https://evil.example.com")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("unlisted origin allowed: %q", got)
	}

	// A real browser call then sees the status headers it needs.
	call, _ := http.NewRequest(http.MethodPost, r.url+"/attio.v1.WorkspaceService/GetSelf", strings.NewReader(`{}`))
	call.Header.Set("Origin", "https://app.example.com")
	call.Header.Set("Content-Type", "application/json")
	call.Header.Set("Authorization", "Bearer sandbox-reader")
	res, err = http.DefaultClient.Do(call)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "Grpc-Status") {
		t.Fatalf("browser call: %d, exposed %q", res.StatusCode, res.Header.Get("Access-Control-Expose-Headers"))
	}
}

func TestRefusesToStartOpenInFrontOfRealData(t *testing.T) {
	t.Parallel()
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0"}, environment{
		getenv: func(k string) string {
			if k == "MATON_API_KEY" {
				return "mk-live-not-a-real-key"
			}
			return ""
		},
		stdout: io.Discard, stderr: io.Discard,
	})
	if err == nil || !strings.Contains(err.Error(), "auth-file") {
		t.Fatalf("want a refusal naming --auth-file, got %v", err)
	}
	if strings.Contains(err.Error(), "mk-live-not-a-real-key") {
		t.Fatal("error leaks the key")
	}
}

func TestGracefulShutdownDrainsCallsAndEndsStreams(t *testing.T) {
	t.Parallel()
	t.Run("main listener", func(t *testing.T) { t.Parallel(); drainTest(t, false) })
	t.Run("grpc listener", func(t *testing.T) { t.Parallel(); drainTest(t, true) })
}

// drainTest shuts the facade down with a unary call and a stream in flight on the main listener,
// or on the gRPC-only one (--grpc-addr), which drains beside it.
func drainTest(t *testing.T, grpcPort bool) {
	// The facade runs against a sandbox of the test's own, in front of which GetRecord is held
	// until shutdown has begun: the unary call is then provably in flight when the drain starts,
	// whatever the machine's speed.
	const recordID = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"
	sb := sandbox.New(sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithRateLimits(sandbox.Limits{}))
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/records/"+recordID) {
			once.Do(func() { close(arrived) })
			<-release
		}
		sb.ServeHTTP(w, req)
	}))
	t.Cleanup(upstream.Close)
	token := "drain-test-reader"
	sum := sha256.Sum256([]byte(token))
	auth := filepath.Join(t.TempDir(), "auth.json")
	if err := os.WriteFile(auth, []byte(`{"api_keys":[{"name":"r","sha256":"`+hex.EncodeToString(sum[:])+`","scopes":["read"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := start(t, map[string]string{"MATON_API_KEY": sandbox.DefaultAPIKey}, "--upstream-url", upstream.URL+"/attio/v2",
		"--control-url", upstream.URL, "--auth-file", auth, "--shutdown-timeout", "10s", "--maton-rps", "0", "--grpc-addr", "127.0.0.1:0")
	target := r.url
	if grpcPort {
		target = "http://" + r.grpc
	}
	rpc := connect.NewClient(connecthttp.NewTransport(h2c(), target, connecthttp.WithGRPC()))
	records := attiov1connect.NewRecordServiceClient(rpc)
	authed := func() context.Context {
		ctx, info := connect.NewClientContext(context.Background())
		info.RequestHeader().Set("Authorization", "Bearer "+token)
		return ctx
	}

	stream, err := records.StreamRecords(authed(), &attiov1.StreamRecordsRequest{Object: "people", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Receive(); err != nil {
		t.Fatal(err)
	}

	unary := make(chan error, 1)
	go func() {
		_, err := records.GetRecord(authed(), &attiov1.GetRecordRequest{Object: "people", RecordId: recordID})
		unary <- err
	}()
	select {
	case <-arrived: // the unary call is now waiting on upstream
	case err := <-unary:
		t.Fatalf("unary call ended before reaching upstream: %v", err)
	}
	r.stop()
	// Let the held call go only once the drain has begun (readiness turns 503).
	for {
		res, err := http.Get(r.admin + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusServiceUnavailable {
				break
			}
		}
		select {
		case <-time.After(5 * time.Millisecond): // polling, not deciding
		case <-t.Context().Done():
			t.Fatal("drain never began")
		}
	}
	close(release)

	if err := <-unary; err != nil {
		t.Fatalf("in-flight unary call was cut by shutdown: %v", err)
	}
	var streamErr error
	for {
		if _, streamErr = stream.Receive(); streamErr != nil {
			break
		}
	}
	if connect.CodeOf(streamErr) != connect.CodeUnavailable {
		t.Fatalf("stream ended with %v, want Unavailable (resumable)", streamErr)
	}
	select {
	case err := <-r.result:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		r.result <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown did not finish")
	}
	for _, addr := range []string{r.url[len("http://"):], r.grpc} {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Fatalf("%s still accepts connections after shutdown", addr)
		}
	}
}

// Reads are NO_SIDE_EFFECTS, so Connect clients (and caches) may use HTTP GET; writes may not.
func TestConnectGetForReadsOnly(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	get := func(procedure, msg string) int {
		req, _ := http.NewRequest(http.MethodGet, r.url+procedure+"?connect=v1&encoding=json&message="+url.QueryEscape(msg), nil)
		req.Header.Set("Authorization", "Bearer sandbox-admin")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get("/attio.v1.RecordService/GetRecord", `{"object":"people","recordId":"a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"}`); code != http.StatusOK {
		t.Fatalf("GET of a read: %d", code)
	}
	if code := get("/attio.v1.RecordService/DeleteRecord", `{"object":"people","recordId":"a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"}`); code == http.StatusOK {
		t.Fatal("GET of a write was accepted")
	}
}

// Metrics, probes and pprof live on the admin listener only: the API port, which callers and
// browsers reach, has gRPC health but no /metrics; pprof is there only when asked for.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	var adminURLs []string
	get := func(url string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Origin", "https://app.example.com")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		admin := slices.ContainsFunc(adminURLs, func(a string) bool { return strings.HasPrefix(url, a) })
		if admin && res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s carries CORS headers", url)
		}
		return res.StatusCode, string(b)
	}
	r := start(t, nil, "--cors-origins", "https://app.example.com")
	if r.admin == "" {
		t.Fatal("no admin listener by default")
	}
	adminURLs = append(adminURLs, r.admin)
	if code, _ := get(r.url + "/metrics"); code != http.StatusNotFound {
		t.Fatalf("/metrics on the API port: %d, want 404", code)
	}
	code, body := get(r.admin + "/metrics")
	if code != http.StatusOK || !strings.Contains(body, "attio_client_pause_remaining_seconds") || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics on the admin port: %d\n%.400s", code, body)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := get(r.admin + path); code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
	}
	if code, _ := get(r.admin + "/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("pprof without --admin-pprof: %d, want 404", code)
	}
	if code, _ := get(r.url + "/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("pprof on the API port: %d, want 404", code)
	}
	res, err := http.Post(r.url+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("gRPC health on the API port: %d", res.StatusCode)
	}

	withPprof := start(t, nil, "--admin-pprof", "--cors-origins", "*")
	adminURLs = append(adminURLs, withPprof.admin)
	if code, body := get(withPprof.admin + "/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("pprof with --admin-pprof: %d", code)
	}
	if code, _ := get(withPprof.url + "/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("pprof leaked onto the API port: %d", code)
	}

	off := start(t, nil, "--admin-addr", "")
	if off.admin != "" {
		t.Fatalf("--admin-addr '' still started an admin listener at %s", off.admin)
	}
}
