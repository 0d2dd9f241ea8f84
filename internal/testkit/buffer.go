package testkit

import (
	"bytes"
	"sync"
)

// Buffer is a log or audit sink written by a server's goroutines while the test reads it: a
// bytes.Buffer behind a mutex, so the race detector sees every read ordered after the writes.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
