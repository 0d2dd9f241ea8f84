package changes_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/changes"
)

func events(n int, prefix string) []changes.Event {
	out := make([]changes.Event, n)
	for i := range out {
		out[i] = changes.Event{ID: fmt.Sprintf("%s-%d", prefix, i), Type: "record.updated"}
	}
	return out
}

// The size bound: a connection keeps its newest Size events; a reader behind the oldest gets
// ErrGone, one at the oldest kept reads on; a position past the newest is ErrGone too.
func TestMemoryLogSizeBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := changes.NewMemoryLog(changes.MemoryLogOptions{Size: 5, First: 1})
	if _, err := log.Record(ctx, "c", "k1", events(3, "a")); err != nil {
		t.Fatal(err)
	}
	es, head, err := log.Read(ctx, "c", 0, 10)
	if err != nil || len(es) != 3 || head != 3 {
		t.Fatalf("read all: %d events, head %d, %v", len(es), head, err)
	}
	if _, err := log.Record(ctx, "c", "k2", events(4, "b")); err != nil {
		t.Fatal(err)
	}
	// 7 recorded, 5 kept: positions 3..7.
	if _, _, err := log.Read(ctx, "c", 1, 10); !errors.Is(err, changes.ErrGone) {
		t.Fatalf("reader at 1 (2 is gone): %v, want ErrGone", err)
	}
	if es, _, err := log.Read(ctx, "c", 0, 10); err != nil || len(es) != 5 || es[0].Pos != 3 {
		t.Fatalf("reader at 0 (from the oldest kept): %+v, %v", es, err)
	}
	if es, head, err := log.Read(ctx, "c", 0, 0); err != nil || len(es) != 0 || head != 7 {
		t.Fatalf("limit 0 reads only the head: %+v, head %d, %v", es, head, err)
	}
	es, head, err = log.Read(ctx, "c", 2, 10)
	if err != nil || len(es) != 5 || es[0].Pos != 3 || es[4].Pos != 7 || head != 7 || es[4].Event.ID != "b-3" {
		t.Fatalf("reader at 2: %+v, head %d, %v", es, head, err)
	}
	if es, _, _ := log.Read(ctx, "c", 2, 2); len(es) != 2 {
		t.Fatalf("limit 2: %d events", len(es))
	}
	if _, _, err := log.Read(ctx, "c", 8, 10); !errors.Is(err, changes.ErrGone) {
		t.Fatalf("position past the newest: %v, want ErrGone", err)
	}
	if es, _, err := log.Read(ctx, "other", 0, 10); err != nil || len(es) != 0 {
		t.Fatalf("connections are apart: %d events, %v", len(es), err)
	}
}

// The key bound: the last Keys keys are remembered; an older one counts as new again.
func TestMemoryLogKeyBound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := changes.NewMemoryLog(changes.MemoryLogOptions{Keys: 2})
	for _, k := range []string{"k1", "k2"} {
		if dup, _ := log.Record(ctx, "c", k, events(1, k)); dup {
			t.Fatalf("%s: first delivery taken as a duplicate", k)
		}
	}
	if dup, _ := log.Record(ctx, "c", "k1", events(1, "k1")); !dup {
		t.Fatal("k1 again, within the bound: not a duplicate")
	}
	if dup, _ := log.Record(ctx, "c", "k3", events(1, "k3")); dup {
		t.Fatal("k3: first delivery taken as a duplicate")
	}
	if dup, _ := log.Record(ctx, "c", "k1", events(1, "k1")); dup {
		t.Fatal("k1 after 2 newer keys with a bound of 2: still remembered")
	}
}

// A new log starts past every position an earlier one (an earlier process) can have handed out, so
// a token from before a restart is ErrGone rather than a position of the new log.
func TestMemoryLogRestartIsGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Unix(1_800_000_000, 0)
	before := changes.NewMemoryLog(changes.MemoryLogOptions{First: changes.FirstPosition(start)})
	// The earlier process ran 2 s and recorded far more than anything real: 1,500 events.
	for i := range 15 {
		if _, err := before.Record(ctx, "c", fmt.Sprint(i), events(100, "a")); err != nil {
			t.Fatal(err)
		}
	}
	_, old, _ := before.Read(ctx, "c", 0, 0)
	after := changes.NewMemoryLog(changes.MemoryLogOptions{First: changes.FirstPosition(start.Add(2 * time.Second))})
	for i := range 20 {
		if _, err := after.Record(ctx, "c", fmt.Sprint(i), events(100, "b")); err != nil {
			t.Fatal(err)
		}
	}
	if _, head, err := after.Read(ctx, "c", old, 10); !errors.Is(err, changes.ErrGone) {
		t.Fatalf("token %d of the earlier log on the new one (head %d): %v, want ErrGone", old, head, err)
	}
}

// Changed wakes a reader at the next Record of its connection only.
func TestMemoryLogChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := changes.NewMemoryLog(changes.MemoryLogOptions{})
	c, other := log.Changed("c"), log.Changed("other")
	if _, err := log.Record(ctx, "c", "k", events(1, "a")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c:
	default:
		t.Fatal("a Record on c did not close c's channel")
	}
	select {
	case <-other:
		t.Fatal("a Record on c woke the readers of another connection")
	default:
	}
	again := log.Changed("c")
	if _, err := log.Record(ctx, "c", "k", events(1, "a")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-again:
		t.Fatal("a duplicate delivery (nothing recorded) woke the readers")
	default:
	}
}
