package web_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/web"
)

// TestConsoleServed: the console's page, script and style are served under /console/ with the
// strict CSP, and the page carries no inline script or style (the CSP would block them).
func TestConsoleServed(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle(web.Path, web.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tests := []struct{ path, ctype, contains string }{
		{"/console/", "text/html", `<script type="module" src="app.js"></script>`},
		{"/console/app.js", "text/javascript", "attio-facade.token"},
		{"/console/app.css", "text/css", "progress"},
	}
	for _, tt := range tests {
		res, err := srv.Client().Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s: %d %q, body contains %q: %v", tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.contains, strings.Contains(string(body), tt.contains))
		}
		csp := res.Header.Get("Content-Security-Policy")
		if csp != web.ContentSecurityPolicy || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q", tt.path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tt.path)
		}
	}
	res, err := srv.Client().Post(srv.URL+"/console/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", res.StatusCode)
	}
}

// TestNoInlineCode: no HTML file of the build holds an inline script, a style element, a style
// attribute or an event-handler attribute, all of which the CSP refuses.
func TestNoInlineCode(t *testing.T) {
	t.Parallel()
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>\s*[^<\s]|<style|\sstyle=|\son[a-z]+=`)
	err := fs.WalkDir(web.Assets(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(web.Assets(), path)
		if err != nil {
			return err
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s: inline code %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
