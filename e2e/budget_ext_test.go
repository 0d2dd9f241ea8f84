package e2e_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

const seedPerson = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"

// exportPeople runs one export of people on p from resume (empty: the start), handing each
// record id and the batch's resume token to onBatch; it returns the stream's error (nil at its
// end).
func exportPeople(ctx context.Context, p *proc, pageSize int32, resume string, onBatch func(ids []string, token string)) error {
	stream, err := exports(p).ExportRecords(as(ctx, tokenReader, ""), &attiov1.ExportRecordsRequest{Object: "people", PageSize: pageSize, ResumeToken: resume})
	if err != nil {
		return err
	}
	defer stream.Close()
	for {
		msg, err := stream.Receive()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if b := msg.GetBatch(); b != nil {
			ids := make([]string, 0, len(b.GetRecords()))
			for _, r := range b.GetRecords() {
				ids = append(ids, r.GetId().GetRecordId())
			}
			onBatch(ids, b.GetResumeToken())
		}
	}
}

// arrivalJitter is how much of a second TestSharedBudget allows, outside its strict run, for the
// variation in the time from a facade's wake-up to the sandbox counting the request. Beside two
// busy loops, with the race detector, 10 requests arrived within 900 ms (and 11 within a second)
// in two runs of four: 100 ms left no margin.
const arrivalJitter = 200 * time.Millisecond

// TestSharedBudget: three replicas in front of one Maton account (10 requests/s, 200 ms latency)
// export at once, with unary calls on top (one every 5 s, to one replica after another): no 429,
// never more than 10 upstream requests in any second, and together close to the account's
// ceiling of 5,000 records/s (arrivals counted by the sandbox; outside the strict run the second
// is shortened by arrivalJitter). The rate is CPU-bound on a shared 2-core machine (three facades and
// the sandbox decode and encode every record), so its 90% floor is enforced only with
// E2E_STRICT_RATE=1, on a machine that is otherwise idle; the limits (no 429, at most 10
// arrivals in any second) are always enforced. All three exports run as one caller, so the caller's own rate
// limit (by default the upstream's) is shared too: progress reports must not eat into it.
//
// E2E_BUDGET_PEOPLE sets how many people the sandbox holds (each replica exports all of them);
// the default with E2E_STRICT_RATE=1, 100,000, makes the run about 65 s at the ceiling, long
// enough that the ramp (the first page and the probe of each export), the tail and the partial
// last page of each range weigh about 3% together (5,000 people ran for 5 s and measured mostly
// those). Without it, 25,000: the limits need no longer run, and a loaded CI machine exports
// at a third of the rate.
func TestSharedBudget(t *testing.T) {
	strict := os.Getenv("E2E_STRICT_RATE") == "1"
	people := 25000
	if strict {
		people = 100000
	}
	if v := os.Getenv("E2E_BUDGET_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("E2E_BUDGET_PEOPLE=%q: want a positive count", v)
		}
		people = n
	}
	c := newCluster(t, clusterOptions{replicas: 3, latency: 200 * time.Millisecond, generate: people})
	ctx := t.Context()

	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(c.replicas))
	counts := make([]map[string]int, len(c.replicas))
	start := time.Now()
	for i, p := range c.replicas {
		counts[i] = map[string]int{}
		wg.Go(func() {
			errs[i] = exportPeople(ctx, p, 0, "", func(ids []string, _ string) {
				for _, id := range ids {
					counts[i][id]++
				}
				total.Add(int64(len(ids)))
			})
		})
	}
	// Unary calls on top, spread over the replicas, until the exports end.
	done := make(chan struct{})
	unary := make(chan int, 1)
	go func() {
		n := 0
		defer func() { unary <- n }()
		tick := time.NewTicker(5 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			p := c.replicas[n%len(c.replicas)]
			if _, err := records(p).GetRecord(as(ctx, tokenReader, ""), &attiov1.GetRecordRequest{Object: "people", RecordId: seedPerson}); err != nil {
				t.Errorf("unary call on %s: %v", p.name, err)
			}
			n++
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	nUnary := <-unary
	for i, err := range errs {
		if err != nil {
			t.Fatalf("export on replica %d: %v", i, err)
		}
	}
	for i, m := range counts {
		if len(m) < people {
			t.Fatalf("replica %d exported %d distinct people, want at least %d", i, len(m), people)
		}
		for id, n := range m {
			if n != 1 {
				t.Fatalf("replica %d delivered %s %d times", i, id, n)
			}
		}
	}

	reqs := c.requests()
	var times []time.Time
	var limited, queries int
	for _, r := range reqs {
		times = append(times, r.at)
		if r.status == 429 {
			limited++
		}
		if r.method == http.MethodPost && strings.HasSuffix(r.path, "/records/query") {
			queries++
		}
	}
	peak := testkit.MaxInWindow(times, time.Second)
	// The sandbox counts a request when its handler runs: after the facade's wake-up, its send,
	// the loopback and the sandbox's own scheduling. The budget keeps any 11 wake-ups at least
	// 1 s + 20 ms apart (redisstore.DefaultSlack), but on a loaded 2-core machine that path
	// varies by more than 20 ms, so an eleventh arrival can land inside a second that no
	// facade sent it in. What Maton would make of it is the sandbox's own limiter's verdict (no
	// 429, above). The strict run, on an idle machine, holds arrivals to the whole second;
	// otherwise arrivals are held to a second shortened by arrivalJitter. A budget per replica or
	// a double-booked slot still fails that at once: with the budget turned off, one run had 19
	// arrivals within 800 ms and 43 answers of 429.
	window := time.Second - arrivalJitter
	if strict {
		window = time.Second
	}
	peakShort := testkit.MaxInWindow(times, window)
	// Where the budget went unused: the ramp, the tail, or gaps in between.
	var perSecond []int
	for _, r := range reqs {
		if b := int(r.at.Sub(start) / time.Second); b >= 0 {
			perSecond = append(perSecond, make([]int, max(0, b+1-len(perSecond)))...)
			perSecond[b]++
		}
	}
	t.Logf("upstream requests in each second from the start: %v", perSecond)
	rate := float64(total.Load()) / elapsed.Seconds()
	t.Logf("3 replicas: %d records in %s = %.0f records/s (%.1f%% of 5,000); %d upstream requests (%.2f/s), peak %d in 1 s and %d in %s, %d answered 429; %d unary calls; %d export queries (%.0f records each, probes included)",
		total.Load(), elapsed.Round(time.Millisecond), rate, rate/50, len(reqs), float64(len(reqs))/elapsed.Seconds(), peak, peakShort, window, limited, nUnary,
		queries, float64(total.Load())/float64(max(queries, 1)))
	if limited != 0 {
		t.Errorf("%d upstream requests answered 429", limited)
	}
	if peakShort > 10 {
		t.Errorf("%d upstream requests arrived within %s; the account allows 10 a second", peakShort, window)
	}
	if strict && rate < 0.9*5000 {
		t.Errorf("combined export rate %.0f records/s, below 90%% of 5,000", rate)
	}
}
