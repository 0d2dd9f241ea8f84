package redisstore

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Replicas keeps this replica's heartbeat in Redis and counts the live ones: each beat adds the
// replica to a sorted set scored by Redis's clock and drops members silent for three beats. The
// count sizes the local budget while Redis is unreachable (each replica then takes 1/N).
type Replicas struct {
	s     *Store
	id    string
	every time.Duration
	live  atomic.Int64
}

// DefaultHeartbeat is how often a replica reports itself.
const DefaultHeartbeat = time.Second

// heartbeatScript: KEYS replicas. ARGV id, staleMs. Returns the live count.
var heartbeatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZCARD', KEYS[1])
`)

// Replicas returns the heartbeat of replica id (unique per process), beating every every
// (default DefaultHeartbeat) once Run is called.
func (s *Store) Replicas(id string, every time.Duration) *Replicas {
	if every <= 0 {
		every = DefaultHeartbeat
	}
	r := &Replicas{s: s, id: id, every: every}
	r.live.Store(1)
	return r
}

// Live is the number of live replicas last counted (at least 1: this one).
func (r *Replicas) Live() int { return int(max(1, r.live.Load())) }

// Beat reports this replica once and refreshes the count; on error the last count stays.
func (r *Replicas) Beat(ctx context.Context) error {
	n, err := heartbeatScript.Run(ctx, r.s.rdb, []string{r.s.key("replicas")}, r.id, (3 * r.every).Milliseconds()).Int64()
	if err != nil {
		return r.s.wrap(err)
	}
	r.live.Store(n)
	return nil
}

// Run beats until ctx ends, then removes this replica so the others count one less at once.
func (r *Replicas) Run(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		_ = r.Beat(ctx)
		select {
		case <-ctx.Done():
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = r.s.rdb.ZRem(cctx, r.s.key("replicas"), r.id).Err()
			return
		case <-t.C:
		}
	}
}
