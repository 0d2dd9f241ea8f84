package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attio-facade/attio-facade/server"
)

// --compression decides what the export accepts for its stream (Connect-Accept-Encoding), and the
// export decodes what comes: nothing on loopback by default, zstd or gzip when asked.
func TestExportCompressionFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode, want string // want: the Connect-Accept-Encoding the facade saw
	}{
		{"auto", ""}, // the test's facade is on 127.0.0.1
		{"none", ""},
		{"zstd", "zstd,gzip"},
		{"gzip", "gzip"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var accepted string
			fake := &scriptedExports{steps: []exportStep{{batches: []string{"r1", "r2"}}}}
			h := server.NewHandler(server.Options{Exports: fake})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				accepted = r.Header.Get("Connect-Accept-Encoding")
				mu.Unlock()
				h.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			if r := cli(t, dir, nil, "export", "--addr", srv.URL, "--object", "people", "--out", "p.jsonl", "--compression", tc.mode); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			mu.Lock()
			defer mu.Unlock()
			if accepted != tc.want {
				t.Errorf("--compression %s: the export accepted %q, want %q", tc.mode, accepted, tc.want)
			}
			b, err := os.ReadFile(filepath.Join(dir, "p.jsonl"))
			if err != nil || strings.Count(string(b), "\n") != 2 {
				t.Errorf("output %q, %v", b, err)
			}
		})
	}
	if r := cli(t, t.TempDir(), nil, "export", "--object", "people", "--compression", "brotli"); r.code != 2 || !strings.Contains(r.stderr, "--compression") {
		t.Errorf("--compression brotli: exit %d: %s", r.code, r.stderr)
	}
}

func TestExportCompressionAutoIsOffOnlyOnLoopback(t *testing.T) {
	t.Parallel()
	for url, loop := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://localhost:8080": true, "http://[::1]:8080": true, "http://127.8.0.1": true,
		"https://facade.example.com": false, "http://10.0.0.5:8080": false, "http://[2001:db8::1]:8080": false,
	} {
		cs, err := exportCompressors("auto", url)
		if err != nil || (len(cs) == 0) != loop {
			t.Errorf("auto for %s: %d compressors, %v; loopback %v", url, len(cs), err, loop)
		}
	}
}
