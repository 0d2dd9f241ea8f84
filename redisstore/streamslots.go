package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
)

// StreamSlots counts each caller's open streams and exports across all replicas (a
// server.StreamSlots): one sorted set per caller whose members are stream leases scored by their
// expiry on Redis's clock. A live stream renews its lease every Renew; an ended one removes it; a
// replica killed with its streams leaves leases that expire after TTL, so the caller gets its
// slots back without anyone cleaning up.
//
// While Redis is unreachable a stream is admitted by this replica alone, up to 1/N of the cap
// (at least 1), N being the live replicas last counted (see Replicas), counting the caller's
// streams open here: never unbounded, and spread evenly the callers' total stays within the cap.
// A stream admitted that way takes its lease at its first renewal once Redis answers again, so the
// shared count catches up with it.
type StreamSlots struct {
	s *Store
	o StreamSlotOptions

	mu    sync.Mutex
	local map[string]int // streams open here per caller, for the fallback
}

// Defaults of StreamSlotOptions.
const (
	DefaultStreamLeaseTTL   = 30 * time.Second
	DefaultStreamLeaseRenew = 10 * time.Second
)

// StreamSlotOptions configures Store.StreamSlots.
type StreamSlotOptions struct {
	// TTL is how long a lease outlives its last renewal: how long the slots of a killed replica's
	// streams stay taken. Default DefaultStreamLeaseTTL.
	TTL time.Duration
	// Renew is how often a live stream renews its lease; below TTL. Default
	// DefaultStreamLeaseRenew (or TTL/3 when that is not below TTL).
	Renew time.Duration
	// Replicas returns the live replica count for the fallback; nil means 1.
	Replicas func() int
}

// StreamSlots returns the shared per-caller stream counter.
func (s *Store) StreamSlots(o StreamSlotOptions) *StreamSlots {
	if o.TTL <= 0 {
		o.TTL = DefaultStreamLeaseTTL
	}
	if o.Renew <= 0 {
		o.Renew = DefaultStreamLeaseRenew
	}
	if o.Renew >= o.TTL {
		o.Renew = o.TTL / 3
	}
	if o.Replicas == nil {
		o.Replicas = func() int { return 1 }
	}
	return &StreamSlots{s: s, o: o, local: map[string]int{}}
}

// acquireScript: KEYS leases. ARGV member, max, ttlMs. Drops expired leases, then adds member
// unless max remain. Returns 1 when added.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`)

// renewScript: KEYS leases. ARGV member, ttlMs. Sets member's expiry (adding it back if it
// expired meanwhile: the stream is still open, and the count should say so).
var renewScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`)

// Acquire takes one of key's limit slots across replicas (see StreamSlots for the fallback).
func (l *StreamSlots) Acquire(ctx context.Context, key string, limit int) (func(), bool) {
	ctx, sp := l.s.span(ctx, "stream_slots.acquire")
	zkey, member := l.s.key("streams", key), leaseID()
	n, err := acquireScript.Run(ctx, l.s.rdb, []string{zkey}, member, limit, l.o.TTL.Milliseconds()).Int()
	if err != nil {
		sp.SetAttributes(attribute.Bool("fallback", true))
		end(sp, l.s.wrap(err))
		if !l.enterLocal(key, localCap(limit, l.o.Replicas())) {
			return nil, false
		}
	} else {
		end(sp, nil)
		if n == 0 {
			return nil, false
		}
		l.enterLocal(key, -1)
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go l.renew(zkey, member, stop, stopped)
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-stopped
			l.leaveLocal(key)
			ctx, sp := l.s.span(context.Background(), "stream_slots.release")
			// On error the lease expires by itself after TTL.
			end(sp, l.s.wrap(l.s.rdb.ZRem(ctx, zkey, member).Err()))
		})
	}, true
}

// localCap is a replica's share of limit while Redis is unreachable.
func localCap(limit, replicas int) int { return max(1, limit/max(1, replicas)) }

func (l *StreamSlots) renew(zkey, member string, stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(l.o.Renew)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, sp := l.s.span(context.Background(), "stream_slots.renew")
		err := renewScript.Run(ctx, l.s.rdb, []string{zkey}, member, l.o.TTL.Milliseconds()).Err()
		end(sp, l.s.wrap(err))
	}
}

// enterLocal counts a stream of key here; with limit >= 0 only while fewer than limit are open.
func (l *StreamSlots) enterLocal(key string, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if limit >= 0 && l.local[key] >= limit {
		return false
	}
	l.local[key]++
	return true
}

func (l *StreamSlots) leaveLocal(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.local[key]--; l.local[key] <= 0 {
		delete(l.local, key)
	}
}

// leaseID names one stream's lease, unique across replicas.
func leaseID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
