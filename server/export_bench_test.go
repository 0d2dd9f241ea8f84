package server_test

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// Run with: make bench-export
// (go test -run '^$' -bench BenchmarkExport -benchtime 1x -timeout 30m ./server/)
// Results and their reading: docs/benchmarks.md.

const benchPage = 500

// benchEnv is a sandbox on loopback with Attio's latency and one budget enforced, a client held to
// the same budget, and the facade on loopback in front of it.
type benchEnv struct {
	sb      *sandbox.Server
	client  *attio.Client
	exports attiov1connect.ExportServiceClient
	close   func()
}

func newBenchEnv(b *testing.B, rps float64, direct bool, latency time.Duration, records int, fill float64) *benchEnv {
	b.Helper()
	limits := sandbox.Limits{MatonRPS: rps}
	climits := attio.Limits{Maton: rps}
	if direct {
		limits = sandbox.Limits{AttioReadRPS: rps}
		climits = attio.Limits{AttioReads: rps}
	}
	opts := []sandbox.Option{sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(limits)}
	if latency > 0 {
		opts = append(opts, sandbox.WithLatency(sandbox.FixedLatency(latency)))
	}
	sb := sandbox.NewServer(opts...)
	if err := sb.Sandbox.Generate("", "people", records, sandbox.GenerateOptions{Seed: 42, FillRatio: fill,
		// After the seed's records, as a CRM's records run up to now.
		Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	cfg := attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL(),
		Limits: &climits, Observer: server.ExportObserver(nil)}
	if direct {
		cfg.BaseURL, cfg.Direct = sb.AttioBaseURL(), true
	}
	client, err := attio.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	budget := rps
	if budget == 0 {
		budget = 100
	}
	facade := httptest.NewUnstartedServer(server.NewHandler(server.Options{
		Client:  client,
		Exports: server.NewExportService(client, server.ExportOptions{RequestsPerSecond: budget}),
	}))
	facade.Config.Protocols = new(http.Protocols)
	facade.Config.Protocols.SetHTTP1(true)
	facade.Config.Protocols.SetUnencryptedHTTP2(true)
	facade.Start()
	hc := &http.Client{Transport: &http.Transport{Protocols: facade.Config.Protocols}}
	// No gzip on loopback: it would only add CPU on both ends (the CLI keeps it for real networks).
	exports := attiov1connect.NewExportServiceClient(connect.NewClient(connecthttp.NewTransport(hc, facade.URL, connecthttp.WithCompressors())))
	return &benchEnv{sb: sb, client: client, exports: exports, close: func() { facade.Close(); sb.Close() }}
}

// naive is what every connector does: one limit/offset page after the other, through the client.
// It stops after maxPages: its rate is steady from the first page on.
func (e *benchEnv) naive(ctx context.Context, maxPages, size int) (int, error) {
	n := 0
	for offset, pages := 0, 0; pages < maxPages; pages++ {
		page, err := e.client.QueryRecordsPage(ctx, "people", attio.Query{Limit: size, Offset: offset})
		if err != nil {
			return n, err
		}
		n += len(page.Items)
		if !page.More {
			break
		}
		offset = page.NextOffset
	}
	return n, nil
}

// export runs the facade's export to the end and returns the items and the final progress.
func (e *benchEnv) export(ctx context.Context, size int) (int, *attiov1.ExportProgress, error) {
	par, _ := strconv.Atoi(os.Getenv("EXPORT_BENCH_PARALLELISM")) // 0: the service's default
	stream, err := e.exports.ExportRecords(ctx, &attiov1.ExportRecordsRequest{Object: "people", PageSize: int32(size), Parallelism: int32(par)})
	if err != nil {
		return 0, nil, err
	}
	defer stream.Close()
	n := 0
	var last *attiov1.ExportProgress
	for {
		msg, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return n, last, nil
		}
		if err != nil {
			return n, last, err
		}
		n += len(msg.GetBatch().GetRecords())
		if p := msg.GetProgress(); p != nil {
			last = p
		}
	}
}

