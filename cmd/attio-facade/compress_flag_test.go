package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/server"
)

// responseEncoding calls GetRecord over the Connect protocol, accepting zstd and gzip, and returns
// the response's Content-Encoding.
func responseEncoding(t *testing.T, url string) string {
	t.Helper()
	var enc string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := h2c().Transport.RoundTrip(r)
		if err == nil {
			enc = resp.Header.Get("Content-Encoding")
		}
		return resp, err
	})}
	c := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(hc, url, connecthttp.WithCompressors(server.Compressors()...))))
	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("Authorization", "Bearer sandbox-reader")
	if _, err := c.GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"}); err != nil {
		t.Fatal(err)
	}
	return enc
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// --compress-min-bytes reaches the server: by default a one-record response (about 3.5 KB) is
// below it and goes uncompressed; with 0 it is compressed with the caller's first choice.
func TestCompressMinBytesFlag(t *testing.T) {
	t.Parallel()
	if enc := responseEncoding(t, start(t, nil).url); enc != "" {
		t.Errorf("default --compress-min-bytes: GetRecord encoded %q, want uncompressed", enc)
	}
	if enc := responseEncoding(t, start(t, map[string]string{"ATTIO_FACADE_COMPRESS_MIN_BYTES": "0"}).url); enc != "zstd" {
		t.Errorf("ATTIO_FACADE_COMPRESS_MIN_BYTES=0: GetRecord encoded %q, want zstd", enc)
	}
	for _, bad := range []string{"2GiB", "-1"} {
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--compress-min-bytes", bad}, environment{
			getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard,
		})
		if err == nil || !strings.Contains(err.Error(), "compress-min-bytes") {
			t.Errorf("--compress-min-bytes %s: error %v", bad, err)
		}
	}
}
