package changes

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Log is the change log: per connection, events in the order they were recorded, each at a
// position that change tokens point at. Positions grow by one per event; a log starts them where
// no earlier log's can have reached (see FirstPosition), so a token from before a restart (or a
// Redis flush) is refused as gone instead of being taken for a position of the new log. The
// in-memory MemoryLog is the default.
type Log interface {
	// Record appends the events of one delivery of conn, named key (its Idempotency-Key), unless
	// a delivery with that key was recorded already: then it appends nothing and returns dup.
	// It returns only once the events are recorded.
	Record(ctx context.Context, conn, key string, events []Event) (dup bool, err error)
	// Read returns up to limit events of conn after position after (0: from the oldest kept), and
	// the newest position (limit 0 reads only that). ErrGone: after is older than the oldest kept
	// (the reader fell too far behind) or newer than the newest (a position of another log).
	Read(ctx context.Context, conn string, after uint64, limit int) (entries []Entry, head uint64, err error)
}

// Entry is an event at its position.
type Entry struct {
	Pos   uint64
	Event Event
}

// ErrGone is Read's error for a position the log no longer (or never) had.
var ErrGone = errors.New("change log position not kept: the reader fell too far behind, or the position is of another log")

// Notifier is a Log that can wake its readers: the channel Changed returns is closed once an event
// is recorded on conn after the call. Readers take it before they Read, so nothing recorded in
// between is missed. Without it, watchers poll.
type Notifier interface {
	Changed(conn string) <-chan struct{}
}

// FirstPosition is where a new log starts its positions: a thousand per millisecond since the
// epoch. A log that ran before recorded fewer than a thousand events per millisecond of its life,
// so its positions all lie below a later log's first one, and its tokens are ErrGone.
func FirstPosition(now time.Time) uint64 { return uint64(now.UnixMilli()) * 1000 }

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
	// First is the position of a connection's first event; default FirstPosition(time.Now()) when
	// the log is made.
	First uint64
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

	wake chan struct{} // closed (and replaced) by the next Record
}

// NewMemoryLog returns an empty log.
func NewMemoryLog(o MemoryLogOptions) *MemoryLog {
	if o.Size <= 0 {
		o.Size = DefaultLogSize
	}
	if o.Keys <= 0 {
		o.Keys = DefaultLogKeys
	}
	if o.First == 0 {
		o.First = FirstPosition(time.Now())
	}
	return &MemoryLog{o: o, conns: map[string]*connLog{}}
}

var _ Log = (*MemoryLog)(nil)

func (m *MemoryLog) conn(name string) *connLog {
	c := m.conns[name]
	if c == nil {
		c = &connLog{ring: make([]Entry, m.o.Size), next: m.o.First, keys: map[string]bool{}, order: make([]string, m.o.Keys), wake: make(chan struct{})}
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
	if len(events) > 0 {
		close(c.wake)
		c.wake = make(chan struct{})
	}
	return false, nil
}

// Changed implements Notifier.
func (m *MemoryLog) Changed(conn string) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.conn(conn).wake
}

// Read implements Log.
func (m *MemoryLog) Read(_ context.Context, conn string, after uint64, limit int) ([]Entry, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.conn(conn)
	head := c.next - 1
	oldest := c.next - uint64(c.n)
	if after == 0 {
		after = oldest - 1
	}
	if after > head || after+1 < oldest {
		return nil, head, ErrGone
	}
	var out []Entry
	for p := max(after+1, oldest); p <= head && len(out) < limit; p++ {
		out = append(out, c.ring[p%uint64(len(c.ring))])
	}
	return out, head, nil
}
