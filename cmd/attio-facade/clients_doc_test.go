package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

const clientsDoc = "../../docs/clients.md"

// docSnippets returns docs/clients.md's code blocks by the name in the
// `<!-- snippet: NAME -->` line before each.
func docSnippets(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(clientsDoc)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	name := ""
	var body []string
	inBlock := false
	for line := range strings.SplitSeq(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "<!-- snippet: "):
			name = strings.TrimSuffix(strings.TrimPrefix(line, "<!-- snippet: "), " -->")
		case strings.HasPrefix(line, "```") && !inBlock && name != "":
			inBlock, body = true, nil
		case strings.HasPrefix(line, "```") && inBlock:
			out[name] = strings.Join(body, "\n") + "\n"
			inBlock, name = false, ""
		case inBlock:
			body = append(body, line)
		}
	}
	if len(out) < 7 {
		t.Fatalf("found only %d snippets in docs/clients.md: %v", len(out), slices.Collect(mapKeys(out)))
	}
	return out
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// snippet returns one snippet aimed at the facade at url (it replaces 127.0.0.1:8080).
func snippet(t *testing.T, name, url string) string {
	t.Helper()
	s, ok := docSnippets(t)[name]
	if !ok {
		t.Fatalf("docs/clients.md has no snippet %s", name)
	}
	return strings.ReplaceAll(s, "127.0.0.1:8080", strings.TrimPrefix(url, "http://"))
}

// runIn runs a command in dir and returns its combined output; it fails the test on an error.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute) // only a hang reaches it
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// wantLines fails unless out matches every pattern (multi-line mode).
func wantLines(t *testing.T, out string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(`(?m)` + p).MatchString(out) {
			t.Errorf("output does not match %q:\n%s", p, out)
		}
	}
}

const adaID = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"

func TestClientsDocGo(t *testing.T) {
	t.Parallel()
	r := start(t, nil, "--sandbox-rate-limits=false")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(snippet(t, "go/main.go", r.url)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runIn(t, "../..", nil, "go", "run", filepath.Join(dir, "main.go"))
	wantLines(t, out, `^record `+adaID+`$`, `^streamed [1-9][0-9]*$`, `^not_found attio.com \S+$`)
}

func TestClientsDocPython(t *testing.T) {
	t.Parallel()
	const python = "/usr/bin/python3"
	missing := []string{}
	for _, tool := range []string{"protoc", "grpc_python_plugin"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if err := exec.Command(python, "-c", "import grpc, google.protobuf").Run(); err != nil {
		missing = append(missing, "python3-grpcio for "+python)
	}
	if len(missing) > 0 {
		msg := "docs/clients.md's Python snippets need " + strings.Join(missing, ", ") +
			" (apt-get install protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf; CI installs them)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	r := start(t, nil, "--sandbox-rate-limits=false")
	dir := t.TempDir()
	proto, _ := filepath.Abs("../../proto")
	if err := os.Symlink(proto, filepath.Join(dir, "proto")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "call.py"), []byte(snippet(t, "python/call.py", r.url)), 0o644); err != nil {
		t.Fatal(err)
	}
	// The packages are already installed (checked above); the rest runs as written.
	var script []string
	for line := range strings.SplitSeq(snippet(t, "python/generate.sh", r.url), "\n") {
		if !strings.HasPrefix(line, "apt-get ") {
			script = append(script, line)
		}
	}
	out := runIn(t, dir, nil, "bash", "-euo", "pipefail", "-c", strings.Join(script, "\n"))
	wantLines(t, out, `^record `+adaID+`$`, `^streamed [1-9][0-9]*$`, `^NOT_FOUND attio.com \S+$`)

	// The caveat the document makes: Debian's grpc_tools bundles a protoc that rejects optional.
	t.Run("grpc_tools rejects optional", func(t *testing.T) {
		if exec.Command(python, "-c", "import grpc_tools.protoc").Run() != nil {
			t.Skip("python3-grpc-tools is not installed (the document advises against it)")
		}
		out, err := exec.Command(python, "-m", "grpc_tools.protoc", "-I", proto, "--python_out="+t.TempDir(), filepath.Join(proto, "attio/v1/common.proto")).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "Explicit 'optional' labels are disallowed in the Proto3 syntax") {
			t.Fatalf("grpc_tools.protoc accepted common.proto or failed otherwise (%v):\n%s", err, out)
		}
	})
}

func TestClientsDocBufCurl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds buf from tools/go.mod")
	}
	t.Parallel()
	r := start(t, nil, "--sandbox-rate-limits=false")
	bufbin := strings.TrimSpace(runIn(t, "../..", nil, "go", "tool", "-modfile=tools/go.mod", "-n", "buf"))
	script := `buf() { "` + bufbin + `" "$@"; }` + "\n" + snippet(t, "sh/buf-curl.sh", r.url)
	out := runIn(t, t.TempDir(), nil, "bash", "-euo", "pipefail", "-c", script)
	// GetRecord, then at least one StreamRecords message, each a JSON object naming Ada.
	if n := strings.Count(out, `"recordId": "`+adaID+`"`); n < 2 {
		t.Fatalf("Ada appears %d times, want once per call:\n%s", n, out)
	}
}

