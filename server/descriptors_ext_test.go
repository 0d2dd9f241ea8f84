package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/attio-facade/attio-facade/server"
)

func TestDescriptorHandler(t *testing.T) {
	t.Parallel()
	set := bytes.Repeat([]byte("descriptor set "), 1000)
	srv := httptest.NewServer(server.DescriptorHandler(set))
	t.Cleanup(srv.Close)
	// The transport's own gzip handling is off, so each case sees exactly what was sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	do := func(t *testing.T, method string, hdr map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+server.DescriptorPath, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	gunzip := func(t *testing.T, b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	t.Run("identity", func(t *testing.T) {
		t.Parallel()
		res, body := do(t, http.MethodGet, nil)
		if res.StatusCode != 200 || !bytes.Equal(body, set) || res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%d, %d bytes, encoding %q", res.StatusCode, len(body), res.Header.Get("Content-Encoding"))
		}
		if res.Header.Get("Content-Type") != server.DescriptorMediaType || res.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("headers: %v", res.Header)
		}
	})
	t.Run("gzip", func(t *testing.T) {
		t.Parallel()
		res, body := do(t, http.MethodGet, map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
		if res.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(set) {
			t.Fatalf("encoding %q, %d bytes for %d", res.Header.Get("Content-Encoding"), len(body), len(set))
		}
		if !bytes.Equal(gunzip(t, body), set) {
			t.Fatal("the gzip body does not inflate to the set")
		}
	})
	t.Run("gzip refused with q=0", func(t *testing.T) {
		t.Parallel()
		res, body := do(t, http.MethodGet, map[string]string{"Accept-Encoding": "gzip;q=0"})
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, set) {
			t.Fatalf("encoding %q", res.Header.Get("Content-Encoding"))
		}
	})
	t.Run("revalidation is a 304 per encoding", func(t *testing.T) {
		t.Parallel()
		for _, enc := range []string{"identity", "gzip"} {
			first, _ := do(t, http.MethodGet, map[string]string{"Accept-Encoding": enc})
			tag := first.Header.Get("ETag")
			res, body := do(t, http.MethodGet, map[string]string{"Accept-Encoding": enc, "If-None-Match": tag})
			if tag == "" || res.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Fatalf("%s: ETag %q, revalidation %d with %d bytes", enc, tag, res.StatusCode, len(body))
			}
		}
		plain, _ := do(t, http.MethodGet, nil)
		zipped, _ := do(t, http.MethodGet, map[string]string{"Accept-Encoding": "gzip"})
		if plain.Header.Get("ETag") == zipped.Header.Get("ETag") {
			t.Fatal("both encodings share one strong ETag")
		}
	})
	t.Run("range", func(t *testing.T) {
		t.Parallel()
		res, body := do(t, http.MethodGet, map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=15-29"})
		if res.StatusCode != http.StatusPartialContent || string(body) != string(set[15:30]) {
			t.Fatalf("%d %q", res.StatusCode, body)
		}
	})
	t.Run("head", func(t *testing.T) {
		t.Parallel()
		res, body := do(t, http.MethodHead, nil)
		if res.StatusCode != 200 || len(body) != 0 || res.ContentLength != int64(len(set)) {
			t.Fatalf("%d, %d bytes, length %d", res.StatusCode, len(body), res.ContentLength)
		}
	})
	t.Run("post is refused", func(t *testing.T) {
		t.Parallel()
		res, _ := do(t, http.MethodPost, nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
			t.Fatalf("%d Allow %q", res.StatusCode, res.Header.Get("Allow"))
		}
	})
}
