package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/web"
)

// The facade serves the console at /console/ with its CSP, on the API port, with --cors-origins
// unset; the console's same-origin RPC (WhoAmI over Connect JSON, as a browser without CORS
// sends it) answers without any CORS header.
func TestServeConsole(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	res, err := http.Get(r.url + "/console")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy || !strings.Contains(string(body), `src="app.js"`) {
		t.Fatalf("/console: %d %v\n%s", res.StatusCode, res.Header, body)
	}
	req, _ := http.NewRequest(http.MethodPost, r.url+"/attio.v1.SessionService/WhoAmI", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sandbox-approver")
	req.Header.Set("Origin", r.url)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"principal":"apikey:sandbox-approver"`) || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("WhoAmI: %d %v\n%s", res.StatusCode, res.Header, body)
	}
}
