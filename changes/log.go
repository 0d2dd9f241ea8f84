package changes

import (
	"context"
	"errors"
	"sync"
)

// Log is the change log: per connection, events in the order they were recorded, each at a
// position (1, 2, ...) that change tokens point at. The in-memory MemoryLog is the default; one in
// Redis can serve every replica later.
type Log interface {
	// Record appends the events of one delivery of conn, named key (its Idempotency-Key), unless
	// a delivery with that key was recorded already: then it appends nothing and returns dup.
	// It returns only once the events are recorded.
	Record(ctx context.Context, conn, key string, events []Event) (dup bool, err error)
	// Read returns up to limit events of conn after position after (0: from the first ever), and
	// the newest position. ErrGone: after is older than the oldest kept (the reader fell too far
	// behind) or newer than the newest (a position of another log).
	Read(ctx context.Context, conn string, after uint64, limit int) (entries []Entry, head uint64, err error)
}

// Entry is an event at its position.
type Entry struct {
	Pos   uint64
	Event Event
}

// ErrGone is Read's error for a position the log no longer (or never) had.
var ErrGone = errors.New("change log position not kept: the reader fell too far behind, or the position is of another log")

// Defaults of MemoryLogOptions.
const (
	DefaultLogSize = 10000
	DefaultLogKeys = 10000
)

// MemoryLogOptions bounds a MemoryLog.
type MemoryLogOptions struct {
	// Size is how many events are kept per connection; the oldest go first. Default
	// DefaultLogSize.
	Size int
	// Keys is how many Idempotency-Keys are remembered per connection: a redelivery older than
	// that many deliveries is recorded again (consumers dedupe on the change id anyway). Default
	// DefaultLogKeys.
	Keys int
}

// MemoryLog is the Log in this process's memory, bounded per connection. Connections come only
// from the configured webhook secrets, so their number is bounded too.
type MemoryLog struct {
	o     MemoryLogOptions
	mu    sync.Mutex
	conns map[string]*connLog
}

type connLog struct {
	ring []Entry // position p at ring[p % len(ring)]
	next uint64  // position of the next event
	n    int     // events kept

	keys  map[string]bool
	order []string // keys in the order seen, as a ring
	k     int      // next slot of order
}

// NewMemoryLog returns an empty log.
func NewMemoryLog(o MemoryLogOptions) *MemoryLog {
	if o.Size <= 0 {
		o.Size = DefaultLogSize
	}
	if o.Keys <= 0 {
		o.Keys = DefaultLogKeys
	}
	return &MemoryLog{o: o, conns: map[string]*connLog{}}
}

var _ Log = (*MemoryLog)(nil)

func (m *MemoryLog) conn(name string) *connLog {
	c := m.conns[name]
	if c == nil {
		c = &connLog{ring: make([]Entry, m.o.Size), next: 1, keys: map[string]bool{}, order: make([]string, m.o.Keys)}
		m.conns[name] = c
	}
	return c
}

// Record implements Log.
func (m *MemoryLog) Record(_ context.Context, conn, key string, events []Event) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.conn(conn)
	if c.keys[key] {
		return true, nil
	}
	if old := c.order[c.k]; old != "" {
		delete(c.keys, old)
	}
	c.order[c.k], c.keys[key] = key, true
	c.k = (c.k + 1) % len(c.order)
	for _, e := range events {
		c.ring[c.next%uint64(len(c.ring))] = Entry{Pos: c.next, Event: e}
		c.next++
		c.n = min(c.n+1, len(c.ring))
	}
	return false, nil
}

// Read implements Log.
func (m *MemoryLog) Read(_ context.Context, conn string, after uint64, limit int) ([]Entry, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.conn(conn)
	head := c.next - 1
	oldest := c.next - uint64(c.n)
	if after > head || after+1 < oldest {
		return nil, head, ErrGone
	}
	var out []Entry
	for p := max(after+1, oldest); p <= head && len(out) < limit; p++ {
		out = append(out, c.ring[p%uint64(len(c.ring))])
	}
	return out, head, nil
}
