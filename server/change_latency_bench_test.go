package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/sandbox"
)

// BenchmarkWriteToWatcherLatency measures, on the sandbox, the time from sending a write to Attio
// (an update of one person, directly against the sandbox's API) until a WatchRecords caller of the
// facade receives its change with the record: the sandbox's signed delivery, the webhook endpoint,
// the change log, the watcher's fetch of the record and the stream. One write at a time, so it is
// the latency of one change, not of a queue. Reports p50 and p99 in milliseconds.
func BenchmarkWriteToWatcherLatency(b *testing.B) {
	w := newDeliveringHarness(b, sandbox.WebhookDelivery{}, 1, watchConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	page, err := w.client.QueryRecordsPage(ctx, "people", attio.Query{Limit: 1})
	if err != nil || len(page.Items) != 1 {
		b.Fatalf("a person to update: %v", err)
	}
	person := page.Items[0].ID.RecordID
	s, err := w.changes(protocols[0]).WatchRecords(as(ctx, "sandbox-reader", ""), &attiov1.WatchRecordsRequest{Object: "people"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Receive(); err != nil { // the first heartbeat: the watch is on
		b.Fatal(err)
	}
	arrived := make(chan string, 16) // job_title of each change received
	go func() {
		for {
			m, err := s.Receive()
			if err != nil {
				close(arrived)
				return
			}
			if c := m.GetChange(); c != nil {
				vals := c.GetRecord().GetValues()["job_title"].GetValues()
				title := ""
				if len(vals) > 0 {
					title = vals[len(vals)-1].GetText()
				}
				arrived <- title
			}
		}
	}()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		title := fmt.Sprintf("latency-%d", i)
		start := time.Now()
		if _, err := w.client.UpdateRecord(ctx, "people", person, attio.Values{"job_title": {attio.TextInput{Value: title}}}); err != nil {
			b.Fatal(err)
		}
		for got := ""; got != title; {
			var ok bool
			select {
			case got, ok = <-arrived:
				if !ok {
					b.Fatalf("the watch ended after %d changes", i)
				}
			case <-ctx.Done():
				b.Fatalf("change %d never arrived", i)
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
