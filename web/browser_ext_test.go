package web_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The callers of the browser test (auth file keys; they only ever exist in this test).
const (
	tokenReader   = "console-test-reader-6c1f0e"
	tokenWriter   = "console-test-writer-92ab4d"
	tokenApprover = "console-test-approver-0d7e35"
)

// TestConsoleInChromium runs web/test/console.test.mjs (node:test, playwright-core driving the
// system's Chromium, never a downloaded build) against the facade on a sandbox with 300 generated
// people, both started here on free loopback ports. Without node, Chromium or web/node_modules it
// is skipped, saying what is missing; with CI set, it fails instead (.ci/run installs them).
// CONSOLE_SCREENSHOTS=dir writes the screenshots of docs/console.md there.
func TestConsoleInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	var missing []string
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node on PATH")
	}
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, "Chromium at "+chromium+" (set CHROMIUM)")
	}
	if _, err := os.Stat("node_modules/playwright-core"); err != nil {
		missing = append(missing, "web/node_modules (run npm ci in web/)")
	}
	if len(missing) > 0 {
		msg := "browser test needs " + strings.Join(missing, ", ") + "; .ci/run installs them"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "attio-facade")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/attio-facade").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sb := startProc(t, bin, nil, "sandbox", "--addr", "127.0.0.1:0", "--generate", "300", "--rate-limits=false")
	auth := filepath.Join(dir, "auth.json")
	key := func(name, token, scopes string) string {
		sum := sha256.Sum256([]byte(token))
		return fmt.Sprintf(`{"name":%q,"sha256":%q,"scopes":%s}`, name, hex.EncodeToString(sum[:]), scopes)
	}
	if err := os.WriteFile(auth, []byte(`{"api_keys":[`+strings.Join([]string{
		key("reader", tokenReader, `["read"]`),
		key("writer", tokenWriter, `["read","write"]`),
		key("approver", tokenApprover, `["read","approve"]`),
	}, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	facade := startProc(t, bin, []string{
		"MATON_API_KEY=sandbox-maton-api-key",
		"ATTIO_FACADE_UPSTREAM_URL=" + sb + "/attio/v2",
		"ATTIO_FACADE_CONTROL_URL=" + sb,
		"ATTIO_FACADE_AUTH_FILE=" + auth,
		"ATTIO_FACADE_APPROVAL_SECRET=console-test-approval-secret-of-32-bytes",
		"ATTIO_FACADE_ADDR=127.0.0.1:0",
		"ATTIO_FACADE_ADMIN_ADDR=127.0.0.1:0",
		"ATTIO_FACADE_MATON_RPS=0",
	}, "serve")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "test/console.test.mjs")
	cmd.Env = append(os.Environ(), "FACADE_URL="+facade, "CHROMIUM="+chromium,
		"TOKEN_READER="+tokenReader, "TOKEN_WRITER="+tokenWriter, "TOKEN_APPROVER="+tokenApprover)
	out, err := cmd.CombinedOutput()
	t.Logf("node --test test/console.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
}

// startProc runs bin with args and env (plus the environment's PATH and HOME), waits for its JSON
// "listening" log line and returns its base URL; the process is killed when the test ends.
func startProc(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	var logs strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			var m struct{ Msg, Addr string }
			if !sent && json.Unmarshal(sc.Bytes(), &m) == nil && m.Msg == "listening" && m.Addr != "" {
				addr <- m.Addr
				sent = true
			}
			if !sent {
				logs.WriteString(sc.Text() + "\n")
			}
		}
		if !sent {
			close(addr)
		}
	}()
	a, ok := <-addr
	if !ok {
		t.Fatalf("%s %v exited before listening:\n%s", bin, args, logs.String())
	}
	return "http://" + a
}
