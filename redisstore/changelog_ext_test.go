package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attio-facade/attio-facade/changes"
	"github.com/attio-facade/attio-facade/internal/redistest"
	"github.com/attio-facade/attio-facade/redisstore"
)

func changeEvents(ids ...string) []changes.Event {
	out := make([]changes.Event, 0, len(ids))
	for _, id := range ids {
		out = append(out, changes.Event{ID: id, Type: "record.updated",
			IDs:      map[string]string{"object_id": "people", "record_id": "r-" + id},
			Actor:    changes.Actor{Type: "api-token", ID: "t"},
			Received: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)})
	}
	return out
}

func eventIDs(es []changes.Entry) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Event.ID)
	}
	return out
}

// TestChangeLogAcrossReplicas: a delivery recorded through replica A is read, whole and in order,
// through replica B; a redelivery with the same Idempotency-Key (to either replica) appends
// nothing; positions grow by one per event; reading on from a position returns what came after.
func TestChangeLogAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	a, b := reps[0].ChangeLog(redisstore.ChangeLogOptions{}), reps[1].ChangeLog(redisstore.ChangeLogOptions{})
	ctx := t.Context()
	if dup, err := a.Record(ctx, "main", "delivery-1", changeEvents("e1", "e2")); err != nil || dup {
		t.Fatalf("record: dup %v, %v", dup, err)
	}
	for _, l := range []*redisstore.ChangeLog{a, b} {
		if dup, err := l.Record(ctx, "main", "delivery-1", changeEvents("e1", "e2")); err != nil || !dup {
			t.Fatalf("redelivery: dup %v, %v; want a duplicate", dup, err)
		}
	}
	if _, err := b.Record(ctx, "main", "delivery-2", changeEvents("e3")); err != nil {
		t.Fatal(err)
	}
	got, head, err := b.Read(ctx, "main", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"e1", "e2", "e3"}, eventIDs(got)); diff != "" {
		t.Fatalf("events read on B (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(changeEvents("e1"), []changes.Event{got[0].Event}); diff != "" {
		t.Errorf("an event does not come back as recorded (-want +got):\n%s", diff)
	}
	if got[1].Pos != got[0].Pos+1 || got[2].Pos != got[1].Pos+1 || head != got[2].Pos {
		t.Errorf("positions %d %d %d, head %d: want consecutive, head the last", got[0].Pos, got[1].Pos, got[2].Pos, head)
	}
	rest, _, err := a.Read(ctx, "main", got[0].Pos, 10)
	if err != nil || len(rest) != 2 || rest[0].Event.ID != "e2" {
		t.Fatalf("read after the first: %v, %v", eventIDs(rest), err)
	}
	// Other connections have their own log.
	if other, _, err := a.Read(ctx, "other", 0, 10); err != nil || len(other) != 0 {
		t.Fatalf("another connection's log: %v, %v", eventIDs(other), err)
	}
}

// TestChangeLogBounds: the log keeps Size events per connection (the stream's MAXLEN) and Keys
// Idempotency-Keys; a reader behind what is kept, or at a position the log never had, gets
// changes.ErrGone with the current head; a read returns at most limit events.
func TestChangeLogBounds(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	l := replicas(t, srv, 1)[0].ChangeLog(redisstore.ChangeLogOptions{Size: 3, Keys: 2})
	ctx := t.Context()
	for i := range 5 {
		if _, err := l.Record(ctx, "main", fmt.Sprint("d", i), changeEvents(fmt.Sprint("e", i))); err != nil {
			t.Fatal(err)
		}
	}
	kept, head, err := l.Read(ctx, "main", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"e2", "e3", "e4"}, eventIDs(kept)); diff != "" {
		t.Fatalf("kept (-want +got):\n%s", diff)
	}
	if two, _, err := l.Read(ctx, "main", 0, 2); err != nil || len(two) != 2 {
		t.Fatalf("limit 2: %v, %v", eventIDs(two), err)
	}
	for _, after := range []uint64{kept[0].Pos - 2, head + 1} {
		if _, h, err := l.Read(ctx, "main", after, 10); !errors.Is(err, changes.ErrGone) || h != head {
			t.Errorf("read after %d (oldest %d, head %d): head %d, %v; want ErrGone with the head", after, kept[0].Pos, head, h, err)
		}
	}
	// Keys 2: d3 and d4 are remembered, d0 was forgotten and is recorded again.
	if dup, _ := l.Record(ctx, "main", "d4", changeEvents("again")); !dup {
		t.Error("a recent Idempotency-Key was not remembered")
	}
	if dup, _ := l.Record(ctx, "main", "d0", changeEvents("again")); dup {
		t.Error("more Idempotency-Keys remembered than Keys")
	}
}

