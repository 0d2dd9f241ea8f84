package protocodec

import (
	"bytes"
	"sync"
)

// DefaultMaxPooledBytes is the largest read buffer the codec keeps for reuse by default: connect's
// default read limit (4 MiB a message), so every message a default client or handler accepts
// reuses its buffer, and an outsized one (a client that raised its limit for big pages) is not
// held for the life of the process.
const DefaultMaxPooledBytes = 4 << 20

// bufferPool recycles the buffers UnmarshalRead reads into, up to a capacity of max bytes.
type bufferPool struct {
	max   int
	store interface {
		Get() any
		Put(any)
	}
}

func newBufferPool(max int) *bufferPool {
	return &bufferPool{max: max, store: &sync.Pool{}}
}

func (p *bufferPool) get() *bytes.Buffer {
	if b, ok := p.store.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// put keeps b for reuse unless it grew past the bound.
func (p *bufferPool) put(b *bytes.Buffer) {
	if b.Cap() > p.max {
		return
	}
	b.Reset()
	p.store.Put(b)
}
