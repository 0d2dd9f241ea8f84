package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

var healthCheckSpec = connect.Spec{
	StreamType: connect.StreamTypeUnary,
	Schema:     healthpb.File_grpc_health_v1_health_proto.Services().ByName("Health").Methods().ByName("Check"),
	Procedure:  "/grpc.health.v1.Health/Check",
}

// runHealth asks a facade's grpc.health.v1 service over gRPC, as a container HEALTHCHECK or a
// load balancer would: exit 0 when SERVING, 1 for any other status or no answer.
func runHealth(ctx context.Context, args []string, env environment) error {
	var addr, service string
	var timeout time.Duration
	f := newEnvFlags("health", env.getenv)
	f.str(&addr, "addr", "ATTIO_FACADE_ADDR", "127.0.0.1:8080", "facade address (host:port or URL); an unspecified host (0.0.0.0, ::) means this machine")
	f.str(&service, "service", "ATTIO_FACADE_HEALTH_SERVICE", "", "service to ask about (empty: the whole server)")
	f.duration(&timeout, "timeout", "ATTIO_FACADE_HEALTH_TIMEOUT", 5*time.Second, "how long to wait for the answer")
	if err := f.parse(args); err != nil {
		return err
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	base := facadeURL(addr)
	client := connect.NewClient(connecthttp.NewTransport(grpcHTTPClient(base), base, connecthttp.WithGRPC()))
	var res healthpb.HealthCheckResponse
	if err := client.CallUnary(ctx, healthCheckSpec, &healthpb.HealthCheckRequest{Service: service}, &res); err != nil {
		return fmt.Errorf("health: %s: %w", base, err)
	}
	fmt.Fprintln(env.stdout, res.GetStatus())
	if res.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("health: %s is %s", base, res.GetStatus())
	}
	return nil
}

// facadeURL turns an address as serve takes it (host:port) into a URL a client can call; URLs
// pass through. A listener on all interfaces is reached on loopback.
func facadeURL(addr string) string {
	if strings.Contains(addr, "://") {
		return strings.TrimSuffix(addr, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// grpcHTTPClient speaks HTTP/2 as gRPC needs: h2c for http://, TLS for https://.
func grpcHTTPClient(base string) *http.Client {
	protocols := new(http.Protocols)
	if strings.HasPrefix(base, "https://") {
		protocols.SetHTTP2(true)
	} else {
		protocols.SetUnencryptedHTTP2(true)
	}
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, Protocols: protocols, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
}
