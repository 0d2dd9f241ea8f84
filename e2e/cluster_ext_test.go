package e2e_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/redistest"
)

// binary is the attio-facade built once for the package.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "attio-facade-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "attio-facade")
	build := exec.Command("go", "build", "-o", binary, "../cmd/attio-facade")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build attio-facade:", err)
		return 1
	}
	return m.Run()
}

// hangGuard bounds every wait on a process: only a real hang reaches it.
const hangGuard = 5 * time.Minute

// Callers of the auth file every replica loads.
const (
	tokenReader   = "e2e-reader-token"
	tokenWriter   = "e2e-writer-token"
	tokenApprover = "e2e-approver-token"
)

const approvalSecret = "e2e-approval-secret-of-at-least-32-bytes!"

// proc is one child process whose JSON log tells its listening addresses.
type proc struct {
	name  string
	cmd   *exec.Cmd
	addr  string // API (facade) or HTTP (sandbox) address
	admin string // admin address (facade)
	done  chan struct{}

	mu  sync.Mutex
	log strings.Builder
}

// start runs the binary with args and env (plus PATH and HOME) and waits for its listening lines.
func start(t *testing.T, name string, env []string, wantAdmin bool, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]string, 4)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			var m struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &m) == nil && m.Addr != "" && (m.Msg == "listening" || m.Msg == "admin listening") {
				addrs <- [2]string{m.Msg, m.Addr}
			}
		}
		_ = p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.kill(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("log of %s:\n%s", p.name, p.logText())
		}
	})
	need := 1
	if wantAdmin {
		need = 2
	}
	timeout := time.After(hangGuard)
	for need > 0 {
		select {
		case a := <-addrs:
			if a[0] == "listening" {
				p.addr = a[1]
			} else {
				p.admin = a[1]
			}
			need--
		case <-p.done:
			t.Fatalf("%s exited before listening:\n%s", name, p.logText())
		case <-timeout:
			t.Fatalf("%s did not start:\n%s", name, p.logText())
		}
	}
	return p
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// kill sends sig and waits for the process to end.
func (p *proc) kill(sig syscall.Signal) {
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(hangGuard):
	}
}

func (p *proc) url() string { return "http://" + p.addr }

// cluster is one Redis, one sandbox and n facade replicas.
type cluster struct {
	t        *testing.T
	dir      string
	redis    *redistest.Server
	sandbox  *proc
	reqLog   string
	replicas []*proc
}

type clusterOptions struct {
	replicas int
	latency  time.Duration
	generate int      // synthetic people in the sandbox
	extra    []string // more env for the replicas
}

func newCluster(t *testing.T, o clusterOptions) *cluster {
	t.Helper()
	c := &cluster{t: t, dir: t.TempDir()}
	c.redis = redistest.Start(t)
	c.reqLog = filepath.Join(c.dir, "sandbox-requests.log")
	args := []string{"sandbox", "--addr", "127.0.0.1:0", "--request-log", c.reqLog, "--generate", strconv.Itoa(o.generate)}
	if o.latency > 0 {
		args = append(args, "--latency", o.latency.String())
	}
	c.sandbox = start(t, "sandbox", nil, false, args...)
	auth := filepath.Join(c.dir, "auth.json")
	if err := os.WriteFile(auth, []byte(authFile()), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"MATON_API_KEY=sandbox-maton-api-key",
		"ATTIO_FACADE_UPSTREAM_URL=" + c.sandbox.url() + "/attio/v2",
		"ATTIO_FACADE_CONTROL_URL=" + c.sandbox.url(),
		"ATTIO_FACADE_AUTH_FILE=" + auth,
		"ATTIO_FACADE_APPROVAL_SECRET=" + approvalSecret,
		"ATTIO_FACADE_REDIS_URL=" + c.redis.URL(),
		"ATTIO_FACADE_ADDR=127.0.0.1:0",
		"ATTIO_FACADE_ADMIN_ADDR=127.0.0.1:0",
	}
	env = append(env, o.extra...)
	for i := range o.replicas {
		c.replicas = append(c.replicas, start(t, fmt.Sprint("replica-", i), env, true, "serve"))
	}
	return c
}

func authFile() string {
	key := func(name, token, scopes string) string {
		sum := sha256.Sum256([]byte(token))
		return fmt.Sprintf(`{"name":%q,"sha256":%q,"scopes":%s}`, name, hex.EncodeToString(sum[:]), scopes)
	}
	return `{"api_keys":[` + strings.Join([]string{
		key("reader", tokenReader, `["read"]`),
		key("writer", tokenWriter, `["read","write"]`),
		key("approver", tokenApprover, `["read","approve"]`),
	}, ",") + `]}`
}

// sandboxRequest is one line of the sandbox's request log.
type sandboxRequest struct {
	at     time.Time
	status int
	method string
	path   string
}

// requests reads the sandbox's request log.
func (c *cluster) requests() []sandboxRequest {
	c.t.Helper()
	b, err := os.ReadFile(c.reqLog)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []sandboxRequest
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		ns, _ := strconv.ParseInt(f[0], 10, 64)
		st, _ := strconv.Atoi(f[1])
		out = append(out, sandboxRequest{at: time.Unix(0, ns), status: st, method: f[2], path: f[3]})
	}
	return out
}

// httpClient speaks HTTP/1.1 and h2c, like the facade's listener.
func httpClient() *http.Client {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: protocols}}
}

func transport(p *proc) connect.Transport {
	return connecthttp.NewTransport(httpClient(), p.url())
}

func records(p *proc) attiov1connect.RecordServiceClient {
	return attiov1connect.NewRecordServiceClient(connect.NewClient(transport(p)))
}

func exports(p *proc) attiov1connect.ExportServiceClient {
	return attiov1connect.NewExportServiceClient(connect.NewClient(transport(p)))
}

func approvals(p *proc) attiov1connect.ApprovalServiceClient {
	return attiov1connect.NewApprovalServiceClient(connect.NewClient(transport(p)))
}

// as calls with a bearer token (and an approval token when given).
func as(ctx context.Context, token, approval string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set("Authorization", "Bearer "+token)
	if approval != "" {
		info.RequestHeader().Set("Attio-Approval", approval)
	}
	return ctx
}

// adminGet fetches a path of a replica's admin listener.
func adminGet(t *testing.T, p *proc, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + p.admin + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return resp.StatusCode, b.String()
}