// TestChangeLogAfterFlush: a Redis that lost its data (flushed, or a new instance) starts its
// positions past every position handed out before, so an old token reads ErrGone instead of
// being taken for a position of the new log.
func TestChangeLogAfterFlush(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	open := func(at time.Time) *redisstore.ChangeLog {
		s, err := redisstore.Open(t.Context(), srv.URL(), redisstore.Options{Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s.ChangeLog(redisstore.ChangeLogOptions{})
	}
	before := open(now)
	if _, err := before.Record(t.Context(), "main", "d1", changeEvents("e1", "e2")); err != nil {
		t.Fatal(err)
	}
	old, _, err := before.Read(t.Context(), "main", 0, 10)
	if err != nil || len(old) != 2 {
		t.Fatalf("read: %v, %v", eventIDs(old), err)
	}
	srv.Stop()
	srv.Restart() // a fresh redis-server: nothing kept
	after := open(now.Add(time.Minute))
	if _, err := after.Record(t.Context(), "main", "d2", changeEvents("e3")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := after.Read(t.Context(), "main", old[1].Pos, 10); !errors.Is(err, changes.ErrGone) {
		t.Fatalf("a token of the lost log: %v, want ErrGone", err)
	}
}

// TestChangeLogWakesWatchersOnOtherReplicas: a watcher on replica B that took Changed before a
// recording through replica A is woken by it (pub/sub), long before the poll would.
func TestChangeLogWakesWatchersOnOtherReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	a := reps[0].ChangeLog(redisstore.ChangeLogOptions{})
	b := reps[1].ChangeLog(redisstore.ChangeLogOptions{Poll: time.Hour}) // only a notice can wake it
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go b.Run(ctx)
	// Until the subscription is up a recording's notice can pass unseen: record until one wakes
	// the watcher, each time after taking a fresh channel.
	deadline := time.Now().Add(time.Minute) // only a real failure gets there
	for i := 0; ; i++ {
		wake := b.Changed("main")
		other := b.Changed("other")
		if _, err := a.Record(ctx, "main", fmt.Sprint("d", i), changeEvents(fmt.Sprint("e", i))); err != nil {
			t.Fatal(err)
		}
		select {
		case <-wake:
			select {
			case <-other:
				t.Fatal("a recording on main woke the watchers of another connection")
			default:
			}
			return
		case <-time.After(100 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("no recording woke the watcher on the other replica")
			}
		}
	}
}

// TestChangeLogUnavailable: with Redis down, recording fails (the webhook endpoint then answers
// 5xx and Attio delivers again) and so does reading, both as ErrUnavailable.
func TestChangeLogUnavailable(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	l := replicas(t, srv, 1)[0].ChangeLog(redisstore.ChangeLogOptions{})
	srv.Stop()
	if _, err := l.Record(t.Context(), "main", "d1", changeEvents("e1")); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("record with Redis down: %v, want ErrUnavailable", err)
	}
	if _, _, err := l.Read(t.Context(), "main", 0, 10); !errors.Is(err, redisstore.ErrUnavailable) {
		t.Errorf("read with Redis down: %v, want ErrUnavailable", err)
	}
}
