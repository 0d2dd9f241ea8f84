package sandbox_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/sandbox"
)

func TestGenerate50k(t *testing.T) {
	t.Parallel()
	a := seeded(t).unvalidated()
	sb := a.srv.Sandbox
	if err := sb.Generate("", "people", 50_000, sandbox.GenerateOptions{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if n, _ := sb.RecordCount("", "people"); n != 50_006 {
		t.Fatalf("people: %d", n)
	}
	// Generated records are realistic: unique emails, names, every attribute key.
	r := a.must("POST", "/objects/people/records/query", map[string]any{"limit": 1, "offset": 1000}, 200)
	rec := r.list()[0].(map[string]any)
	if len(vals(rec, "name")) != 1 || len(vals(rec, "email_addresses")) != 1 || len(rec["values"].(map[string]any)) < 30 {
		t.Fatalf("generated record %v", rec)
	}
	email := vals(rec, "email_addresses")[0].(map[string]any)["email_address"]
	r = a.must("POST", "/objects/people/records/query", map[string]any{"filter": map[string]any{"email_addresses": email}}, 200)
	if len(r.list()) != 1 {
		t.Fatalf("email %v matched %d records", email, len(r.list()))
	}
	r = a.must("POST", "/objects/people/records/query", map[string]any{"filter": map[string]any{"job_title": "CTO"},
		"sorts": []any{map[string]any{"attribute": "created_at", "direction": "desc"}}, "limit": 10}, 200)
	if len(r.list()) != 10 {
		t.Fatalf("filtered+sorted page: %d", len(r.list()))
	}
	if err := sb.Generate("", "nope", 1, sandbox.GenerateOptions{}); err == nil {
		t.Fatal("unknown object accepted")
	}

	// Paging over 50,000 records of a lean custom object (small pages keep
	// the test quick under -race): offset pages and created_at keyset pages
	// both reproduce the ground truth exactly.
	a.must("POST", "/objects", map[string]any{"data": map[string]any{"api_slug": "tickets", "singular_noun": "Ticket", "plural_noun": "Tickets"}}, 200)
	if err := sb.Generate("", "tickets", 50_000, sandbox.GenerateOptions{Seed: 9, Step: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	all, _ := sb.Records("", "tickets")
	var got []string
	for off := 0; ; off += 500 {
		page := a.page("tickets", map[string]any{"limit": 500, "offset": off})
		for _, p := range page {
			got = append(got, p.ID.RecordID)
		}
		if len(page) < 500 {
			break
		}
	}
	if !slices.Equal(got, all) || len(all) != 50_000 {
		t.Fatalf("paged %d ids, ground truth %d", len(got), len(all))
	}
	var keyset []string
	last, lastID := "", ""
	for {
		body := map[string]any{"limit": 5000}
		if last != "" {
			body["filter"] = map[string]any{"$or": []any{
				map[string]any{"created_at": map[string]any{"$gt": last}},
				map[string]any{"$and": []any{map[string]any{"created_at": map[string]any{"$eq": last}}, map[string]any{"record_id": map[string]any{"$gt": lastID}}}},
			}}
		}
		page := a.page("tickets", body)
		if len(page) == 0 {
			break
		}
		for _, p := range page {
			keyset = append(keyset, p.ID.RecordID)
		}
		last, lastID = page[len(page)-1].CreatedAt, page[len(page)-1].ID.RecordID
	}
	if !slices.Equal(keyset, all) {
		t.Fatalf("keyset export %d ids, want %d", len(keyset), len(all))
	}
}

// TestGenerateMillion checks the 1M-record budget (memory and time are
// reported, not asserted).
func TestGenerateMillion(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("1M records: skipped with -short and -race")
	}
	sb := sandbox.New(noLimits())
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := sb.Generate("", "people", 1_000_000, sandbox.GenerateOptions{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	n, _ := sb.RecordCount("", "people")
	if n != 1_000_000 {
		t.Fatalf("count %d", n)
	}
	t.Logf("1M people in %v, heap %d MiB", el, (after.HeapAlloc-before.HeapAlloc)>>20)
}

func TestConcurrentMutation(t *testing.T) {
	t.Parallel()
	a := seeded(t).unvalidated()
	sb := a.srv.Sandbox
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				name := fmt.Sprintf("w%d-%d", w, i)
				r := a.do("POST", "/objects/companies/records", map[string]any{"data": map[string]any{"values": map[string]any{
					"name": []any{name}, "domains": []any{name + ".example.com"}}}})
				if r.status != 200 {
					errs <- fmt.Errorf("create %s: %d %s", name, r.status, r.raw)
					return
				}
				id := r.data()["id"].(map[string]any)["record_id"].(string)
				if i%3 == 0 {
					if r := a.do("DELETE", "/objects/companies/records/"+id, nil); r.status != 200 {
						errs <- fmt.Errorf("delete: %d", r.status)
					}
				}
				a.do("POST", "/objects/companies/records/query", map[string]any{"limit": 5})
				_, _ = sb.Records("", "companies")
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = sb.Generate("", "people", 2000, sandbox.GenerateOptions{Seed: 3})
		sb.SetLatency(sandbox.Latency{})
		sb.SetFaults(sandbox.Faults{})
		_ = sb.Stats()
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n, _ := sb.RecordCount("", "companies")
	if n != 4+8*10 {
		t.Fatalf("companies %d, want %d", n, 4+8*10)
	}
}

func BenchmarkGenerateMillion(b *testing.B) {
	for range b.N {
		sb := sandbox.New()
		if err := sb.Generate("", "people", 1_000_000, sandbox.GenerateOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamPages reads 20,000 records in pages of 500 over HTTP.
func BenchmarkStreamPages(b *testing.B) {
	a := newAPI(b, noLimits()).unvalidated()
	if err := a.srv.Sandbox.Generate("", "companies", 20_000, sandbox.GenerateOptions{Seed: 2}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		for off := 0; off < 20_000; off += 500 {
			if n := len(a.page("companies", map[string]any{"limit": 500, "offset": off})); n != 500 {
				b.Fatalf("page of %d", n)
			}
		}
	}
}

// BenchmarkKeysetExport pages through 1M records with created_at keyset filters.
func BenchmarkKeysetExport(b *testing.B) {
	srv := sandbox.NewServer(noLimits())
	defer srv.Close()
	if err := srv.Sandbox.Generate("", "deals", 1_000_000, sandbox.GenerateOptions{Seed: 3}); err != nil {
		b.Fatal(err)
	}
	a := &api{t: b, srv: srv, base: srv.MatonBaseURL(), key: srv.APIKey(), hc: srv.Client()}
	b.ResetTimer()
	for range b.N {
		last, lastID, n := "", "", 0
		for {
			body := map[string]any{"limit": 500}
			if last != "" {
				body["filter"] = map[string]any{"$or": []any{
					map[string]any{"created_at": map[string]any{"$gt": last}},
					map[string]any{"$and": []any{map[string]any{"created_at": last}, map[string]any{"record_id": map[string]any{"$gt": lastID}}}},
				}}
			}
			page := a.page("deals", body)
			if len(page) == 0 {
				break
			}
			n += len(page)
			last, lastID = page[len(page)-1].CreatedAt, page[len(page)-1].ID.RecordID
		}
		if n != 1_000_000 {
			b.Fatalf("exported %d", n)
		}
	}
}
