package server

import (
	"context"
	"sync"
)

// StreamSlots counts the streams and exports each caller has open, for the per-caller cap
// (StreamLimitsConfig.CallerMaxStreams). The default counts in this process; redisstore's counts
// across every replica sharing one Redis.
type StreamSlots interface {
	// Acquire takes one of key's max slots. ok is false when key holds max already; otherwise
	// release gives the slot back, and is called exactly once, when the stream has ended.
	Acquire(ctx context.Context, key string, max int) (release func(), ok bool)
}

// memorySlots is the in-process StreamSlots.
type memorySlots struct {
	mu   sync.Mutex
	open map[string]int
}

func newMemorySlots() *memorySlots { return &memorySlots{open: map[string]int{}} }

func (m *memorySlots) Acquire(_ context.Context, key string, max int) (func(), bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.open[key] >= max {
		return nil, false
	}
	m.open[key]++
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.open[key]--; m.open[key] <= 0 {
			delete(m.open, key)
		}
	}, true
}
