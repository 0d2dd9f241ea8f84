package sandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/sandbox"
)

// handlerRT delivers in memory to a handler, so a test can run the sandbox and
// its receiver in one synctest bubble.
type handlerRT struct{ h http.Handler }

func (rt handlerRT) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	rt.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// memSandbox is a seeded sandbox called in memory, delivering to rcv.
type memSandbox struct {
	t  testing.TB
	sb *sandbox.Sandbox
}

func newMemSandbox(t testing.TB, rcv http.Handler, o sandbox.WebhookDelivery, seed uint64) *memSandbox {
	sb := sandbox.New(seedFS(), noLimits(), sandbox.WithRandomSeed(seed), sandbox.WithWebhookDelivery(o), sandbox.WithWebhookTransport(handlerRT{rcv}))
	t.Cleanup(sb.CloseWebhooks)
	return &memSandbox{t: t, sb: sb}
}

func (m *memSandbox) call(method, path string, body any) map[string]any {
	m.t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(method, "http://sandbox/attio/v2"+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+sandbox.DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.sb.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		m.t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	var out struct {
		Data map[string]any `json:"data"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out.Data
}

// hook subscribes a loopback target to record.created and returns the webhook id.
func (m *memSandbox) hook() string {
	d := m.call("POST", "/webhooks", hook("http://127.0.0.1:1/hook", sub("record.created", nil)))
	return d["id"].(map[string]any)["webhook_id"].(string)
}

// create makes n people and returns their record ids in order.
func (m *memSandbox) create(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = m.call("POST", "/objects/people/records", person(fmt.Sprintf("P %d", i)))["id"].(map[string]any)["record_id"].(string)
	}
	return out
}

// seen is the sequence of (record index, key) of the deliveries taken.
func seen(t testing.TB, rcv *receiver, ids []string) (order []int, keys []string) {
	idx := map[string]int{}
	for i, id := range ids {
		idx[id] = i
	}
	for _, g := range rcv.deliveries() {
		_, eids := g.event(t)
		order = append(order, idx[eids["record_id"]])
		keys = append(keys, g.key)
	}
	return order, keys
}

// A 500 is retried with the same Idempotency-Key after the backoff, doubling;
// after Attempts failures the delivery is given up and the webhook degraded,
// and a later success makes it active again.
func TestWebhookRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver()
		var at []time.Time
		rcv.answer = func(n int, _ got) int {
			at = append(at, time.Now())
			if n < 2 {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		}
		m := newMemSandbox(t, rcv, sandbox.WebhookDelivery{Attempts: 3, Backoff: time.Second, MaxBackoff: time.Minute}, 1)
		id := m.hook()
		m.create(1)
		synctest.Wait()
		time.Sleep(time.Hour)
		synctest.Wait()
		gs := rcv.deliveries()
		if len(gs) != 3 || gs[0].key != gs[1].key || gs[1].key != gs[2].key {
			t.Fatalf("%d attempts, keys %v", len(gs), gs)
		}
		if d1, d2 := at[1].Sub(at[0]), at[2].Sub(at[1]); d1 != time.Second || d2 != 2*time.Second {
			t.Errorf("backoff %s then %s, want 1s then 2s", d1, d2)
		}
		if st := m.sb.WebhookStats(); st.Attempts != 3 || st.Retries != 2 || st.Delivered != 1 || st.Failed != 0 {
			t.Errorf("stats %+v", st)
		}
		// Now every attempt fails: 3 attempts, then given up, the webhook degraded.
		rcv.answer = func(int, got) int { return http.StatusServiceUnavailable }
		m.create(1)
		synctest.Wait()
		time.Sleep(time.Hour)
		synctest.Wait()
		if st := m.sb.WebhookStats(); st.Attempts != 6 || st.Failed != 1 {
			t.Errorf("after a failing delivery: stats %+v, want 6 attempts, 1 failed", st)
		}
		if s := m.call("GET", "/webhooks/"+id, nil)["status"]; s != "degraded" {
			t.Errorf("status %v after a delivery was given up, want degraded", s)
		}
		rcv.answer = nil
		m.create(1)
		synctest.Wait()
		if s := m.call("GET", "/webhooks/"+id, nil)["status"]; s != "active" {
			t.Errorf("status %v after a delivery succeeded, want active", s)
		}
	})
}

// knobRun makes 60 people with the knobs and seed given and returns what the
// receiver saw and the counters.
func knobRun(t *testing.T, o sandbox.WebhookDelivery, seed uint64) (order []int, keys []string, st sandbox.WebhookStats) {
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver()
		m := newMemSandbox(t, rcv, o, seed)
		m.hook()
		ids := m.create(60)
		synctest.Wait()
		time.Sleep(time.Hour) // fake time: every hold and delay has passed
		synctest.Wait()
		order, keys = seen(t, rcv, ids)
		st = m.sb.WebhookStats()
	})
	return order, keys, st
}

// Drop, duplicate and reorder: the same seed gives the same deliveries in the
// same order; the counters account for every one; duplicates carry the key of
// their original.
func TestWebhookKnobsAreSeeded(t *testing.T) {
	t.Parallel()
	o := sandbox.WebhookDelivery{Drop: 0.2, Duplicate: 0.2, Reorder: 0.2}
	order, keys, st := knobRun(t, o, 42)
	order2, _, st2 := knobRun(t, o, 42)
	if !slices.Equal(order, order2) || st != st2 {
		t.Fatalf("same seed, other outcome:\n%v %+v\n%v %+v", order, st, order2, st2)
	}
	if st.Events != 60 || st.Dropped == 0 || st.Duplicated == 0 || st.Reordered == 0 {
		t.Fatalf("stats %+v: want 60 events with some dropped, duplicated and reordered", st)
	}
	if len(order) != 60-st.Dropped+st.Duplicated || st.Delivered != len(order) {
		t.Errorf("%d deliveries taken, stats %+v", len(order), st)
	}
	distinct := map[int]bool{}
	byKey := map[string]int{}
	for i, k := range keys {
		distinct[order[i]] = true
		if j, ok := byKey[k]; ok && j != order[i] {
			t.Errorf("key %s on records %d and %d", k, j, order[i])
		}
		byKey[k] = order[i]
	}
	if len(distinct) != 60-st.Dropped || len(byKey) != 60-st.Dropped {
		t.Errorf("%d records, %d keys delivered, want %d", len(distinct), len(byKey), 60-st.Dropped)
	}
	if slices.IsSorted(order) {
		t.Errorf("reorder on, deliveries still in write order: %v", order)
	}
	_, _, other := knobRun(t, o, 7)
	if other == st {
		t.Errorf("another seed gave the same counters %+v", st)
	}
	// All knobs off: every write once, in order.
	plain, _, pst := knobRun(t, sandbox.WebhookDelivery{}, 42)
	if len(plain) != 60 || !slices.IsSorted(plain) || pst.Delivered != 60 {
		t.Errorf("no knobs: %v, %+v", plain, pst)
	}
	// Drop 1: nothing.
	none, _, nst := knobRun(t, sandbox.WebhookDelivery{Drop: 1}, 42)
	if len(none) != 0 || nst.Dropped != 60 {
		t.Errorf("drop 1: %d taken, %+v", len(none), nst)
	}
}

// Delay: nothing arrives before it, everything after.
func TestWebhookDelay(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver()
		m := newMemSandbox(t, rcv, sandbox.WebhookDelivery{Delay: 5 * time.Second}, 1)
		m.hook()
		m.create(2)
		synctest.Wait()
		time.Sleep(5*time.Second - time.Nanosecond)
		synctest.Wait()
		if n := len(rcv.deliveries()); n != 0 {
			t.Fatalf("%d deliveries before the delay", n)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if n := len(rcv.deliveries()); n != 2 {
			t.Fatalf("%d deliveries after the delay, want 2", n)
		}
	})
}

// The queue bound: with one delivery in flight (its target stalls) and Queue
// 2, one more is queued and the next dropped and counted, and the writes
// themselves never wait.
func TestWebhookQueueBound(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		rcv := newReceiver()
		stall := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-release
			rcv.ServeHTTP(w, r)
		})
		m := newMemSandbox(t, stall, sandbox.WebhookDelivery{Queue: 2}, 1)
		m.hook()
		m.create(1)
		synctest.Wait() // the first delivery is in flight, stalled
		m.create(3)     // returns although the target takes nothing
		if st := m.sb.WebhookStats(); st.QueueFull != 2 || st.Events != 4 {
			t.Fatalf("stats %+v: want 2 dropped by the full queue of 4", st)
		}
		close(release)
		synctest.Wait()
		if n := len(rcv.deliveries()); n != 2 {
			t.Fatalf("%d deliveries, want the 2 the queue held", n)
		}
	})
}

// Each kind of write fires Attio's event type for it, with the ids of its shape.
func TestWebhookEventTypes(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver()
		m := newMemSandbox(t, rcv, sandbox.WebhookDelivery{}, 1)
		var subs []any
		for _, e := range []string{"list-entry.created", "list-entry.updated", "list-entry.deleted", "task.created", "task.updated",
			"task.deleted", "comment.created", "comment.deleted", "list.created", "list.updated", "note.created", "note.deleted"} {
			subs = append(subs, sub(e, nil))
		}
		m.call("POST", "/webhooks", hook("http://localhost:1/hook", subs...))
		entry := m.call("POST", "/lists/sales_pipeline/entries", map[string]any{"data": map[string]any{"parent_record_id": sandbox.SeedCompanyID, "parent_object": "companies", "entry_values": map[string]any{}}})
		eid := entry["id"].(map[string]any)["entry_id"].(string)
		m.call("PATCH", "/lists/sales_pipeline/entries/"+eid, map[string]any{"data": map[string]any{"entry_values": map[string]any{"tags": []any{"cold"}}}})
		m.call("DELETE", "/lists/sales_pipeline/entries/"+eid, nil)
		task := m.call("POST", "/tasks", map[string]any{"data": map[string]any{"content": "Call", "format": "plaintext", "deadline_at": nil, "is_completed": false, "linked_records": []any{}, "assignees": []any{}}})
		tid := task["id"].(map[string]any)["task_id"].(string)
		m.call("PATCH", "/tasks/"+tid, map[string]any{"data": map[string]any{"is_completed": true}})
		m.call("DELETE", "/tasks/"+tid, nil)
		c := m.call("POST", "/comments", map[string]any{"data": map[string]any{"format": "plaintext", "content": "Reply", "author": map[string]any{"type": "workspace-member", "id": sandbox.DefaultMemberID}, "thread_id": sandbox.SeedThreadID}})
		m.call("DELETE", "/comments/"+c["id"].(map[string]any)["comment_id"].(string), nil)
		l := m.call("POST", "/lists", map[string]any{"data": map[string]any{"name": "Fleet", "api_slug": "fleet", "parent_object": "people", "workspace_access": "read-and-write", "workspace_member_access": []any{}}})
		m.call("PATCH", "/lists/fleet", map[string]any{"data": map[string]any{"name": "Fleet 2"}})
		n := m.call("POST", "/notes", map[string]any{"data": map[string]any{"parent_object": "people", "parent_record_id": sandbox.SeedPersonID, "title": "t", "format": "plaintext", "content": "c"}})
		m.call("DELETE", "/notes/"+n["id"].(map[string]any)["note_id"].(string), nil)
		synctest.Wait()
		want := []struct {
			typ, idKey, extra string
		}{
			{"list-entry.created", "entry_id", "parent_record_id"}, {"list-entry.updated", "attribute_id", "parent_record_id"}, {"list-entry.deleted", "entry_id", "parent_object_id"},
			{"task.created", "task_id", ""}, {"task.updated", "task_id", ""}, {"task.deleted", "task_id", ""},
			{"comment.created", "comment_id", "thread_id"}, {"comment.deleted", "comment_id", "record_id"},
			{"list.created", "list_id", ""}, {"list.updated", "list_id", ""},
			{"note.created", "note_id", "parent_record_id"}, {"note.deleted", "note_id", "parent_object_id"},
		}
		gs := rcv.deliveries()
		if len(gs) != len(want) {
			t.Fatalf("%d deliveries, want %d", len(gs), len(want))
		}
		for i, w := range want {
			typ, ids := gs[i].event(t)
			if typ != w.typ || ids[w.idKey] == "" || ids["workspace_id"] != sandbox.DefaultWorkspaceID || (w.extra != "" && !hasExtra(gs[i], w.extra)) {
				t.Errorf("delivery %d: %s %v %s, want %s with id.%s and %s", i, typ, ids, gs[i].body, w.typ, w.idKey, w.extra)
			}
		}
		if _, ids := gs[8].event(t); ids["list_id"] != l["id"].(map[string]any)["list_id"] {
			t.Errorf("list.created names %v", ids)
		}
	})
}

func hasExtra(g got, k string) bool {
	v, ok := g.env.Events[0].Extra.Get(k)
	return ok && string(v) != "null"
}

// After CloseWebhooks (Server.Close calls it) writes queue nothing and nothing is sent.
func TestWebhookCloseStopsDelivery(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rcv := newReceiver()
		m := newMemSandbox(t, rcv, sandbox.WebhookDelivery{}, 1)
		m.hook()
		m.sb.CloseWebhooks()
		m.create(2)
		synctest.Wait()
		if n, st := len(rcv.deliveries()), m.sb.WebhookStats(); n != 0 || st.Events != 0 || !m.sb.WebhookIdle() {
			t.Fatalf("after close: %d deliveries, stats %+v", n, st)
		}
	})
}
