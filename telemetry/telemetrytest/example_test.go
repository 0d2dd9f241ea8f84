package telemetrytest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/attio-facade/attio-facade/telemetry"
	"github.com/attio-facade/attio-facade/telemetry/telemetrytest"
)

// A secret sent as a header upstream must not show up in spans, metrics or logs.
func Example() {
	rec, err := telemetrytest.NewRecorder(telemetry.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Shutdown(context.Background())

	up := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer up.Close()
	hc := &http.Client{Transport: rec.WrapTransport(nil)}
	req, _ := http.NewRequest(http.MethodGet, up.URL+"/v2/objects?q=secret-in-query", nil)
	req.Header.Set("Authorization", "Bearer secret-key")
	resp, err := hc.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	rec.Logger().Info("called upstream", "status", resp.StatusCode)

	fmt.Println(len(rec.Spans.Ended()), "span;", "hits:", rec.SecretHits("secret-key", "secret-in-query"))
	fmt.Println("a leak is found:", rec.SecretHits("called upstream"))
	// Output:
	// 1 span; hits: []
	// a leak is found: [logs: secret #1]
}
