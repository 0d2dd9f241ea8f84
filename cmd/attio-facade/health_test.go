package main

import (
	"net"
	"strings"
	"testing"

	"connectrpc.com/grpchealth"

	"github.com/attio-facade/attio-facade/server"
)

// `attio-facade health` asks grpc.health.v1 over gRPC: exit 0 when SERVING, 1 otherwise.
func TestHealthCommand(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	if got := cli(t, "", nil, "health", "--addr", r.url); got.code != 0 || strings.TrimSpace(got.stdout) != "SERVING" {
		t.Errorf("serving facade: exit %d, %q %q", got.code, got.stdout, got.stderr)
	}
	// The container's ATTIO_FACADE_ADDR (all interfaces) is reached on loopback.
	port := r.url[strings.LastIndex(r.url, ":")+1:]
	if got := cli(t, "", []string{"ATTIO_FACADE_ADDR=0.0.0.0:" + port}, "health"); got.code != 0 {
		t.Errorf("health via ATTIO_FACADE_ADDR=0.0.0.0:%s: exit %d, %q", port, got.code, got.stderr)
	}

	// A facade that is draining says NOT_SERVING.
	checker := server.NewHealth()
	checker.SetStatus("", grpchealth.StatusNotServing)
	draining := serveLoopback(t, server.NewHandler(server.Options{Health: checker}))
	if got := cli(t, "", nil, "health", "--addr", draining); got.code != 1 || !strings.Contains(got.stdout, "NOT_SERVING") {
		t.Errorf("draining facade: exit %d, %q %q", got.code, got.stdout, got.stderr)
	}

	// Nobody listening: exit 1 with the reason.
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln2.Addr().String()
	ln2.Close()
	if got := cli(t, "", nil, "health", "--addr", addr); got.code != 1 || !strings.Contains(got.stderr, "connection refused") {
		t.Errorf("no facade: exit %d, %q", got.code, got.stderr)
	}
}
