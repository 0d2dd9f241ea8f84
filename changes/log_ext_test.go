package changes_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

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
	log := changes.NewMemoryLog(changes.MemoryLogOptions{Size: 5})
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
