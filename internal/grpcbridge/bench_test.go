package grpcbridge_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/attio-facade/attio-facade/internal/grpcbridge"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// BenchmarkTransports is the transports alone: one http.Handler answering a 3 KB gRPC message at
// once, behind net/http's h2c server and behind the bridge (grpc-go's transport), called one call
// at a time by a net/http h2c client that reads the bytes and by grpc-go's client. It reports the
// p50 of each pairing; the pairings take turns in rounds, so outside load falls on all alike.
//
//	go test -run '^$' -bench Transports -benchtime 1x ./internal/grpcbridge/
func BenchmarkTransports(b *testing.B) {
	answer := make([]byte, 5+3000)
	binary.BigEndian.PutUint32(answer[1:], 3000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/grpc")
		_, _ = w.Write(answer)
		w.Header().Set(http.TrailerPrefix+"Grpc-Status", "0")
	})
	std := listen(b)
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: h, Protocols: p}
	go func() { _ = srv.Serve(std) }()
	b.Cleanup(func() { _ = srv.Close() })
	bridged := startBridge(b, h, grpcbridge.Config{})

	type pairing struct {
		name string
		call func() error
		p50s []time.Duration
	}
	pairings := []*pairing{
		{name: "nethttp_server_nethttp_client", call: rawCall(std.Addr().String())},
		{name: "grpcgo_server_nethttp_client", call: rawCall(bridged)},
		{name: "nethttp_server_grpcgo_client", call: grpcCall(b, std.Addr().String())},
		{name: "grpcgo_server_grpcgo_client", call: grpcCall(b, bridged)},
	}
	for range b.N {
		for _, pr := range pairings {
			if _, err := p50(pr.call, 200); err != nil { // warm up
				b.Fatalf("%s: %v", pr.name, err)
			}
		}
		for range 5 {
			for _, pr := range pairings {
				d, err := p50(pr.call, 2000)
				if err != nil {
					b.Fatalf("%s: %v", pr.name, err)
				}
				pr.p50s = append(pr.p50s, d)
			}
		}
	}
	for _, pr := range pairings {
		slices.Sort(pr.p50s)
		b.ReportMetric(float64(pr.p50s[len(pr.p50s)/2])/float64(time.Millisecond), pr.name+"_p50_ms")
		b.Logf("%-30s p50 per round: %v", pr.name, pr.p50s)
	}
}

func listen(tb testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

func p50(call func() error, n int) (time.Duration, error) {
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := call(); err != nil {
			return 0, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return ds[n/2], nil
}

// rawCall is a net/http h2c client reading the answer's bytes and its grpc-status.
func rawCall(addr string) func() error {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	hc := &http.Client{Transport: tr}
	req := []byte{0, 0, 0, 0, 3, 1, 2, 3}
	var buf bytes.Buffer
	return func() error {
		r, err := http.NewRequest(http.MethodPost, "http://"+addr+"/bench.Service/Call", bytes.NewReader(req))
		if err != nil {
			return err
		}
		r.Header.Set("Content-Type", "application/grpc")
		r.Header.Set("Te", "trailers")
		res, err := hc.Do(r)
		if err != nil {
			return err
		}
		buf.Reset()
		_, err = buf.ReadFrom(res.Body)
		res.Body.Close()
		if err == nil && (buf.Len() != 3005 || res.Trailer.Get("Grpc-Status") != "0") {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
}

func grpcCall(tb testing.TB, addr string) func() error {
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(testkit.BytesCodec{})))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cc.Close() })
	req := []byte{1, 2, 3}
	return func() error {
		var res []byte
		if err := cc.Invoke(context.Background(), "/bench.Service/Call", &req, &res); err != nil {
			return err
		}
		if len(res) != 3000 {
			return io.ErrUnexpectedEOF
		}
		return nil
	}
}
