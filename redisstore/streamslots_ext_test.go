package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/attio-facade/attio-facade/internal/redistest"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/redisstore"
)

// holdN takes n slots of key, failing the test if one is refused.
func holdN(t *testing.T, l *redisstore.StreamSlots, key string, limit, n int) []func() {
	t.Helper()
	var out []func()
	for i := range n {
		release, ok := l.Acquire(t.Context(), key, limit)
		if !ok {
			t.Fatalf("slot %d of %d refused", i+1, n)
		}
		out = append(out, release)
	}
	t.Cleanup(func() {
		for _, r := range out {
			r()
		}
	})
	return out
}

func refused(t *testing.T, l *redisstore.StreamSlots, key string, limit int) bool {
	t.Helper()
	release, ok := l.Acquire(t.Context(), key, limit)
	if ok {
		release()
	}
	return !ok
}

// TestStreamSlotsShareOneCap: a caller at its cap on replica A is refused on B; callers stay
// apart; an ended stream's slot is free on the other replica at once.
func TestStreamSlotsShareOneCap(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	a, b := reps[0].StreamSlots(redisstore.StreamSlotOptions{}), reps[1].StreamSlots(redisstore.StreamSlotOptions{})
	held := holdN(t, a, "principal:alice", 3, 2)
	holdN(t, b, "principal:alice", 3, 1)
	if !refused(t, b, "principal:alice", 3) || !refused(t, a, "principal:alice", 3) {
		t.Fatal("alice got a 4th slot with a cap of 3 over two replicas")
	}
	holdN(t, b, "principal:bob", 3, 3) // bob has his own cap
	held[0]()
	held[0] = func() {}
	if refused(t, b, "principal:alice", 3) {
		t.Fatal("a slot released on A is still taken for B")
	}
}

// TestStreamSlotsLeasesOfADeadReplicaExpire: the slots of a replica that stops renewing (killed,
// here: its connection closed) come back after the lease TTL, with nobody releasing them.
func TestStreamSlotsLeasesOfADeadReplicaExpire(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	opts := redisstore.StreamSlotOptions{TTL: time.Second, Renew: 100 * time.Millisecond}
	a, b := reps[0].StreamSlots(opts), reps[1].StreamSlots(opts)
	holdN(t, a, "principal:alice", 2, 2)
	if !refused(t, b, "principal:alice", 2) {
		t.Fatal("B admitted alice beyond her cap while A holds it")
	}
	_ = reps[0].Close() // A dies: no renewal, no release
	testkit.Until(t, "A's leases to expire", func() bool { return !refused(t, b, "principal:alice", 2) })
}

// TestStreamSlotsRenewalKeepsALease: a live stream outlives many TTLs: its lease's expiry moves
// forward and the slot stays taken.
func TestStreamSlotsRenewalKeepsALease(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	reps := replicas(t, srv, 2)
	const ttl = 300 * time.Millisecond
	a := reps[0].StreamSlots(redisstore.StreamSlotOptions{TTL: ttl, Renew: 50 * time.Millisecond})
	b := reps[1].StreamSlots(redisstore.StreamSlotOptions{TTL: ttl})
	holdN(t, a, "principal:alice", 1, 1)
	raw := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer raw.Close()
	key := redisstore.DefaultPrefix + "streams:principal:alice"
	expiry := func() float64 {
		zs, err := raw.ZRangeWithScores(t.Context(), key, 0, -1).Result()
		if err != nil || len(zs) != 1 {
			t.Fatalf("leases: %v, %v; want one", zs, err)
		}
		return zs[0].Score
	}
	first := expiry()
	testkit.Until(t, "the lease renewed past three TTLs", func() bool {
		return expiry() > first+float64(3*ttl.Milliseconds())
	})
	if !refused(t, b, "principal:alice", 1) {
		t.Fatal("a renewed lease was counted as expired")
	}
}

// TestStreamSlotsFallback: with Redis down a replica admits up to cap/N of a caller's streams
// itself (at least 1), never unbounded; with Redis back the shared count applies again.
func TestStreamSlotsFallback(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := replicas(t, srv, 1)[0]
	two := s.StreamSlots(redisstore.StreamSlotOptions{Replicas: func() int { return 2 }})
	ten := s.StreamSlots(redisstore.StreamSlotOptions{Replicas: func() int { return 10 }})
	srv.Stop()
	held := holdN(t, two, "principal:alice", 4, 2)
	if !refused(t, two, "principal:alice", 4) {
		t.Fatal("admitted a 3rd stream of cap 4 on one of 2 replicas while Redis is down")
	}
	held[0]()
	held[0] = func() {}
	if refused(t, two, "principal:alice", 4) {
		t.Fatal("a released fallback slot was not given back")
	}
	holdN(t, ten, "principal:bob", 4, 1)
	if !refused(t, ten, "principal:bob", 4) {
		t.Fatal("admitted more than 1 stream (cap 4 over 10 replicas, at least 1) while Redis is down")
	}
	srv.Restart()
	// Back on Redis: the cap is shared again (4 for bob, of which the fallback stream takes its
	// lease at its first renewal; without waiting for it up to 4 more are admitted).
	testkit.Until(t, "redis back", func() bool { return s.Ping(t.Context()) == nil })
	holdN(t, ten, "principal:carol", 4, 4)
	if !refused(t, ten, "principal:carol", 4) {
		t.Fatal("a 5th stream of cap 4 admitted once Redis is back")
	}
}