// docHeaders returns the backquoted header names of the bullet after `<!-- headers: kind -->` in
// the document at path.
func docHeaders(t *testing.T, path, kind string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- headers: "+kind+" -->\n")
	if !ok {
		t.Fatalf("%s has no %s headers", path, kind)
	}
	bullet, _, _ := strings.Cut(rest, "\n\n")
	_, list, _ := strings.Cut(bullet, "**:") // after the bold title
	var out []string
	for _, m := range regexp.MustCompile("`([A-Za-z-]+)`").FindAllStringSubmatch(list, -1) {
		out = append(out, m[1])
	}
	if len(out) < 5 {
		t.Fatalf("found only %v as %s headers", out, kind)
	}
	return out
}

// The header lists in docs/clients.md and README.md are what CORS does: every listed request
// header passes a preflight and an unlisted one does not; the exposed headers are exactly those
// listed.
func TestClientsDocCORSHeaders(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{clientsDoc, "../../README.md"} {
		t.Run(filepath.Base(doc), func(t *testing.T) {
			t.Parallel()
			testCORSHeaders(t, doc)
		})
	}
}

func testCORSHeaders(t *testing.T, doc string) {
	const origin = "https://app.example.com"
	r := start(t, nil, "--cors-origins", origin)
	preflight := func(header string) bool {
		req, _ := http.NewRequest(http.MethodOptions, r.url+"/attio.v1.RecordService/GetRecord", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", strings.ToLower(header)) // as browsers send it
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Access-Control-Allow-Origin") == origin
	}
	for _, h := range docHeaders(t, doc, "allowed") {
		if !preflight(h) {
			t.Errorf("%s lists %s as allowed, but a preflight asking for it is refused", doc, h)
		}
	}
	if preflight("X-Not-Listed") {
		t.Error("a preflight for an unlisted header passed: the allowed list is not what CORS checks")
	}

	req, _ := http.NewRequest(http.MethodPost, r.url+"/attio.v1.WorkspaceService/GetSelf", strings.NewReader("{}"))
	req.Header.Set("Origin", origin)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sandbox-reader")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var exposed []string
	for _, h := range strings.Split(res.Header.Get("Access-Control-Expose-Headers"), ",") {
		exposed = append(exposed, http.CanonicalHeaderKey(strings.TrimSpace(h)))
	}
	want := docHeaders(t, doc, "exposed")
	for i := range want {
		want[i] = http.CanonicalHeaderKey(want[i])
	}
	slices.Sort(exposed)
	slices.Sort(want)
	if !slices.Equal(exposed, want) {
		t.Errorf("exposed headers: the facade sends %v, %s lists %v", exposed, doc, want)
	}
}