// BenchmarkExport compares the naive offset loop with the facade's export, at Maton's budget
// (10 requests/s) and at direct Attio's (100 reads/s), with 200 ms upstream latency and 500-record
// pages. The ceiling is budget x 500 records/s.
func BenchmarkExport(b *testing.B) {
	cases := []struct {
		name       string
		rps        float64
		direct     bool
		records    int
		fill       float64 // share of optional attributes with a value (sandbox default 0.6)
		naivePages int
		page       int // 0: 500
	}{
		{"maton_10rps", 10, false, 150_000, 0, 20, 0},
		{"maton_10rps_sparse", 10, false, 150_000, 0.05, 20, 0},
		{"direct_100rps", 100, true, 150_000, 0, 20, 0},
		{"direct_100rps_sparse", 100, true, 300_000, 0.05, 20, 0},
		// Design check at 100 requests/s: pages of 50 cost a tenth of the CPU, so the budget
		// rather than the 2 cores is the limit. Ceiling 100 x 50 = 5,000 records/s.
		{"direct_100rps_page50", 100, true, 60_000, 0.05, 100, 50},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			env := newBenchEnv(b, bc.rps, bc.direct, 200*time.Millisecond, bc.records, bc.fill)
			defer env.close()
			size := cmp.Or(bc.page, benchPage)
			ceiling := bc.rps * float64(size)
			for range b.N {
				ctx := context.Background()
				t0 := time.Now()
				nn, err := env.naive(ctx, bc.naivePages, size)
				if err != nil {
					b.Fatal(err)
				}
				naiveRate := float64(nn) / time.Since(t0).Seconds()

				env.sb.Sandbox.ResetStats()
				t0 = time.Now()
				cpu0 := cpuTime()
				fn, prog, err := env.export(ctx, size)
				if err != nil {
					b.Fatal(err)
				}
				el := time.Since(t0)
				cores := (cpuTime() - cpu0).Seconds() / el.Seconds()
				facadeRate := float64(fn) / el.Seconds()
				want, _ := env.sb.Sandbox.RecordCount("", "people")
				if fn != want {
					b.Fatalf("export delivered %d records, sandbox holds %d", fn, want)
				}
				st := env.sb.Sandbox.Stats()
				b.ReportMetric(naiveRate, "naive_rec/s")
				b.ReportMetric(facadeRate, "facade_rec/s")
				b.ReportMetric(facadeRate/naiveRate, "speedup")
				b.ReportMetric(100*facadeRate/ceiling, "%ceiling")
				b.ReportMetric(float64(st.Total), "upstream_req")
				b.ReportMetric(float64(st.RateLimited), "429s")
				b.ReportMetric(cores, "cpu_cores")
				b.ReportMetric(float64(st.Total)/el.Seconds(), "upstream_req/s")
				b.Logf("%s: naive %d records in %d pages at %.0f rec/s; facade %d records in %s at %.0f rec/s (%.1f%% of the %.0f rec/s ceiling, %.1fx naive), %d upstream requests for %d pages, %d 429s, %.2f of %d cores busy (whole process: sandbox, facade and its client), progress %v",
					bc.name, nn, bc.naivePages, naiveRate, fn, el.Round(time.Millisecond), facadeRate, 100*facadeRate/ceiling, ceiling,
					facadeRate/naiveRate, st.Total, prog.GetPages(), st.RateLimited, cores, runtime.NumCPU(), prog)
			}
		})
	}
}

// BenchmarkExportMemory1M exports 1,000,000 records (no latency, no budget: as fast as the CPU
// allows) and samples the heap during the export. Reported against the baseline taken after the
// sandbox holds the records: the peak live heap after any GC (what the export retains) and the
// peak heap in use (including garbage not yet collected; GC percent is set to 25, or
// EXPORT_BENCH_GOGC, so that samples of the live heap are frequent and garbage is bounded).
// EXPORT_BENCH_PARALLELISM sets the request's parallelism (default: the service's, 32 at the
// 100 requests/s budget this facade is configured with); memory is bounded by parallelism pages.
func BenchmarkExportMemory1M(b *testing.B) {
	records := 1_000_000
	if s := os.Getenv("EXPORT_BENCH_RECORDS"); s != "" {
		records, _ = strconv.Atoi(s)
	}
	env := newBenchEnv(b, 0, true, 0, records, 0)
	defer env.close()
	gcPercent := 25
	if s := os.Getenv("EXPORT_BENCH_GOGC"); s != "" {
		gcPercent, _ = strconv.Atoi(s)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	runtime.GC()
	runtime.GC()
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(samples)
	baseLive, baseObjects := samples[0].Value.Uint64(), samples[1].Value.Uint64()
	baseCycles := samples[2].Value.Uint64()
	for range b.N {
		var mu sync.Mutex
		var peakLive, peakObjects uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			s := make([]metrics.Sample, 2)
			s[0].Name, s[1].Name = "/gc/heap/live:bytes", "/memory/classes/heap/objects:bytes"
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
				}
				metrics.Read(s)
				mu.Lock()
				peakLive = max(peakLive, s[0].Value.Uint64())
				peakObjects = max(peakObjects, s[1].Value.Uint64())
				mu.Unlock()
			}
		}()
		t0 := time.Now()
		n, prog, err := env.export(context.Background(), benchPage)
		close(stop)
		<-done
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(t0)
		metrics.Read(samples)
		cycles := samples[2].Value.Uint64() - baseCycles
		delta := func(peak, base uint64) float64 {
			if peak < base {
				return 0
			}
			return float64(peak-base) / (1 << 20)
		}
		b.ReportMetric(float64(n), "records")
		b.ReportMetric(float64(n)/el.Seconds(), "rec/s")
		b.ReportMetric(delta(peakLive, baseLive), "peak_live_delta_MiB")
		b.ReportMetric(delta(peakObjects, baseObjects), "peak_inuse_delta_MiB")
		b.Logf("parallelism %q (empty: default); %d records in %s; baseline live heap %.0f MiB (sandbox with the records); peak live heap +%.1f MiB, peak heap in use +%.1f MiB over %d GC cycles; progress %v",
			os.Getenv("EXPORT_BENCH_PARALLELISM"), n, el.Round(time.Millisecond), float64(baseLive)/(1<<20), delta(peakLive, baseLive), delta(peakObjects, baseObjects), cycles, prog)
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
