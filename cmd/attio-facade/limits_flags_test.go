package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func TestParseByteSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "268435456", want: 256 << 20},
		{in: "256MiB", want: 256 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "64 KiB", want: 64 << 10},
		{in: "10B", want: 10},
		{in: "256MB", bad: true},
		{in: "-1MiB", bad: true},
		{in: "MiB", bad: true},
		{in: "99999999999GiB", bad: true},
	}
	for _, tt := range tests {
		got, err := parseByteSize(tt.in)
		if tt.bad != (err != nil) || got != tt.want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

// The stream limit flags are checked at start, from flags and from the environment.
func TestStreamLimitFlagsRefuseBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: []string{"--caller-max-streams", "0"}, want: "caller-max-streams"},
		{args: []string{"--stream-memory", "0"}, want: "must be positive"},
		{args: []string{"--stream-send-timeout", "0s"}, want: "must be positive"},
		{args: []string{"--stream-fetches", "0"}, want: "stream-fetches"},
		{args: []string{"--stream-memory", "64MiB", "--caller-stream-memory", "65MiB"}, want: "caller-stream-memory"},
		{env: map[string]string{"ATTIO_FACADE_STREAM_FETCHES": "-3"}, want: "stream-fetches"},
		{args: []string{"--approvals-watch-max", "0"}, want: "approvals-watch-max"},
		{args: []string{"--approvals-watch-interval", "0s"}, want: "approvals-watch-interval"},
		{env: map[string]string{"ATTIO_FACADE_STREAM_MEMORY": "lots"}, want: "ATTIO_FACADE_STREAM_MEMORY"},
		{env: map[string]string{"ATTIO_FACADE_CALLER_MAX_STREAMS": "8.5"}, want: "ATTIO_FACADE_CALLER_MAX_STREAMS"},
		{args: []string{"--stream-lease-ttl", "10s", "--stream-lease-renew", "10s"}, want: "stream-lease-renew"},
		{args: []string{"--stream-lease-ttl", "0s"}, want: "stream-lease-ttl"},
		{env: map[string]string{"ATTIO_FACADE_STREAM_LEASE_RENEW": "-1s"}, want: "stream-lease-renew"},
		{args: []string{"--upload-window", "0"}, want: "upload-window"},
		{env: map[string]string{"ATTIO_FACADE_UPLOAD_WINDOW": "1048577"}, want: "upload-window"},
		{args: []string{"--download-chunk", "65537"}, want: "download-chunk"},
		{args: []string{"--gc-percent", "0"}, want: "gc-percent"},
		{env: map[string]string{"ATTIO_FACADE_GC_PERCENT": "-100"}, want: "gc-percent"},
	}
	for _, tt := range tests {
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...), environment{
			getenv: func(k string) string { return tt.env[k] }, stdout: io.Discard, stderr: io.Discard,
		})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: error %v, want one mentioning %q", tt.args, tt.env, err, tt.want)
		}
	}
}

// --caller-max-streams reaches the server: with 1, a caller's second concurrent stream is refused.
func TestCallerMaxStreamsFlag(t *testing.T) {
	t.Parallel()
	// Every upstream page takes a second, so the first stream (one person per page) stays open.
	r := start(t, map[string]string{"ATTIO_FACADE_SANDBOX_LATENCY": "1s"}, "--caller-max-streams", "1")
	c := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(h2c(), r.url, connecthttp.WithGRPC())))
	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("Authorization", "Bearer sandbox-reader")
	first, err := c.StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: "people", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := first.Receive(); err != nil {
		t.Fatal(err)
	}
	second, err := c.StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: "people", PageSize: 1})
	if err == nil {
		defer second.Close()
		_, err = second.Receive()
	}
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("second stream: %v, want ResourceExhausted", err)
	}
}
